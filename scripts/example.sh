#!/usr/bin/env bash
# The main job on a built-in example: set up, build the `deltacpp` command, then describe a
# Delta table and print its rows (now and at its first version).
#   scripts/example.sh [TABLE]     default: ../shared/testdata/delta-rs/simple_table
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
table="${1:-../shared/testdata/delta-rs/simple_table}"

export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target deltacpp
deltacpp=build/release/src/deltacpp/cli/deltacpp

set -x
"$deltacpp" describe "$table"
"$deltacpp" scan "$table" --limit 10
"$deltacpp" scan "$table" --version 0
