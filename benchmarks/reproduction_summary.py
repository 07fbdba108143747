"""Summarise reproduction runs into ``docs/results/reproduction.md`` and its figures.

Reads the results folders written by ``skactive run`` (one per data set or group of data sets)
and writes, for the documentation:

- ``reproduction.md``: per data set, the protocol actually run (schedule, repeats, wall time),
  the area under each learning curve (whole curve and the 15-35% labeled window the DAMI paper
  singles out), the final score, each strategy's rank, DAMI's margin over the best other
  strategy round by round, and the pairwise comparison over every tabular cell (the paper's
  Fig. 5);
- ``reproduction_<name>_curves.png`` and ``reproduction_<name>_pairwise.png`` per folder.

Usage::

    python benchmarks/reproduction_summary.py runs/telescope runs/employee runs/mr \
        --out docs/results

The raw results CSVs stay outside the package; a copy of the reproduction's (results.csv and
config.json per run) is in ``docs/results/runs/``. The wall time of a run is the time between
its ``config.json`` (written at the start) and the last write of its ``results.csv`` (a run
continued with ``--resume`` counts the pause too), or the figure in a ``wall_minutes.txt``
next to them.
"""

import argparse
import json
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from skactive.experiment import (  # noqa: E402
    curve_area, learning_curves, pairwise_matrix, read_results,
)
from skactive.experiment.plots import plot_learning_curves, plot_pairwise_matrix  # noqa: E402

#: The DAMI paper's window where DAMI "usually has great advantages".
WINDOW = (0.15, 0.35)
#: The strategies of the DAMI paper's figures (its Fig. 4 to 7).
PAPER_STRATEGIES = ["random", "egl", "egl-word", "bald", "coreset", "badge", "dami"]


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _wall_minutes(folder):
    recorded = folder / "wall_minutes.txt"  # kept with a copy, whose file times are new
    if recorded.is_file():
        return float(recorded.read_text())
    start = os.path.getmtime(folder / "config.json")
    end = os.path.getmtime(folder / "results.csv")
    return (end - start) / 60


def _window_area(results, metric):
    lo, hi = WINDOW
    slack = 0.5 / results["n_train"]  # labeled counts are rounded to whole samples
    inside = results[(results["labeled_fraction"] >= lo - slack)
                     & (results["labeled_fraction"] <= hi + slack)]
    return curve_area(inside, metric)


def _margins(curves, strategy="dami"):
    """Per round: the strategy's mean score minus the best mean of the others."""
    rows = []
    for (ds, model, rnd), group in curves.groupby(["dataset", "model", "round"]):
        if strategy not in set(group["strategy"]) or len(group) < 2:
            continue
        own = group.loc[group["strategy"] == strategy, "mean"].iloc[0]
        others = group[group["strategy"] != strategy]
        best = others.loc[others["mean"].idxmax()]
        rows.append((ds, model, rnd, group["labeled_fraction"].iloc[0], own - best["mean"],
                     best["strategy"]))
    return rows


def summarize_folder(folder, out, metric):
    results = read_results(folder)
    config = json.loads((folder / "config.json").read_text())
    if metric is None:  # the run's own choice (skactive run --metric)
        metric = config.get("metric", "auto")
    name = folder.name
    curves = learning_curves(results, metric)
    areas = curve_area(results, metric)
    window = _window_area(results, metric)
    strategies = list(dict.fromkeys(results["strategy"]))
    lines = []
    for (ds, model), group in areas.groupby(["dataset", "model"], sort=False):
        sub = results[(results["dataset"] == ds) & (results["model"] == model)]
        metric_name = group["metric"].iloc[0]
        repeats = int(group["n_repeats"].min())
        fractions = sorted(sub["labeled_fraction"].round(3).unique())
        lines.append(f"### {ds} ({model}, {metric_name})\n")
        lines.append(
            f"Schedule: {fractions[0]:.0%} labeled at the start, then "
            f"{fractions[1] - fractions[0]:.0%} per round up to {fractions[-1]:.0%} "
            f"({len(fractions) - 1} rounds); {repeats} repeats (seeds "
            f"{config.get('seed', 0)} to {config.get('seed', 0) + repeats - 1}); "
            f"{sub['n_train'].iloc[0]} training samples. Wall time of the run folder "
            f"`{name}`: {_wall_minutes(folder):.0f} min.\n")
        win = window[(window["dataset"] == ds) & (window["model"] == model)].set_index(
            "strategy")
        final = (sub[sub["round"] == sub["round"].max()].groupby("strategy")[metric_name]
                 .agg(["mean", "std"]).fillna(0.0))
        ranked = group.sort_values("area_mean", ascending=False)
        rows = []
        for rank, (_, row) in enumerate(ranked.iterrows(), 1):
            s = row["strategy"]
            rows.append((rank, s, f"{row['area_mean']:.4f} ± {row['area_std']:.4f}",
                         f"{win.loc[s, 'area_mean']:.4f} ± {win.loc[s, 'area_std']:.4f}",
                         f"{final.loc[s, 'mean']:.4f} ± {final.loc[s, 'std']:.4f}"))
        lo, hi = WINDOW
        lines.append(_table(["rank", "strategy", "area, whole curve",
                             f"area, {lo:.0%}-{hi:.0%} labeled",
                             f"final ({fractions[-1]:.0%} labeled)"], rows))
        lines.append("")
        margins = [m for m in _margins(curves[(curves["dataset"] == ds)
                                              & (curves["model"] == model)]) if m[2] > 0]
        if margins:
            lines.append("DAMI's mean score minus the best other strategy's, per round "
                         "(positive: DAMI leads):\n")
            lines.append(_table(["labeled", "DAMI - best other", "best other"],
                                [(f"{m[3]:.0%}", f"{m[4]:+.4f}", m[5]) for m in margins]))
            lines.append("")
    # figures
    fig = plt.figure(figsize=(6 * max(1, results["dataset"].nunique()), 4.5))
    plot_learning_curves(results, metric, fig=fig)
    curves_png = f"reproduction_{name}_curves.png"
    fig.savefig(out / curves_png, dpi=110, bbox_inches="tight")
    plt.close(fig)
    fig = plt.figure(figsize=(7, 6))
    plot_pairwise_matrix(results, metric, fig=fig)
    pairwise_png = f"reproduction_{name}_pairwise.png"
    fig.savefig(out / pairwise_png, dpi=110, bbox_inches="tight")
    plt.close(fig)
    lines.append(f"![learning curves, {name}]({curves_png})\n")
    lines.append(f"![pairwise comparison, {name}]({pairwise_png})\n")
    return lines, results, strategies


def pairwise_section(frames, metric):
    import pandas as pd

    frames = [f for f in frames if (f["model"] == "mlp").all()]
    if not frames:
        return []
    tabular = pd.concat(frames, ignore_index=True)
    matrix = pairwise_matrix(tabular, metric)
    names = list(matrix.index)
    rows = [[s] + ["" if np.isnan(v) else f"{v:.2f}" for v in matrix.loc[s]] for s in names]
    wins = matrix.mean(axis=1).sort_values(ascending=False)
    return [
        "## Pairwise comparison over every tabular cell (the paper's Fig. 5)\n",
        "Share of (data set, repeat, round) cells, round 0 left out, in which the row "
        "strategy scores strictly higher than the column strategy.\n",
        _table(["row beats column"] + names, rows), "",
        "Mean share of cells won against the others: "
        + ", ".join(f"{s} {v:.2f}" for s, v in wins.items()) + ".\n",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/results"))
    parser.add_argument("--metric", default=None,
                        help="auto, auc, accuracy or f1_macro (default: each run's own)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    lines = ["# Reproduction of the DAMI paper's experiments\n",
             "Made by `python benchmarks/reproduction_summary.py "
             + " ".join(str(f) for f in args.folders) + "` from the results of the "
             "`skactive run` commands on the results page. Scores are on the test set; "
             "± is one standard deviation over repeats.\n"]
    frames = []
    for folder in args.folders:
        section, results, _ = summarize_folder(folder, args.out, args.metric)
        lines += ["## " + folder.name + "\n"] + section
        frames.append(results)
    lines += pairwise_section(frames, args.metric or "auto")
    path = args.out / "reproduction.md"
    path.write_text("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
