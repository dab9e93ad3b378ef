"""A commit reported as done survives a power loss (issue 14, case 12).

The file-system calls of a real `deltacpp write --mode append` are recorded with strace
and their order checked, as LevelDB and SQLite order theirs: every data file is synced
(and the folder naming it) before the commit file is written; the commit file is synced,
then linked into place, then `_delta_log/` is synced; only then does the command report
success.
"""
import pathlib
import re
import shutil
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

STRACE = shutil.which("strace")
pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is installed by scripts/setup.sh")

# "1234  fsync(5</tmp/t/part-0.parquet>) = 0" with -y; resumed calls are joined by -qq -f
# and the "unfinished" pair, which this parser stitches back together.
CALL = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((.*)\)\s+=\s+(-?\d+)")


def trace_calls(trace_file: pathlib.Path) -> list:
    calls, pending = [], {}
    for line in trace_file.read_text().splitlines():
        pid = line.split(None, 1)[0]
        if line.endswith("<unfinished ...>"):
            pending[pid] = line[: -len("<unfinished ...>")].rstrip()
            continue
        resumed = re.match(r"^(\d+)\s+<\.\.\. \w+ resumed>(.*)$", line)
        if resumed and pid in pending:
            line = pending.pop(pid) + resumed.group(2)
        match = CALL.match(line)
        if match and int(match.group(4)) >= 0:
            calls.append((match.group(2), match.group(3)))
    return calls


def fd_path(argument: str) -> str:
    match = re.search(r"<([^>]*)>", argument)
    return match.group(1) if match else ""


def test_append_syncs_data_then_commit_then_folder(deltacpp_bin, tmp_path):
    table = tmp_path / "table"
    first = tmp_path / "first.parquet"
    pq.write_table(pa.table({"id": pa.array([1, 2], pa.int64()), "part": ["a", "b"]}), first)
    subprocess.run([str(deltacpp_bin), "write", str(table), str(first), "--partition-by",
                    "part"], check=True, capture_output=True)
    rows = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"id": pa.array([3, 4, 5], pa.int64()),
                             "part": ["a", "c", "c"]}), rows)
    trace_file = tmp_path / "trace.txt"
    subprocess.run([STRACE, "-f", "-qq", "-y", "-o", str(trace_file), "-e",
                    "trace=openat,fsync,fdatasync,link,linkat,rename,renameat,renameat2",
                    str(deltacpp_bin), "write", str(table), str(rows), "--mode", "append"],
                   check=True, capture_output=True, timeout=120)
    calls = trace_calls(trace_file)
    log_dir = str(table / "_delta_log")
    commit = str(table / "_delta_log" / "00000000000000000001.json")

    def index_of(predicate, what):
        for i, call in enumerate(calls):
            if predicate(call):
                return i
        pytest.fail(f"no {what} in the trace:\n" + "\n".join(map(str, calls)))

    link = index_of(lambda c: c[0] in ("link", "linkat") and commit in c[1],
                    "link of the commit file")
    temp = re.search(r'"([^"]*\.tmp)"', calls[link][1]).group(1)
    data_files = [fd_path(args) for name, args in calls
                  if name in ("fsync", "fdatasync") and fd_path(args).endswith(".parquet")]
    written = [p for p in data_files if p.startswith(str(table) + "/part=")]
    assert len(set(written)) >= 2, f"data files not synced: {data_files}"
    for data_file in set(written):
        synced = index_of(lambda c: c[0] in ("fsync", "fdatasync")
                          and fd_path(c[1]) == data_file, f"fsync of {data_file}")
        assert synced < link, f"{data_file} synced after the commit was linked"
        folder = str(pathlib.Path(data_file).parent)
        folder_synced = index_of(lambda c: c[0] == "fsync" and fd_path(c[1]) == folder,
                                 f"fsync of folder {folder}")
        assert folder_synced < link, f"folder {folder} synced after the commit"
    temp_synced = index_of(lambda c: c[0] in ("fsync", "fdatasync")
                           and fd_path(c[1]) == temp, "fsync of the commit's temporary file")
    assert temp_synced < link
    log_synced = [i for i, c in enumerate(calls)
                  if c[0] == "fsync" and fd_path(c[1]) == log_dir and i > link]
    assert log_synced, "the _delta_log folder was not synced after the commit's link"
