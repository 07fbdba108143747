"""CoreSet and BADGE on a 2-worker Dask LocalCluster against one process, 1M x 20 float32.

A script, not a test. It builds (once, under ``--workdir``) the pool and the model of
``bench_out_of_core.py`` (two Gaussian blobs, MLP 20-16-8-2 fitted on 2,000 rows) at ``--rows``
rows, then times one query of batch 1,000 for CoreSet and BADGE, each with
``max_candidates=200000`` and exact (``None``):

- in one process, over the memory-mapped pool;
- on a ``LocalCluster`` of 2 worker processes (one thread each), the pool a dask array whose
  blocks of 125,000 rows the workers read from the file and hold (``persist``-ed, and one
  entropy query run to import torch on the workers, before the clock starts).

Each run is a subprocess of its own; a run past ``--limit`` seconds is stopped and reported
as such. Prints seconds, the client's peak resident memory, and whether the picks are the
same.

Usage::

    python benchmarks/bench_distributed_batch.py --workdir /tmp/dask-batch
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

from _dask_pool import local_cluster, persisted_npy_pool  # noqa: E402
from _memory import peak_bytes  # noqa: E402
from bench_out_of_core import CLUSTER_BLOCK, N_FEATURES, build_pool, fit_model  # noqa: E402

BATCH = 1_000
CONFIGS = [("coreset", 200_000), ("badge", 200_000), ("coreset", None), ("badge", None)]


def make_strategy(name, max_candidates):
    from skactive.strategies import BADGE, CoreSet

    cls = {"coreset": CoreSet, "badge": BADGE}[name]
    return cls(max_candidates=max_candidates, random_state=0)


def child(args):
    """One query in this process; prints a JSON line."""
    from skactive.readouts import ModelView

    with open(args.model, "rb") as f:
        model = pickle.load(f)
    X_all = np.load(args.pool, mmap_mode="r")
    pool = X_all[:args.rows]
    labeled = np.load(args.labeled)
    max_candidates = None if args.max_candidates == "none" else int(args.max_candidates)
    strategy = make_strategy(args.child, max_candidates)
    result = {}
    if args.mode == "cluster":
        from skactive.strategies import EntropySampling

        cluster, client = local_cluster()
        pool, _ = persisted_npy_pool(args.pool, args.rows, CLUSTER_BLOCK)
        EntropySampling()(model, pool, n_instances=10)  # the workers import torch
    # the fitted model with the labeled set CoreSet covers (what a learner's view holds)
    target = ModelView(model, None, np.asarray(X_all[labeled]), np.zeros(len(labeled)))
    t0 = time.perf_counter()
    idx, _ = strategy(target, pool, n_instances=BATCH)
    result["seconds"] = time.perf_counter() - t0
    result["peak_mb"] = peak_bytes() / 2**20
    result["idx"] = idx.tolist()
    if args.mode == "cluster":
        client.close()
        cluster.close()
    print(json.dumps(result), flush=True)


def run_child(args, model_path, pool_path, labeled_path, name, max_candidates, mode):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", name, "--model", model_path,
           "--pool", pool_path, "--labeled", labeled_path, "--rows", str(args.rows),
           "--mode", mode, "--max-candidates", str(max_candidates).lower()]
    try:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                             timeout=args.limit).stdout
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default="/tmp")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--limit", type=float, default=300.0,
                        help="seconds a run may take, cluster start-up included")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--pool", help=argparse.SUPPRESS)
    parser.add_argument("--labeled", help=argparse.SUPPRESS)
    parser.add_argument("--max-candidates", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="memmap", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    os.makedirs(args.workdir, exist_ok=True)
    pool_path, labels = build_pool(args.workdir, args.rows)
    model_path = fit_model(args.workdir, pool_path, labels)
    labeled_path = os.path.join(args.workdir, "labeled.npy")
    if not os.path.exists(labeled_path):
        np.save(labeled_path, np.sort(np.random.default_rng(1).choice(args.rows, 2_000,
                                                                      replace=False)))
    import platform

    import torch

    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"torch {torch.__version__}, numpy {np.__version__}")
    print(f"{args.rows:,} x {N_FEATURES} float32, batch {BATCH}, 2,000 labeled rows; "
          f"cluster: 2 worker processes, blocks of {CLUSTER_BLOCK:,} rows")
    print(f"{'strategy':9s} {'candidates':>10s} {'1 process s':>11s} {'peak MB':>8s} "
          f"{'cluster s':>10s} {'peak MB':>8s}  same picks")
    for name, max_candidates in CONFIGS:
        a = run_child(args, model_path, pool_path, labeled_path, name, max_candidates,
                      "memmap")
        b = run_child(args, model_path, pool_path, labeled_path, name, max_candidates,
                      "cluster")
        cand = "exact" if max_candidates is None else f"{max_candidates:,}"

        def show(r):
            return (f"{'> limit':>11s} {'':>8s}" if r is None
                    else f"{r['seconds']:11.2f} {r['peak_mb']:8.0f}")
        same = "n/a" if a is None or b is None else str(a["idx"] == b["idx"])
        if a is not None and b is not None and a["idx"] != b["idx"]:
            same += f" ({len(set(a['idx']) & set(b['idx']))} of {BATCH} in common)"
        print(f"{name:9s} {cand:>10s} {show(a)} {show(b)[1:]}  {same}", flush=True)


if __name__ == "__main__":
    main()
