"""Writers killed with SIGKILL at random moments never leave a broken table.

200 times: a `deltacpp write --mode append` process (10 rows of its own, in two
partitions, so that a commit spans several data files) is killed after a random delay
(from before it starts writing files to after it commits). After every kill the table
must open, at a version whose rows are exactly the appends that committed: each
attempt's 10 rows are all there or none are, and the number of versions is the number of
complete attempts plus the create. Leftovers may only be unreferenced data files and
hidden temporary files, which readers ignore.
"""
import os
import pathlib
import random
import signal
import subprocess
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq

KILLS = 200
ROWS = 10


def test_sigkilled_writers_leave_committed_rows_only(deltacpp_bin, capsys):
    rng = random.Random(20261126)
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = pathlib.Path(scratch_dir)
        table = scratch / "table"
        seed = scratch / "seed.parquet"
        pq.write_table(pa.table({"id": pa.array([], pa.int64()),
                                 "part": pa.array([], pa.string())}), seed)
        created = subprocess.run([str(deltacpp_bin), "write", str(table), str(seed),
                                  "--partition-by", "part"], capture_output=True, text=True)
        assert created.returncode == 0, created.stderr
        # How long a whole append takes here, to spread the kills over it.
        start = time.monotonic()
        probe = scratch / "probe.parquet"
        pq.write_table(pa.table({"id": pa.array([-1], pa.int64()), "part": ["p"]}), probe)
        subprocess.run([str(deltacpp_bin), "write", str(table), str(probe), "--mode",
                        "append"], check=True, capture_output=True)
        full = time.monotonic() - start
        out = scratch / "out.parquet"
        for attempt in range(KILLS):
            rows = scratch / f"a{attempt}.parquet"
            ids = list(range(attempt * ROWS, (attempt + 1) * ROWS))
            pq.write_table(pa.table({"id": pa.array(ids, pa.int64()),
                                     "part": ["x" if i % 2 else "y" for i in ids]}), rows)
            writer = subprocess.Popen([str(deltacpp_bin), "write", str(table), str(rows),
                                       "--mode", "append"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, full * 1.2))
            writer.send_signal(signal.SIGKILL)
            writer.wait()

            scan = subprocess.run([str(deltacpp_bin), "scan", str(table), "--format",
                                   "parquet", "--output", str(out)],
                                  capture_output=True, text=True, timeout=60)
            assert scan.returncode == 0, f"after kill {attempt}: {scan.stderr}"
            found = pq.read_table(out)["id"].to_pylist()
            assert len(found) == len(set(found)), f"after kill {attempt}: duplicate rows"
            groups = {}
            for row_id in found:
                if row_id >= 0:
                    groups[row_id // ROWS] = groups.get(row_id // ROWS, 0) + 1
            partial = {group: count for group, count in groups.items() if count != ROWS}
            assert not partial, f"after kill {attempt}: torn appends {partial}"
            commits = sorted(int(p.name[:20])
                             for p in (table / "_delta_log").glob("[0-9]*.json"))
            assert commits == list(range(len(commits))), "versions are not contiguous"
            # The create, the probe, then one version per complete append.
            assert len(commits) == 2 + len(groups), f"after kill {attempt}"
        leftovers = [p for p in (table / "_delta_log").iterdir() if p.name.startswith(".")]
        with capsys.disabled():
            print(f"\ncrash test: {KILLS} writers killed, {len(groups)} had committed, "
                  f"{KILLS - len(groups)} left nothing in the table "
                  f"({len(leftovers)} hidden temporary files left in _delta_log)")
