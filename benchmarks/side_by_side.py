"""skactive, scikit-activeml and modAL side by side on the query strategies they share.

A script, not a test. Each library runs in its own environment (``--python-skal``,
``--python-modal``) and every (library, strategy, pool) query in a fresh subprocess of its own,
so that its peak memory is its own: the high-water mark of that process's resident set,
``VmHWM`` read from ``/proc/self/status`` inside the child once the query is done (the
interpreter, its imports, the pool and everything the query held). Not ``ru_maxrss``: Linux
carries it across ``exec`` from the parent.

Setting. Pools of 20-dimensional float32 samples from three Gaussian
blobs, written once under ``--workdir`` into one ``.npy`` file of ``--ooc-rows`` rows; the
in-memory pools are its first ``--sizes`` rows, read into memory by each child
(``np.array``) before the clock starts. 2,000 labeled rows are drawn apart from the pool.
Batch 1,000.

The same fitted model for all three libraries where the strategy allows it: a scikit-learn
``LogisticRegression`` fitted once on the labeled rows; its coefficients are saved (not
pickled: the modAL environment has another scikit-learn) and every child rebuilds the same
fitted model from them. scikit-activeml gets it through its ``SklearnClassifier`` wrapper,
whose fitted coefficients are set to the same values.

Strategies:

- least confidence, margin, entropy: all three libraries, the shared model. The picks are
  deterministic, and the table gives the overlap of each peer's picks with skactive's
  (|A & B| / 1000).
- random: skactive and scikit-activeml (modAL has no random strategy); time only, the draws
  differ by design.
- CoreSet (greedy k-center): skactive runs it in the penultimate space of its MLP (20-16-8-3,
  the labeled set read from an ``ActiveLearner``); scikit-activeml's ``CoreSet`` works on the
  input features (the labeled rows are its centres). Different spaces: no overlap figure.
- BADGE: skactive's on its MLP; scikit-activeml's ``Badge`` on the shared logistic regression,
  whose gradient embedding is (p - onehot) outer x. Different models: no overlap figure.

scikit-activeml's strategies hold a float64 (batch, n_pool) utilities matrix (8 GB at a
million rows), and its CoreSet and Badge also take a pass over the whole pool per pick, so at
pools over ``--subsample-above`` rows both libraries run them on a seeded
subsample of ``--max-candidates`` candidates (scikit-activeml: ``SubSamplingWrapper``;
skactive: ``max_candidates``). Every child is stopped after ``--timeout`` seconds; the table
then says so.

modAL has neither CoreSet nor BADGE (its ``batch`` module is ranked batch-mode uncertainty
sampling, which neither peer has); BALD is left out: scikit-activeml's needs an ensemble of
torch models and modAL has none.

Then skactive alone: the uncertainty family on the whole ``--ooc-rows`` file, memory-mapped
(``np.load(mmap_mode="r")``), and on a 2-worker dask ``LocalCluster`` (processes, one thread
each) over a dask array of the first million rows, whose blocks the workers read themselves
and hold (``persist``-ed before the clock starts), against the in-memory query of the table.

Usage::

    python benchmarks/side_by_side.py --python-skal /venvs/skal/bin/python \\
        --python-modal /venvs/modal/bin/python --workdir /tmp/sbs
    python benchmarks/side_by_side.py ... --sizes 30000 --ooc-rows 1000000 --skip-cluster
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from _memory import status_bytes  # this folder is sys.path[0]

N_FEATURES, N_CLASSES, N_LABELED, BATCH = 20, 3, 2_000, 1_000
UNCERTAINTY = ("least-confidence", "margin", "entropy")
STRATEGIES = UNCERTAINTY + ("random", "coreset", "badge")
PEERS = {"skactive": UNCERTAINTY + ("random", "coreset", "badge"),
         "scikit-activeml": UNCERTAINTY + ("random", "coreset", "badge"),
         "modAL": UNCERTAINTY}
CLUSTER_ROWS, CLUSTER_BLOCK = 1_000_000, 125_000


# ---------------------------------------------------------------- data and models (parent)

def build_data(workdir, rows):
    """Three Gaussian blobs; the pool written slice by slice, the labeled rows apart."""
    path = os.path.join(workdir, f"pool_{rows}x{N_FEATURES}.npy")
    labeled = os.path.join(workdir, "labeled.npz")
    if os.path.exists(path) and os.path.exists(labeled):
        return path, labeled
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=0.7, size=(N_CLASSES, N_FEATURES)).astype(np.float32)

    def draw(n):
        y = rng.integers(0, N_CLASSES, n)
        return centres[y] + rng.standard_normal((n, N_FEATURES), dtype=np.float32), y

    X_lab, y_lab = draw(N_LABELED)
    np.savez(labeled, X=X_lab, y=y_lab)
    X = np.lib.format.open_memmap(path + ".part", mode="w+", dtype=np.float32,
                                  shape=(rows, N_FEATURES))
    for start in range(0, rows, 1_000_000):
        stop = min(start + 1_000_000, rows)
        X[start:stop] = draw(stop - start)[0]
    X.flush()
    del X
    os.replace(path + ".part", path)
    return path, labeled


def fit_models(workdir, labeled):
    """The shared logistic regression (as coefficients) and skactive's MLP learner (pickled)."""
    import pickle

    from sklearn.linear_model import LogisticRegression

    data = np.load(labeled)
    lr_path = os.path.join(workdir, "logreg.npz")
    if not os.path.exists(lr_path):
        lr = LogisticRegression(max_iter=1000).fit(data["X"], data["y"])
        np.savez(lr_path, coef=lr.coef_, intercept=lr.intercept_, classes=lr.classes_)
    mlp_path = os.path.join(workdir, "mlp_learner.pkl")
    if not os.path.exists(mlp_path):
        from skactive import ActiveLearner, MLPClassifier

        learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=50, random_state=0),
                                X_training=data["X"], y_training=data["y"])
        learner.fit(data["X"], data["y"])
        with open(mlp_path, "wb") as f:
            pickle.dump(learner, f)
    return lr_path, mlp_path


# ---------------------------------------------------------------- children

def shared_logreg(lr_path):
    from sklearn.linear_model import LogisticRegression

    c = np.load(lr_path)
    lr = LogisticRegression()
    lr.coef_, lr.intercept_, lr.classes_ = c["coef"], c["intercept"], c["classes"]
    lr.n_features_in_ = c["coef"].shape[1]
    return lr


def load_pool(args):
    pool = np.load(args.pool, mmap_mode="r")[:args.rows]
    return pool if args.mode == "memmap" else np.array(pool)


def query_skactive(args, pool):
    import pickle

    from skactive import strategies as st

    if args.strategy in ("coreset", "badge"):
        with open(args.mlp, "rb") as f:
            learner = pickle.load(f)
        cand = args.max_candidates if args.rows > args.subsample_above else None
        learner.query_strategy = (st.CoreSet if args.strategy == "coreset" else st.BADGE)(
            max_candidates=cand, random_state=0)
        t0 = time.perf_counter()
        idx = learner.query(pool, n_instances=BATCH)[0]
        return idx, time.perf_counter() - t0
    model = shared_logreg(args.lr)
    strategy = {"least-confidence": st.LeastConfidence, "margin": st.MarginSampling,
                "entropy": st.EntropySampling,
                "random": lambda: st.RandomSampling(random_state=0)}[args.strategy]()
    t0 = time.perf_counter()
    idx, _ = strategy(model, pool, n_instances=BATCH)
    return idx, time.perf_counter() - t0


def query_skal(args, pool):
    from skactiveml.classifier import SklearnClassifier
    from skactiveml.pool import Badge, CoreSet, RandomSampling, SubSamplingWrapper, \
        UncertaintySampling
    from skactiveml.utils import MISSING_LABEL

    lab = np.load(args.labeled)
    lr = shared_logreg(args.lr)
    clf = SklearnClassifier(type(lr)(), classes=lr.classes_, random_state=0)
    clf.fit(lab["X"], lab["y"])
    clf.estimator_.coef_, clf.estimator_.intercept_ = lr.coef_, lr.intercept_
    n = len(pool)
    if args.strategy == "coreset":
        # the labeled rows are the centres the k-center starts from
        X = np.concatenate([lab["X"].astype(np.float32), pool])
        y = np.concatenate([lab["y"].astype(float), np.full(n, MISSING_LABEL)])
        offset = N_LABELED
    else:
        X, y, offset = pool, np.full(n, MISSING_LABEL), 0
    qs = {"least-confidence": lambda: UncertaintySampling(method="least_confident",
                                                          random_state=0),
          "margin": lambda: UncertaintySampling(method="margin_sampling", random_state=0),
          "entropy": lambda: UncertaintySampling(method="entropy", random_state=0),
          "random": lambda: RandomSampling(random_state=0),
          "coreset": lambda: CoreSet(random_state=0),
          "badge": lambda: Badge(random_state=0)}[args.strategy]()
    kwargs = {"batch_size": BATCH}
    if args.strategy in ("least-confidence", "margin", "entropy", "badge"):
        kwargs.update(clf=clf, fit_clf=False)
    if args.strategy in ("coreset", "badge") and args.rows > args.subsample_above:
        qs = SubSamplingWrapper(qs, max_candidates=args.max_candidates, random_state=0)
    t0 = time.perf_counter()
    idx = qs.query(X, y, **kwargs)
    return np.asarray(idx) - offset, time.perf_counter() - t0


def query_modal(args, pool):
    from modAL.uncertainty import entropy_sampling, margin_sampling, uncertainty_sampling

    model = shared_logreg(args.lr)
    fn = {"least-confidence": uncertainty_sampling, "margin": margin_sampling,
          "entropy": entropy_sampling}[args.strategy]
    t0 = time.perf_counter()
    out = fn(model, pool, n_instances=BATCH)
    seconds = time.perf_counter() - t0
    return (out[0] if isinstance(out, tuple) else out), seconds


def cluster_child(args):
    """skactive's uncertainty family on a dask array held by a 2-worker LocalCluster."""
    from _dask_pool import local_cluster, persisted_npy_pool

    from skactive import strategies as st

    model = shared_logreg(args.lr)
    cluster, client = local_cluster()
    try:
        pool, load_s = persisted_npy_pool(args.pool, args.rows, CLUSTER_BLOCK)
        out = {"load_s": load_s, "strategies": {}}
        for name, cls in zip(UNCERTAINTY, (st.LeastConfidence, st.MarginSampling,
                                           st.EntropySampling)):
            times = []
            for _ in range(2):  # the first query also ships the model to the workers
                t0 = time.perf_counter()
                idx, _ = cls()(model, pool, n_instances=BATCH)
                times.append(time.perf_counter() - t0)
            out["strategies"][name] = {"first_s": times[0], "again_s": times[1],
                                       "idx": np.asarray(idx).tolist()}
        out["peak_mb"] = status_bytes("VmHWM") / 2**20
    finally:
        client.close()
        cluster.close()
    print(json.dumps(out), flush=True)


def child(args):
    if args.mode == "cluster":
        return cluster_child(args)
    pool = load_pool(args)
    fn = {"skactive": query_skactive, "scikit-activeml": query_skal,
          "modAL": query_modal}[args.child]
    idx, seconds = fn(args, pool)
    print(json.dumps({"seconds": seconds, "peak_mb": status_bytes("VmHWM") / 2**20,
                      "idx": np.asarray(idx).astype(int).tolist()}), flush=True)


# ---------------------------------------------------------------- parent

def run_child(python, args, lib, strategy, rows, mode, env):
    cmd = [python, os.path.abspath(__file__), "--child", lib, "--strategy", strategy,
           "--rows", str(rows), "--mode", mode, "--pool", args.pool_path,
           "--labeled", args.labeled_path, "--lr", args.lr_path, "--mlp", args.mlp_path,
           "--max-candidates", str(args.max_candidates),
           "--subsample-above", str(args.subsample_above)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                              env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {args.timeout} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last[:150]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def versions(python, code):
    out = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return out.stdout.strip() or out.stderr.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-skal", help="python of the scikit-activeml environment "
                        "(left out: skactive runs without it)")
    parser.add_argument("--python-modal", help="python of the modAL environment (left out: "
                        "skactive runs without it)")
    parser.add_argument("--workdir", default="/tmp/side_by_side")
    parser.add_argument("--sizes", type=int, nargs="+", default=[30_000, 1_000_000])
    parser.add_argument("--ooc-rows", type=int, default=10_000_000)
    parser.add_argument("--strategies", nargs="+", default=list(STRATEGIES),
                        choices=STRATEGIES)
    parser.add_argument("--max-candidates", type=int, default=100_000)
    parser.add_argument("--subsample-above", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--skip-ooc", action="store_true")
    for hidden in ("--child", "--strategy", "--rows", "--pool", "--labeled", "--lr", "--mlp"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="memory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.rows = int(args.rows)
        return child(args)
    if max(args.sizes) > args.ooc_rows:
        parser.error(f"--sizes may not exceed --ooc-rows ({args.ooc_rows}): the in-memory "
                     "pools are the first rows of that file")

    os.makedirs(args.workdir, exist_ok=True)
    t0 = time.perf_counter()
    args.pool_path, args.labeled_path = build_data(args.workdir, args.ooc_rows)
    args.lr_path, args.mlp_path = fit_models(args.workdir, args.labeled_path)
    print(f"pool file {args.ooc_rows:,} x {N_FEATURES} float32, {N_CLASSES} classes; models "
          f"fitted on {N_LABELED} labeled rows; setup {time.perf_counter() - t0:.1f} s")
    pythons = {"skactive": sys.executable, "scikit-activeml": args.python_skal,
               "modAL": args.python_modal}
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env_sk = dict(os.environ, PYTHONPATH=repo)
    envs = {"skactive": env_sk, "scikit-activeml": None, "modAL": None}
    probe = {"skactive": "import skactive, sklearn, numpy; print('skactive', "
                         "skactive.__version__, 'sklearn', sklearn.__version__, 'numpy', "
                         "numpy.__version__)",
             "scikit-activeml": "import importlib.metadata as m, sklearn, numpy; "
                                "print('scikit-activeml', m.version('scikit-activeml'), "
                                "'sklearn', sklearn.__version__, 'numpy', numpy.__version__)",
             "modAL": "import importlib.metadata as m, modAL, sklearn, numpy; "
                      "print('modAL', m.version('modAL-python'), 'sklearn', "
                      "sklearn.__version__, 'numpy', numpy.__version__)"}
    libs = [lib for lib in pythons if pythons[lib]]
    for lib in libs:
        print("  " + versions(pythons[lib], probe[lib]))
    print(f"{os.cpu_count()} CPUs; batch {BATCH}; one process per (library, strategy, pool); "
          f"seconds: the query alone; peak MB: VmHWM of that process")

    memory = {}
    for rows in args.sizes:
        sub = rows > args.subsample_above
        print(f"\n{rows:,} x {N_FEATURES} float32 in memory"
              + (f" (coreset/badge on a seeded subsample of {args.max_candidates:,} "
                 "candidates)" if sub else ""))
        print(f"{'strategy':17s} {'library':16s} {'seconds':>8s} {'peak MB':>8s} "
              f"{'x skactive s':>12s} {'x MB':>6s} {'same picks':>10s}")
        for name in args.strategies:
            base = None
            for lib in libs:
                if name not in PEERS[lib]:
                    continue
                r = run_child(pythons[lib], args, lib, name, rows, "memory", envs[lib])
                if "error" in r:
                    print(f"{name:17s} {lib:16s} {r['error']}", flush=True)
                    continue
                if lib == "skactive":
                    base = r
                    memory[(name, rows)] = r
                if base:
                    ratio = (f"{r['seconds'] / base['seconds']:12.2f} "
                             f"{r['peak_mb'] / base['peak_mb']:6.2f}")
                else:
                    ratio = f"{'-':>12s} {'-':>6s}"
                if lib == "skactive" or base is None:
                    same = "-"
                elif name in UNCERTAINTY:
                    same = f"{len(set(r['idx']) & set(base['idx'])) / BATCH:.3f}"
                else:
                    same = "n/a"
                print(f"{name:17s} {lib:16s} {r['seconds']:8.2f} {r['peak_mb']:8.0f} "
                      f"{ratio} {same:>10s}", flush=True)

    if not args.skip_ooc:
        print(f"\nskactive alone: {args.ooc_rows:,} x {N_FEATURES} float32 memory-mapped "
              f"({os.path.getsize(args.pool_path) / 1e6:.0f} MB on disk), shared model")
        print(f"{'strategy':17s} {'seconds':>8s} {'peak MB':>8s}")
        for name in UNCERTAINTY:
            r = run_child(sys.executable, args, "skactive", name, args.ooc_rows, "memmap",
                          env_sk)
            if "error" in r:
                print(f"{name:17s} {r['error']}", flush=True)
            else:
                print(f"{name:17s} {r['seconds']:8.2f} {r['peak_mb']:8.0f}", flush=True)

    if not args.skip_cluster:
        rows = min(CLUSTER_ROWS, args.ooc_rows)
        print(f"\nskactive alone: {rows:,} rows on a 2-worker LocalCluster (blocks of "
              f"{CLUSTER_BLOCK:,} rows held by the workers) against one process in memory")
        print("('first': the first query, which also ships the model to the workers; "
              "'again': a second one; peak MB: the client process)")
        r = run_child(sys.executable, args, "skactive", "entropy", rows, "cluster", env_sk)
        if "error" in r:
            print(f"cluster: {r['error']}")
        else:
            print(f"blocks read and persisted by the workers in {r['load_s']:.2f} s; client "
                  f"peak {r['peak_mb']:.0f} MB")
            print(f"{'strategy':17s} {'1 proc s':>8s} {'first s':>8s} {'again s':>8s} "
                  f"{'same picks':>10s}")
            for name, c in r["strategies"].items():
                one = memory.get((name, rows))
                same = f"{len(set(c['idx']) & set(one['idx'])) / BATCH:.3f}" if one else "-"
                one_s = f"{one['seconds']:8.2f}" if one else f"{'-':>8s}"
                print(f"{name:17s} {one_s} {c['first_s']:8.2f} {c['again_s']:8.2f} "
                      f"{same:>10s}", flush=True)


if __name__ == "__main__":
    main()
