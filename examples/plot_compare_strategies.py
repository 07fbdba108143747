"""
Compare query strategies with the experiment runner
===================================================

:func:`skactive.experiment.run_experiment` replays pool-based active learning with the DAMI
paper's protocol: a stratified 70/10/20 train/validation/test split, a small random labeled
set to start (the same one for every strategy), the model retrained from scratch each round,
and the strategy choosing the next batch from the unlabeled rest of the training set. Every
finished round becomes one row of ``results.csv``.

Here a quick version runs on a 4,000-sample subset of the Telescope data shipped with
skactive: two repeats, the labeled share growing from 2% to 30% of the training set in steps
of 4%, and at most 20 training epochs per round. The paper's full protocol (2% steps up to
50%, ten repeats, all strategies) is ``skactive run --dataset telescope --repeats 10
--strategies random,egl,bald,coreset,badge,dami``.
"""

import tempfile

import matplotlib.pyplot as plt

from skactive.experiment import curve_area, pairwise_matrix, run_experiment
from skactive.experiment.plots import plot_learning_curves, plot_pairwise_matrix
from skactive.strategies import get_strategy

# %%
# Run the simulation
# ------------------
# Strategies are named as in :func:`skactive.strategies.get_strategy`; DAMI and CoreSet join
# when this installation has them.
strategies = ["random", "entropy"]
for name in ("dami", "coreset"):
    try:
        get_strategy(name)
        strategies.append(name)
    except NotImplementedError:
        pass

out = tempfile.mkdtemp(prefix="skactive-example-")
results = run_experiment(
    "telescope",
    strategies,
    max_samples=4000,
    repeats=2,
    initial=0.02,
    step=0.04,
    until=0.30,
    model_params={"max_epochs": 20},
    out=out,
    progress=False,
)
results[["strategy", "repeat", "round", "n_labeled", "auc", "query_seconds"]].head(10)

# %%
# Learning curves
# ---------------
# Mean test AUC over the repeats against the labeled share of the training set; the band is
# one standard deviation. Round 0 is the shared random start, so every curve begins at the
# same point.
fig = plot_learning_curves(results, fig=plt.figure(figsize=(6, 4)))

# %%
# Area under the learning curves
# ------------------------------
# The mean height of each curve over the labeled fractions (a single number per strategy and
# repeat; higher is better), averaged over repeats.
curve_area(results)[["strategy", "area_mean", "area_std"]]

# %%
# Pairwise comparison
# -------------------
# As in the paper's Fig. 5: the share of (repeat, round) cells in which the row strategy's AUC
# is higher than the column strategy's.
print(pairwise_matrix(results).round(2))
fig = plot_pairwise_matrix(results, fig=plt.figure(figsize=(5, 4)))

# %%
# The same from the command line, with plots and a Markdown report written to a folder::
#
#     skactive run --dataset telescope --max-samples 4000 --repeats 2 \
#         --strategies random,entropy,dami --initial 0.02 --step 0.04 --until 0.3 \
#         --max-epochs 20 --out telescope-run
