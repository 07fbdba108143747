"""A text readout over all of MR against the bare module's forward (a script, not a test).

Setting: MR (10,662 sentences). Each text model (TextCNN, BiLSTM) is fitted with its default
parameters (word2vec fitted on its own training texts, 100-dimensional vectors) on 300 random
sentences, with few epochs (``--max-epochs``, 3 by default: the weights do not change the cost
of a forward pass). Then, on all 10,662 sentences, in one process, back to back:

- **bare**: the torch module's forward, ``module(tokens)`` under ``torch.no_grad()`` in eval
  mode, on the very tensors the readout builds (the length-sorted batches of
  ``iter_input_batches``, each padded to its own longest sentence), built before the timer,
  under the classifier's thread setting;
- **logits** and **predict_proba**: ``skactive.readouts.logits`` / ``predict_proba`` from the raw
  strings, end to end (validation, tokenisation, encoding, padding, sorting, forward, copy
  out); the script checks that the readout's logits equal the bare forward's;
- **egl-word** and **dami**: one query of ``EGLWord`` and ``DAMI`` (``random_state=0``) of
  ``--n-instances`` sentences over the same pool.

Each figure is the best of ``--repeats`` runs after one warm-up run, in wall and in CPU
seconds; the ratios divide by the bare forward measured in the same process just before. On a
shared machine wall times are noisy; CPU time (the models run on one intra-op thread) is the
steadier figure.

Usage::

    python benchmarks/bench_text_forward.py
    python benchmarks/bench_text_forward.py --models bilstm --repeats 5 --data-home DIR
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

MODELS = ["textcnn", "bilstm"]
DEFAULT_DATA_HOME = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                 "shared", "datasets")


def best_of(fn, repeats):
    """Best (wall, CPU) seconds of ``repeats`` calls of ``fn`` after a warm-up call, and its output.

    CPU time is the process's (``time.process_time``): on a loaded machine it leaves out the
    time spent waiting for a core, so it is the steadier figure where the model runs on one
    intra-op thread.
    """
    out = fn()
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return (min(walls), min(cpus)), out


def bench_model(name, X, y, args):
    import torch

    from skactive import BiLSTMClassifier, TextCNNClassifier, readouts
    from skactive.strategies import DAMI, EGLWord

    cls = {"textcnn": TextCNNClassifier, "bilstm": BiLSTMClassifier}[name]
    train = np.random.RandomState(0).choice(len(X), args.n_train, replace=False)
    t0 = time.perf_counter()
    clf = cls(max_epochs=args.max_epochs, random_state=0).fit(X[train], y[train])
    fit_s = time.perf_counter() - t0

    # the readout's own batches, built outside the timer
    module = clf.inference_module()
    batches = list(clf.iter_input_batches(clf.validate_input(X)))
    widths = [xb.shape[1] for _, xb in batches]

    def bare():
        out = np.empty((len(X), len(clf.classes_)), dtype=np.float32)
        with torch.no_grad(), clf.threads():
            for rows, xb in batches:
                out[rows] = module(xb).numpy()
        return out

    with clf.threads():
        n_threads = torch.get_num_threads()
    print(f"\n{name}: fitted on {args.n_train} sentences in {fit_s:.1f} s "
          f"({clf.n_iter_} epochs), {len(batches)} batches of up to "
          f"{clf.inference_batch_size} sentences, padded widths {min(widths)}-{max(widths)}, "
          f"{n_threads} intra-op thread(s)", flush=True)
    bare_s, bare_out = best_of(bare, args.repeats)
    rows = [("bare forward", bare_s)]
    logits_s, logits_out = best_of(lambda: readouts.logits(clf, X), args.repeats)
    diff = float(np.abs(logits_out - bare_out).max())
    rows.append(("readouts.logits", logits_s))
    rows.append(("readouts.predict_proba",
                 best_of(lambda: readouts.predict_proba(clf, X), args.repeats)[0]))
    queries = (("egl-word query", EGLWord()), ("dami query", DAMI(random_state=0)))
    for label, strategy in queries if args.queries else ():
        rows.append((label, best_of(lambda: strategy(clf, X, n_instances=args.n_instances),
                                    args.repeats)[0]))
    print(f"{'':<24}{'wall s':>9}{'x bare':>9}{'cpu s':>9}{'x bare':>9}")
    for label, (wall, cpu) in rows:
        print(f"{label:<24}{wall:>9.3f}{wall / bare_s[0]:>9.2f}{cpu:>9.3f}{cpu / bare_s[1]:>9.2f}",
              flush=True)
    print(f"max |readouts.logits - bare forward| = {diff:.3g}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    parser.add_argument("--data-home", default=os.environ.get("SKACTIVE_SHARED_DATASETS",
                                                              DEFAULT_DATA_HOME))
    parser.add_argument("--n-train", type=int, default=300)
    parser.add_argument("--max-epochs", type=int, default=3)
    parser.add_argument("--n-instances", type=int, default=100,
                        help="sentences per EGL-word / DAMI query")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-queries", dest="queries", action="store_false",
                        help="time the forward readouts only")
    args = parser.parse_args(argv)

    from skactive.datasets import load_mr

    X, y = load_mr(args.data_home, return_X_y=True)
    X = np.asarray(X, dtype=object)
    print(f"MR: {len(X)} sentences; best of {args.repeats} after a warm-up; "
          f"{os.cpu_count()} CPUs", flush=True)
    for name in args.models:
        bench_model(name, X, np.asarray(y), args)


if __name__ == "__main__":
    main()
