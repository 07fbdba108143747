"""
What each strategy picks on the DAMI paper's Sigmoid data
=========================================================

The DAMI paper (Liu et al.) illustrates its idea on a toy data set: ``x`` uniform on
``[-5, 5]^2`` and ``p(y = 1 | x) = sigmoid(x1 * x2)``. The classes alternate between the
quadrants, so the data is not linearly separable, but each quadrant is. A ReLU network is
piecewise linear, and its input gradient (its local interpretation) tells in which linear
piece a sample lies; DAMI clusters the pool on those gradients with k-medoids and queries the
medoids.

This example redraws the paper's Fig. 3: an MLP with hidden layers (16, 8) is trained on 100
random labeled samples, then EGL, BALD, CoreSet, BADGE and DAMI each choose 15 samples from a
pool of 1,000. A second part repeats the paper's Fig. 2 test over 10 seeds: does k-medoids with
k = 4 put one medoid in each quadrant, on DAMI's representations and on CoreSet's and BADGE's?
"""

# %%
# One model, five strategies
# --------------------------
# BALD needs dropout: as in the paper it gets its own network with dropout 0.5. The others
# share one network without dropout. Every strategy reads the model through the same
# :class:`~skactive.ActiveLearner`, which also gives CoreSet the labeled set.
import sys
import time

import matplotlib.pyplot as plt
import numpy as np

from skactive import ActiveLearner, MLPClassifier, readouts
from skactive.cluster import KMedoids
from skactive.datasets import make_sigmoid
from skactive.strategies import BADGE, BALD, DAMI, EGL, CoreSet

start = time.perf_counter()
X, y = make_sigmoid(1100, random_state=0)
X_labeled, y_labeled, X_pool, y_pool = X[:100], y[:100], X[100:], y[100:]


def learner(dropout=0.0):
    model = MLPClassifier((16, 8), dropout=dropout, random_state=0)
    return ActiveLearner(model, X_training=X_labeled, y_training=y_labeled)


plain, with_dropout = learner(), learner(dropout=0.5)
strategies = {
    "EGL": (EGL(), plain),
    "BALD": (BALD(random_state=0), with_dropout),
    "CoreSet": (CoreSet(random_state=0), plain),
    "BADGE": (BADGE(random_state=0), plain),
    "DAMI": (DAMI(random_state=0), plain),
}
picks = {name: strategy(model, X_pool, n_instances=15)[0]
         for name, (strategy, model) in strategies.items()}
print(f"test accuracy of the shared model: {plain.score(X_pool, y_pool):.3f}")

# %%
# The 15 picks of each strategy
# -----------------------------
# Uncertainty (EGL, BALD) gathers near the decision boundaries, the axes. CoreSet covers the
# network's feature space, whose extremes need not spread over the input square. BADGE mixes
# uncertainty and spread. DAMI takes one sample per group of linear pieces, in every quadrant.
fig, axes = plt.subplots(2, 3, figsize=(11, 7.5), sharex=True, sharey=True)
colors = np.array(["tab:blue", "tab:orange"])
axes[0, 0].scatter(*X_pool.T, c=colors[y_pool], s=6)
axes[0, 0].set_title("(a) the pool, p(y=1|x) = sigmoid(x1 x2)")
for ax, (letter, (name, idx)) in zip(axes.flat[1:], zip("bcdef", picks.items())):
    ax.scatter(*X_pool.T, c=colors[y_pool], s=4, alpha=0.15)
    ax.scatter(*X_pool[idx].T, c=colors[y_pool[idx]], s=70, marker="*", edgecolors="k",
               linewidths=0.8)
    ax.set_title(f"({letter}) {name}: 15 picks")
for ax in axes.flat:
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlim(-5.2, 5.2)
    ax.set_ylim(-5.2, 5.2)
    ax.set_aspect("equal")
fig.tight_layout()

# %%
# Do four medoids find the four quadrants?
# ----------------------------------------
# For 10 seeds (data, labeled set and network all change), k-medoids with k = 4 (Park & Jun's
# alternating algorithm, as in the paper and in DAMI's default for small pools) runs on three
# representations of the pool: DAMI's input gradients, CoreSet's penultimate features and
# BADGE's last-layer gradient embeddings. A seed counts when the four medoids lie in four
# different quadrants; four random points do so with probability 4!/4^4, about 0.09.
#
# With 100 noisy labels the network's linear pieces follow the quadrants only roughly, and the
# count is modest for every representation; the paper's Fig. 2 used a network trained on the
# whole data set. (Measured while writing this example: DAMI 2, CoreSet 7, BADGE 0 of 10; with
# a network trained on 5,000 samples and FasterPAM, DAMI 7, CoreSet 5, BADGE 4.)


def representations(model, P):
    q, f = readouts.gradient_embedding(model, P)
    return {"DAMI": readouts.input_gradients(model, P),
            "CoreSet": readouts.penultimate_features(model, P),
            "BADGE": (q[:, :, None] * f[:, None, :]).reshape(len(P), -1)}


hits = {"DAMI": 0, "CoreSet": 0, "BADGE": 0}
for seed in range(10):
    Xs, ys = make_sigmoid(1100, random_state=seed)
    model = MLPClassifier((16, 8), random_state=seed).fit(Xs[:100], ys[:100])
    P = Xs[100:]
    quadrant = 2 * (P[:, 0] > 0) + (P[:, 1] > 0)
    for name, R in representations(model, P).items():
        medoids = KMedoids(4, method="alternate", random_state=seed).fit(R).medoid_indices_
        hits[name] += len(set(quadrant[medoids])) == 4
print("seeds (of 10) with one medoid per quadrant: "
      + ", ".join(f"{name} {count}" for name, count in hits.items()))
print(f"ran in {time.perf_counter() - start:.0f} s")

if __name__ == "__main__" and "sphinx_gallery" not in sys.modules:
    fig.savefig("plot_dami_sigmoid.png", dpi=110)  # run as a script: keep the figure
plt.show()
