"""`deltacpp changes` (the change data feed) against deltalake's load_cdf.

For every shared table that ever enabled delta.enableChangeDataFeed, and several start
versions of each, both readers' change rows must be equal (order-insensitive), with the
same _change_type and _commit_version. deltalake types _commit_version as uint64; the
protocol says long, which delta-cpp returns, so theirs is cast before comparing.

_commit_timestamp is checked apart: deltalake takes commitInfo.timestamp, while the
protocol and Delta Spark (CDCReaderBase.getNonICTTimestampsByVersion: "commit info
timestamps are wrong") take the in-commit timestamp where that feature is on, and
otherwise the commit file's modification time made increasing. Ours must equal that
rule, computed here from the log folder.

Where both refuse (a start version whose commit was cleaned up), the outcome is
both-refuse.
"""
import json
import pathlib
import subprocess
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable

from interop.test_read_interop import compare, find_tables, versions_of


def cdf_tables(testdata: pathlib.Path):
    for table in find_tables(testdata):
        logs = (table / "_delta_log").glob("*.json")
        if any('"delta.enableChangeDataFeed":"true"' in p.read_text() for p in logs):
            yield table


def theirs_changes(table, start):
    try:
        changes = pa.table(DeltaTable(str(table)).load_cdf(starting_version=start))
    except Exception as error:  # deltalake raises many exception types
        return None, f"{type(error).__name__}: {error}"
    version = changes.column("_commit_version").cast(pa.int64())
    changes = changes.set_column(changes.column_names.index("_commit_version"),
                                 "_commit_version", version)
    return changes.drop_columns(["_commit_timestamp"]), None


def spark_commit_timestamps(table: pathlib.Path):
    """Version -> commit timestamp in ms, as Delta Spark's change data feed gives it."""
    stamps, previous = {}, None
    for commit in sorted((table / "_delta_log").glob("[0-9]" * 20 + ".json")):
        version = int(commit.name[:20])
        stamp = int(commit.stat().st_mtime * 1000)
        if previous is not None and stamp <= previous:
            stamp = previous + 1
        for line in commit.read_text().splitlines():
            info = json.loads(line).get("commitInfo") if line.strip() else None
            if info and info.get("inCommitTimestamp") is not None:
                stamp = info["inCommitTimestamp"]
        stamps[version] = previous = stamp
    return stamps


def timestamp_problem(ours: pa.Table, expected_ms: dict):
    for version, stamp in zip(ours.column("_commit_version").to_pylist(),
                              ours.column("_commit_timestamp").cast(pa.int64()).to_pylist()):
        if stamp != expected_ms[version] * 1000:
            return (f"_commit_timestamp of version {version} is {stamp} us, expected "
                    f"{expected_ms[version] * 1000}")
    return None


def ours_changes(binary, table, start, out_path):
    run = subprocess.run([str(binary), "changes", str(table), "--from", str(start),
                          "--format", "parquet", "--output", str(out_path)],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return None, run.stderr.strip()
    return pq.read_table(out_path), None


def test_changes_match_deltalake(deltacpp_bin, testdata, capsys):
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as scratch:
        out_path = pathlib.Path(scratch) / "out.parquet"
        for table in cdf_tables(testdata):
            name = str(table.relative_to(testdata))
            versions = [v for v in versions_of(table) if v is not None]
            starts = sorted({0, versions[0], versions[len(versions) // 2], versions[-1]})
            outcomes = {}
            for start in starts:
                ours, our_error = ours_changes(deltacpp_bin, table, start, out_path)
                theirs, their_error = theirs_changes(table, start)
                if our_error and their_error:
                    outcome = "both-refuse"
                elif our_error or their_error:
                    outcome = "FAIL"
                    failures.append(f"{name} from {start}: delta-cpp: {our_error} | "
                                    f"deltalake: {their_error}")
                else:
                    problem = (compare(ours.drop_columns(["_commit_timestamp"]), theirs)
                               or timestamp_problem(ours, spark_commit_timestamps(table)))
                    outcome = "FAIL" if problem else "match"
                    if problem:
                        failures.append(f"{name} from {start}: {problem}")
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            rows.append((name, len(starts),
                         "; ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))))
    with capsys.disabled():
        width = max(len(r[0]) for r in rows)
        print(f"\n{'table (changes)':<{width}}  starts  outcome")
        for name, count, summary in rows:
            print(f"{name:<{width}}  {count:>6}  {summary}")
    assert not failures, "\n".join(failures)
    assert any("match" in r[2] for r in rows), "no change feed was compared"
