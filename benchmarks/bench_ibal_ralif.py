"""Benchmark of the IBAL, IBAL-D and RALIF queries (a script, not a test).

Table pool (default): 30,000 x 20 float32 samples from a two-class Gaussian mixture, 600 labeled
samples, an MLP 20-16-8-2 trained on them once, one query of a batch of 600. Each method runs in
a fresh subprocess that loads the pickled learner and the pool, warms up with a forward pass on
a few rows, then times one query. Memory is the peak resident set size during the query minus
the resident set size before it (Linux: the peak ``VmHWM`` is reset through
``/proc/self/clear_refs`` first; elsewhere ``ru_maxrss``, which can hide a peak lower than the
loading's), so it includes every allocation (numpy, torch, BLAS). ``forward`` is one bare pass
of the network over the pool (the logits), the floor every strategy pays.

``ibal-d`` is timed with its autoencoder already fitted (it is fitted once for the whole loop);
``ibal-d (autoencoder fit)`` is that one-off fit on the pool plus the labeled set.

Text pool (``--mr``): the MR sentences (from ``--data-home``, e.g. ../shared/datasets) with a
Kim CNN trained on 600 of them; the pool is the other 10,062 sentences, batch 600.

Timings are wall-clock on whatever machine runs it; on a shared machine they are noisy.

Usage::

    python benchmarks/bench_ibal_ralif.py
    python benchmarks/bench_ibal_ralif.py --methods forward ralif --repeat 3
    python benchmarks/bench_ibal_ralif.py --mr --data-home ../shared/datasets
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time

import numpy as np

from _memory import PeakMemory  # this folder is sys.path[0]

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

METHODS = ["forward", "ibal", "ibal-expected", "ibal-d", "ibal-d (autoencoder fit)",
           "ralif", "ralif-expected", "ralif-cg"]


def make_pool(n, n_labeled, d=20, seed=0):
    """A two-class mixture of 20 Gaussian blobs in 20 dimensions (float32)."""
    rng = np.random.RandomState(seed)
    centers = rng.randn(20, d) * 2.0
    comp = rng.randint(20, size=n + n_labeled)
    X = (centers[comp] + rng.randn(n + n_labeled, d)).astype(np.float32)
    y = (comp % 2).astype(np.int64)
    flip = rng.rand(len(y)) < 0.05
    y[flip] = 1 - y[flip]
    return X[:n_labeled], y[:n_labeled], X[n_labeled:]


def _strategy(method, random_state=0):
    from skactive.strategies import IBAL, IBALD, RALIF

    return {
        "ibal": lambda: IBAL(),
        "ibal-expected": lambda: IBAL(reading="expected_label"),
        "ibal-d": lambda: IBALD(random_state=random_state),
        "ibal-d (autoencoder fit)": lambda: IBALD(random_state=random_state),
        "ralif": lambda: RALIF(random_state=random_state),
        "ralif-expected": lambda: RALIF(variant="expected", random_state=random_state),
        "ralif-cg": lambda: RALIF(solver="cg", random_state=random_state),
    }[method]()


def worker(path, method, batch):
    from skactive import readouts

    with open(path, "rb") as fh:
        learner, X_pool = pickle.load(fh)
    readouts.logits(learner, X_pool[:16])  # warm-up: lazy imports, thread pool
    if method == "forward":
        def run():
            readouts.logits(learner, X_pool)
    else:
        strategy = _strategy(method)
        is_text = getattr(learner.estimator_, "_input_kind", "table") == "text"
        if method == "ibal-d (autoencoder fit)":
            if is_text:
                print(json.dumps({"method": method, "skipped": "text uses the classifier's "
                                  "own sentence representation: nothing to fit"}))
                return
            X_all = np.concatenate([X_pool, learner.X_training_])

            def run():
                strategy.fit(X_all)
        else:
            if method == "ibal-d" and not is_text:
                strategy.fit(np.concatenate([X_pool, learner.X_training_]))

            def run():
                idx, _ = strategy(learner, X_pool, n_instances=batch)
                assert len(np.unique(idx)) == batch
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        run()
        wall = time.perf_counter() - t0
    print(json.dumps({"method": method, "time_s": wall, "peak_mem_mb": mem.mb}))


def table_learner(args):
    from skactive import ActiveLearner, MLPClassifier

    X_lab, y_lab, X_pool = make_pool(args.n, args.n_labeled, seed=args.seed)
    learner = ActiveLearner(MLPClassifier((16, 8), random_state=args.seed),
                            X_training=X_lab, y_training=y_lab)
    learner._ensure_fitted()
    desc = (f"table pool: {len(X_pool)} x {X_pool.shape[1]} float32, "
            f"{len(y_lab)} labeled, MLP 20-16-8-2")
    return learner, X_pool, desc


def mr_learner(args):
    from skactive import ActiveLearner, TextCNNClassifier
    from skactive.datasets import load_mr

    X, y = load_mr(args.data_home, return_X_y=True)
    order = np.random.RandomState(args.seed).permutation(len(X))
    lab, pool = order[:args.n_labeled], order[args.n_labeled:]
    learner = ActiveLearner(TextCNNClassifier(max_epochs=5, random_state=args.seed),
                            X_training=X[lab], y_training=y[lab])
    learner._ensure_fitted()
    desc = f"MR pool: {len(pool)} sentences, {len(lab)} labeled, Kim CNN (100 maps x 3 sizes)"
    return learner, X[pool], desc


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=30_000, help="pool size (table)")
    parser.add_argument("--n-labeled", type=int, default=600)
    parser.add_argument("--batch", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1,
                        help="subprocesses per method; the table shows the fastest")
    parser.add_argument("--methods", nargs="+", default=METHODS, choices=METHODS)
    parser.add_argument("--mr", action="store_true", help="the MR text pool instead")
    parser.add_argument("--data-home", default=None, help="folder holding mr/ (with --mr)")
    parser.add_argument("--worker", nargs=2, metavar=("PICKLE", "METHOD"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.batch)
        return

    t0 = time.perf_counter()
    learner, X_pool, desc = (mr_learner if args.mr else table_learner)(args)
    print(f"IBAL / RALIF query benchmark. {desc}; batch {args.batch}; "
          f"model trained in {time.perf_counter() - t0:.1f} s")
    print("time = one query (one subprocess per run, fastest of --repeat); memory = peak RSS "
          "during it minus RSS before it")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "learner.pkl")
        with open(path, "wb") as fh:
            pickle.dump((learner, X_pool), fh)
        print(f"  {'method':<26}{'time (s)':>10}{'peak MB':>10}")
        for method in args.methods:
            runs = []
            for _ in range(args.repeat):
                cmd = [sys.executable, os.path.abspath(__file__), "--worker", path, method,
                       "--batch", str(args.batch)]
                out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
                if out.returncode != 0:
                    print(f"  {method}: failed\n{out.stderr}")
                    break
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            if not runs:
                continue
            if "skipped" in runs[0]:
                print(f"  {method:<26}{'-':>10}{'-':>10}  ({runs[0]['skipped']})")
                continue
            best = min(runs, key=lambda r: r["time_s"])
            print(f"  {method:<26}{best['time_s']:>10.3f}{best['peak_mem_mb']:>10.1f}")


if __name__ == "__main__":
    main()
