"""The benchmark scripts run at tiny sizes, so that they cannot rot."""
import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_open_snapshot_benchmark_smoke(deltacpp_bin, tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/open_snapshot_benchmark.py"), "--commits", "12",
         "--files-per-commit", "5", "--tail", "2", "--repeat", "1", "--dir", str(tmp_path),
         "--deltacpp", str(deltacpp_bin)],
        capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    assert "delta-cpp / deltalake wall time" in run.stdout
    assert "49 live files" in run.stdout


def test_write_benchmark_smoke(deltacpp_bin, tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/write_benchmark.py"), "--rows", "20000",
         "--repeat", "1", "--dir", str(tmp_path), "--deltacpp", str(deltacpp_bin)],
        capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    assert "delta-cpp / pyarrow floor wall time" in run.stdout
