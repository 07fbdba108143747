"""A Markdown report with PNG figures from a results folder."""

import html
import re
from pathlib import Path

import numpy as np

from ..utils import atomic_save_figure, atomic_write_text
from ._results import CONFIG_FILE, read_config, read_results
from .plots import plot_learning_curves, plot_pairwise_matrix, plot_query_times
from .summary import (
    compare_to_baseline,
    curve_area,
    dataset_metrics,
    learning_curves,
    pairwise_intervals,
    pairwise_matrix,
    query_times,
)

#: Files :func:`write_report` writes.
REPORT_FILES = ("report.md", "learning_curves.png", "pairwise_matrix.png", "query_times.png")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text):
    """User text (a data set, strategy or model name) as literal Markdown: no HTML, no markup.

    ``<``, ``>`` and ``&`` become HTML entities (a Markdown renderer passes raw HTML through),
    the characters that start emphasis, code, links or table cells are backslash-escaped, and
    line breaks become spaces.
    """
    text = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _table(header, rows):
    """A Markdown table; every cell is user text and is escaped, except ``**bold**`` marks."""
    def cell(value):
        value = str(value)
        if len(value) > 4 and value.startswith("**") and value.endswith("**"):
            return f"**{_md(value[2:-2])}**"
        return _md(value)

    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _by_strategy(frame, value, strategies, fmt, *, best="max"):
    """Rows per (dataset, model), one column per strategy; the best value in bold."""
    rows = []
    for (ds, model), group in frame.groupby(["dataset", "model"], sort=False):
        group = group.set_index("strategy")
        cells = [group.loc[s, value] if s in group.index else np.nan for s in strategies]
        finite = [c for c in cells if c == c]
        top = (max(finite) if best == "max" else min(finite)) if finite else None
        text = []
        for s, c in zip(strategies, cells):
            if c != c:
                text.append("")
                continue
            cell = fmt(group.loc[s])
            text.append(f"**{cell}**" if best and c == top else cell)
        rows.append([ds, model] + text)
    return rows


def _win_cell(share, interval):
    """``0.62 [0.55, 0.70]``; the share alone without an interval (a single curve)."""
    if share != share:
        return ""
    if interval is None or interval[0] != interval[0]:
        return f"{share:.2f}"
    low, high = max(interval[0], 0.0), min(interval[1], 1.0)
    return f"{share:.2f} [{low:.2f}, {high:.2f}]"


def _baseline_section(results, metric, include_initial, baseline="random"):
    """Each strategy against random: paired differences, intervals, tests and a verdict."""
    if baseline not in set(results["strategy"]) or results["strategy"].nunique() < 2:
        return []
    table = compare_to_baseline(results, baseline, metric, include_initial=include_initial)
    rows = [[r.dataset, r.model, r.strategy, f"{r.area_diff:+.4f}",
             "" if r.ci_low != r.ci_low else f"[{r.ci_low:+.4f}, {r.ci_high:+.4f}]",
             "" if r.p_value != r.p_value else f"{r.p_value:.3g}",
             "" if r.cells_p_value != r.cells_p_value else f"{r.cells_p_value:.3g}",
             f"{r.rounds_worse}/{r.n_rounds}", f"{r.rounds_better}/{r.n_rounds}", r.verdict]
            for r in table.itertuples()]
    return [
        f"## Compared with {baseline}",
        "",
        f"Area under the curve minus {baseline}'s, paired by repeat (each repeat shares its "
        "split and its random start), with a 95% t interval and a paired t-test over repeats; "
        "a Wilcoxon signed-rank test over all (repeat, round) cells; and the rounds in which "
        f"the per-round interval lies wholly below or above zero (worse or better than "
        f"{baseline}; not corrected for multiple comparisons). With few repeats the intervals "
        "are wide, and 'no significant difference' is then the honest verdict.",
        "",
        _table(["data set", "model", "strategy", "area diff", "95% interval", "p (repeats)",
                "p (cells)", "rounds worse", "rounds better", "verdict"], rows),
        "",
    ]


def write_report(folder, *, out=None, metric=None, include_initial=False):
    """Write learning curves, the pairwise win matrix, query times and ``report.md``.

    Parameters
    ----------
    folder : str or path-like
        A results folder written by :func:`run_experiment` (or ``skactive run``); needs
        ``results.csv``, reads ``config.json`` when present.
    out : str or path-like, default=None
        Where to write the figures and the report; ``folder`` by default.
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default=None
        The score to report; None takes the run's setting (``'auto'``: AUC for two classes,
        accuracy otherwise).
    include_initial : bool, default=False
        Count round 0 in the pairwise matrix (see :func:`pairwise_matrix`).

    Returns
    -------
    path : pathlib.Path
        The written ``report.md``; the PNG files lie next to it (:data:`REPORT_FILES`).

    Examples
    --------
    >>> import tempfile
    >>> from skactive.datasets import make_sigmoid
    >>> from skactive.experiment import Dataset, run_experiment, write_report
    >>> folder = tempfile.mkdtemp() + "/run"
    >>> X, y = make_sigmoid(200, random_state=0)
    >>> _ = run_experiment(Dataset("sigmoid", X, y), ["random", "margin"], initial=0.1,
    ...                    step=0.2, until=0.5, model_params={"max_epochs": 3}, out=folder,
    ...                    progress=False)
    >>> write_report(folder).name
    'report.md'
    """
    folder = Path(folder)
    out = Path(out) if out is not None else folder
    results = read_results(folder)
    if results.empty:
        raise ValueError(f"{folder / 'results.csv'} has no finished rounds yet; nothing to report.")
    config_path = folder / CONFIG_FILE if folder.is_dir() else folder.parent / CONFIG_FILE
    config = read_config(config_path) if config_path.exists() else {}
    if metric is None:
        metric = config.get("metric", "auto")
    out.mkdir(parents=True, exist_ok=True)
    strategies = list(dict.fromkeys(results["strategy"]))

    figures = {
        "learning_curves.png": plot_learning_curves(results, metric),
        "pairwise_matrix.png": plot_pairwise_matrix(results, metric,
                                                    include_initial=include_initial),
        "query_times.png": plot_query_times(results),
    }
    for name, fig in figures.items():
        atomic_save_figure(fig, out / name, dpi=120)

    metrics = dataset_metrics(results, metric)
    curves = learning_curves(results, metric)
    areas = curve_area(results, metric)
    times = query_times(results)
    matrix = pairwise_matrix(results, metric, include_initial=include_initial)
    intervals = {(r.strategy, r.compared_with): (r.ci_low, r.ci_high) for r in
                 pairwise_intervals(results, metric, include_initial=include_initial)
                 .itertuples()}
    last = curves.loc[curves.groupby(["dataset", "model", "strategy"], sort=False)["round"]
                      .idxmax()]
    final_rows = [[ds, model, f"{100 * last[last['dataset'] == ds]['labeled_fraction'].max():.0f}%"]
                  + cells for ds, model, *cells in _by_strategy(
                      last, "mean", strategies, lambda r: f"{r['mean']:.4f}")]

    lines = ["# Active learning report", ""]
    protocol = config.get("protocol", {})
    if protocol:
        lines += [
            f"Protocol: stratified split, {100 * protocol['test_size']:g}% test, "
            f"{100 * protocol['validation_size']:g}% validation, the rest for training; "
            f"{100 * protocol['initial']:g}% of the training set labeled at random to start, "
            f"{100 * protocol['step']:g}% more per round, up to {100 * protocol['until']:g}%; "
            f"seed {protocol['seed']}"
            + (f", data sets subsampled to {protocol['max_samples']} samples"
               if protocol.get("max_samples") else "")
            + (f"; model parameters {_md(protocol['model_params'])}"
               if protocol.get("model_params")
               else "") + ".",
            "",
        ]
    n_repeats = results.groupby(["dataset", "model", "strategy"])["repeat"].nunique()
    lines += [
        "Data sets and metrics: " + ", ".join(f"{_md(d)} ({m})" for d, m in metrics.items())
        + f". Strategies: {', '.join(map(_md, strategies))}. Repeats per curve: "
        + (f"{n_repeats.min()}" if n_repeats.min() == n_repeats.max()
           else f"{n_repeats.min()} to {n_repeats.max()}")
        + f". Rows: {len(results)}.",
        "",
        "## Learning curves",
        "",
        "Mean test score over repeats against the labeled share of the training set; the band "
        "is one standard deviation over repeats.",
        "",
        "![learning curves](learning_curves.png)",
        "",
        "## Area under the learning curve",
        "",
        "Trapezoidal area under (labeled fraction, test score) divided by the fraction range: "
        "the curve's mean height, on the metric's scale (mean ± standard deviation over "
        "repeats; best per row in bold).",
        "",
        _table(["data set", "model"] + strategies,
               _by_strategy(areas, "area_mean", strategies,
                            lambda r: f"{r['area_mean']:.4f} ± {r['area_std']:.4f}")),
        "",
        "## Final score",
        "",
        "Mean test score at the last round (the largest labeled set).",
        "",
        _table(["data set", "model", "labeled"] + strategies, final_rows),
        "",
        "## Pairwise comparison",
        "",
        "Share of (data set, model, repeat, round) cells in which the row strategy scores "
        "strictly higher than the column strategy"
        + ("" if include_initial else " (round 0, the shared random start, left out)")
        + ", as in the DAMI paper's Fig. 5. In brackets, a 95% t interval over the learning "
        "curves (each curve's share of rounds won is one observation: rounds of a curve are "
        "not independent); an interval holding 0.5 does not tell the two apart.",
        "",
        "![pairwise comparison matrix](pairwise_matrix.png)",
        "",
        _table(["row beats column"] + list(matrix.columns),
               [[s] + [_win_cell(matrix.loc[s, t], intervals.get((s, t)))
                       for t in matrix.columns] for s in matrix.index]),
        "",
    ]
    lines += _baseline_section(results, metric, include_initial)
    lines += [
        "## Time",
        "",
        "Mean seconds per query (the strategy's choice of a batch) and per model fit. Timings "
        "depend on the machine and on what else ran on it.",
        "",
        "![query times](query_times.png)",
        "",
        _table(["data set", "model", "strategy", "query s (mean)", "query s (total)",
                "fit s (mean)", "queries"],
               [[r.dataset, r.model, r.strategy, f"{r.query_seconds_mean:.3f}",
                 f"{r.query_seconds_total:.1f}", f"{r.fit_seconds_mean:.3f}", r.n_queries]
                for r in times.itertuples()]),
        "",
    ]
    path = out / "report.md"
    atomic_write_text(path, "\n".join(lines))
    return path
