"""Figures of a results table: learning curves, the pairwise win matrix, query times.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot, so nothing
needs a display and the global backend is untouched; pass ``fig`` (for example
``matplotlib.pyplot.figure()``) to draw into a figure of your own.
"""

import numpy as np

from .summary import learning_curves, pairwise_matrix, query_times


def _literal(text):
    """User text shown as typed: matplotlib reads ``$...$`` as math (and fails on bad math)."""
    return str(text).replace("$", r"\$")


def _new_figure(fig, size):
    if fig is not None:
        fig.clear()
        return fig
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def strategy_colors(strategies):
    """A fixed color per strategy, in the order given (tab10 up to 10 strategies, else tab20).

    Parameters
    ----------
    strategies : sequence of str
        Strategy names.

    Returns
    -------
    colors : dict
        ``{strategy: RGBA tuple}``.

    Examples
    --------
    >>> from skactive.experiment.plots import strategy_colors
    >>> colors = strategy_colors(["random", "entropy", "dami"])
    >>> list(colors), len(colors["dami"])
    (['random', 'entropy', 'dami'], 4)
    """
    from matplotlib import colormaps

    cmap = colormaps["tab10" if len(strategies) <= 10 else "tab20"]
    return {s: cmap(i % cmap.N) for i, s in enumerate(strategies)}


def plot_learning_curves(results, metric="auto", *, fig=None, band="std"):
    """One panel per data set (and model): mean score against labeled fraction per strategy.

    Parameters
    ----------
    results : DataFrame
        From :func:`read_results` or :func:`run_experiment`.
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
    fig : matplotlib Figure, default=None
        Figure to draw into (cleared first); a new one by default.
    band : {'std', 'sem', None}, default='std'
        Shaded band around the mean over repeats: one standard deviation, one standard error,
        or none.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment.plots import plot_learning_curves
    >>> table = pd.DataFrame({"dataset": "d", "model": "mlp", "strategy": "random",
    ...                       "repeat": 0, "round": [0, 1], "labeled_fraction": [0.1, 0.2],
    ...                       "n_labeled": [10, 20], "auc": [0.6, 0.7], "accuracy": 0.5,
    ...                       "f1_macro": 0.5})
    >>> len(plot_learning_curves(table).axes)
    1
    """
    if band not in ("std", "sem", None):
        raise ValueError(f"band must be 'std', 'sem' or None, got {band!r}.")
    curves = learning_curves(results, metric)
    panels = list(dict.fromkeys(zip(curves["dataset"], curves["model"])))
    strategies = list(dict.fromkeys(results["strategy"]))
    colors = strategy_colors(strategies)
    n = max(len(panels), 1)
    ncols = min(n, 3)
    nrows = int(np.ceil(n / ncols))
    fig = _new_figure(fig, (4.2 * ncols, 3.4 * nrows))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    show_model = len({m for _, m in panels}) > 1
    for ax, (ds, model) in zip(axes, panels):
        panel = curves[(curves["dataset"] == ds) & (curves["model"] == model)]
        for strategy in strategies:
            c = panel[panel["strategy"] == strategy]
            if c.empty:
                continue
            x = 100 * c["labeled_fraction"].to_numpy()
            y = c["mean"].to_numpy()
            ax.plot(x, y, marker="o", markersize=3, color=colors[strategy],
                    label=_literal(strategy))
            if band is not None and c["n_repeats"].max() > 1:
                spread = c["std"].to_numpy()
                if band == "sem":
                    spread = spread / np.sqrt(c["n_repeats"].to_numpy())
                ax.fill_between(x, y - spread, y + spread, color=colors[strategy], alpha=0.15,
                                linewidth=0)
        n_rep = int(panel["n_repeats"].max()) if len(panel) else 0
        title = _literal(f"{ds} ({model})" if show_model else ds)
        ax.set_title(f"{title}, {n_rep} repeat{'s' if n_rep != 1 else ''}", fontsize=10)
        ax.set_xlabel("labeled samples (% of training set)")
        ax.set_ylabel(panel["metric"].iloc[0] if len(panel) else "score")
        ax.grid(alpha=0.3)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    if panels:
        axes[0].legend(fontsize=8)
    return fig


def plot_pairwise_matrix(results, metric="auto", *, fig=None, include_initial=False):
    """Heat map of :func:`pairwise_matrix`: how often the row strategy beats the column one.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment.plots import plot_pairwise_matrix
    >>> table = pd.DataFrame({"dataset": "d", "model": "m", "repeat": 0,
    ...                       "strategy": ["a", "b"], "round": 1, "auc": [0.8, 0.7],
    ...                       "accuracy": 0.0, "f1_macro": 0.0})
    >>> plot_pairwise_matrix(table).axes[0].get_title()
    'share of cells where row beats column'
    """
    matrix = pairwise_matrix(results, metric, include_initial=include_initial)
    n = len(matrix)
    fig = _new_figure(fig, (2.6 + 0.75 * max(n, 3), 1.6 + 0.6 * max(n, 3)))
    ax = fig.subplots()
    values = matrix.to_numpy(dtype=np.float64)
    image = ax.imshow(np.ma.masked_invalid(values), vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(n), [_literal(s) for s in matrix.columns], rotation=45, ha="right")
    ax.set_yticks(range(n), [_literal(s) for s in matrix.index])
    ax.set_xlabel("compared strategy")
    ax.set_ylabel("evaluated strategy")
    for i in range(n):
        for j in range(n):
            if not np.isnan(values[i, j]):
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="black" if values[i, j] > 0.6 else "white")
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title("share of cells where row beats column", fontsize=10)
    return fig


def plot_query_times(results, *, fig=None):
    """Mean seconds per query of each strategy (log scale), one group of bars per data set.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.experiment.plots import plot_query_times
    >>> table = pd.DataFrame({"dataset": "d", "model": "m", "strategy": ["a", "a"],
    ...                       "round": [0, 1], "fit_seconds": [1.0, 1.0],
    ...                       "query_seconds": [float("nan"), 0.5]})
    >>> plot_query_times(table).axes[0].get_xscale()
    'log'
    """
    times = query_times(results)
    times = times[times["n_queries"] > 0]
    strategies = list(dict.fromkeys(results["strategy"]))
    groups = list(dict.fromkeys(zip(times["dataset"], times["model"])))
    colors = strategy_colors(strategies)
    fig = _new_figure(fig, (6.0, 1.0 + 0.35 * max(len(strategies) * max(len(groups), 1), 2)))
    ax = fig.subplots()
    height = 0.8 / max(len(groups), 1)
    for g, (ds, model) in enumerate(groups):
        sub = times[(times["dataset"] == ds) & (times["model"] == model)].set_index("strategy")
        positions = [i + g * height for i, s in enumerate(strategies) if s in sub.index]
        values = [sub.loc[s, "query_seconds_mean"] for s in strategies if s in sub.index]
        ax.barh(positions, np.maximum(values, 1e-6), height=height,
                color=[colors[s] for s in strategies if s in sub.index],
                alpha=1.0 - 0.5 * g / max(len(groups), 1), label=_literal(f"{ds} ({model})"))
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(strategies))],
                  [_literal(s) for s in strategies])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("seconds per query (mean over rounds)")
    ax.grid(axis="x", alpha=0.3)
    if len(groups) > 1:
        ax.legend(fontsize=8)
    return fig
