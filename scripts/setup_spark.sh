#!/usr/bin/env bash
# Installs Delta Spark as a test oracle: a Java runtime if there is none, a separate venv
# (.venv-spark) with the pins of scripts/requirements/spark.txt, and the Delta jars in a
# project-local Ivy cache (.cache/ivy), fetched once by starting Spark with the driver's
# package list, so the tests themselves never download anything.
# Idempotent: stamps hold the checksums of what was installed; a rerun only checks them.
#
#   scripts/setup_spark.sh
#   DELTACPP_SPARK_VENV=/path ...   put the venv elsewhere (the tests read the same variable)
#   DELTACPP_IVY_DIR=/path ...      put the jar cache elsewhere (likewise)
#   DELTACPP_SKIP_SPARK=1 ...       do nothing (tests/interop/test_spark_interop.py then skips)
# Cold, on 2 cores: ~1 minute for pip (~500 MB of wheels), ~1 minute for the jars and the
# first Spark start. Warm: a second or two.
set -euo pipefail

if [[ "${DELTACPP_SKIP_SPARK:-}" == 1 ]]; then
  echo "setup-spark: skipped (DELTACPP_SKIP_SPARK=1)"
  exit 0
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DELTACPP_SPARK_VENV:-$repo_root/.venv-spark}"
ivy_dir="${DELTACPP_IVY_DIR:-$repo_root/.cache/ivy}"
requirements="$repo_root/scripts/requirements/spark.txt"   # includes pyarrow.txt
driver="$repo_root/tests/interop/spark_driver.py"
started=$SECONDS

# Spark 4.1 runs on Java 17 or 21.
if ! command -v java >/dev/null; then
  echo "setup-spark: installing a Java runtime (openjdk-17-jre-headless)"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup-spark: need root or sudo to install Java" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends openjdk-17-jre-headless
fi

# The venv, stamped with the requirements' checksum.
want_stamp="$(cat "$requirements" "$repo_root/scripts/requirements/pyarrow.txt" | sha256sum | cut -d' ' -f1)"
stamp_file="$venv/.deltacpp-requirements"
if [[ "$(cat "$stamp_file" 2>/dev/null)" != "$want_stamp" ]]; then
  if [[ ! -x "$venv/bin/python" ]]; then
    echo "setup-spark: creating venv $venv"
    python3 -m venv "$venv"
  fi
  echo "setup-spark: installing the pins of $requirements into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
  echo "$want_stamp" >"$stamp_file"
fi

# The jars, stamped with the package list the driver asks Spark for; the driver loads the
# files listed in delta-jars.txt, so all of them must still be there.
packages="$("$venv/bin/python" "$driver" --packages)"
jar_stamp_file="$ivy_dir/.deltacpp-packages"
jars_present() {
  [[ -s "$ivy_dir/delta-jars.txt" ]] || return 1
  local jar
  while read -r jar; do [[ -f "${jar#file://}" ]] || return 1; done <"$ivy_dir/delta-jars.txt"
}
if [[ "$(cat "$jar_stamp_file" 2>/dev/null)" != "$packages" ]] || ! jars_present; then
  echo "setup-spark: fetching $packages and its dependencies into $ivy_dir"
  mkdir -p "$ivy_dir"
  if ! DELTACPP_IVY_DIR="$ivy_dir" "$venv/bin/python" "$driver" --warm-up >"$ivy_dir/warm-up.log" 2>&1; then
    tail -n 40 "$ivy_dir/warm-up.log" >&2
    echo "setup-spark: starting Spark to fetch the Delta jars failed (log: $ivy_dir/warm-up.log)" >&2
    exit 1
  fi
  tail -n 1 "$ivy_dir/warm-up.log"
  echo "$packages" >"$jar_stamp_file"
fi
echo "setup-spark: ready (venv $venv, jars in $ivy_dir, $((SECONDS - started))s)"
