"""The benchmark suite runs at tiny sizes (bench/run --smoke), so that it cannot rot.

Every workload must run with every engine that can run it, its result checked against
the generated data (the runner fails otherwise), and the gaps must say why. The Python
package's engine (delta-cpp (Python)) runs from build/dev/python, which the test suite
builds: every workload must run there too.
"""
import json
import os
import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
PYTHON_PACKAGE = REPO / "build/dev/python"
WORKLOADS = {"startup", "open-latest", "time-travel", "full-scan", "filtered-scan",
             "to-pyarrow-table", "to-pandas", "append", "overwrite", "checkpoint", "delete",
             "merge", "optimize", "vacuum"}
IN_MEMORY_READS = {"to-pyarrow-table", "to-pandas"}
# What the Python package must run (with a checked result) once it is built.
PYTHON_PACKAGE_RUNS = WORKLOADS
SMOKE_SCAN_ROWS = 20_000


def test_bench_run_smoke(deltacpp_bin, tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(
        [str(REPO / "bench/run"), "--smoke", "--deltacpp", str(deltacpp_bin),
         "--deltacpp-python", str(PYTHON_PACKAGE),
         "--data-dir", str(tmp_path / "data"), "--out", str(out)],
        capture_output=True, text=True, timeout=600, env=dict(os.environ))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    # Every engine runs every workload it can; the gaps left are other engines' (the
    # floor has no log, DuckDB's extension cannot delete, ...).
    assert "vs deltalake" in run.stdout and "not implemented yet" not in run.stdout

    document = json.loads((out / "results.json").read_text())
    results = {(r["workload"], r["engine"]): r for r in document["results"]}
    assert {workload for workload, _ in results} == WORKLOADS
    for workload in WORKLOADS:
        assert results[(workload, "deltalake")]["status"] == "ok", workload
        ours = results[(workload, "deltacpp")]
        if workload in IN_MEMORY_READS:
            assert ours["status"] == "n/a" and "no pyarrow Table" in ours["reason"], ours
        else:
            assert ours["status"] == "ok", ours
            assert len(ours["walls"]) == 1 and ours["max_peak_rss_mib"] > 0
    # The snapshot reads agree with the generated log: 12 commits of 5 files, 1 removed each.
    assert results[("open-latest", "deltacpp")]["count"] == 49
    assert results[("open-latest", "deltalake")]["count"] == 49
    # The in-memory reads hold every row, the floor's included.
    for workload in IN_MEMORY_READS:
        for engine in ("deltalake", "floor"):
            assert results[(workload, engine)]["count"] == SMOKE_SCAN_ROWS, (workload, engine)
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    if (PYTHON_PACKAGE / "deltacpp").is_dir():
        check_python_package(document, results)


def check_python_package(document, results):
    """The delta-cpp (Python) engine ran deltalake's calls for every workload, and its
    build is on record."""
    build = document["builds"]["deltacpp-python"]
    assert build["path"] == str(PYTHON_PACKAGE.resolve())
    assert (build["build_type"], build["debug"]) == ("Debug", True)  # the dev preset
    engine = next(e for e in document["engines"] if e["key"] == "deltacpp-python")
    assert engine["skipped"] is None, engine["skipped"]
    for workload in PYTHON_PACKAGE_RUNS:
        ours = results[(workload, "deltacpp-python")]
        assert ours["status"] == "ok", ours
        assert len(ours["walls"]) == 1 and ours["max_peak_rss_mib"] > 0
    assert results[("open-latest", "deltacpp-python")]["count"] == 49
    assert results[("time-travel", "deltacpp-python")]["count"] == \
        results[("time-travel", "deltalake")]["count"]
    for workload in IN_MEMORY_READS:
        assert results[(workload, "deltacpp-python")]["count"] == SMOKE_SCAN_ROWS
