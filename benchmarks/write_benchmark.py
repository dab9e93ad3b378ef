#!/usr/bin/env python3
"""Append N rows of a mixed 10-column schema: delta-cpp vs deltalake vs raw pyarrow.

The rows are generated once (deterministically) into a Parquet file. Each engine then
runs in a fresh process, reads that file and writes it out, and is timed with its peak
resident memory:
  delta-cpp   `deltacpp write TABLE rows.parquet` (a new Delta table: data files,
              statistics, commit)
  deltalake   `write_deltalake(TABLE, pyarrow.parquet.read_table(rows))`
  pyarrow     `pyarrow.parquet.write_table(read_table(rows), out.parquet)`: the floor,
              no Delta work at all

    benchmarks/write_benchmark.py                      # 10 million rows
    benchmarks/write_benchmark.py --rows 100000 --repeat 1
"""
import argparse
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def make_rows(path: pathlib.Path, rows: int):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    chunk = 1_000_000
    categories = pa.array(["books", "games", "music", "food", "toys"])
    writer = None
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        ids = pa.array(range(start, start + n), pa.int64())
        # Deterministic pseudo-random columns from the id.
        mixed = pc.bit_wise_and(pc.multiply(ids, 2654435761), 0x7FFFFFFF)
        table = pa.table({
            "id": ids,
            "user": pc.cast(pc.bit_wise_and(mixed, 0xFFFF), pa.int32()),
            "amount": pc.divide(pc.cast(mixed, pa.float64()), 2147483.647),
            "quantity": pc.cast(pc.add(pc.bit_wise_and(mixed, 31), 1), pa.int16()),
            "price": pc.cast(pc.cast(pc.bit_wise_and(mixed, 0xFFFFF), pa.int32()),
                             pa.decimal128(12, 2)),
            "category": pc.take(categories, pc.bit_wise_and(mixed, 3)),
            "comment": pc.binary_join_element_wise("order ", pc.cast(ids, pa.string()), ""),
            "day": pc.cast(pc.cast(pc.add(pc.bit_wise_and(ids, 255), 19723), pa.int32()),
                           pa.date32()),
            "ts": pc.cast(pc.add(pc.multiply(ids, 1_000_003), 1_704_067_200_000_000),
                          pa.timestamp("us", tz="UTC")),
            "flag": pc.equal(pc.bit_wise_and(ids, 1), 0),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def measure(args):
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run each measurement in
    # a wrapper that reports its own child's peak instead.
    wrapper = ("import resource,subprocess,sys,time;"
               "t=time.perf_counter();subprocess.run(sys.argv[1:],check=True,"
               "stdout=subprocess.DEVNULL);w=time.perf_counter()-t;"
               "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)")
    out = subprocess.run([PYTHON, "-c", wrapper, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{args[0]} failed: {out.stderr.strip()[-2000:]}")
    wall, rss = out.stdout.split()
    return float(wall), float(rss)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=pathlib.Path, default=pathlib.Path(tempfile.gettempdir())
                        / "deltacpp-bench")
    parser.add_argument("--deltacpp", type=pathlib.Path,
                        default=REPO / "build/release/src/deltacpp/cli/deltacpp")
    args = parser.parse_args()
    work = args.dir / f"write-{args.rows}"
    work.mkdir(parents=True, exist_ok=True)
    rows = work / "rows.parquet"
    if not rows.exists():
        t0 = time.perf_counter()
        make_rows(rows, args.rows)
        print(f"input: {rows} ({args.rows:,} rows, {rows.stat().st_size / 2**20:.0f} MiB; "
              f"made in {time.perf_counter() - t0:.1f}s)")
    engines = {
        "delta-cpp": lambda out: [str(args.deltacpp), "write", str(out), str(rows)],
        "deltalake": lambda out: [PYTHON, "-c",
                                  "import sys,pyarrow.parquet as pq;"
                                  "from deltalake import write_deltalake;"
                                  "write_deltalake(sys.argv[2], pq.read_table(sys.argv[1]))",
                                  str(rows), str(out)],
        "pyarrow (floor)": lambda out: [PYTHON, "-c",
                                        "import sys,pyarrow.parquet as pq;"
                                        "pq.write_table(pq.read_table(sys.argv[1]),sys.argv[2])",
                                        str(rows), str(out) + ".parquet"],
    }
    results = {name: [] for name in engines}
    for _ in range(args.repeat):
        for name, command in engines.items():
            out = work / "out"
            shutil.rmtree(out, ignore_errors=True)
            (work / "out.parquet").unlink(missing_ok=True)
            results[name].append(measure(command(out)))
    print(f"\n{'engine':<18} {'median wall':>12} {'min-max wall':>16} {'peak RSS':>10}")
    for name, runs in results.items():
        walls = [w for w, _ in runs]
        rss = max(r for _, r in runs)
        print(f"{name:<18} {statistics.median(walls):>11.2f}s "
              f"{min(walls):>7.2f}-{max(walls):.2f}s {rss:>8.1f}MiB")
    ours = statistics.median(w for w, _ in results["delta-cpp"])
    print(f"\ndelta-cpp / pyarrow floor wall time: "
          f"{ours / statistics.median(w for w, _ in results['pyarrow (floor)']):.2f}")
    print(f"delta-cpp / deltalake wall time: "
          f"{ours / statistics.median(w for w, _ in results['deltalake']):.2f}")


if __name__ == "__main__":
    main()
