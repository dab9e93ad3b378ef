#!/usr/bin/env python3
"""Fails when a file includes a header from a layer above its own.

The layers (ARCHITECTURE.md) from the bottom up; a layer may include its own headers and
those of the layers below it. testing/ is test-only and may include anything below cli.
"""
import pathlib
import re
import sys

ORDER = ["common", "storage", "kernel", "scan", "txn", "ops", "python", "cli", "sharing", "ingest"]
# Front ends are siblings: none may include another.
FRONT_ENDS = {"python", "cli", "sharing", "ingest"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"deltacpp/([a-z_]+)/')


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent / "src" / "deltacpp"
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".h", ".cc"} or not path.is_file():
            continue
        layer = path.relative_to(root).parts[0]
        if layer == "testing" or path.name.endswith("_test.cc"):
            continue  # tests may use the testing helpers and any layer below their own
        if layer not in ORDER:
            problems.append(f"{path}: folder '{layer}' is not a known layer")
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            if target == "testing":
                problems.append(f"{path}:{number}: non-test code includes testing/")
            elif target not in ORDER:
                problems.append(f"{path}:{number}: unknown layer '{target}'")
            elif target != layer and (
                ORDER.index(target) > ORDER.index(layer)
                or (target in FRONT_ENDS and layer in FRONT_ENDS)
            ):
                problems.append(f"{path}:{number}: {layer}/ includes {target}/ (above it)")
    for problem in problems:
        print("layering:", problem)
    if not problems:
        print("layering: includes point down only")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
