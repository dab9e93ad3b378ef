"""The benchmark suite: every workload, every engine, the same data, one run.

    bench/run [--smoke | --quick | --full] [--repeat N] [--workloads a,b] [--engines a,b]
              [--deltacpp PATH] [--deltacpp-python DIR] [--data-dir DIR] [--out DIR]

The engines (bench/engines.py): delta-cpp's CLI (--deltacpp), delta-cpp's Python package
(`import deltacpp` from --deltacpp-python: build/release/python if it holds a built
deltacpp/, else build/dev/python), deltalake, pyarrow on the same files (the floor) and DuckDB's
delta extension. The build type of each delta-cpp build measured is printed first and
kept in results.json ("builds"): a Debug build's times mean little. The workloads are
listed by --help; to-pyarrow-table and to-pandas time DeltaTable(t).to_pyarrow_table()
and .to_pandas() of the full-scan table (10M rows with --full) against
pyarrow.parquet.read_table of its live files, wall time and peak memory side by side.

Data is generated once per size (bench/datagen.py) under --data-dir. Each workload
(bench/workloads.py) runs --repeat times with each engine (bench/engines.py), the engines
taking turns and the order rotating every repetition, so that none always runs first or
on the cache the previous one warmed. Each run is a fresh process, run under GNU time:
wall time is measured here, peak resident memory is the process's own (a process started
from a large one would inherit its high-water mark, so the wrapper is GNU time's small C
process). Every run's result is checked against the generated data before its time
counts; a wrong or failed result is shown as FAILED and makes the exit status 1.

Writes results.json and chart.png into --out, and prints the table.
"""
import argparse
import dataclasses
import datetime
import importlib.metadata
import os
import pathlib
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import datagen
import engines as engine_list
import report
import requirements
import workloads as workload_list

REPO = pathlib.Path(__file__).resolve().parent.parent
GNU_TIME = "/usr/bin/time"


@dataclasses.dataclass
class Measured:
    wall: float
    peak_rss_mib: float
    cpu_seconds: float
    exit_code: int
    stdout: str
    stderr: str


def measure(argv: list[str], timeout: float, env: dict[str, str] | None = None) -> Measured:
    """Runs argv under GNU time in its own process group (a timeout kills the whole
    group, not only the wrapper), in env (None: this process's environment)."""
    with tempfile.NamedTemporaryFile("r", suffix=".usage") as usage:
        start = time.perf_counter()
        process = subprocess.Popen([GNU_TIME, "-o", usage.name, "-f", "%M %U %S", *argv],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True, env=env)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        wall = time.perf_counter() - start
        # GNU time writes "Command exited with non-zero status N" first when it did.
        rss_kib, user, system = usage.read().strip().splitlines()[-1].split()
    return Measured(wall, int(rss_kib) / 1024, float(user) + float(system),
                    process.returncode, stdout, stderr)


def machine() -> dict:
    """What the numbers were measured on, load included: another job on a two-core
    machine changes every time."""
    cpu = "unknown"
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+) kB", pathlib.Path("/proc/meminfo").read_text())
    return {"cpu": cpu, "cores": os.cpu_count(),
            "memory_gib": round(int(memory.group(1)) / 2**20, 1) if memory else None,
            "kernel": platform.release(), "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()}


def versions(deltacpp: pathlib.Path, deltacpp_python: pathlib.Path) -> dict:
    found = {"deltacpp": subprocess.run([str(deltacpp), "--version-info"], capture_output=True,
                                        text=True).stdout.strip()
             if deltacpp.is_file() else None,
             "deltacpp-python": engine_list.probe_python_package(deltacpp_python)[0]}
    for package in ("deltalake", "pyarrow", "duckdb", "duckdb-extension-delta"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    for package in ("pandas", "numpy"):  # apart from the venv: see requirements.py
        installed = importlib.metadata.distributions(
            name=package, path=[str(requirements.DATAFRAME_PACKAGES)])
        found[package] = next((d.version for d in installed), None)
    return found


def builds(deltacpp: pathlib.Path, deltacpp_python: pathlib.Path) -> dict:
    """Which delta-cpp builds are measured, and their CMake build type."""
    found = {}
    for key, path in (("deltacpp", deltacpp), ("deltacpp-python", deltacpp_python)):
        kind = engine_list.build_type(path)
        found[key] = {"path": str(path), "build_type": kind, "debug": kind == "Debug"}
    return found


def describe_build(name: str, build: dict) -> str:
    kind = f"{build['build_type']} build" if build["build_type"] else "build type unknown"
    warning = ": its times mean little" if build["debug"] else ""
    return f"{name} from {build['path']} ({kind}{warning})"


def default_deltacpp_python() -> pathlib.Path:
    """build/release/python when it holds the built package, else build/dev/python."""
    release = REPO / "build/release/python"
    return release if engine_list.has_built_package(release) else REPO / "build/dev/python"


def run_workload(workload, engines, repeat: int, scratch: pathlib.Path,
                 timeout: float) -> dict:
    """All repetitions of one workload: engine key -> report.Result."""
    results = {}
    for engine in engines:
        gap = engine.gaps.get(workload.key)
        results[engine.key] = report.Result(workload.key, engine.key,
                                            "n/a" if gap else "ok", reason=gap or "")
    runnable = [e for e in engines if workload.key not in e.gaps]
    for repetition in range(repeat):
        turn = repetition % max(len(runnable), 1)
        for engine in runnable[turn:] + runnable[:turn]:
            result = results[engine.key]
            if result.status != "ok":
                continue  # failed or not implemented: once is enough
            job = scratch / f"{workload.key}-{engine.key}-{repetition}"
            job.mkdir(parents=True)
            try:
                record_run(workload, engine, result, job, timeout)
            finally:
                shutil.rmtree(job, ignore_errors=True)
            status = (f"{result.walls[-1]:.3f}s {result.peak_rss_mib[-1]:.0f} MiB"
                      if result.status == "ok" else f"{result.status}: {result.reason}")
            print(f"  {workload.key:<16} {engine.name:<20} run {repetition + 1}/{repeat}: "
                  f"{status}", flush=True)
    return results


def record_run(workload, engine, result: report.Result, job: pathlib.Path, timeout: float):
    """One run: prepare, measure, check; adds its numbers to result or marks it."""
    params = workload.prepare(job)
    # Dirty pages of the preparation (a copied table, an earlier run's output) would be
    # written back during the measured run and slow whichever engine comes next.
    os.sync()
    try:
        run = measure(engine.argv(workload.key, params), timeout, engine.env)
    except subprocess.TimeoutExpired:
        result.status, result.reason = "failed", f"timed out after {timeout:.0f}s"
        return
    if run.exit_code != 0:
        if "not implemented yet:" in run.stderr:
            result.status = "n/a"
            result.reason = run.stderr.strip().splitlines()[-1]
        else:
            result.status = "failed"
            result.reason = f"exit {run.exit_code}: {run.stderr.strip()[-500:]}"
        return
    if workload.observe:
        try:
            count = workload.observe(engine, params, run.stdout)
        except Exception as error:  # a result that cannot be read is a wrong result
            result.status, result.reason = "failed", f"result unreadable: {error}"
            return
        expected = workload.expected(engine.key)
        if count != expected:
            result.status = "failed"
            result.reason = f"WRONG RESULT: {count:,} where the data has {expected:,}"
            return
        result.count = count
    result.walls.append(run.wall)
    result.peak_rss_mib.append(run.peak_rss_mib)
    result.cpu_seconds.append(run.cpu_seconds)


def parse_args() -> argparse.Namespace:
    presets = "\n".join(
        textwrap.fill(f"--{name}: " + ", ".join(
            f"{field.name}={getattr(sizes, field.name):,}"
            for field in dataclasses.fields(sizes)), subsequent_indent="    ")
        for name, sizes in datagen.PRESETS.items())
    def listing(summaries):
        return "\n".join(textwrap.fill(about, width=79, initial_indent=f"  {key:<17}",
                                        subsequent_indent=" " * 19)
                         for key, about in summaries.items())
    listed, engines = listing(workload_list.SUMMARIES), listing(engine_list.SUMMARIES)
    parser = argparse.ArgumentParser(
        description="delta-cpp and its peers on the same data, side by side.",
        epilog=f"workloads (--workloads):\n{listed}\n\nengines (--engines):\n{engines}\n\n"
               f"preset sizes:\n{presets}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    preset = parser.add_mutually_exclusive_group()
    for name, meaning in (("smoke", "tiny sizes, one run each: proves that it all runs"),
                          ("quick", "minutes on two cores (the default)"),
                          ("full", "the issue's sizes: 100k+ files, 1,000 commits, 10M rows")):
        preset.add_argument(f"--{name}", dest="preset", action="store_const", const=name,
                            help=meaning)
    parser.set_defaults(preset="quick")
    for field in dataclasses.fields(datagen.Sizes):
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=int,
                            help=f"override the preset's {field.name}")
    parser.add_argument("--workloads", help="comma-separated workload keys (default: all)")
    parser.add_argument("--engines", help="comma-separated engine keys (default: all)")
    parser.add_argument("--deltacpp", type=pathlib.Path,
                        default=REPO / "build/release/src/deltacpp/cli/deltacpp",
                        help="the deltacpp binary (default: the release build)")
    parser.add_argument("--deltacpp-python", type=pathlib.Path, metavar="DIR",
                        default=default_deltacpp_python(),
                        help="the folder holding the deltacpp Python package, put on the "
                             "PYTHONPATH of the delta-cpp (Python) engine (default: "
                             "build/release/python if it holds a built deltacpp/, else "
                             "build/dev/python; build it with cmake --build --preset "
                             "release --target deltacpp_python)")
    parser.add_argument("--data-dir", type=pathlib.Path,
                        default=pathlib.Path(tempfile.gettempdir()) / "deltacpp-bench",
                        help="where generated data is kept between runs")
    parser.add_argument("--out", type=pathlib.Path,
                        help="where results.json and chart.png go "
                             "(default: build/bench/PRESET)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    return parser.parse_args()


def pick(items, wanted: str | None, what: str):
    if not wanted:
        return items
    keys = wanted.split(",")
    unknown = set(keys) - {item.key for item in items}
    if unknown:
        sys.exit(f"bench: unknown {what} {', '.join(sorted(unknown))}; "
                 f"known: {', '.join(item.key for item in items)}")
    return [item for item in items if item.key in keys]


def main() -> int:
    args = parse_args()
    sizes = dataclasses.replace(datagen.PRESETS[args.preset], **{
        field.name: getattr(args, field.name) for field in dataclasses.fields(datagen.Sizes)
        if getattr(args, field.name) is not None})
    if sizes.problem():
        sys.exit(f"bench: {sizes.problem()}")
    out = (args.out or REPO / "build/bench" / args.preset).resolve()
    data_dir = args.data_dir.resolve()
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"bench: {GNU_TIME} is missing (Debian package 'time'; scripts/setup.sh "
                 "installs it): it measures each run's peak memory")
    deltacpp = args.deltacpp.resolve()
    deltacpp_python = args.deltacpp_python.resolve()
    if not deltacpp.is_file() and (not args.engines or "deltacpp" in args.engines.split(",")):
        sys.exit(f"bench: no deltacpp binary at {args.deltacpp}: build it with "
                 "cmake --preset release && cmake --build --preset release --target deltacpp")
    requirements.ensure()

    run_info = {"preset": args.preset, "sizes": dataclasses.asdict(sizes),
                "started": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "machine": machine(), "versions": versions(deltacpp, deltacpp_python)}
    started = time.perf_counter()
    data = datagen.generate(data_dir, sizes)
    engines = pick(engine_list.all_engines(deltacpp, deltacpp_python), args.engines,
                   "engine")
    run_info["builds"] = {key: build for key, build in builds(deltacpp, deltacpp_python).items()
                          if key in {engine.key for engine in engines}}
    available = [e for e in engines if not e.unavailable]
    workloads = pick(workload_list.all_workloads(data, sizes), args.workloads, "workload")
    for engine in engines:
        if engine.unavailable:
            print(f"bench: {engine.name} skipped: {engine.unavailable}")
    print(f"bench: {args.preset}, {sizes.repeat} run(s) per engine and workload; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    build_notes = [describe_build(engine.name, run_info["builds"][engine.key])
                   for engine in available if engine.key in run_info["builds"]]
    for note in build_notes:
        print(f"bench: {note}", flush=True)

    scratch = data_dir / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    results = {w.key: run_workload(w, available, sizes.repeat, scratch, args.timeout)
               for w in workloads}
    shutil.rmtree(scratch, ignore_errors=True)
    run_info["machine"]["load_average_at_end"] = os.getloadavg()
    run_info["seconds"] = round(time.perf_counter() - started, 1)

    out.mkdir(parents=True, exist_ok=True)
    info = run_info["machine"]
    title = (f"delta-cpp benchmark, {args.preset} ({run_info['started'][:16]}): "
             f"{info['cores']} x {info['cpu']}, load {info['load_average_at_start'][0]:.1f}")
    debug = [e.name for e in available if run_info["builds"].get(e.key, {}).get("debug")]
    if debug:
        title += f"; DEBUG build: {', '.join(debug)}"
    print(f"\n{title}\n")
    print(report.format_table(workloads, engines, results))
    for engine in engines:
        if engine.unavailable:
            print(f"\nskipped: {engine.name}: {engine.unavailable}")
    if build_notes:
        print("\n" + "\n".join(build_notes))
    report.write_json(out / "results.json", run_info, workloads, engines, results)
    report.write_chart(out / "chart.png", title, workloads, engines, results)
    print(f"\nbench: {run_info['seconds']:.0f}s; wrote {out / 'results.json'} and "
          f"{out / 'chart.png'}")

    failed = [r for by_engine in results.values() for r in by_engine.values()
              if r.status == "failed"]
    for result in failed:
        print(f"bench: FAILED {result.workload} with {result.engine}: {result.reason}",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
