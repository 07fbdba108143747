"""Out-of-core pools: score-based strategies over a memory-mapped pool, and on a Dask cluster.

A script, not a test. It builds once, under ``--workdir`` (default /tmp), a 10M x 20 float32
``.npy`` pool of two Gaussian blobs (800 MB, written in slices, never held whole) with its
labels, fits skactive's MLP (20-16-8-2, dropout 0.2 so that BALD can run) on 2,000 rows, and
times one query of batch 1,000 over the memory-mapped pool (``np.load(path, mmap_mode="r")``)
for least confidence, margin, entropy, EGL and BALD. Each strategy runs in a subprocess of its
own that loads the pickled, fitted model, so that its peak resident memory is its own: the
high-water mark of that process's resident set (``VmHWM`` in ``/proc/self/status``: the
interpreter, torch, the file pages it mapped and everything the query held). Not
``ru_maxrss``: Linux carries it across ``exec`` from the forking parent, whose own peak (it
wrote the pool) would show in every child. Targets (issue 15, 2 cores): the uncertainty
family under 10 s, EGL and BALD under 5 min, peak under 2 GB.

Then, on the first 1M rows: the same strategies on a 2-worker ``LocalCluster`` (processes, one
thread each; the pool is a dask array whose blocks the workers read from the file themselves
and hold, ``persist``-ed before the clock starts) against the in-process memory-mapped query,
and a check that both pick the same indices.

Usage::

    python benchmarks/bench_out_of_core.py --workdir /tmp/ooc            # everything
    python benchmarks/bench_out_of_core.py --rows 1000000 --skip-cluster  # a quick run
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import time

import numpy as np

from _dask_pool import local_cluster, persisted_npy_pool  # this folder is sys.path[0]
from _memory import peak_bytes

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

N_FEATURES, N_LABELED, BATCH = 20, 2_000, 1_000
STRATEGIES = ("least-confidence", "margin", "entropy", "egl", "bald")
TARGET_S = {"least-confidence": 10, "margin": 10, "entropy": 10, "egl": 300, "bald": 300}
PEAK_LIMIT_MB = 2048
CLUSTER_ROWS = 1_000_000
CLUSTER_BLOCK = 125_000


def make_strategy(name):
    from skactive.strategies import BALD, EGL, EntropySampling, LeastConfidence, MarginSampling

    return {"least-confidence": LeastConfidence, "margin": MarginSampling,
            "entropy": EntropySampling, "egl": EGL,
            "bald": lambda: BALD(n_passes=20, random_state=0)}[name]()


def build_pool(workdir, rows):
    """Two Gaussian blobs in 20 dimensions, written slice by slice into a .npy file."""
    path = os.path.join(workdir, f"pool_{rows}x{N_FEATURES}.npy")
    labels = os.path.join(workdir, f"labels_{rows}.npy")
    if os.path.exists(path) and os.path.exists(labels):
        return path, labels
    rng = np.random.default_rng(0)
    X = np.lib.format.open_memmap(path + ".part", mode="w+", dtype=np.float32,
                                  shape=(rows, N_FEATURES))
    y = np.empty(rows, dtype=np.int8)
    centres = np.stack([np.zeros(N_FEATURES), np.full(N_FEATURES, 0.6)]).astype(np.float32)
    step = 1_000_000
    for start in range(0, rows, step):
        stop = min(start + step, rows)
        label = rng.integers(0, 2, stop - start)
        X[start:stop] = centres[label] + rng.standard_normal((stop - start, N_FEATURES),
                                                            dtype=np.float32)
        y[start:stop] = label
    X.flush()
    del X
    os.replace(path + ".part", path)
    np.save(labels, y)
    return path, labels


def fit_model(workdir, path, labels):
    from skactive import MLPClassifier

    model_path = os.path.join(workdir, "model.pkl")
    if os.path.exists(model_path):
        return model_path
    X = np.load(path, mmap_mode="r")
    y = np.load(labels, mmap_mode="r")
    idx = np.sort(np.random.default_rng(1).choice(len(X), N_LABELED, replace=False))
    model = MLPClassifier((16, 8), dropout=0.2, max_epochs=50, random_state=0)
    model.fit(np.asarray(X[idx]), np.asarray(y[idx]))
    with open(model_path, "wb") as f:
        pickle.dump(model, f)
    return model_path


def child(args):
    """One query in this process; prints a JSON line."""
    with open(args.model, "rb") as f:
        model = pickle.load(f)
    pool = np.load(args.pool, mmap_mode="r")[:args.rows]
    strategy = make_strategy(args.child)
    result = {"strategy": args.child, "rows": args.rows, "mode": args.mode}
    if args.mode == "cluster":
        cluster, client = local_cluster()
        pool, result["load_s"] = persisted_npy_pool(args.pool, args.rows, CLUSTER_BLOCK)
    t0 = time.perf_counter()
    idx, _ = strategy(model, pool, n_instances=BATCH)
    result["seconds"] = time.perf_counter() - t0
    if args.mode == "cluster":  # the first query also pays the workers' imports of torch
        t0 = time.perf_counter()
        again, _ = strategy(model, pool, n_instances=BATCH)
        result["warm_s"] = time.perf_counter() - t0
        assert np.array_equal(again, idx)
    result["peak_mb"] = peak_bytes() / 2**20
    result["idx"] = idx.tolist()
    if args.mode == "cluster":
        client.close()
        cluster.close()
    print(json.dumps(result), flush=True)


def run_child(script, model_path, pool_path, name, rows, mode):
    cmd = [sys.executable, script, "--child", name, "--model", model_path, "--pool", pool_path,
           "--rows", str(rows), "--mode", mode]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default="/tmp")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--strategies", nargs="*", default=list(STRATEGIES))
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--pool", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="memmap", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    os.makedirs(args.workdir, exist_ok=True)
    t0 = time.perf_counter()
    pool_path, labels = build_pool(args.workdir, args.rows)
    model_path = fit_model(args.workdir, pool_path, labels)
    print(f"pool {pool_path} ({os.path.getsize(pool_path) / 1e6:.0f} MB), model fitted on "
          f"{N_LABELED} rows; setup {time.perf_counter() - t0:.1f} s")
    import platform

    import torch

    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"torch {torch.__version__}, numpy {np.__version__}")
    script = os.path.abspath(__file__)
    print(f"\n{args.rows:,} x {N_FEATURES} float32, memory-mapped, batch {BATCH}; one process "
          "per strategy")
    print(f"{'strategy':18s} {'seconds':>9s} {'target':>8s} {'peak MB':>9s}  ok")
    for name in args.strategies:
        r = run_child(script, model_path, pool_path, name, args.rows, "memmap")
        ok = r["seconds"] < TARGET_S[name] and r["peak_mb"] < PEAK_LIMIT_MB
        print(f"{name:18s} {r['seconds']:9.2f} {TARGET_S[name]:8d} {r['peak_mb']:9.0f}  "
              f"{'yes' if ok else 'NO'}", flush=True)
    if args.skip_cluster:
        return
    rows = min(CLUSTER_ROWS, args.rows)
    print(f"\n{rows:,} rows: in-process memory-mapped vs a 2-worker LocalCluster (blocks of "
          f"{CLUSTER_BLOCK:,} rows held by the workers; peak MB is the client process)")
    print("(cluster: 'first' is the first query on fresh workers, which import torch and "
          "receive the model; 'again' a second query)")
    print(f"{'strategy':18s} {'in-proc s':>9s} {'peak MB':>8s} {'first s':>8s} "
          f"{'again s':>8s} {'peak MB':>8s} {'load s':>7s}  same picks")
    for name in args.strategies:
        a = run_child(script, model_path, pool_path, name, rows, "memmap")
        b = run_child(script, model_path, pool_path, name, rows, "cluster")
        print(f"{name:18s} {a['seconds']:9.2f} {a['peak_mb']:8.0f} {b['seconds']:8.2f} "
              f"{b['warm_s']:8.2f} {b['peak_mb']:8.0f} {b['load_s']:7.2f}  "
              f"{a['idx'] == b['idx']}", flush=True)


if __name__ == "__main__":
    main()
