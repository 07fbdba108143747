"""
Pipeline and GridSearchCV inside an active learning loop
========================================================

skactive's classifiers are ordinary scikit-learn estimators, so the model of an active learning
loop can be a :class:`~sklearn.pipeline.Pipeline` and its hyper-parameters can be tuned with
:class:`~sklearn.model_selection.GridSearchCV` on the labels bought so far.

Tuning every round is expensive and, with a few dozen labels, noisy. A common compromise, shown
here: re-tune every few rounds on the current labeled set, and in between keep the best
parameters found. The learner is itself a scikit-learn meta-estimator, so the new parameters go
in with ``set_params`` and the next ``teach`` retrains with them. The query strategy (BADGE,
which reads the network's last-layer gradients) sees the pool through the Pipeline's scaler, as
the MLP does.
"""

# %%
# Data, model and search space
# ----------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner, MLPClassifier
from skactive.datasets import load_telescope
from skactive.strategies import get_strategy

X, y = load_telescope(return_X_y=True)
X_pool_all, X_test, y_pool_all, y_test = train_test_split(
    X, y, train_size=3000, test_size=2000, stratify=y, random_state=1)

model = Pipeline([
    ("scale", StandardScaler()),
    ("mlp", MLPClassifier(max_epochs=40, random_state=0)),
])
param_grid = {
    "mlp__hidden_layer_sizes": [(16, 8), (32,)],
    "mlp__learning_rate": [0.01, 0.003],
}

rng = np.random.RandomState(0)
initial = rng.choice(len(X_pool_all), size=60, replace=False)

# %%
# The loop, re-tuning every fourth round
# --------------------------------------
# ``refit=False``: only ``best_params_`` is needed, the learner trains the model itself.
N_ROUNDS, BATCH, RETUNE_EVERY = 8, 40, 4

learner = ActiveLearner(model, get_strategy("badge", random_state=0))
X_labeled, y_labeled = X_pool_all[initial], y_pool_all[initial]
pool = np.setdiff1d(np.arange(len(X_pool_all)), initial)
history = []
for round_ in range(N_ROUNDS + 1):
    if round_ % RETUNE_EVERY == 0:
        search = GridSearchCV(model, param_grid, refit=False,
                              cv=StratifiedKFold(2, shuffle=True, random_state=0))
        search.fit(X_labeled, y_labeled)
        # The Pipeline is the learner's "estimator": prefix its parameter names.
        learner.set_params(**{f"estimator__{k}": v for k, v in search.best_params_.items()})
        learner.fit(X_labeled, y_labeled)  # retrain the labeled set with the new parameters
        print(f"round {round_}, {len(y_labeled)} labels: best {search.best_params_} "
              f"(CV accuracy {search.best_score_:.3f})")
    history.append((len(y_labeled), learner.score(X_test, y_test),
                    learner.get_params()["estimator__mlp__hidden_layer_sizes"]))
    if round_ == N_ROUNDS:
        break
    query_idx, _ = learner.query(X_pool_all[pool], n_instances=BATCH)
    chosen = pool[query_idx]
    learner.teach(X_pool_all[chosen], y_pool_all[chosen])  # the oracle's labels
    pool = np.delete(pool, query_idx)
    X_labeled, y_labeled = learner.X_training_, learner.y_training_

# %%
# Learning curve, marking the re-tuning rounds
# --------------------------------------------
sizes = [h[0] for h in history]
scores = [h[1] for h in history]
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(sizes, scores, marker="o", label="BADGE, tuned MLP")
for i in range(0, len(history), RETUNE_EVERY):
    ax.axvline(sizes[i], color="0.8", lw=1, zorder=0)
    ax.annotate(str(history[i][2]), (sizes[i], scores[i]), textcoords="offset points",
                xytext=(4, -12), fontsize=8)
ax.set_xlabel("labeled samples")
ax.set_ylabel("test accuracy")
ax.set_title(f"Re-tuning every {RETUNE_EVERY} rounds (grey lines)")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
