"""Concurrent writers: 8 processes, each appending 50 times to one table at once.

Every append is a separate `deltacpp write --mode append` process with rows of its own
(ids writer * 1000 + attempt). Blind appends commute, so every one must commit: the log
must end with contiguous versions 0..400 (0 creates the table), and every row must be
there exactly once, as delta-cpp reads it and as deltalake reads it. Then two overwrites
race from the same version: at most one may win for each file they both remove, and a
loser must fail with a conflict error, never leave a torn log.
"""
import concurrent.futures
import pathlib
import subprocess
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable

WRITERS = 8
APPENDS = 50


def write(binary, table, rows_file, mode):
    return subprocess.run([str(binary), "write", str(table), str(rows_file), "--mode", mode],
                          capture_output=True, text=True, timeout=120)


def writer_loop(binary, table, scratch, writer):
    failures = []
    for attempt in range(APPENDS):
        rows_file = scratch / f"w{writer}-{attempt}.parquet"
        pq.write_table(pa.table({"id": [writer * 1000 + attempt], "writer": [writer]}),
                       rows_file)
        run = write(binary, table, rows_file, "append")
        if run.returncode != 0:
            failures.append(run.stderr.strip())
    return failures


def test_concurrent_appends_all_commit(deltacpp_bin):
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = pathlib.Path(scratch_dir)
        table = scratch / "table"
        seed = scratch / "seed.parquet"
        pq.write_table(pa.table({"id": pa.array([], pa.int64()),
                                 "writer": pa.array([], pa.int64())}), seed)
        created = write(deltacpp_bin, table, seed, "error")
        assert created.returncode == 0, created.stderr
        with concurrent.futures.ThreadPoolExecutor(WRITERS) as pool:
            results = list(pool.map(lambda w: writer_loop(deltacpp_bin, table, scratch, w),
                                    range(WRITERS)))
        failures = [f for r in results for f in r]
        assert not failures, "\n".join(failures[:5])

        commits = sorted(int(p.name[:20]) for p in (table / "_delta_log").glob("*.json"))
        assert commits == list(range(WRITERS * APPENDS + 1)), "versions are not contiguous"
        assert not list((table / "_delta_log").glob(".*.tmp")), "temporary files were left"

        expected = sorted(w * 1000 + a for w in range(WRITERS) for a in range(APPENDS))
        ours = subprocess.run([str(deltacpp_bin), "scan", str(table), "--format", "parquet",
                               "--output", str(scratch / "ours.parquet")],
                              capture_output=True, text=True, timeout=120)
        assert ours.returncode == 0, ours.stderr
        assert sorted(pq.read_table(scratch / "ours.parquet")["id"].to_pylist()) == expected
        theirs = DeltaTable(str(table))
        assert theirs.version() == WRITERS * APPENDS
        assert sorted(theirs.to_pyarrow_table()["id"].to_pylist()) == expected


def test_racing_overwrites_conflict_cleanly(deltacpp_bin):
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = pathlib.Path(scratch_dir)
        table = scratch / "table"
        first = scratch / "first.parquet"
        pq.write_table(pa.table({"id": [1, 2, 3]}), first)
        assert write(deltacpp_bin, table, first, "error").returncode == 0
        outcomes = []
        for round_number in range(10):
            inputs = []
            for side in range(2):
                path = scratch / f"r{round_number}-{side}.parquet"
                pq.write_table(pa.table({"id": [100 * round_number + side]}), path)
                inputs.append(path)
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                runs = list(pool.map(lambda p: write(deltacpp_bin, table, p, "overwrite"),
                                     inputs))
            for run in runs:
                if run.returncode != 0:
                    assert "conflicts with version" in run.stderr, run.stderr
                    outcomes.append("conflict")
                else:
                    outcomes.append("committed")
            # Whatever won, the table holds exactly one overwrite's rows.
            rows = DeltaTable(str(table)).to_pyarrow_table()["id"].to_pylist()
            assert len(rows) == 1 and rows[0] in (100 * round_number, 100 * round_number + 1)
        assert "committed" in outcomes
