"""Summaries of a results table: learning curves, pairwise wins, areas under curves, timings.

Every function takes the DataFrame of :func:`read_results` (or :func:`run_experiment`).
"""

import numpy as np
import pandas as pd

_METRICS = ("auto", "auc", "accuracy", "f1_macro")


def scores(results, metric="auto"):
    """The results with two more columns: ``metric`` (its name) and ``score`` (its value).

    Parameters
    ----------
    results : DataFrame
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
        ``'auto'`` scores each data set by AUC when it has AUC values (two classes) and by
        accuracy otherwise, as the DAMI paper does.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment import scores
    >>> table = pd.DataFrame({"dataset": ["a", "b"], "auc": [0.9, float("nan")],
    ...                       "accuracy": [0.8, 0.7], "f1_macro": [0.7, 0.6]})
    >>> scores(table)[["metric", "score"]].values.tolist()
    [['auc', 0.9], ['accuracy', 0.7]]
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}.")
    frame = results.copy()
    if metric == "auto":
        has_auc = frame.groupby("dataset")["auc"].transform(lambda s: s.notna().any())
        frame["metric"] = np.where(has_auc.astype(bool), "auc", "accuracy")
    else:
        frame["metric"] = metric
    values = frame[["auc", "accuracy", "f1_macro"]].to_numpy(dtype=np.float64)
    column = pd.Index(["auc", "accuracy", "f1_macro"]).get_indexer(frame["metric"])
    frame["score"] = values[np.arange(len(frame)), column] if len(frame) else np.float64
    return frame


def dataset_metrics(results, metric="auto"):
    """``{dataset: metric name}`` as chosen by :func:`scores`."""
    frame = scores(results, metric)
    return frame.groupby("dataset", sort=False)["metric"].first().to_dict()


def learning_curves(results, metric="auto"):
    """Mean and standard deviation of the score over repeats, per round.

    Returns
    -------
    curves : DataFrame
        Columns ``dataset, model, strategy, round, labeled_fraction, n_labeled, metric, mean,
        std, n_repeats`` (``std`` is 0 for a single repeat).

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment import learning_curves
    >>> table = pd.DataFrame({"dataset": "d", "model": "m", "strategy": "s",
    ...                       "repeat": [0, 1], "round": 0, "labeled_fraction": 0.1,
    ...                       "n_labeled": 5, "auc": [0.6, 0.8], "accuracy": 0.5,
    ...                       "f1_macro": 0.5})
    >>> learning_curves(table)[["mean", "std", "n_repeats"]].round(4).values.tolist()
    [[0.7, 0.1414, 2.0]]
    """
    frame = scores(results, metric)
    keys = ["dataset", "model", "strategy", "round"]
    grouped = frame.groupby(keys, sort=False)
    curves = grouped.agg(labeled_fraction=("labeled_fraction", "mean"),
                         n_labeled=("n_labeled", "mean"), metric=("metric", "first"),
                         mean=("score", "mean"), std=("score", "std"),
                         n_repeats=("score", "count")).reset_index()
    curves["std"] = curves["std"].fillna(0.0)
    return curves.sort_values(keys, kind="stable").reset_index(drop=True)


def pairwise_matrix(results, metric="auto", *, include_initial=False):
    """Share of experiment cells in which the row strategy beats the column strategy.

    A cell is one (dataset, model, repeat, round) where both strategies were scored; "beats"
    means a strictly higher score (ties count for neither), as in the DAMI paper's Fig. 5.
    Round 0 is left out by default: no strategy has chosen anything yet, so within a repeat
    every strategy has the same labeled set.

    Parameters
    ----------
    results : DataFrame
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
    include_initial : bool, default=False
        Count round 0 cells too.

    Returns
    -------
    matrix : DataFrame of shape (n_strategies, n_strategies)
        ``matrix.loc[a, b]`` is the share of cells where ``a`` beats ``b``; NaN on the
        diagonal and for pairs that share no cell.

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment import pairwise_matrix
    >>> table = pd.DataFrame({"dataset": "d", "model": "m", "repeat": 0,
    ...                       "strategy": ["a", "a", "b", "b"], "round": [1, 2, 1, 2],
    ...                       "auc": [0.8, 0.7, 0.6, 0.9], "accuracy": 0.0, "f1_macro": 0.0})
    >>> pairwise_matrix(table).values.tolist()
    [[nan, 0.5], [0.5, nan]]
    """
    frame = scores(results, metric)
    if not include_initial:
        frame = frame[frame["round"] > 0]
    strategies = list(dict.fromkeys(results["strategy"]))
    wide = (frame.groupby(["dataset", "model", "repeat", "round", "strategy"])["score"]
            .first().unstack("strategy").reindex(columns=strategies))
    values = wide.to_numpy(dtype=np.float64)
    n = len(strategies)
    matrix = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            both = ~np.isnan(values[:, i]) & ~np.isnan(values[:, j])
            if both.any():
                matrix[i, j] = np.mean(values[both, i] > values[both, j])
    return pd.DataFrame(matrix, index=pd.Index(strategies, name="strategy"),
                        columns=pd.Index(strategies, name="compared with"))


def curve_area(results, metric="auto", *, per_repeat=False):
    """Normalised area under each learning curve: its mean height over the labeled fractions.

    Trapezoidal area under (labeled fraction, score), divided by the width of the fraction
    range, so the value is on the metric's scale (a curve that is 0.8 everywhere gives 0.8).

    Parameters
    ----------
    results : DataFrame
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
    per_repeat : bool, default=False
        Return one row per repeat instead of the mean and standard deviation over repeats.

    Returns
    -------
    areas : DataFrame
        Columns ``dataset, model, strategy, metric, area_mean, area_std, n_repeats`` (or
        ``dataset, model, strategy, repeat, metric, area`` with ``per_repeat=True``).

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment import curve_area
    >>> table = pd.DataFrame({"dataset": "d", "model": "m", "strategy": "s", "repeat": 0,
    ...                       "round": [0, 1, 2], "labeled_fraction": [0.1, 0.2, 0.4],
    ...                       "auc": [0.5, 0.7, 0.8], "accuracy": 0.0, "f1_macro": 0.0})
    >>> float(curve_area(table)["area_mean"].iloc[0])
    0.7
    """
    frame = scores(results, metric).sort_values("labeled_fraction", kind="stable")
    rows = []
    for (ds, model, strategy, repeat), group in frame.groupby(
            ["dataset", "model", "strategy", "repeat"], sort=False):
        x = group["labeled_fraction"].to_numpy(dtype=np.float64)
        y = group["score"].to_numpy(dtype=np.float64)
        width = x[-1] - x[0]
        area = y[0] if width == 0 else np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2) / width
        rows.append((ds, model, strategy, repeat, group["metric"].iloc[0], float(area)))
    per = pd.DataFrame(rows, columns=["dataset", "model", "strategy", "repeat", "metric",
                                      "area"])
    per = per.sort_values(["dataset", "model", "strategy", "repeat"],
                          kind="stable").reset_index(drop=True)
    if per_repeat:
        return per
    out = per.groupby(["dataset", "model", "strategy"], sort=False).agg(
        metric=("metric", "first"), area_mean=("area", "mean"), area_std=("area", "std"),
        n_repeats=("area", "count")).reset_index()
    out["area_std"] = out["area_std"].fillna(0.0)
    return out


def query_times(results):
    """Mean seconds per query and per model fit, by data set, model and strategy.

    Round 0 has no query (its labeled set is the random initial one) and is left out of the
    query mean; the fit mean covers every round.

    Returns
    -------
    times : DataFrame
        Columns ``dataset, model, strategy, query_seconds_mean, query_seconds_total,
        fit_seconds_mean, n_queries``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment import query_times
    >>> table = pd.DataFrame({"dataset": "d", "model": "m", "strategy": "s",
    ...                       "round": [0, 1, 2], "fit_seconds": [1.0, 2.0, 3.0],
    ...                       "query_seconds": [float("nan"), 0.5, 1.5]})
    >>> query_times(table).iloc[0, 3:].tolist()
    [1.0, 2.0, 2.0, 2.0]
    """
    keys = ["dataset", "model", "strategy"]
    queried = results[results["round"] > 0]
    q = queried.groupby(keys, sort=False)["query_seconds"].agg(
        query_seconds_mean="mean", query_seconds_total="sum", n_queries="count")
    f = results.groupby(keys, sort=False)["fit_seconds"].mean().rename("fit_seconds_mean")
    out = pd.concat([q, f], axis=1).reset_index()
    out["n_queries"] = out["n_queries"].fillna(0).astype(np.int64)
    return out[keys + ["query_seconds_mean", "query_seconds_total", "fit_seconds_mean",
                       "n_queries"]]
