"""Simulate active learning with the papers' protocol, and summarise, plot and report it.

:func:`run_experiment` replays pool-based active learning on labeled data (a stratified
train/validation/test split, a small random initial labeled set, the model retrained each round,
a strategy choosing the next batch) and writes a tidy ``results.csv`` as it goes.
:func:`write_report` turns a results folder into learning curves, the pairwise win matrix, a
table of areas under the curves, query times, and ``report.md``.
"""

from ._data import DATASETS, Dataset, dataset_from_table, dataset_from_text, load_dataset
from ._metrics import METRICS, default_metric, evaluate
from ._models import (
    fit_text_embedding, make_model, model_has_dropout, model_names, resolve_model_name,
)
from ._protocol import (
    initial_labeled,
    labeling_schedule,
    repeat_seed,
    split_indices,
    split_seed,
)
from ._results import COLUMNS, TIMING_COLUMNS, read_results
from ..strategies import canonical_strategy_name
from ._runner import run_experiment
from .summary import (
    compare_to_baseline,
    curve_area,
    learning_curves,
    pairwise_intervals,
    pairwise_matrix,
    query_times,
    round_differences,
    scores,
)
from .report import write_report

__all__ = [
    "COLUMNS",
    "DATASETS",
    "METRICS",
    "TIMING_COLUMNS",
    "Dataset",
    "canonical_strategy_name",
    "compare_to_baseline",
    "curve_area",
    "dataset_from_table",
    "dataset_from_text",
    "default_metric",
    "evaluate",
    "fit_text_embedding",
    "initial_labeled",
    "labeling_schedule",
    "learning_curves",
    "load_dataset",
    "make_model",
    "model_has_dropout",
    "model_names",
    "pairwise_intervals",
    "pairwise_matrix",
    "query_times",
    "read_results",
    "resolve_model_name",
    "repeat_seed",
    "round_differences",
    "run_experiment",
    "scores",
    "split_indices",
    "split_seed",
    "write_report",
]
