#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine lacks to build and test delta-cpp.
# Idempotent: on a ready machine it only checks, in a few seconds.
#
#   scripts/setup.sh            system packages + the project venv (.venv) with pinned pyarrow,
#                               the test oracles and the benchmark's peers (bench/requirements.py)
#   DELTACPP_VENV=/path ...     put the venv elsewhere
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DELTACPP_VENV:-$repo_root/.venv}"

# Debian packages, by what the build uses (see ../shared/design/ARCHITECTURE.md).
apt_packages=(
  build-essential cmake ninja-build ccache clang-format
  libgtest-dev        # unit tests
  rapidjson-dev       # JSON: commit files, schemas (header-only, see docs)
  libcli11-dev        # deltacpp command line
  libroaring-dev      # deletion vectors (CRoaring)
  clang libclang-rt-14-dev  # fuzz targets (scripts/fuzz.sh): libFuzzer, ASan, UBSan runtimes
  time                # GNU time: bench/run measures each run's peak memory with it
  strace              # tests/safety/test_durability.py records a commit's file-system calls
)

missing=()
for pkg in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The project venv: pinned pyarrow (Arrow C++ headers and libraries), the test oracles and
# what builds the Python package (nanobind).
# A stamp holding the requirements' checksum makes the second run instant.
requirements=("$repo_root/scripts/requirements/pyarrow.txt" "$repo_root/scripts/requirements/test.txt"
              "$repo_root/scripts/requirements/build.txt")
want_stamp="$(cat "${requirements[@]}" | sha256sum | cut -d' ' -f1)"
stamp_file="$venv/.deltacpp-requirements"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup: creating venv $venv"
  python3 -m venv "$venv"
fi
if [[ "$(cat "$stamp_file" 2>/dev/null)" != "$want_stamp" ]]; then
  echo "setup: installing Python requirements into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    -r "$repo_root/scripts/requirements/test.txt" -r "$repo_root/scripts/requirements/build.txt"
  echo "$want_stamp" >"$stamp_file"
fi
# What bench/run adds (DuckDB and its delta extension; matplotlib apart, in
# $venv/chart-packages; pandas and polars apart, in $venv/dataframe-packages, for the
# Python package's tests too): checked in a fraction of a second, installed when missing.
"$venv/bin/python" "$repo_root/bench/requirements.py"
echo "setup: ready (venv $venv, $("$venv/bin/python" -c 'import pyarrow; print("pyarrow", pyarrow.__version__)'))"
"$repo_root/scripts/setup_spark.sh"   # Delta Spark, the second read oracle: .venv-spark, .cache/ivy
