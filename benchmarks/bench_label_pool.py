"""A labeling session on a 10M x 20 float32 Parquet file: seconds and peak memory of its rounds.

Writes (once; reused when present with the same shape) ``rows.parquet`` under ``--workdir``:
``--rows`` x ``--cols`` float32 standard normals ``f0``... in row groups of ``--row-group``
rows, and a text label column ``y`` filled in for the first ``--labeled`` rows (a linear
rule) and null elsewhere. Then, each in a fresh process under ``/usr/bin/time -v`` (wall
seconds, peak resident set):

- ``round``: a :class:`skactive.labeling.LabelingSession` (``--strategy``, default entropy,
  batch 10, MLP with 10 epochs, scoring ``--chunk-rows`` rows at a time) opened on a fresh
  session folder, which reads the label column, fingerprints the file, fits the first model
  on the labeled rows, scores every unlabeled row and reads the picks and the stop set; then
  the batch is answered (the same linear rule) and the second model is fitted and chooses
  again. The times of both rounds are printed.
- ``export``: the session reopened (its log replayed) and exported: the file rewritten row
  group by row group with the answers in ``y``.

Usage::

    python benchmarks/bench_label_pool.py --workdir /work/runs/label-pool [--rows 10000000]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

ROUND = """
import sys, time, numpy as np
from skactive.labeling import LabelingSession
import torch  # noqa: F401  (imported by the first fit anyway: counted in the baseline)
from _memory import status_bytes  # benchmarks/ is on PYTHONPATH (see timed)

def mb(field):
    return status_bytes(field) / 2**20

imports = mb("VmRSS")
path, out, strategy, chunk = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
weights = np.random.RandomState(1).normal(size=int(sys.argv[5]))
start = time.perf_counter()
session = LabelingSession(path, out, target="y", strategy=strategy, batch_size=10, seed=0,
                          background=False, model_params={"max_epochs": 10}, chunk_rows=chunk)
session.open()
first = time.perf_counter() - start
peak_first = mb("VmHWM")
batch = session.next_batch()
rows = [r["row"] for r in batch["rows"]]
X = session._rows.take_X(rows).to_numpy()
start = time.perf_counter()
for row, value in zip(batch["rows"], X @ weights):
    session.label(row["key"], "pos" if value > 0 else "neg")
second = time.perf_counter() - start
after = session.next_batch()
session.close()
print(f"after imports {imports:,.0f} MB; first round {first:.1f} s (version {batch['version']}, "
      f"peak {peak_first:,.0f} MB), second round {second:.1f} s (version {after['version']}, "
      f"peak {mb('VmHWM'):,.0f} MB); picks {rows}")
"""

EXPORT = """
import sys, time
from skactive.labeling import LabelingSession
start = time.perf_counter()
with LabelingSession(sys.argv[1], sys.argv[2], target="y", strategy=sys.argv[3], batch_size=10,
                     seed=0, background=False, model_params={"max_epochs": 10},
                     chunk_rows=int(sys.argv[4])) as session:
    opened = time.perf_counter() - start
    paths = session.export(model=False)
print(f"reopened in {opened:.1f} s, exported in {time.perf_counter() - start - opened:.1f} s: "
      f"{paths['data']}")
"""


def write_file(path, n_rows, n_cols, row_group, n_labeled, seed=0):
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.exists() and pq.ParquetFile(path).metadata.num_rows == n_rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    weights = np.random.RandomState(1).normal(size=n_cols)
    names = [f"f{j}" for j in range(n_cols)]
    schema = pa.schema([(name, pa.float32()) for name in names] + [("y", pa.string())])
    with pq.ParquetWriter(path, schema, use_dictionary=["y"]) as writer:
        for lo in range(0, n_rows, row_group):  # one row group in memory at a time
            hi = min(lo + row_group, n_rows)
            X = rng.standard_normal((hi - lo, n_cols), dtype=np.float32)
            y = np.where(X.astype(np.float64) @ weights > 0, "pos", "neg").astype(object)
            y[max(0, n_labeled - lo):] = None
            writer.write_table(pa.table([pa.array(X[:, j]) for j in range(n_cols)]
                                        + [pa.array(y, pa.string())], schema=schema))
    print(f"wrote {path} ({path.stat().st_size / 1e6:,.0f} MB) in "
          f"{time.perf_counter() - start:.0f} s", flush=True)


def timed(script, args):
    """``(wall seconds, peak MB, last line of output)`` of a fresh process under time -v."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "benchmarks")]),
               OMP_NUM_THREADS="1")
    done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", script, *map(str, args)],
                          capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return seconds, peak / 1024, done.stdout.strip().splitlines()[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--row-group", type=int, default=1_000_000)
    parser.add_argument("--labeled", type=int, default=2_000)
    parser.add_argument("--chunk-rows", type=int, default=65_536)
    parser.add_argument("--strategy", default="entropy")
    args = parser.parse_args(argv)
    path = args.workdir / "rows.parquet"
    write_file(path, args.rows, args.cols, args.row_group, args.labeled)
    out = args.workdir / "session"
    shutil.rmtree(out, ignore_errors=True)
    common = [path, out, args.strategy, args.chunk_rows]
    print(f"{'task':<60}{'seconds':>9}{'peak MB':>9}")
    for name, script, extra in [("session: open, first round, answer, second round", ROUND,
                                 [args.cols]),
                                ("session: reopen, export (file rewritten)", EXPORT, [])]:
        seconds, peak, line = timed(script, common + extra)
        print(f"{name:<60}{seconds:>9.1f}{peak:>9,.0f}\n    {line}", flush=True)


if __name__ == "__main__":
    main()
