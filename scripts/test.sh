#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine to a verdict:
#   set-up, format and layering checks, the dev build (warnings as errors) and its unit and
#   CLI tests, the same tests under AddressSanitizer + UndefinedBehaviorSanitizer, then the
#   Python tests: interop against deltalake and Delta Spark, and the Python package
#   deltacpp (built by the dev build, imported from build/dev/python), after a check that
#   `pip install .` builds and installs it. Output ends with pytest's summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$SECONDS
step() { printf '\n== %s  [%ds]\n' "$*" $((SECONDS - started)); }

# Cache compiles across clones of the repository (CI builds a fresh clone each time): paths
# relative to the clone, and debug info that does not pin the build folder.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

step "set-up"
scripts/setup.sh

step "checks: clang-format, layering, a test beside every source file"
scripts/check_format.sh
.venv/bin/python scripts/check_layering.py
.venv/bin/python scripts/check_tests_beside.py

step "build: dev (Debug, -Werror)"
cmake --preset dev >/dev/null
cmake --build --preset dev

step "build: asan-ubsan"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan

step "unit and CLI tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --preset asan-ubsan

step "unit and CLI tests (dev)"
ctest --preset dev

step "fuzz: each target for 20 s under ASan + UBSan, saved findings replayed (long run: scripts/fuzz.sh --time 1800 --jobs 2)"
scripts/fuzz.sh --time 20

step "packaging: pip builds and installs the Python package (scripts/check_packaging.sh)"
scripts/check_packaging.sh

step "Python tests (pytest: interop, the deltacpp package)"
DELTACPP_BIN="$PWD/build/dev/src/deltacpp/cli/deltacpp" .venv/bin/python -m pytest tests -q
