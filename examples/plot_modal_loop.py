"""
The modAL-style loop on tabular data
====================================

The active learning loop as modAL users write it, on the MAGIC Gamma Telescope data shipped
with skactive: start from a few random labels, let the query strategy pick the next batch from
the pool, "label" it (here we look the labels up), retrain, and follow the test score. The only
change from a modAL script is the import of :class:`~skactive.ActiveLearner`.

We run the same loop with entropy sampling, DAMI and random sampling (the baseline), from the
same initial labels, and draw the three learning curves.
"""

# %%
# The data: a held-out test set, a small labeled start, and the pool
# ------------------------------------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner, MLPClassifier
from skactive.datasets import load_telescope
from skactive.strategies import DAMI, EntropySampling, RandomSampling

X, y = load_telescope(return_X_y=True)
# A stratified subset keeps the example under a minute: 4,000 pool samples, 2,000 for testing.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=4000, test_size=2000, stratify=y, random_state=0)

rng = np.random.RandomState(0)
initial = rng.choice(len(X_train), size=100, replace=False)
print(f"{len(X_train)} training samples, {len(initial)} labeled at the start")

# %%
# The loop
# --------
# The estimator is a scikit-learn Pipeline: the strategies read the network behind it and see
# the pool as the MLP does (scaled). ``learner.estimator_`` is the model fitted on the labeled
# set, ``learner.X_training_`` / ``learner.y_training_`` the labeled set itself.
N_ROUNDS, BATCH = 8, 50


def run(strategy):
    learner = ActiveLearner(
        make_pipeline(StandardScaler(), MLPClassifier(max_epochs=60, random_state=0)),
        strategy, X_training=X_train[initial], y_training=y_train[initial])
    pool = np.setdiff1d(np.arange(len(X_train)), initial)
    sizes, scores = [], []
    for _ in range(N_ROUNDS):
        scores.append(learner.score(X_test, y_test))   # fits on first use
        sizes.append(len(learner.y_training_))
        query_idx, _ = learner.query(X_train[pool], n_instances=BATCH)
        chosen = pool[query_idx]
        learner.teach(X_train[chosen], y_train[chosen])   # the oracle's labels
        pool = np.delete(pool, query_idx)
    scores.append(learner.score(X_test, y_test))
    sizes.append(len(learner.y_training_))
    return np.array(sizes), np.array(scores)


curves = {}
for name, strategy in [("random", RandomSampling(random_state=0)),
                       ("entropy", EntropySampling()),
                       ("DAMI", DAMI(random_state=0))]:
    start = time.perf_counter()
    curves[name] = run(strategy)
    print(f"{name:8s} final accuracy {curves[name][1][-1]:.3f} "
          f"({time.perf_counter() - start:.1f} s)")

# %%
# Learning curves
# ---------------
# Test accuracy against the number of labels bought. One run per strategy: on a real problem,
# average several repeats (the experiment runner does that) before drawing conclusions.
fig, ax = plt.subplots(figsize=(6, 4))
for name, (sizes, scores) in curves.items():
    ax.plot(sizes, scores, marker="o", label=name)
ax.set_xlabel("labeled samples")
ax.set_ylabel("test accuracy")
ax.set_title(f"Telescope: MLP (16, 8), batches of {BATCH}")
ax.legend()
fig.tight_layout()
plt.show()
