"""Benchmark of skactive.cluster.KMedoids solvers (a script, not a test).

For each data set and method it prints the wall time of ``fit``, the peak
memory of the fit and the inertia, and the gap of the inertia to full-matrix
FasterPAM. Every (data set, method) pair runs in a fresh subprocess. The
memory figure is the peak resident set size during ``fit`` minus the resident
set size just before it: the kernel's peak counter (``VmHWM``) is reset
through ``/proc/self/clear_refs`` before ``fit`` (Linux; elsewhere the
``ru_maxrss`` delta is used, which can under-count). Unlike tracemalloc it
includes the Rust solver's allocations.

Data sets (float32, n_features=20):

- ``gmm``: a 50-component Gaussian mixture with varying scales;
- ``grad``: input gradients of the predicted logit of a random 20-16-8-2 ReLU
  MLP at Gaussian-mixture inputs. They are piecewise constant (one value per
  activation pattern), so the data has many exact duplicates (about 6,500
  distinct rows out of 30,000), like DAMI's representations.

Usage::

    python benchmarks/bench_kmedoids.py                 # N=30000, k=600
    python benchmarks/bench_kmedoids.py --n 10000 --k 600 --methods clara fasterpam
    python benchmarks/bench_kmedoids.py --skip-full     # no N x N matrix
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from _memory import PeakMemory  # this folder is sys.path[0]

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def gmm(n, d=20, n_components=50, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(n_components, d) * 4
    scales = rng.uniform(0.5, 2.0, n_components)
    comp = rng.randint(n_components, size=n)
    return (centers[comp] + rng.randn(n, d) * scales[comp, None]).astype(np.float32)


def mlp_gradients(n, d=20, seed=0):
    """Input gradients of the predicted logit of a random 20-16-8-2 ReLU MLP."""
    rng = np.random.RandomState(seed)
    X = gmm(n, d, 10, seed + 1).astype(np.float64)
    W1, b1 = rng.randn(16, d) / np.sqrt(d), rng.randn(16) * 0.5
    W2, b2 = rng.randn(8, 16) / 4, rng.randn(8) * 0.5
    W3, b3 = rng.randn(2, 8) / np.sqrt(8), rng.randn(2) * 0.1
    h1 = X @ W1.T + b1
    m1 = h1 > 0
    h2 = (h1 * m1) @ W2.T + b2
    m2 = h2 > 0
    c = ((h2 * m2) @ W3.T + b3).argmax(axis=1)
    # d logit_c / dx = W1^T diag(m1) W2^T diag(m2) W3[c]
    return (((m2 * W3[c]) @ W2 * m1) @ W1).astype(np.float32)


DATASETS = {"gmm": gmm, "grad": mlp_gradients}


def worker(dataset, method, n, k, seed):
    from skactive.cluster import KMedoids

    X = DATASETS[dataset](n)
    est = KMedoids(n_clusters=k, method=method, random_state=seed)
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        est.fit(X)
        wall = time.perf_counter() - t0
    print(json.dumps({
        "dataset": dataset, "method": method, "fit_method": est._fit_method,
        "time_s": wall, "peak_mem_mb": mem.mb,
        "inertia": est.inertia_, "n_iter": est.n_iter_,
        "n_distinct_rows": int(len(np.unique(X, axis=0))), "mem_how": mem.method,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=30_000)
    parser.add_argument("--k", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--methods", nargs="+",
                        default=["clara", "fasterpam", "alternate"],
                        help="KMedoids methods; 'fasterpam' is the reference "
                             "(PAM is O(k n^2) per swap: only for small n)")
    parser.add_argument("--skip-full", action="store_true",
                        help="skip the full-matrix methods (fasterpam, pam, "
                             "alternate); gaps are then not reported")
    parser.add_argument("--worker", nargs=2, metavar=("DATASET", "METHOD"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.n, args.k, args.seed)
        return

    methods = [m for m in args.methods
               if not (args.skip_full and m in ("fasterpam", "pam", "alternate"))]
    print(f"KMedoids benchmark: n={args.n}, n_features=20 (float32), "
          f"k={args.k}, seed={args.seed}")
    print("memory = peak RSS during fit minus RSS before it (VmHWM reset via "
          "/proc/self/clear_refs; ru_maxrss delta where unavailable), fresh "
          "process per run")
    for dataset in args.datasets:
        rows = []
        for method in methods:
            cmd = [sys.executable, __file__, "--worker", dataset, method,
                   "--n", str(args.n), "--k", str(args.k),
                   "--seed", str(args.seed)]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"  {method}: failed\n{out.stderr}")
                continue
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        if not rows:
            continue
        ref = next((r["inertia"] for r in rows if r["method"] == "fasterpam"), None)
        print(f"\n[{dataset}] distinct rows: {rows[0]['n_distinct_rows']}")
        print(f"  {'method':<12}{'solver':<11}{'time (s)':>10}{'peak MB':>10}"
              f"{'inertia':>14}{'gap vs FasterPAM':>18}{'n_iter':>8}")
        for r in rows:
            gap = ("" if ref is None
                   else f"{100 * (r['inertia'] / ref - 1):+.2f} %")
            print(f"  {r['method']:<12}{r['fit_method']:<11}{r['time_s']:>10.2f}"
                  f"{r['peak_mem_mb']:>10.0f}{r['inertia']:>14.2f}{gap:>18}"
                  f"{r['n_iter']:>8}")


if __name__ == "__main__":
    main()
