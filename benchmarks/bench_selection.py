"""Benchmark of the batch-selection kernels (a script, not a test).

CoreSet's and BADGE's kernels live in their strategy modules (private names, timed here
as the strategies run them); D^2 sampling is :func:`skactive.utils.d2_sampling`.

Setting of a CoreSet / BADGE / RALIF query on a 30,000-sample pool: 8
penultimate features, 2 classes, 600 labeled samples, 600 picks. Prints the
median wall time over ``--repeat`` runs and the peak of numpy allocations
(``tracemalloc``, measured in a separate run so that it does not slow the
timed ones).

Usage::

    python benchmarks/bench_selection.py [--n 30000] [--d 8] [--k 2]
        [--n-labeled 600] [--n-select 600] [--repeat 5]
"""

import argparse
import os
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from skactive.strategies._badge import kmeans_pp_seeding  # noqa: E402
from skactive.strategies._coreset import k_center_greedy  # noqa: E402
from skactive.utils import d2_sampling  # noqa: E402


def make_data(n, d, k, n_labeled, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(20, d) * 3
    feats = centers[rng.randint(20, size=n + n_labeled)] + rng.randn(n + n_labeled, d)
    feats = np.maximum(feats, 0).astype(np.float32)  # ReLU-like features
    logits = feats[:n] @ rng.randn(d, k).astype(np.float32)
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    q = proba.copy()
    q[np.arange(n), proba.argmax(axis=1)] -= 1.0  # p - onehot(pseudo label)
    return feats[:n], feats[n:], q.astype(np.float32), feats[:n]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=30_000)
    parser.add_argument("--d", type=int, default=8)
    parser.add_argument("--k", type=int, default=2)
    parser.add_argument("--n-labeled", type=int, default=600)
    parser.add_argument("--n-select", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    X_pool, X_lab, q, f = make_data(args.n, args.d, args.k, args.n_labeled)
    m = args.n_select
    kernels = {
        "CoreSet's k_center_greedy": lambda: k_center_greedy(
            X_pool, X_lab, m, np.random.RandomState(0)),
        "BADGE's kmeans_pp_seeding": lambda: kmeans_pp_seeding(
            q, f, m, np.random.RandomState(0)),
        "d2_sampling (no reference)": lambda: d2_sampling(X_pool, m, random_state=0),
        "d2_sampling (600 reference)": lambda: d2_sampling(
            X_pool, m, X_reference=X_lab, random_state=0),
    }
    print(f"selection kernels: n_pool={args.n}, n_features={args.d}, "
          f"n_classes={args.k}, n_labeled={args.n_labeled}, n_select={m}")
    print(f"  {'kernel':<30}{'median (s)':>12}{'min (s)':>10}{'peak MB':>10}")
    for name, run in kernels.items():
        run()  # warm up
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
        tracemalloc.start()
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {name:<30}{np.median(times):>12.3f}{min(times):>10.3f}"
              f"{peak / 2**20:>10.1f}")


if __name__ == "__main__":
    main()
