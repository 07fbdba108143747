"""Pools on disk: reading a 10M x 20 float32 pool from Parquet and .npy in chunks, and querying it.

Writes (once; reused when present with the same shape) a pool of ``--rows`` x ``--cols``
float32 values as a Parquet file with row groups of ``--row-group`` rows and as a ``.npy``
array, plus a labeled CSV of ``--labeled`` rows, under ``--workdir``. Then times, each in a
fresh process under ``/usr/bin/time -v`` (wall seconds and peak resident memory):

- reading every row in chunks of ``--chunk-rows`` (``skactive.datasets.open_pool``:
  ``ParquetPool.iter_chunks``, and slices of the memory map), summing each chunk so that
  every value is read;
- reading 1,000 random rows by index;
- ``skactive query --labeled labeled.csv --pool POOL --strategy entropy --n 1000``
  (an MLP trained on the labeled rows, the pool scored chunk by chunk).

Usage::

    python benchmarks/bench_pool_files.py --workdir /work/runs/pool-cli [--rows 10000000]

The resident set of a memory-mapped ``.npy`` includes the file pages it has touched (shared,
file-backed, given back by the kernel under pressure), so its peak grows with the file size
even though the process holds one chunk of its own at a time.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

READ_ALL = """
import sys, numpy as np
from skactive.datasets import open_pool
pool, chunk = open_pool(sys.argv[1]), int(sys.argv[2])
total, rows = 0.0, 0
if hasattr(pool, "iter_chunks"):
    chunks = pool.iter_chunks(chunk)
else:
    chunks = ((s, min(s + chunk, len(pool)), np.asarray(pool[s:s + chunk]))
              for s in range(0, len(pool), chunk))
for start, stop, block in chunks:
    total += float(block.sum(dtype=np.float64))
    rows += len(block)
print(f"rows={rows} sum={total:.6g}")
"""

READ_RANDOM = """
import sys, numpy as np
from skactive.datasets import open_pool
pool = open_pool(sys.argv[1])
index = np.random.RandomState(0).randint(0, len(pool), 1000)
rows = np.asarray(pool[index])
print(f"rows={len(rows)} sum={float(rows.sum(dtype=np.float64)):.6g}")
"""


def write_files(workdir, n_rows, n_cols, row_group, n_labeled, seed=0):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    workdir.mkdir(parents=True, exist_ok=True)
    parquet, npy, labeled = (workdir / "pool.parquet", workdir / "pool.npy",
                             workdir / "labeled.csv")
    names = [f"f{j}" for j in range(n_cols)]
    weights = np.random.RandomState(seed + 1).normal(size=n_cols)
    if not (parquet.exists() and pq.ParquetFile(parquet).metadata.num_rows == n_rows
            and npy.exists() and np.load(npy, mmap_mode="r").shape == (n_rows, n_cols)):
        start = time.perf_counter()
        rng = np.random.default_rng(seed)
        schema = pa.schema([(name, pa.float32()) for name in names])
        out = np.lib.format.open_memmap(npy, mode="w+", dtype=np.float32,
                                        shape=(n_rows, n_cols))
        with pq.ParquetWriter(parquet, schema, use_dictionary=False) as writer:
            for lo in range(0, n_rows, row_group):  # one row group in memory at a time
                block = rng.standard_normal((min(row_group, n_rows - lo), n_cols),
                                            dtype=np.float32)
                out[lo:lo + len(block)] = block
                writer.write_table(pa.Table.from_arrays(list(block.T), schema=schema),
                                   row_group_size=row_group)
        out.flush()
        del out
        print(f"wrote {n_rows:,} x {n_cols} pool files in {time.perf_counter() - start:.1f} s: "
              f"{parquet.stat().st_size / 1e6:.0f} MB Parquet, {npy.stat().st_size / 1e6:.0f} "
              "MB .npy", flush=True)
    rng = np.random.RandomState(seed + 2)
    X = rng.standard_normal((n_labeled, n_cols)).astype(np.float32)
    frame = pd.DataFrame(X, columns=names)
    frame["y"] = np.where(X @ weights + rng.normal(0, 0.5, n_labeled) > 0, "yes", "no")
    frame.to_csv(labeled, index=False)
    return parquet, npy, labeled


def timed(argv, env):
    """``(wall seconds, peak RSS in MB, last stdout line)`` of a command under time -v."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True,
                          env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return wall, peak / 1024, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--row-group", type=int, default=1_000_000)
    parser.add_argument("--chunk-rows", type=int, default=65_536)
    parser.add_argument("--labeled", type=int, default=2_000)
    parser.add_argument("--n", type=int, default=1_000, help="rows to pick")
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--no-query", action="store_true", help="time the reads only")
    args = parser.parse_args()
    parquet, npy, labeled = write_files(args.workdir, args.rows, args.cols, args.row_group,
                                        args.labeled)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    py = sys.executable
    cases = []
    for kind, path in (("parquet", parquet), ("npy", npy)):
        cases.append((f"read all, chunks of {args.chunk_rows:,} ({kind})",
                      [py, "-c", READ_ALL, str(path), str(args.chunk_rows)]))
        cases.append((f"read 1,000 random rows ({kind})", [py, "-c", READ_RANDOM, str(path)]))
    if not args.no_query:
        # the fixed costs (start-up, reading the labeled table, training): a 2,000-row pool
        small = args.workdir / "pool_small.npy"
        np.save(small, np.load(npy, mmap_mode="r")[:2_000])
        for kind, path, stem in (("2,000-row npy", small, "small"),
                                 ("parquet", parquet, "parquet"), ("npy", npy, "npy")):
            cases.append((f"skactive query --strategy entropy --n {args.n:,} ({kind})",
                          [py, "-m", "skactive", "query", "--labeled", str(labeled), "--pool",
                           str(path), "--target", "y", "--strategy", "entropy", "--n",
                           str(args.n), "--max-epochs", str(args.max_epochs), "--chunk-rows",
                           str(args.chunk_rows), "--out",
                           str(args.workdir / f"picks_{stem}.csv")]))
    print(f"pool: {args.rows:,} x {args.cols} float32, row groups of {args.row_group:,}; "
          f"labeled: {args.labeled:,} rows; {os.cpu_count()} CPUs")
    print(f"{'task':58s} {'seconds':>8s} {'peak MB':>8s}  output")
    for name, argv in cases:
        wall, peak, last = timed(argv, env)
        print(f"{name:58s} {wall:8.1f} {peak:8.0f}  {last[:60]}", flush=True)
    if not args.no_query:
        import pandas as pd

        a = pd.read_csv(args.workdir / "picks_parquet.csv")["pool_row"]
        b = pd.read_csv(args.workdir / "picks_npy.csv")["pool_row"]
        print(f"same picks from Parquet and .npy: {a.tolist() == b.tolist()}")


if __name__ == "__main__":
    main()
