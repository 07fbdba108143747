"""Benchmark of one query of every strategy on MR with both text models (a script, not a test).

Setting, the DAMI paper's text protocol: MR (10,662 sentences) split 70% training / 30% held
out (stratified, random_state 0); 2% of the training sentences are labeled and the rest is the
pool (about 7,300 sentences); a batch is 2% of the training set (149). Word2vec is fitted once
on all MR sentences (:class:`skactive.text.Word2VecEmbedding`, its defaults) and both
classifiers (TextCNN: filters 3/4/5 x 100, BiLSTM: 100 units per direction, 100-dimensional
fine-tuned embeddings) are trained on the labeled 2% with their defaults.

For every strategy present in this version of skactive it prints the wall and CPU time of one
query and its peak memory, next to one forward pass over the pool (``readouts.logits``), the
floor every model-based strategy pays. Each strategy runs in a fresh subprocess that loads the
pickled, fitted learner and first queries a 300-sentence pool once (imports, first calls). Peak
memory is the kernel's peak RSS (``VmHWM``, reset through ``/proc/self/clear_refs`` just before
the query) minus the RSS at that moment: everything the query held at once. Timings on a
shared machine are noisy; the CPU time is the steadier figure.

Usage::

    python benchmarks/bench_text.py                        # both models, every strategy
    python benchmarks/bench_text.py --models textcnn --strategies egl-word dami
    python benchmarks/bench_text.py --data-home ../shared/datasets --threads 1
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

STRATEGIES = ["random", "least-confidence", "margin", "entropy", "egl", "egl-word", "bald",
              "coreset", "badge", "dami", "ibal", "ibal-d", "ralif"]
MODELS = ["textcnn", "bilstm"]
DEFAULT_DATA_HOME = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                 "shared", "datasets")


def mr_protocol(data_home):
    """(labeled texts, labels, pool texts, batch size) of the paper's first round."""
    from sklearn.model_selection import train_test_split

    from skactive.datasets import load_mr

    X, y = load_mr(data_home, return_X_y=True)
    X_train, _, y_train, _ = train_test_split(X, y, train_size=0.7, stratify=y, random_state=0)
    n_labeled = batch = int(round(0.02 * len(X_train)))
    return X, X_train[:n_labeled], y_train[:n_labeled], X_train[n_labeled:], batch


# --------------------------------------------------------------------------- worker
def worker(name, model_path, data_home):
    from sklearn.base import clone

    from skactive import readouts
    from skactive.strategies import get_strategy

    with open(model_path, "rb") as fh:
        learner = pickle.load(fh)
    _, _, _, pool, batch = mr_protocol(data_home)
    if name == "forward":
        run = lambda: readouts.logits(learner, pool)  # noqa: E731
        readouts.logits(learner, pool[:300])
    else:
        strategy = get_strategy(name)
        if "random_state" in strategy.get_params(deep=False):
            strategy.set_params(random_state=0)
        clone(strategy)(learner, pool[:300], n_instances=10)  # warm-up
        run = lambda: strategy(learner, pool, n_instances=batch)  # noqa: E731
    with PeakMemory() as mem:
        t0, c0 = time.perf_counter(), time.process_time()
        out = run()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if name != "forward":
        assert len(set(np.asarray(out[0]).tolist())) == batch
    print(json.dumps({"name": name, "time_s": wall, "cpu_s": cpu, "peak_mb": mem.mb,
                      "memory": mem.method}))


# --------------------------------------------------------------------------- driver
def fit_learners(names, data_home, folder):
    from skactive import ActiveLearner, BiLSTMClassifier, TextCNNClassifier
    from skactive.text import Word2VecEmbedding

    X_all, X_lab, y_lab, pool, batch = mr_protocol(data_home)
    print(f"MR: {len(X_lab)} labeled, pool {len(pool)}, batch {batch}")
    t0 = time.perf_counter()
    embedding = Word2VecEmbedding(random_state=0).fit(X_all)
    print(f"word2vec on all {len(X_all)} sentences: {time.perf_counter() - t0:.1f} s, "
          f"{len(embedding.vocabulary_)} words")
    paths = {}
    for name in names:
        cls = {"textcnn": TextCNNClassifier, "bilstm": BiLSTMClassifier}[name]
        learner = ActiveLearner(cls(embedding=embedding, random_state=0),
                                X_training=X_lab, y_training=y_lab)
        t0 = time.perf_counter()
        learner._ensure_fitted()
        print(f"{name}: fit on {len(X_lab)} sentences {time.perf_counter() - t0:.1f} s "
              f"({learner.estimator_.n_iter_} epochs)")
        paths[name] = os.path.join(folder, f"{name}.pkl")
        with open(paths[name], "wb") as fh:
            pickle.dump(learner, fh)
    return paths


def run_worker(name, path, args):
    env = dict(os.environ)
    if args.threads:
        env.update(OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, "--model-path", path,
           "--data-home", args.data_home]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"name": name, "error": last}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    parser.add_argument("--strategies", nargs="+", default=STRATEGIES)
    parser.add_argument("--data-home", default=os.environ.get("SKACTIVE_SHARED_DATASETS",
                                                              DEFAULT_DATA_HOME))
    parser.add_argument("--threads", type=int, default=None,
                        help="OMP/MKL threads of the workers (default: the machine's)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model-path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.model_path, args.data_home)
        return
    from skactive.strategies import get_strategy

    available = []
    for name in args.strategies:
        try:
            get_strategy(name)
            available.append(name)
        except NotImplementedError:
            print(f"skipping {name}: not in this version of skactive")
    with tempfile.TemporaryDirectory() as folder:
        paths = fit_learners(args.models, args.data_home, folder)
        for model in args.models:
            print(f"\n{model}: one query of {len(available)} strategies on the MR pool")
            print(f"{'strategy':<18}{'wall s':>9}{'cpu s':>9}{'x forward':>11}{'peak MB':>10}")
            floor = run_worker("forward", paths[model], args)
            rows = [floor] + [run_worker(name, paths[model], args) for name in available]
            for row in rows:
                if "error" in row:
                    print(f"{row['name']:<18} failed: {row['error']}")
                    continue
                ratio = row["time_s"] / floor["time_s"] if "time_s" in floor else float("nan")
                print(f"{row['name']:<18}{row['time_s']:>9.2f}{row['cpu_s']:>9.2f}"
                      f"{ratio:>11.1f}{row['peak_mb']:>10.0f}")
            print(f"(peak memory by {floor.get('memory', '?')}; 'forward' is one "
                  "readouts.logits pass over the pool)")


if __name__ == "__main__":
    main()
