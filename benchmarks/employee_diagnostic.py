"""Why no strategy beats random on Employee: the same strategies with a logistic regression.

The evidence runs (``docs/results/evidence.md``) find the uncertainty family far behind random
sampling on Employee (9 columns of category codes, 94% of one class), with skactive's MLP. This
script asks whether the model is to blame: it replays the protocol with the scikit-learn model
that reaches Employee's ceiling in ``docs/results/models.txt``, one-hot codes (codes seen fewer
than 5 times in the labeled rows pooled) into ``LogisticRegression``, and skactive's
``ActiveLearner`` with its strategies, plus one strategy written for categorical codes:
``coverage``, a greedy batch that labels the rows whose codes are frequent in the pool and
rare in the labeled set (each pick counts its codes as labeled before the next).

Protocol: stratified 80/20 split per repeat, 2% labeled at random (shared by the strategies of
a repeat), then 8% per round up to 50%; test AUC; areas compared with
:func:`skactive.experiment.compare_to_baseline`.

Usage::

    python benchmarks/employee_diagnostic.py --repeats 5 > docs/results/employee_diagnostic.txt

Needs the Employee files (``SKACTIVE_DATA`` or ``--data-home``).
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from skactive import ActiveLearner
from skactive.experiment import compare_to_baseline, load_dataset
from skactive.strategies import get_strategy


def coverage(classifier, X_pool, n_instances=1, *, X_labeled):
    """Greedy batch of the rows whose codes are most frequent in the pool and least labeled."""
    X_pool, X_labeled = np.asarray(X_pool), np.asarray(X_labeled)
    n_rows, n_columns = X_pool.shape
    pool_count = np.empty((n_rows, n_columns))
    labeled_count = np.empty((n_rows, n_columns))
    codes = []
    for c in range(n_columns):
        values, code = np.unique(X_pool[:, c], return_inverse=True)
        codes.append(code)
        pool_count[:, c] = np.bincount(code)[code]
        seen = pd.Series(X_labeled[:, c]).value_counts()
        labeled_count[:, c] = seen.reindex(values, fill_value=0).to_numpy()[code]
    codes = np.stack(codes, axis=1)
    gain = (pool_count / (1.0 + labeled_count)).sum(axis=1)
    chosen = np.empty(n_instances, dtype=np.int64)
    for i in range(n_instances):  # each pick changes the gain of rows sharing its codes
        j = int(np.argmax(gain))
        chosen[i] = j
        same = codes == codes[j]
        labeled_count += same
        gain = np.where(np.isneginf(gain), gain, (pool_count / (1.0 + labeled_count)).sum(axis=1))
        gain[chosen[:i + 1]] = -np.inf
    return chosen, X_pool[chosen]


def model():
    return make_pipeline(OneHotEncoder(handle_unknown="ignore", min_frequency=5),
                         LogisticRegression(max_iter=2000))


def curve(strategy, X, y, X_test, y_test, start, step, n_rounds):
    labeled = np.zeros(len(y), dtype=bool)
    labeled[start] = True
    learner = ActiveLearner(model(), query_strategy=strategy,
                            X_training=X[labeled], y_training=y[labeled])
    scores = [roc_auc_score(y_test, learner.predict_proba(X_test)[:, 1])]
    for _ in range(n_rounds):
        pool = np.flatnonzero(~labeled)
        kwargs = {"X_labeled": X[labeled]} if strategy is coverage else {}
        picked, _ = learner.query(X[pool], n_instances=step, **kwargs)
        labeled[pool[picked]] = True
        learner.teach(X[pool[picked]], y[pool[picked]])
        scores.append(roc_auc_score(y_test, learner.predict_proba(X_test)[:, 1]))
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--strategies", default="random,entropy,margin,coverage")
    args = parser.parse_args()
    data = load_dataset("employee", data_home=args.data_home)
    X, y = np.asarray(data.X), np.asarray(data.y)
    rows, started = [], time.perf_counter()
    for repeat in range(args.repeats):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.2, random_state=repeat, stratify=y)
        rng = np.random.default_rng(repeat)
        start = rng.choice(len(y_train), int(0.02 * len(y_train)), replace=False)
        step = int(round(0.08 * len(y_train)))
        for name in args.strategies.split(","):
            strategy = coverage if name == "coverage" else get_strategy(name)
            if "random_state" in getattr(strategy, "get_params", dict)():
                strategy.set_params(random_state=repeat)
            for k, auc in enumerate(curve(strategy, X_train, y_train, X_test, y_test,
                                          start, step, n_rounds=6)):
                rows.append({"dataset": "employee", "model": "onehot-logreg", "strategy": name,
                             "repeat": repeat, "round": k, "labeled_fraction": 0.02 + 0.08 * k,
                             "auc": auc, "accuracy": np.nan, "f1_macro": np.nan})
    results = pd.DataFrame(rows)
    print(f"Employee, one-hot LogisticRegression, {args.repeats} repeats, "
          f"{time.perf_counter() - started:.0f} s")
    print("\nmean test AUC by labeled fraction:")
    print(results.pivot_table(index="strategy", columns="labeled_fraction", values="auc")
          .round(4).to_string())
    table = compare_to_baseline(results, metric="auc")
    print("\nagainst random (area under the learning curve, paired by repeat):")
    print(table[["strategy", "area_diff", "ci_low", "ci_high", "p_value", "rounds_worse",
                 "rounds_better", "verdict"]].round(4).to_string(index=False))


if __name__ == "__main__":
    main()
