"""One simulated learning curve: fit, score, query, record, round after round."""

import time

import numpy as np

from ..learner import ActiveLearner
from ..utils import take_rows
from . import _protocol as protocol
from ._metrics import evaluate
from ._models import make_model
from ._results import RUN_KEY, ResultsStore


def _seed_strategy(strategy, seed):
    """Give the task's own clone of the strategy this round's seed.

    In place on purpose: the clone belongs to one learning curve, and what a strategy keeps
    between rounds (IBAL-D's autoencoder, fitted once on the training rows) must survive.
    """
    if hasattr(strategy, "get_params") and "random_state" in strategy.get_params(deep=False):
        strategy.set_params(random_state=seed)
    return strategy


def simulate(task, folder, report):
    """Run (or continue) one learning curve, recording each round as it finishes."""
    store = ResultsStore(folder)
    ds = task.dataset
    X_train, y_train = take_rows(ds.X, task.train), ds.y[task.train]
    X_val, y_val = take_rows(ds.X, task.val), ds.y[task.val]
    X_test, y_test = take_rows(ds.X, task.test), ds.y[task.test]
    n_train = len(task.train)
    strategy = task.strategy
    base = {"dataset": ds.name, "model": task.model_name, "strategy": task.strategy_name,
            "repeat": task.repeat, "seed": task.seed, "n_train": n_train}
    n_rounds = len(task.counts)

    def fit(labeled, round_):
        estimator = make_model(task.model, ds, random_state=protocol.model_seed(task.seed, round_),
                               params=task.model_params, embedding=task.embedding)
        learner = ActiveLearner(estimator, query_strategy=strategy)
        start = time.perf_counter()
        learner.fit(take_rows(X_train, labeled), y_train[labeled])
        return learner, time.perf_counter() - start

    def query(learner, labeled, round_):
        pool = np.setdiff1d(np.arange(n_train), labeled)  # sorted: same pool order on resume
        n_new = int(task.counts[round_ + 1] - task.counts[round_])
        _seed_strategy(strategy, protocol.strategy_seed(task.seed, round_))
        start = time.perf_counter()
        query_idx, _ = learner.query(take_rows(X_train, pool), n_instances=n_new)
        return pool[query_idx], time.perf_counter() - start

    if task.done_rounds:  # resume: refit the last recorded round's model, then query from it
        labeled = task.labeled
        last = task.done_rounds - 1
        learner, _ = fit(labeled, last)
        added, query_seconds = query(learner, labeled, last)
        labeled = np.concatenate([labeled, added])
    else:
        labeled = added = task.initial
        query_seconds = float("nan")
    for round_ in range(task.done_rounds, n_rounds):
        learner, fit_seconds = fit(labeled, round_)
        if round_ < len(task.replay):  # already recorded: check it, do not write it again
            _check_replayed_round(task, round_, added, store)
        else:
            test_scores = evaluate(learner, X_test, y_test)
            val_scores = evaluate(learner, X_val, y_val)
            row = {**base, "round": round_, "n_labeled": len(labeled),
                   "labeled_fraction": len(labeled) / n_train, **test_scores,
                   **{f"val_{k}": v for k, v in val_scores.items()},
                   "fit_seconds": fit_seconds, "query_seconds": query_seconds}
            store.append_round(row, added)
            report(row, n_rounds)
        if round_ + 1 < n_rounds:
            added, query_seconds = query(learner, labeled, round_)
            labeled = np.concatenate([labeled, added])
    return tuple(base[k] for k in RUN_KEY)


def _check_replayed_round(task, round_, added, store):
    if not np.array_equal(added, task.replay[round_]):
        raise ValueError(
            f"Cannot resume {(task.dataset.name, task.model_name, task.strategy_name, task.repeat)}"
            f": rerun from the start to rebuild the state of the strategy "
            f"{task.strategy_name!r}, its round {round_} labeled other samples than "
            f"{store.labeled_path} records, so the code, the data or the machine's arithmetic "
            "changed since. Run it again in another output folder."
        )
