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


def _scores_by_cell(results, metric, include_initial):
    """Strategies in order of appearance, and the scores with one row per (data set, model,
    repeat, round) cell and one column per strategy (round 0 left out unless asked)."""
    frame = scores(results, metric)
    if not include_initial:
        frame = frame[frame["round"] > 0]
    strategies = list(dict.fromkeys(results["strategy"]))
    wide = (frame.groupby(["dataset", "model", "repeat", "round", "strategy"])["score"]
            .first().unstack("strategy").reindex(columns=strategies))
    return strategies, wide


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
    strategies, wide = _scores_by_cell(results, metric, include_initial)
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


def pairwise_intervals(results, metric="auto", *, confidence=0.95, include_initial=False):
    """The win shares of :func:`pairwise_matrix` with confidence intervals.

    Rounds of one learning curve are not independent (they share the labeled set grown so
    far), so the unit of replication is the curve: for each pair of strategies and each
    (data set, model, repeat) the share of rounds in which the first scores strictly higher,
    then the mean of these shares with a t interval over them. The mean equals
    :func:`pairwise_matrix`'s entry when every curve has the same number of rounds.

    Parameters
    ----------
    results : DataFrame
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
    confidence : float, default=0.95
        Coverage of the intervals.
    include_initial : bool, default=False
        Count round 0 too (identical labeled sets within a repeat).

    Returns
    -------
    intervals : DataFrame
        Columns ``strategy, compared_with, win_share, ci_low, ci_high, n_curves``, one row per
        ordered pair of strategies that share a curve (interval NaN for a single curve).

    See Also
    --------
    pairwise_matrix : The win shares alone, as a matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment import pairwise_intervals
    >>> rows = [{"dataset": "d", "model": "m", "repeat": r, "round": k, "strategy": s,
    ...          "auc": 0.8 + (0.01 if s == "a" and k != r % 3 + 1 else 0.0),
    ...          "accuracy": 0.0, "f1_macro": 0.0}
    ...         for r in range(4) for k in range(4) for s in ("a", "b")]
    >>> row = pairwise_intervals(pd.DataFrame(rows)).iloc[0]
    >>> row["strategy"], row["compared_with"], round(float(row["win_share"]), 3), int(row["n_curves"])
    ('a', 'b', 0.667, 4)
    """
    _check_confidence(confidence)
    strategies, wide = _scores_by_cell(results, metric, include_initial)
    curves = wide.index.droplevel("round")
    rows = []
    for i, a in enumerate(strategies):
        for j, b in enumerate(strategies):
            if i == j:
                continue
            both = wide[[a, b]].dropna()
            if both.empty:
                continue
            wins = pd.Series((both[a] > both[b]).to_numpy(dtype=np.float64),
                             index=curves[wide.index.isin(both.index)])
            shares = wins.groupby(level=[0, 1, 2]).mean().to_numpy()
            mean, low, high, _ = _t_interval(shares, confidence)
            rows.append((a, b, float(mean), float(low), float(high), len(shares)))
    return pd.DataFrame(rows, columns=["strategy", "compared_with", "win_share", "ci_low",
                                       "ci_high", "n_curves"])


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


def _t_interval(differences, confidence):
    """Mean, two-sided t confidence interval and p-value of paired differences (by row)."""
    from scipy import stats

    d = np.asarray(differences, dtype=np.float64)
    n = d.shape[-1]
    mean = d.mean(axis=-1)
    if n < 2:
        nan = np.full_like(mean, np.nan)
        return mean, nan, nan, nan
    sem = d.std(axis=-1, ddof=1) / np.sqrt(n)
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * sem
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(sem > 0, mean / sem, np.where(mean == 0, 0.0, np.copysign(np.inf, mean)))
    p = 2 * stats.t.sf(np.abs(t), n - 1)
    return mean, mean - half, mean + half, p


def _paired_with_baseline(frame, baseline, value, keys):
    """Rows ``keys + [strategy, repeat, value, baseline_value]`` for cells the baseline shares."""
    base = frame[frame["strategy"] == baseline][keys + ["repeat", value]]
    others = frame[frame["strategy"] != baseline]
    return others.merge(base, on=keys + ["repeat"], suffixes=("", "_baseline"))


def round_differences(results, baseline="random", metric="auto", *, confidence=0.95):
    """Per round, each strategy's score minus the baseline's, paired by repeat.

    Within a repeat every strategy starts from the same random labeled set and is tested on
    the same split, so the difference is paired: the interval is a t interval over repeats.
    A strategy is significantly worse than the baseline in a round when the interval's upper
    end is below zero.

    Parameters
    ----------
    results : DataFrame
    baseline : str, default='random'
        The strategy every other is compared with.
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    differences : DataFrame
        Columns ``dataset, model, strategy, round, labeled_fraction, metric, diff_mean,
        ci_low, ci_high, p_value, n_repeats`` (interval and p-value NaN for a single repeat).

    See Also
    --------
    compare_to_baseline : The same comparison over whole curves.

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment import round_differences
    >>> table = pd.DataFrame({"dataset": "d", "model": "m", "round": 1,
    ...                       "labeled_fraction": 0.2, "repeat": [0, 1, 2] * 2,
    ...                       "strategy": ["random"] * 3 + ["s"] * 3,
    ...                       "auc": [0.70, 0.72, 0.71, 0.73, 0.74, 0.75],
    ...                       "accuracy": 0.0, "f1_macro": 0.0})
    >>> row = round_differences(table).iloc[0]
    >>> round(float(row["diff_mean"]), 4), int(row["n_repeats"]), bool(row["ci_low"] > 0)
    (0.03, 3, True)
    """
    _check_confidence(confidence)
    frame = scores(results, metric)
    _check_baseline(frame, baseline)
    keys = ["dataset", "model", "round"]
    paired = _paired_with_baseline(frame, baseline, "score", keys)
    paired["diff"] = paired["score"] - paired["score_baseline"]
    rows = []
    for (ds, model, strategy, round_), group in paired.groupby(
            ["dataset", "model", "strategy", "round"], sort=False):
        mean, low, high, p = _t_interval(group["diff"].to_numpy(), confidence)
        rows.append((ds, model, strategy, round_, group["labeled_fraction"].mean(),
                     group["metric"].iloc[0], float(mean), float(low), float(high), float(p),
                     len(group)))
    columns = ["dataset", "model", "strategy", "round", "labeled_fraction", "metric",
               "diff_mean", "ci_low", "ci_high", "p_value", "n_repeats"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["dataset", "model", "strategy", "round"],
                           kind="stable").reset_index(drop=True)


def compare_to_baseline(results, baseline="random", metric="auto", *, confidence=0.95,
                        include_initial=False):
    """Whether each strategy beats the baseline, with intervals and tests that can say "tie".

    For every (data set, model, strategy) other than ``baseline``:

    - the difference of the normalised areas under the learning curves (:func:`curve_area`),
      paired by repeat, with its t interval and a paired t-test over repeats;
    - a Wilcoxon signed-rank test over all (repeat, round) cells of the score differences
      (tied cells left out, as the test does), and the shares of cells won and tied;
    - how many rounds the strategy is significantly worse or better than the baseline
      (the per-round t interval of :func:`round_differences` excludes zero);
    - a verdict: ``'better'`` or ``'worse'`` when the area interval excludes zero, else
      ``'no significant difference'``.

    With few repeats the intervals are wide: a verdict of no significant difference is then
    the honest answer, not a tie proven. Per-round counts are not corrected for multiple
    comparisons; read them as a warning sign, not as a test.

    Parameters
    ----------
    results : DataFrame
    baseline : str, default='random'
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
    confidence : float, default=0.95
        Coverage of the intervals; ``1 - confidence`` is the tests' level.
    include_initial : bool, default=False
        Count round 0 (the shared random start, identical for every strategy) in the
        signed-rank test and the per-round counts.

    Returns
    -------
    comparison : DataFrame
        Columns ``dataset, model, strategy, metric, area_diff, ci_low, ci_high, p_value,
        cells_p_value, cells_win_share, cells_tie_share, rounds_worse, rounds_better,
        n_rounds, n_repeats, verdict``. ``cells_p_value`` is NaN when fewer than two cells
        differ (a strategy that picked the baseline's rows everywhere ties in every cell).

    See Also
    --------
    round_differences : The per-round differences behind the counts.
    curve_area : The areas compared.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skactive.experiment import compare_to_baseline
    >>> rng = np.random.RandomState(0)
    >>> rows = [{"dataset": "d", "model": "m", "strategy": s, "repeat": r, "round": k,
    ...          "labeled_fraction": 0.1 * (k + 1), "accuracy": 0.0, "f1_macro": 0.0,
    ...          "auc": 0.7 + 0.02 * k + (0.01 * k if s == "s" else 0) + 0.001 * rng.randn()}
    ...         for s in ("random", "s") for r in range(5) for k in range(4)]
    >>> table = compare_to_baseline(pd.DataFrame(rows))
    >>> table[["strategy", "verdict", "rounds_worse"]].values.tolist()
    [['s', 'better', 0]]
    """
    from scipy import stats

    _check_confidence(confidence)
    frame = scores(results, metric)
    _check_baseline(frame, baseline)
    areas = curve_area(results, metric, per_repeat=True)
    paired_areas = _paired_with_baseline(areas, baseline, "area", ["dataset", "model"])
    rounds = round_differences(results, baseline, metric, confidence=confidence)
    cells = _paired_with_baseline(frame, baseline, "score", ["dataset", "model", "round"])
    if not include_initial:
        rounds = rounds[rounds["round"] > 0]
        cells = cells[cells["round"] > 0]
    cells = cells.assign(diff=cells["score"] - cells["score_baseline"])
    rows = []
    for (ds, model, strategy), group in paired_areas.groupby(
            ["dataset", "model", "strategy"], sort=False):
        diff = (group["area"] - group["area_baseline"]).to_numpy()
        mean, low, high, p = _t_interval(diff, confidence)
        in_cells = cells[(cells["dataset"] == ds) & (cells["model"] == model)
                         & (cells["strategy"] == strategy)]["diff"].to_numpy()
        nonzero = in_cells[in_cells != 0]
        cells_p = (float(stats.wilcoxon(nonzero).pvalue) if len(nonzero) >= 2 else np.nan)
        in_rounds = rounds[(rounds["dataset"] == ds) & (rounds["model"] == model)
                           & (rounds["strategy"] == strategy)]
        if low > 0:
            verdict = "better"
        elif high < 0:
            verdict = "worse"
        else:
            verdict = "no significant difference"
        rows.append((ds, model, strategy, group["metric"].iloc[0], float(mean), float(low),
                     float(high), float(p), cells_p,
                     float(np.mean(in_cells > 0)) if len(in_cells) else np.nan,
                     float(np.mean(in_cells == 0)) if len(in_cells) else np.nan,
                     int((in_rounds["ci_high"] < 0).sum()), int((in_rounds["ci_low"] > 0).sum()),
                     len(in_rounds), len(group), verdict))
    columns = ["dataset", "model", "strategy", "metric", "area_diff", "ci_low", "ci_high",
               "p_value", "cells_p_value", "cells_win_share", "cells_tie_share", "rounds_worse",
               "rounds_better",
               "n_rounds", "n_repeats", "verdict"]
    return pd.DataFrame(rows, columns=columns)


def _check_confidence(confidence):
    if not (isinstance(confidence, (float, int)) and 0 < confidence < 1):
        raise ValueError(f"confidence must be a number between 0 and 1, got {confidence!r}.")


def _check_baseline(frame, baseline):
    present = list(dict.fromkeys(frame["strategy"]))
    if baseline not in present:
        raise ValueError(
            f"The baseline strategy {baseline!r} is not in the results (strategies: "
            f"{', '.join(map(str, present))}); run it too, or pass baseline= one of these."
        )
