"""Benchmark of one query of every registered strategy (a script, not a test).

Setting: a 30,000 x 20 float32 pool, 600 labeled samples, a batch of 600, the DAMI paper's
MLP (20-16-8-2, dropout 0.2 so that BALD can run). For every strategy that exists in this
version of skactive it prints the wall and CPU time of one query (medians of ``--repeat`` runs,
after a warm-up query on a small pool) and its peak memory, next to one bare forward pass of the
torch module over the pool: the floor any model-based strategy pays. On a shared, busy machine
the CPU-time ratio is the steadier figure; the targets are checked on wall time. The "x floor"
ratios divide each query by a floor measured just before it (median of 5 passes), in the same
process, so that both see the same load.

How memory is measured: every strategy runs in a fresh subprocess that loads the pickled,
already fitted learner (no training in the worker). Just before each query the worker resets
the kernel's peak-RSS counter (``echo 5 > /proc/self/clear_refs``, Linux >= 4.0) and reads the
current RSS; after the query it reads the peak (``VmHWM`` in ``/proc/self/status``). The figure
is peak minus current: every allocation the query made and held at once, numpy, torch and
Rust alike (tracemalloc sees only Python's allocator). Where the peak cannot be reset, the
script falls back to ``ru_maxrss`` and says so.

DAMI's clustering quality: the worker also reports the k-medoids loss of DAMI's medoids on its
representations (sum of Euclidean distances of the pool to the nearest medoid). ``--reference``
runs full-matrix FasterPAM on the same representations in another subprocess (about 60-70 s and
3.8 GB at 30,000 samples) and prints the gap.

``--dami-methods`` instead compares DAMI's k-medoids solvers on label efficiency: active
learning on Telescope (a stratified 6,000-row training pool, the rest for testing), MLP
(16, 8) behind a StandardScaler, 100 random initial labels, ``--rounds`` rounds of
``--batch`` queries, ``--seeds`` seeds; it prints test accuracy per round and the mean time
of one query per method.

Usage::

    python benchmarks/bench_strategies.py                       # all strategies
    python benchmarks/bench_strategies.py --strategies dami coreset --reference
    python benchmarks/bench_strategies.py --dami-methods --seeds 3
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

N_POOL, N_LABELED, N_FEATURES, BATCH = 30_000, 600, 20, 600
UNCERTAINTY = ("least-confidence", "margin", "entropy")
#: target per strategy: ("x floor", factor) or ("seconds", limit)
TARGETS = {
    **{name: ("x", 10) for name in UNCERTAINTY},
    "egl": ("x", 60), "bald": ("x", 60),
    "coreset": ("s", 1.0), "badge": ("s", 1.0), "dami": ("s", 10.0),
}
DAMI_PEAK_LIMIT_MB = 1024


# --------------------------------------------------------------------------- data and model
def make_data(seed=0):
    """A 20-feature mixture with a non-linear two-class rule; the first rows are labeled."""
    rng = np.random.RandomState(seed)
    n = N_POOL + N_LABELED
    centers = rng.randn(30, N_FEATURES) * 2
    X = centers[rng.randint(30, size=n)] + rng.randn(n, N_FEATURES)
    y = ((X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.3 * rng.randn(n)) > 0).astype(np.int64)
    return X.astype(np.float32), y


def fit_learner(path, seed=0):
    from skactive import ActiveLearner, MLPClassifier

    X, y = make_data(seed)
    learner = ActiveLearner(MLPClassifier((16, 8), dropout=0.2, random_state=seed),
                            X_training=X[:N_LABELED], y_training=y[:N_LABELED])
    learner._ensure_fitted()
    with open(path, "wb") as fh:
        pickle.dump(learner, fh)


# --------------------------------------------------------------------------- worker
def kmedoids_loss(R, medoids, chunk=4096):
    """Sum over all rows of the Euclidean distance to the nearest medoid (float64)."""
    from sklearn.metrics import pairwise_distances

    C = R[medoids].astype(np.float64)
    return float(sum(pairwise_distances(R[s:s + chunk].astype(np.float64), C).min(axis=1).sum()
                     for s in range(0, len(R), chunk)))


def _bare_pass(learner, pool):
    """One forward pass of the fitted module over the pool, as a zero-argument function."""
    import torch

    estimator = learner.estimator_
    module, xb = estimator.inference_module(), torch.from_numpy(pool)

    def run(threads=True):
        with torch.no_grad(), (estimator.threads() if threads else _nothing()):
            module(xb)

    return run


def _clock(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def worker(name, model_path, repeat):
    import torch
    from sklearn.base import clone

    from skactive.strategies import get_strategy

    with open(model_path, "rb") as fh:
        learner = pickle.load(fh)
    X, _ = make_data()
    pool = X[N_LABELED:]
    bare = _bare_pass(learner, pool)
    result = {"name": name}
    if name == "floor":
        for threads, key in ((True, "library_threads"), (False, "torch_default")):
            wall, cpu = zip(*(_clock(lambda: bare(threads)) for _ in range(max(20, repeat))))
            result[key], result[key + "_cpu"] = float(np.median(wall)), float(np.median(cpu))
        result["torch_threads_default"] = torch.get_num_threads()
        print(json.dumps(result))
        return
    strategy = get_strategy(name)
    if "random_state" in strategy.get_params(deep=False):
        strategy.set_params(random_state=0)
    clone(strategy)(learner, pool[:1000], n_instances=10)  # warm-up: imports, first calls
    if hasattr(strategy, "fit"):  # e.g. IBAL-D's autoencoder: fitted once, before the loop
        strategy.fit(X)
    times, cpu, peaks, ratios, cpu_ratios = [], [], [], [], []
    for _ in range(repeat):
        # the floor is re-measured next to every query: on a busy machine the ratio of two
        # neighbouring measurements is far steadier than either
        floor_wall, floor_cpu = np.median([_clock(bare) for _ in range(5)], axis=0)
        with PeakMemory() as mem:
            t0, c0 = time.perf_counter(), time.process_time()
            idx, _ = strategy(learner, pool, n_instances=BATCH)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        peaks.append(mem.mb)
        ratios.append(times[-1] / floor_wall)
        cpu_ratios.append(cpu[-1] / floor_cpu)
    assert len(set(np.asarray(idx).tolist())) == BATCH
    result.update(time_s=float(np.median(times)), cpu_s=float(np.median(cpu)),
                  x_floor=float(np.median(ratios)), x_floor_cpu=float(np.median(cpu_ratios)),
                  peak_mb=float(max(peaks)), memory_method=mem.method)
    if name == "dami":
        R = strategy.representations(learner, pool)
        result["loss"] = kmedoids_loss(R, np.asarray(idx))
        result["n_distinct_representations"] = int(len(np.unique(R, axis=0)))
    print(json.dumps(result))


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def reference_worker(model_path):
    """Full-matrix FasterPAM on DAMI's representations: the loss to compare with."""
    from skactive import readouts
    from skactive.cluster import KMedoids

    with open(model_path, "rb") as fh:
        learner = pickle.load(fh)
    pool = make_data()[0][N_LABELED:]
    R = readouts.input_gradients(learner, pool)
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        km = KMedoids(BATCH, method="fasterpam", random_state=0).fit(R)
        wall = time.perf_counter() - t0
    print(json.dumps({"name": "fasterpam-full", "time_s": wall, "peak_mb": mem.mb,
                      "loss": kmedoids_loss(R, km.medoid_indices_)}))


def run_worker(args):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), *args],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- DAMI solvers
def dami_methods(methods, seeds, rounds, batch):
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skactive import ActiveLearner, MLPClassifier
    from skactive.datasets import load_telescope
    from skactive.strategies import DAMI, RandomSampling

    data = load_telescope()
    print(f"DAMI solvers on Telescope: 6,000-row pool, 100 initial labels, {rounds} rounds of "
          f"{batch}, seeds {list(seeds)}; test accuracy (mean over seeds) per round")
    table = {}
    for method in [*methods, "random"]:
        curves, query_times = [], []
        for seed in seeds:
            X, X_test, y, y_test = train_test_split(
                data.data, data.target, train_size=6000, stratify=data.target,
                random_state=seed)
            rng = np.random.RandomState(seed)
            labeled = rng.choice(len(X), 100, replace=False)
            pool = np.setdiff1d(np.arange(len(X)), labeled)
            strategy = (RandomSampling(random_state=seed) if method == "random"
                        else DAMI(method=method, random_state=seed))
            learner = ActiveLearner(
                make_pipeline(StandardScaler(), MLPClassifier((16, 8), random_state=seed)),
                strategy, X_training=X[labeled], y_training=y[labeled])
            acc = [learner.score(X_test, y_test)]
            for _ in range(rounds):
                t0 = time.perf_counter()
                idx, rows = learner.query(X[pool], n_instances=batch)
                query_times.append(time.perf_counter() - t0)
                learner.teach(rows, y[pool[idx]])
                pool = np.delete(pool, idx)
                acc.append(learner.score(X_test, y_test))
            curves.append(acc)
        table[method] = (np.mean(curves, axis=0), np.mean(query_times))
        print(f"  {method:<10} " + " ".join(f"{a:.3f}" for a in table[method][0])
              + f"   mean {table[method][0][1:].mean():.4f}   query {table[method][1]:.2f} s"
              + "   per seed " + " ".join(f"{np.mean(c[1:]):.4f}" for c in curves), flush=True)
    return table


# --------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strategies", nargs="+", help="registry names (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed queries per strategy")
    parser.add_argument("--reference", action="store_true",
                        help="also run full-matrix FasterPAM for DAMI's loss gap (~4 GB)")
    parser.add_argument("--dami-methods", action="store_true",
                        help="compare DAMI's k-medoids solvers on label efficiency")
    parser.add_argument("--methods", nargs="+", default=["auto", "alternate", "clara"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "fasterpam-full":
        return reference_worker(args.model)
    if args.worker:
        return worker(args.worker, args.model, args.repeat)
    if args.dami_methods:
        dami_methods(args.methods, range(args.first_seed, args.first_seed + args.seeds),
                     args.rounds, args.batch)
        return

    from skactive.strategies import get_strategy, strategy_names

    names = args.strategies or strategy_names()
    available = []
    for name in names:
        try:
            get_strategy(name)
        except NotImplementedError:
            print(f"  ({name}: not in this version, skipped)")
            continue
        if name == "egl-word":
            print("  (egl-word: text only, skipped)")
            continue
        available.append(name)
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "learner.pkl")
        fit_learner(model)
        floor = run_worker(["--worker", "floor", "--model", model])
        print(f"Pool {N_POOL} x {N_FEATURES} float32, {N_LABELED} labeled, batch {BATCH}, "
              "MLP 20-16-8-2 (dropout 0.2)")
        print(f"Floor, one bare forward pass over the pool: {1000 * floor['library_threads']:.2f}"
              f" ms wall ({1000 * floor['library_threads_cpu']:.2f} ms CPU) with the library's "
              f"thread setting (1 thread for small modules); {1000 * floor['torch_default']:.2f}"
              f" ms wall with torch's default ({floor['torch_threads_default']} threads)")
        print(f"\n{'strategy':<18}{'wall (s)':>10}{'CPU (s)':>10}{'x floor':>9}{'x (CPU)':>9}"
              f"{'peak MB':>9}   target (on wall time)")
        results = {}
        for name in available:
            r = run_worker(["--worker", name, "--model", model, "--repeat", str(args.repeat)])
            results[name] = r
            if "error" in r:
                print(f"{name:<18}failed: {r['error']}")
                continue
            kind, limit = TARGETS.get(name, (None, None))
            ratio = r["x_floor"]
            if kind == "x":
                target = f"<= {limit}x floor: {'ok' if ratio <= limit else 'MISSED'}"
            elif kind == "s":
                ok = r["time_s"] < limit
                if name == "dami":
                    ok = ok and r["peak_mb"] < DAMI_PEAK_LIMIT_MB
                    target = f"< {limit:g} s and < 1 GB: {'ok' if ok else 'MISSED'}"
                else:
                    target = f"< {limit:g} s: {'ok' if ok else 'MISSED'}"
            else:
                target = ""
            print(f"{name:<18}{r['time_s']:>10.3f}{r['cpu_s']:>10.3f}{ratio:>9.1f}"
                  f"{r['x_floor_cpu']:>9.1f}{r['peak_mb']:>9.1f}   {target}", flush=True)
        memory_method = next((r["memory_method"] for r in results.values() if "memory_method" in r),
                             "?")
        print(f"\nmemory: peak RSS increase during the query ({memory_method}), fresh process "
              "per strategy")
        if "dami" in results and "loss" in results["dami"]:
            d = results["dami"]
            print(f"DAMI: {d['n_distinct_representations']} distinct representations; "
                  f"k-medoids loss {d['loss']:.2f}")
            if args.reference:
                ref = run_worker(["--worker", "fasterpam-full", "--model", model])
                if "error" in ref:
                    print(f"full-matrix FasterPAM failed: {ref['error']}")
                else:
                    gap = 100 * (d["loss"] / ref["loss"] - 1)
                    print(f"full-matrix FasterPAM: loss {ref['loss']:.2f}, {ref['time_s']:.1f} s,"
                          f" {ref['peak_mb']:.0f} MB; DAMI's loss is {gap:+.2f} % above "
                          f"({'ok' if gap <= 5 else 'MISSED'}: target <= 5 %)")


if __name__ == "__main__":
    main()
