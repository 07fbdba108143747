"""The batch strategies on large pools: time, peak memory, and what a candidate subsample costs.

A script, not a test. Setting: a 20-feature pool of two Gaussian blobs with a non-linear
boundary (float32, written once to ``--workdir`` as ``.npy`` in chunks and read back as a
memory map), 2,000 labeled rows from the same generator, the DAMI paper's MLP (20-16-8-2)
fitted on them, a batch of ``--batch`` (1,000).

Two parts:

``subsample`` (``--n``, 1,000,000 by default; the pool loaded in memory)
    CoreSet and BADGE exact and with ``max_candidates`` (``--candidates``, 50,000 and 200,000):
    seconds, peak RSS, and what the subsample costs in picks. For CoreSet, the k-center covering
    radius: the largest distance of any pool sample to its nearest picked or labeled sample,
    in the penultimate feature space, computed exactly over the whole pool in chunks (lower is
    better). For BADGE, the k-means++ objective: the sum over the pool of the squared distance
    of each gradient embedding to the nearest pick (lower is better). Both relative to exact.

``large`` (``--n``, 10,000,000 by default; the pool memory-mapped)
    CoreSet and BADGE with a 200,000-candidate subsample, DAMI (``method='auto'``, the sampled
    CLARA above a million rows), IBAL, IBAL-D (its autoencoder fitted beforehand on 20,000
    pool rows and the labeled set, and passed fitted) and RALIF. ``--strategies dami:clara
    dami:sampled --dami-loss`` compares DAMI's two large-pool solvers on time and k-medoids
    loss (the sum over the pool of the Euclidean distance of its input gradient to the
    nearest medoid's).

Every query runs in a fresh subprocess that loads the pickled, fitted learner; the figures are
the query's wall and CPU seconds and the process's peak resident memory (``VmHWM`` in
``/proc/self/status``: the whole process, interpreter, torch, the learner, the pages of a
memory-mapped pool it touched and, in ``subsample``, the in-memory pool; ``ru_maxrss`` is not
used because Linux carries it over from the parent process). The pages of a memory-mapped file
count as resident once read, although they are page cache the kernel can drop, so the script
also reports the peak of the process's anonymous memory (``RssAnon``, sampled every 10 ms
during the query): what the query itself allocated.

Usage::

    python benchmarks/bench_strategies_at_scale.py subsample --workdir /tmp/scale
    python benchmarks/bench_strategies_at_scale.py large --n 10000000 --workdir /tmp/scale
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import threading
import time

import numpy as np

from _memory import peak_bytes, status_bytes  # this folder is sys.path[0]

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

N_FEATURES, N_LABELED = 20, 2_000
WRITE_ROWS = 1_000_000


# --------------------------------------------------------------------------- data and model
def generate(n, seed):
    """Two Gaussian blobs in 20 dimensions, the label bent by a non-linear term."""
    rng = np.random.RandomState(seed)
    side = rng.randint(2, size=n)
    X = rng.randn(n, N_FEATURES).astype(np.float32)
    X[:, :4] += (2 * side[:, None] - 1).astype(np.float32)
    y = (X[:, 0] + 0.5 * np.sin(2 * X[:, 1]) + 0.3 * X[:, 2] * X[:, 3] > 0).astype(np.int64)
    return X, y


def pool_path(workdir, n):
    return os.path.join(workdir, f"pool_{n}x{N_FEATURES}.npy")


def build(workdir, n):
    """The pool file (written once, in chunks) and the fitted learner."""
    os.makedirs(workdir, exist_ok=True)
    path = pool_path(workdir, n)
    if not os.path.exists(path):
        tmp = path + ".part"
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32,
                                        shape=(n, N_FEATURES))
        for i, start in enumerate(range(0, n, WRITE_ROWS)):
            stop = min(n, start + WRITE_ROWS)
            out[start:stop] = generate(stop - start, seed=1000 + i)[0]
        out.flush()
        del out
        os.replace(tmp, path)
    learner_path = os.path.join(workdir, "learner.pkl")
    if not os.path.exists(learner_path):
        from skactive import ActiveLearner, MLPClassifier

        X, y = generate(N_LABELED, seed=0)
        learner = ActiveLearner(MLPClassifier((16, 8), random_state=0),
                                X_training=X, y_training=y)
        learner._ensure_fitted()
        with open(learner_path, "wb") as fh:
            pickle.dump(learner, fh)
    return path, learner_path


def make_strategy(spec, workdir, pool):
    from skactive.strategies import BADGE, DAMI, IBAL, IBALD, RALIF, CoreSet

    name, _, arg = spec.partition(":")
    cand = int(arg) if arg.isdigit() else None
    if name == "coreset":
        return CoreSet(max_candidates=cand, random_state=0)
    if name == "badge":
        return BADGE(max_candidates=cand, random_state=0)
    if name == "dami":
        return DAMI(method=arg or "auto", random_state=0)
    if name == "ibal":
        return IBAL()
    if name == "ibal-d":
        from skactive.autoencoder import MLPAutoencoder

        rows = np.sort(np.random.RandomState(0).choice(len(pool), 20_000, replace=False))
        X_fit = np.vstack([np.asarray(pool[rows]), generate(N_LABELED, seed=0)[0]])
        autoencoder = MLPAutoencoder(random_state=0).fit(X_fit)
        return IBALD(autoencoder=autoencoder, random_state=0)
    if name == "ralif":
        return RALIF(random_state=0)
    raise ValueError(f"unknown strategy {spec!r}")


# --------------------------------------------------------------------------- one query
def _status_mb(field):
    """A memory figure of this process from /proc/self/status, in MiB."""
    return status_bytes(field) / 2**20


def worker(args):
    with open(args.learner, "rb") as fh:
        learner = pickle.load(fh)
    pool = np.load(args.pool, mmap_mode="r")
    if args.in_memory:
        pool = np.array(pool)
    strategy = make_strategy(args.spec, args.workdir, pool)
    rss_before = _status_mb("VmRSS")
    anon = [_status_mb("RssAnon")]
    done = threading.Event()

    def sample():
        while not done.wait(0.01):
            anon.append(_status_mb("RssAnon"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall, cpu = time.perf_counter(), time.process_time()
    idx, _ = strategy(learner, pool, n_instances=args.batch)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done.set()
    sampler.join()
    peak = peak_bytes() / 2**20
    np.save(args.out, np.asarray(idx))
    print(json.dumps({"spec": args.spec, "seconds": wall, "cpu_seconds": cpu,
                      "peak_rss_mb": peak, "rss_before_mb": rss_before,
                      "peak_anon_mb": max(anon)}))


def run_query(spec, pool, learner, workdir, batch, in_memory):
    out = os.path.join(workdir, f"picks_{spec.replace(':', '_')}_{os.path.basename(pool)}")
    cmd = [sys.executable, os.path.abspath(__file__), "worker", "--spec", spec, "--pool", pool,
           "--learner", learner, "--workdir", workdir, "--batch", str(batch), "--out", out]
    if in_memory:
        cmd.append("--in-memory")
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        print(res.stderr[-3000:], file=sys.stderr)
        return {"spec": spec, "error": res.stderr.strip().splitlines()[-1]}, None
    return json.loads(res.stdout.strip().splitlines()[-1]), np.load(out)


# --------------------------------------------------------------------------- pick quality
def covering_radius(learner, pool, picks, rows=2**17):
    """max over the pool of the distance to the nearest picked or labeled sample (features)."""
    from skactive import readouts
    from skactive.utils import nearest_sq_distances

    ref = np.vstack([readouts.penultimate_features(learner, learner.X_training),
                     readouts.penultimate_features(learner, np.asarray(pool[np.sort(picks)]))])
    worst, total = 0.0, 0.0
    for start in range(0, len(pool), rows):
        f = readouts.penultimate_features(learner, np.asarray(pool[start:start + rows]))
        d = np.sqrt(nearest_sq_distances(f, ref)[1])
        worst, total = max(worst, float(d.max())), total + float(d.sum())
    return float(worst), total / len(pool)


def kmedoids_loss(learner, pool, picks, rows=2**17):
    """Sum over the pool of the distance of its input gradient to the nearest medoid's."""
    from skactive import readouts
    from skactive.cluster import nearest_medoids

    centers = readouts.input_gradients(learner, np.asarray(pool[np.sort(picks)]))
    total = 0.0
    for start in range(0, len(pool), rows):
        R = readouts.input_gradients(learner, np.asarray(pool[start:start + rows]))
        total += float(nearest_medoids(R, centers)[1].sum())
    return total


def kmeanspp_objective(learner, pool, picks, rows=2**15):
    """Sum over the pool of the squared distance of g(x) to the nearest pick's g."""
    from skactive import readouts

    qc, fc = readouts.gradient_embedding(learner, np.asarray(pool[np.sort(picks)]))
    qc, fc = qc.astype(np.float64), fc.astype(np.float64)
    sq_c = (qc * qc).sum(1) * (fc * fc).sum(1)
    total = 0.0
    for start in range(0, len(pool), rows):
        q, f = readouts.gradient_embedding(learner, np.asarray(pool[start:start + rows]))
        q, f = q.astype(np.float64), f.astype(np.float64)
        sq = (q * q).sum(1) * (f * f).sum(1)
        d = sq[:, None] + sq_c[None, :] - 2 * (q @ qc.T) * (f @ fc.T)
        total += float(np.maximum(d.min(axis=1), 0).sum())
    return total


def quality(args):
    with open(args.learner, "rb") as fh:
        learner = pickle.load(fh)
    pool = np.load(args.pool, mmap_mode="r")
    picks = np.load(args.picks)
    fn = {"coreset": covering_radius, "badge": kmeanspp_objective,
          "dami": kmedoids_loss}[args.spec.partition(":")[0]]
    print(json.dumps({"value": fn(learner, pool, picks)}))


def run_quality(spec, pool, learner, workdir, picks):
    path = os.path.join(workdir, "quality_picks.npy")
    np.save(path, picks)
    cmd = [sys.executable, os.path.abspath(__file__), "quality", "--spec", spec, "--pool", pool,
           "--learner", learner, "--picks", path]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])["value"]


# --------------------------------------------------------------------------- the two parts
def part_subsample(args):
    pool, learner = build(args.workdir, args.n)
    print(f"# subsample: {args.n:,} x {N_FEATURES} float32 pool in memory, batch {args.batch}, "
          f"{N_LABELED:,} labeled, MLP 20-16-8-2")
    print(f"{'query':<22}{'seconds':>9}{'cpu s':>9}{'peak MB':>9}{'anon MB':>9}  cost in picks")
    for name, measure in (("coreset", "covering radius"), ("badge", "k-means++ objective")):
        exact_value = None
        for cand in [None] + list(args.candidates):
            spec = name if cand is None else f"{name}:{cand}"
            res, picks = run_query(spec, pool, learner, args.workdir, args.batch, True)
            if picks is None:
                print(f"{spec:<22} failed: {res['error']}")
                continue
            value = run_quality(spec, pool, learner, args.workdir, picks)
            if name == "coreset":  # (max, mean) distance to the nearest pick or labeled sample
                value, mean = value
            exact_value = value if cand is None else exact_value
            rel = f" ({value / exact_value:.3f} x exact)" if exact_value else ""
            extra = f"; mean distance {mean:.3g}" if name == "coreset" else ""
            print(f"{spec:<22}{res['seconds']:>9.1f}{res['cpu_seconds']:>9.1f}"
                  f"{res['peak_rss_mb']:>9.0f}{res['peak_anon_mb']:>9.0f}  {measure} {value:.4g}{rel}{extra}", flush=True)


def part_large(args):
    t = time.perf_counter()
    pool, learner = build(args.workdir, args.n)
    print(f"# large: {args.n:,} x {N_FEATURES} float32 pool memory-mapped from .npy "
          f"({os.path.getsize(pool) / 2**20:.0f} MiB, built in {time.perf_counter() - t:.0f} s), "
          f"batch {args.batch}, {N_LABELED:,} labeled, MLP 20-16-8-2")
    print(f"{'query':<22}{'seconds':>9}{'cpu s':>9}{'peak MB':>9}{'anon MB':>9}"
          f"{'RSS before':>11}")
    for spec in args.strategies:
        res, picks = run_query(spec, pool, learner, args.workdir, args.batch, False)
        if "error" in res:
            print(f"{spec:<22} failed: {res['error']}", flush=True)
            continue
        loss = ""
        if args.dami_loss and spec.startswith("dami"):
            loss = f"  k-medoids loss {run_quality(spec, pool, learner, args.workdir, picks):.6g}"
        print(f"{spec:<22}{res['seconds']:>9.1f}{res['cpu_seconds']:>9.1f}"
              f"{res['peak_rss_mb']:>9.0f}{res['peak_anon_mb']:>9.0f}"
              f"{res['rss_before_mb']:>11.0f}{loss}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("subsample")
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--candidates", type=int, nargs="+", default=[50_000, 200_000])
    p = sub.add_parser("large")
    p.add_argument("--n", type=int, default=10_000_000)
    p.add_argument("--strategies", nargs="+",
                   default=["coreset:200000", "badge:200000", "dami", "ibal", "ibal-d", "ralif"],
                   help="coreset[:CANDIDATES], badge[:CANDIDATES], dami[:METHOD], ibal, "
                        "ibal-d, ralif")
    p.add_argument("--dami-loss", action="store_true",
                   help="also the k-medoids loss of DAMI's medoids on the pool's gradients")
    for p in sub.choices.values():
        p.add_argument("--workdir", required=True)
        p.add_argument("--batch", type=int, default=1_000)
    p = sub.add_parser("worker")
    for name in ("--spec", "--pool", "--learner", "--workdir", "--out"):
        p.add_argument(name, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--in-memory", action="store_true")
    p = sub.add_parser("quality")
    for name in ("--spec", "--pool", "--learner", "--picks"):
        p.add_argument(name, required=True)
    args = parser.parse_args()
    {"subsample": part_subsample, "large": part_large, "worker": worker,
     "quality": quality}[args.part](args)


if __name__ == "__main__":
    main()
