#!/usr/bin/env python3
"""Fails when a file includes a header its module may not depend on.

The modules and what each may include besides itself (ARCHITECTURE.md, src/README.md);
what a module's dependencies may include, it may include too. Layers are folders of
src/deltacpp/; kernel/ is checked module by module (its subfolders, and each file at its
root by name), since its pieces stack too. scan/ and txn/ are siblings: neither may
include the other. Tests are checked as well: a test may include what its layer may (a
kernel module's test may open a Table to set up), and testing/; testing/ may include
what it helps test (up to ops/).
"""
import pathlib
import re
import sys

DEPENDS = {
    "common": [],
    "storage": ["common"],
    # kernel, bottom up
    "kernel/json_internal": ["common"],
    "kernel/actions": ["storage", "kernel/json_internal"],
    "kernel/table_configuration": ["kernel/actions"],
    "kernel/schema": ["kernel/actions", "kernel/table_configuration"],
    "kernel/expressions": ["kernel/schema"],
    "kernel/deletion_vectors": ["kernel/actions"],
    "kernel/parquet_file": ["kernel/schema"],
    "kernel/log": ["kernel/actions", "kernel/parquet_file"],
    "kernel/table_features": ["kernel/schema"],
    "kernel/history": ["kernel/log", "kernel/table_configuration"],
    "kernel/snapshot": ["kernel/log", "kernel/table_features", "kernel/deletion_vectors",
                        "kernel/expressions"],
    "kernel/table": ["kernel/snapshot", "kernel/history"],
    # above the kernel
    "scan": ["kernel/table"],
    "txn": ["kernel/table"],
    "ops": ["scan", "txn"],
    # front ends: siblings, none includes another
    "python": ["ops"],
    "cli": ["ops"],
    "sharing": ["ops"],
    "ingest": ["ops"],
    "testing": ["ops"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"deltacpp/([^"]+)"')


def closure(module, seen=None):
    """`module` and every module it may reach."""
    seen = set() if seen is None else seen
    if module not in seen:
        seen.add(module)
        for dependency in DEPENDS[module]:
            closure(dependency, seen)
    return seen


def module_of(relative):
    """The module of a path relative to src/deltacpp ("kernel/log/log_path.h" ->
    "kernel/log", "kernel/snapshot.cc" -> "kernel/snapshot")."""
    parts = pathlib.PurePosixPath(relative).parts
    if parts[0] != "kernel":
        return parts[0]
    if len(parts) > 2:
        return f"kernel/{parts[1]}"
    stem = pathlib.PurePosixPath(parts[1]).stem
    if stem.endswith("_test"):
        stem = stem[: -len("_test")]
    return f"kernel/{stem}"


def layer_top(module):
    """The module at the top of `module`'s layer."""
    return "kernel/table" if module.startswith("kernel/") else module


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent / "src" / "deltacpp"
    allowed = {module: closure(module) for module in DEPENDS}
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".h", ".cc"} or not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        module = module_of(relative)
        if module not in DEPENDS:
            problems.append(f"{relative}: '{module}' is not a known module (add it to "
                            "scripts/check_layering.py)")
            continue
        is_test = path.name.endswith("_test.cc")
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = module_of(match.group(1))
            if target == "testing" and (is_test or module == "testing"):
                continue
            if target == "testing":
                problems.append(f"{relative}:{number}: non-test code includes testing/")
            elif target not in DEPENDS:
                problems.append(f"{relative}:{number}: unknown module '{target}'")
            elif target not in allowed[module] and not (
                    is_test and target in allowed[layer_top(module)]):
                problems.append(f"{relative}:{number}: {module} includes {target}, "
                                "which it may not depend on")
    for problem in problems:
        print("layering:", problem)
    if not problems:
        print(f"layering: every include follows the dependency graph ({len(DEPENDS)} "
              "modules, tests included)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
