#!/usr/bin/env bash
# Proves that `pip install .` works: builds the wheel of the Python package `deltacpp` the
# way a user's pip does (scikit-build-core, Release, no CLI, no tests), installs it with
# pip --target into a scratch folder, and imports it there to read a test table and write
# one. scripts/test.sh runs it. The first run is a Release build of the core (~8 min on two
# cores); build/wheel keeps the objects (and ccache has them), so later runs only relink.
#
#   scripts/check_packaging.sh [--isolated]   --isolated: pip's own build environment
#                                             (downloads the build requirements)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh >/dev/null
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR=1

isolation=(--no-build-isolation)
[[ "${1:-}" == "--isolated" ]] && isolation=()
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

started=$SECONDS
.venv/bin/python -m pip wheel -q "${isolation[@]}" --no-deps -w "$scratch/wheel" \
  -C build-dir=build/wheel .
echo "packaging: built $(basename "$scratch"/wheel/*.whl) in $((SECONDS - started)) s"
.venv/bin/python -m pip install -q --no-deps --target "$scratch/site" "$scratch"/wheel/*.whl

# A fresh interpreter that sees only the installed copy (not build/*/python, not the
# sources), run from a folder without a deltacpp/ in it.
cd "$scratch"
PYTHONPATH="$scratch/site" "$OLDPWD/.venv/bin/python" - "$OLDPWD/../shared/testdata" <<'PY'
import os, pathlib, sys
import deltacpp
assert deltacpp.__file__.startswith(os.environ["PYTHONPATH"]), deltacpp.__file__
import pyarrow as pa
table = deltacpp.DeltaTable(pathlib.Path(sys.argv[1]) / "delta-rs/simple_table")
assert table.version() == 4 and table.to_pyarrow_table().num_rows == 3
deltacpp.write_deltalake("written", pa.table({"id": [1, 2], "part": ["a", "b"]}), partition_by=["part"])
assert deltacpp.DeltaTable("written").to_pyarrow_table().num_rows == 2
print(f"packaging: deltacpp {deltacpp.__version__} from {deltacpp.__file__} reads and writes")
PY
