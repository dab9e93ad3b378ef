#!/usr/bin/env python3
"""Fails when a source file has neither a test beside it nor a header saying what tests it.

For src/deltacpp/<dir>/foo.cc: either foo_test.cc sits beside it, or a header of that
folder names the tests that cover it in a "Tested by:" line (foo.h, or for a folder of
many small files its shared header: cli/commands.h for the subcommands, python/bindings.h
for the bindings).
"""
import pathlib
import sys

# Folders whose files share one header that says how they are tested.
SHARED_HEADER = {"cli": "commands.h", "python": "bindings.h"}


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent / "src" / "deltacpp"
    problems = []
    for source in sorted(root.rglob("*.cc")):
        if source.name.endswith("_test.cc"):
            continue
        if source.with_name(source.stem + "_test.cc").exists():
            continue
        headers = [source.with_suffix(".h")]
        folder = source.parent.relative_to(root).parts[0]
        if folder in SHARED_HEADER:
            headers.append(source.parent / SHARED_HEADER[folder])
        if any(h.exists() and "Tested by:" in h.read_text() for h in headers):
            continue
        problems.append(f"{source.relative_to(root)}: no {source.stem}_test.cc beside it "
                        f"and no 'Tested by:' line in {headers[0].name}")
    for problem in problems:
        print("tests:", problem)
    if not problems:
        print("tests: every source file has a test beside it or names the tests that cover it")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
