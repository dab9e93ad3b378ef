"""The engines the benchmark compares, and what each can run.

An engine turns a workload and its parameters (paths, versions, id bounds: see
workloads.py) into a command line; the runner runs it in a fresh process and measures
it. What an engine cannot do is written down here with the reason (its `gaps`), so that
the results table shows the gap instead of a number; an engine that cannot run on this
machine at all says why in `unavailable`.

delta-cpp is the `deltacpp` command (its C++ API is what the command calls). The Python
engines run bench/worker.py: deltalake, the pyarrow floor, DuckDB's delta extension, and
`import deltacpp` once the Python package exists (issue 5): it promises deltalake's API,
so it runs deltalake's calls, and a call it lacks yet shows as not implemented.
"""
import dataclasses
import json
import pathlib
import re
import subprocess
import sys
from typing import Callable

WORKER = pathlib.Path(__file__).resolve().parent / "worker.py"
PYTHON = sys.executable

NOT_IMPLEMENTED_YET = "not implemented yet"
NO_FLOOR_FOR_LOG_WORK = "no floor: this is log work, and plain Parquet has no log"


@dataclasses.dataclass
class Engine:
    key: str  # as --engines names it
    name: str  # as the results show it
    argv: Callable[[str, dict], list[str]]  # (workload key, parameters) -> command line
    gaps: dict[str, str]  # workload key -> why this engine does not run it
    count_from_output: Callable[[str], int]  # stdout of a snapshot read -> live files
    unavailable: str | None = None  # why it cannot run on this machine at all


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


def all_engines(deltacpp: pathlib.Path) -> list[Engine]:
    """Every engine, in the order the results show them; each checked for this machine."""
    deltacpp_python = _python_failure([PYTHON, "-c", "import deltacpp"])
    duckdb = _python_failure(_worker_argv("duckdb")("startup", {}))
    return [
        Engine("deltacpp", "delta-cpp (C++)", _cli_argv(deltacpp),
               gaps={w: NOT_IMPLEMENTED_YET
                     for w in ("delete", "merge", "optimize", "vacuum")},
               count_from_output=_cli_live_files),
        Engine("deltacpp-python", "delta-cpp (Python)", _worker_argv("deltacpp"), gaps={},
               count_from_output=int,
               unavailable=deltacpp_python and
               f"`import deltacpp` fails ({deltacpp_python}): the Python package is "
               "issue 5"),
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
