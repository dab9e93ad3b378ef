#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format makes of it (.clang-format).
#   scripts/check_format.sh          check
#   scripts/check_format.sh --fix    rewrite the files in place
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Our sources only: never third-party headers that a venv or cache may hold.
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
  'src/*.h' 'src/*.cc' 'src/*.h.in' 'bench/*.h' 'bench/*.cc' 'fuzz/*.h' 'fuzz/*.cc')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=0
for file in "${files[@]}"; do
  if ! diff -q <(clang-format --style=file --assume-filename="${file%.in}" <"$file") "$file" >/dev/null; then
    echo "format: $file differs from clang-format (run scripts/check_format.sh --fix)"
    bad=1
  fi
done
((bad == 0)) && echo "format: ${#files[@]} files clean"
exit $bad
