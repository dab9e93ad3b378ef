"""The engines the benchmark compares, and what each can run.

An engine turns a workload and its parameters (paths, versions, id bounds: see
workloads.py) into a command line; the runner runs it in a fresh process and measures
it. What an engine cannot do is written down here with the reason (its `gaps`), so that
the results table shows the gap instead of a number; an engine that cannot run on this
machine at all says why in `unavailable`.

delta-cpp is the `deltacpp` command (its C++ API is what the command calls). The Python
engines run bench/worker.py: deltalake, the pyarrow floor, DuckDB's delta extension, and
delta-cpp's Python package `deltacpp`, imported from a build folder (bench/run
--deltacpp-python DIR, put on the worker's PYTHONPATH): it promises deltalake's API, so it
runs deltalake's calls, and a call it lacks yet shows as not implemented.
"""
import dataclasses
import functools
import json
import os
import pathlib
import re
import subprocess
import sys
from typing import Callable

WORKER = pathlib.Path(__file__).resolve().parent / "worker.py"
PYTHON = sys.executable

NO_FLOOR_FOR_LOG_WORK = "no floor: this is log work, and plain Parquet has no log"
NO_PYTHON_OBJECTS = "the CLI makes no pyarrow Table or DataFrame (its read: full-scan)"
IN_MEMORY_READS = ("to-pyarrow-table", "to-pandas")

# What --help says of each engine (all_engines makes them, in this order).
SUMMARIES = {
    "deltacpp": "delta-cpp's CLI, the deltacpp binary (--deltacpp)",
    "deltacpp-python": "delta-cpp's Python package: `import deltacpp` from --deltacpp-python,"
                       " deltalake's calls",
    "deltalake": "the deltalake package (delta-rs)",
    "floor": "pyarrow on the same Parquet files, with no Delta work: the least possible",
    "duckdb": "DuckDB's delta extension (loaded from its wheel, never downloaded)",
}


@dataclasses.dataclass
class Engine:
    key: str  # as --engines names it
    name: str  # as the results show it
    argv: Callable[[str, dict], list[str]]  # (workload key, parameters) -> command line
    gaps: dict[str, str]  # workload key -> why this engine does not run it
    count_from_output: Callable[[str], int]  # stdout of a snapshot read -> live files
    unavailable: str | None = None  # why it cannot run on this machine at all
    env: dict[str, str] | None = None  # the environment of its runs (None: the runner's)


def _cli_live_files(stdout: str) -> int:
    match = re.search(r"^Files:\s+(\d+) live", stdout, re.MULTILINE)
    if not match:
        raise ValueError(f"no 'Files: N live' line in deltacpp describe output:\n{stdout}")
    return int(match.group(1))


def _cli_argv(binary: pathlib.Path) -> Callable[[str, dict], list[str]]:
    def argv(workload: str, params: dict) -> list[str]:
        table = params.get("table", "")
        commands = {
            "startup": ["--version-info"],
            "open-latest": ["describe", table],
            "time-travel": ["describe", table, "--version", str(params.get("version"))],
            "full-scan": ["scan", table, "--format", "parquet", "--output",
                          params.get("output", "")],
            "filtered-scan": ["scan", table, "--where", f"id < {params.get('id_below')}",
                              "--format", "parquet", "--output", params.get("output", "")],
            "append": ["write", table, params.get("rows", ""), "--mode", "append"],
            "overwrite": ["write", table, params.get("rows", ""), "--mode", "overwrite"],
            "checkpoint": ["checkpoint", table],
            "delete": ["delete", table, "--where",
                       f"id >= {params.get('id_from')} AND id < {params.get('id_to')}"],
            # deltalake's calls: an upsert on id; compaction to the default target size.
            "merge": ["merge", table, params.get("source", ""), "--on",
                      "target.id = source.id", "--when", "matched THEN UPDATE SET *",
                      "--when", "not matched THEN INSERT *"],
            "optimize": ["optimize", table],
            # deltalake's call: retention 0, unchecked, the removed files only (lite).
            "vacuum": ["vacuum", table, "--retention-hours", "0", "--no-enforce-retention",
                       "--lite"],
        }
        return [str(binary), *commands[workload]]
    return argv


def _worker_argv(worker_engine: str) -> Callable[[str, dict], list[str]]:
    def argv(workload: str, params: dict) -> list[str]:
        return [PYTHON, str(WORKER), worker_engine, workload, json.dumps(params)]
    return argv


def _python_failure(args: list[str]) -> str | None:
    """Runs a short Python check; returns its error's last line, or None if it passed."""
    run = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if run.returncode == 0:
        return None
    lines = run.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit status {run.returncode}"


def build_type(built: pathlib.Path) -> str | None:
    """CMAKE_BUILD_TYPE of the build tree that made `built` (a binary or a folder inside
    build/<preset>), from the first CMakeCache.txt above it; None when there is none."""
    for folder in list(built.resolve().parents)[:6]:
        cache = folder / "CMakeCache.txt"
        if cache.is_file():
            match = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", cache.read_text(errors="replace"),
                              re.MULTILINE)
            return (match.group(1).strip() or "(none)") if match else None
    return None


def has_built_package(package_dir: pathlib.Path) -> bool:
    """Whether package_dir holds the deltacpp package with its compiled extension (a
    configured build tree has the package's .py files before _core is built)."""
    return any((package_dir / "deltacpp").glob("_core*.so"))


def python_package_env(package_dir: pathlib.Path) -> dict[str, str]:
    """The environment in which `import deltacpp` finds the package in package_dir (a
    folder holding deltacpp/, such as build/release/python): PYTHONPATH is that folder
    alone, so that no other deltacpp on the caller's PYTHONPATH is measured instead."""
    return {**os.environ, "PYTHONPATH": str(package_dir)}


@functools.cache
def probe_python_package(package_dir: pathlib.Path) -> tuple[str | None, str | None]:
    """(deltacpp.__version__, None) when `import deltacpp` loads the package in
    package_dir, else (None, why not)."""
    if not has_built_package(package_dir):
        what = "no built" if (package_dir / "deltacpp").is_dir() else "no"
        return None, (f"{what} deltacpp package in {package_dir} (deltacpp/_core*.so): build "
                      "it with cmake --preset release && cmake --build --preset release "
                      "--target deltacpp_python")
    # The package found must be package_dir's (its .py files may be links elsewhere).
    probe = ("import os, sys, deltacpp; "
             "sys.exit('imported ' + deltacpp.__file__ + ' instead') if not os.path.samefile("
             f"os.path.dirname(os.path.dirname(deltacpp.__file__)), {str(package_dir)!r}) "
             "else print(deltacpp.__version__)")
    run = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True, timeout=300,
                         env=python_package_env(package_dir))
    if run.returncode == 0:
        return run.stdout.strip(), None
    lines = run.stderr.strip().splitlines()
    failure = lines[-1] if lines else f"exit status {run.returncode}"
    return None, f"`import deltacpp` from {package_dir} fails: {failure}"


def all_engines(deltacpp: pathlib.Path, deltacpp_python: pathlib.Path) -> list[Engine]:
    """Every engine, in the order the results show them; each checked for this machine.
    deltacpp is the CLI binary; deltacpp_python the folder that holds the deltacpp
    package."""
    _, package_problem = probe_python_package(deltacpp_python)
    duckdb = _python_failure(_worker_argv("duckdb")("startup", {}))
    engines = [
        Engine("deltacpp", "delta-cpp (C++)", _cli_argv(deltacpp),
               gaps={w: NO_PYTHON_OBJECTS for w in IN_MEMORY_READS},
               count_from_output=_cli_live_files),
        # No gaps written down: the worker finds out which of deltalake's calls the
        # package lacks, and such a run shows as not implemented yet.
        Engine("deltacpp-python", "delta-cpp (Python)", _worker_argv("deltacpp"), gaps={},
               count_from_output=int, unavailable=package_problem,
               env=python_package_env(deltacpp_python)),
        Engine("deltalake", "deltalake", _worker_argv("deltalake"), gaps={},
               count_from_output=int),
        Engine("floor", "pyarrow (floor)", _worker_argv("floor"),
               gaps={"open-latest": NO_FLOOR_FOR_LOG_WORK,
                     "time-travel": NO_FLOOR_FOR_LOG_WORK,
                     "checkpoint": NO_FLOOR_FOR_LOG_WORK,
                     "merge": "no floor: a merge is a join, not a plain read and write"},
               count_from_output=int),
        Engine("duckdb", "duckdb (delta ext.)", _worker_argv("duckdb"),
               gaps={"overwrite": "the delta extension only appends (INSERT)",
                     "checkpoint": "the delta extension writes no checkpoints",
                     "delete": "the delta extension cannot DELETE (only base tables)",
                     "merge": "the delta extension cannot MERGE (only base tables)",
                     "optimize": "the delta extension has no compaction",
                     "vacuum": "the delta extension has no vacuum"},
               count_from_output=int,
               unavailable=duckdb and f"DuckDB and its delta extension do not load: {duckdb}"),
    ]
    assert [e.key for e in engines] == list(SUMMARIES), "SUMMARIES is out of date"
    return engines
