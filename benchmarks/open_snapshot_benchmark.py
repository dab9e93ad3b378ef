#!/usr/bin/env python3
"""Open the latest snapshot of a large table and list its files: delta-cpp vs deltalake.

Builds (once, deterministically) a synthetic table of --commits commits that add
--files-per-commit files each and remove one older file, with a checkpoint (written by
deltalake, so that it is the reference's own format) a few commits before the end. Only
the log is timed: the data files are never opened, so they are not written.

Each engine runs in a fresh process (alternating, --repeat times): wall time and the
peak resident memory of that process. delta-cpp runs `deltacpp describe` (which replays
the log and counts the live files); deltalake runs `DeltaTable(path).file_uris()`.

    benchmarks/open_snapshot_benchmark.py                 # 1,000 commits x 100 files
    benchmarks/open_snapshot_benchmark.py --commits 50 --files-per-commit 20 --repeat 1
"""
import argparse
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def commit_lines(version, files_per_commit, first_file_id):
    lines = [json.dumps({"commitInfo": {"timestamp": 1_700_000_000_000 + version * 1000,
                                        "operation": "WRITE",
                                        "operationParameters": {"mode": "Append"}}})]
    if version == 0:
        schema = {"type": "struct", "fields": [
            {"name": "id", "type": "long", "nullable": True, "metadata": {}},
            {"name": "value", "type": "double", "nullable": True, "metadata": {}},
            {"name": "name", "type": "string", "nullable": True, "metadata": {}},
            {"name": "day", "type": "string", "nullable": True, "metadata": {}}]}
        lines.append(json.dumps({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}))
        lines.append(json.dumps({"metaData": {
            "id": "00000000-0000-0000-0000-000000000001",
            "format": {"provider": "parquet", "options": {}},
            "schemaString": json.dumps(schema), "partitionColumns": ["day"],
            "configuration": {}, "createdTime": 1_700_000_000_000}}))
    for i in range(files_per_commit):
        file_id = first_file_id + i
        day = f"2024-01-{(file_id % 28) + 1:02d}"
        stats = {"numRecords": 1000, "minValues": {"id": file_id * 1000, "value": 0.5,
                                                   "name": f"a{file_id}"},
                 "maxValues": {"id": file_id * 1000 + 999, "value": 99.5,
                               "name": f"z{file_id}"},
                 "nullCount": {"id": 0, "value": 3, "name": 1}}
        lines.append(json.dumps({"add": {
            "path": f"day={day}/part-{file_id:08d}-c000.snappy.parquet",
            "partitionValues": {"day": day}, "size": 123_456,
            "modificationTime": 1_700_000_000_000 + version, "dataChange": True,
            "stats": json.dumps(stats)}}))
    if version > 0:
        # Remove the first file of the previous commit.
        old = first_file_id - files_per_commit
        day = f"2024-01-{(old % 28) + 1:02d}"
        lines.append(json.dumps({"remove": {
            "path": f"day={day}/part-{old:08d}-c000.snappy.parquet",
            "deletionTimestamp": 1_700_000_000_000 + version, "dataChange": True}}))
    return lines


def build_table(path: pathlib.Path, commits: int, files_per_commit: int, tail: int):
    marker = path / ".complete"
    if marker.exists():
        return
    log = path / "_delta_log"
    log.mkdir(parents=True, exist_ok=True)
    checkpoint_at = max(commits - tail - 1, 0)
    for version in range(commits):
        lines = commit_lines(version, files_per_commit, version * files_per_commit)
        (log / f"{version:020d}.json").write_text("\n".join(lines) + "\n")
        if version == checkpoint_at:
            from deltalake import DeltaTable
            DeltaTable(str(path)).create_checkpoint()
    marker.write_text("ok")


def run_measured(args):
    """Runs a command; returns (wall seconds, peak RSS MiB, stdout).

    The peak RSS is the child's own only while this process stays small: a child forked
    from a large parent starts with the parent's high-water mark. So the table is built
    in a separate process, and this one never imports deltalake.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read()
    err = proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{args[0]} failed: {err}")
    return wall, usage.ru_maxrss / 1024, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--files-per-commit", type=int, default=100)
    parser.add_argument("--tail", type=int, default=9, help="commits after the checkpoint")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/deltacpp-bench")
    parser.add_argument("--deltacpp",
                        default=str(REPO / "build/release/src/deltacpp/cli/deltacpp"))
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    table = pathlib.Path(args.dir) / f"open-{args.commits}x{args.files_per_commit}"
    if args.build_only:
        build_table(table, args.commits, args.files_per_commit, args.tail)
        return
    t0 = time.perf_counter()
    subprocess.run([PYTHON, __file__, "--build-only", "--commits", str(args.commits),
                    "--files-per-commit", str(args.files_per_commit), "--tail", str(args.tail),
                    "--dir", args.dir], check=True)
    live = args.commits * args.files_per_commit - (args.commits - 1)
    print(f"table: {table} ({args.commits} commits, checkpoint at version "
          f"{max(args.commits - args.tail - 1, 0)}, {live} live files; ready in "
          f"{time.perf_counter() - t0:.1f}s)")

    engines = {
        "delta-cpp": [args.deltacpp, "describe", str(table)],
        "deltalake": [PYTHON, "-c",
                      "import sys; from deltalake import DeltaTable; "
                      "print(len(DeltaTable(sys.argv[1]).file_uris()))", str(table)],
        # What a Python process costs before doing anything, for reading deltalake's RSS.
        "python+import deltalake (baseline)": [PYTHON, "-c", "import deltalake"],
    }
    results = {name: [] for name in engines}
    for _ in range(args.repeat):
        for name, command in engines.items():
            wall, rss, out = run_measured(command)
            if name == "delta-cpp" and f"Files:       {live} live" not in out:
                raise RuntimeError(f"delta-cpp counted wrong:\n{out}")
            if name == "deltalake" and out.strip() != str(live):
                raise RuntimeError(f"deltalake counted {out.strip()}, expected {live}")
            results[name].append((wall, rss))

    print(f"\n{'engine':<36} {'median wall':>12} {'min-max wall':>17} {'peak RSS':>10}")
    for name, runs in results.items():
        walls = [w for w, _ in runs]
        rss = max(r for _, r in runs)
        print(f"{name:<36} {statistics.median(walls):>11.3f}s "
              f"{min(walls):>7.3f}-{max(walls):.3f}s {rss:>8.1f}MiB")
    ours = statistics.median(w for w, _ in results["delta-cpp"])
    theirs = statistics.median(w for w, _ in results["deltalake"])
    print(f"\ndelta-cpp / deltalake wall time: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
