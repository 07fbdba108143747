"""Summarise the evidence runs (which strategy is never worse than random) into Markdown.

Reads results folders written by ``skactive run`` and, optionally, the scikit-learn baselines
printed by ``benchmarks/paired_baselines.py`` (fitted on the runs' own random rows and test
sets) or ``benchmarks/compare_models.py`` (own splits of the same sizes), and writes
``docs/results/evidence.md``:

- per data set: every strategy against random, paired by repeat (difference of the areas
  under the learning curves with a 95% t interval and p-value, the Wilcoxon test over all
  (repeat, round) cells (n/a where no cells differ), the shares of cells won and tied, the
  rounds in which the per-round interval lies below or above zero,
  and the verdict), with the number of repeats behind each row;
- per data set and round: the default strategy (``auto``) minus random, with its interval;
- the random-sampling learning curve of skactive's model (the runs' ``random`` curves) beside
  the scikit-learn baselines at the same labeled fractions;
- the wall time of each run folder (its ``wall_minutes.txt`` when there is one: a run
  continued with ``--resume`` rewrites ``config.json``) and the rounds it holds.

Usage::

    python benchmarks/evidence_summary.py runs/telescope runs/employee runs/mr \
        --baselines docs/results/baselines_paired.txt > docs/results/evidence.md

Curves with fewer repeats than the run asked for (an unfinished run) are reported with their
count; a strategy is compared with random over the repeats both finished.
"""

import argparse
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from skactive.experiment import compare_to_baseline, learning_curves, read_results, \
    round_differences
from skactive.strategies import AUTO_STRATEGY


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _interval(low, high):
    return "" if low != low else f"[{low:+.4f}, {high:+.4f}]"


def _p(value):
    return "n/a" if value != value else f"{value:.3g}"


def _complete_pairs(results):
    """Keep the (strategy, repeat) curves whose repeat random also finished, round for round."""
    done = results.groupby(["dataset", "strategy", "repeat"])["round"].max().rename("last")
    results = results.join(done, on=["dataset", "strategy", "repeat"])
    full = results["last"] == results.groupby("dataset")["round"].transform("max")
    return results[full].drop(columns="last")


def _baselines(path):
    """``{(dataset, model): {fraction: (mean, std, paired difference or None)}}`` from the
    output of compare_models (its first table, not the tuning runs that may follow it) or of
    paired_baselines (which adds the paired difference to skactive's model)."""
    if path is None:
        return {}
    out = {}
    for line in Path(path).read_text().split("\n\n")[0].splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 7 or cells[0] == "dataset":
            continue
        paired = float(cells[7]) if len(cells) > 7 else None
        out.setdefault((cells[0], cells[1]), {})[float(cells[2])] = (
            float(cells[4]), float(cells[5]), paired)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--baselines", default=None,
                        help="paired_baselines.py or compare_models.py output")
    args = parser.parse_args(argv)
    baselines = _baselines(args.baselines)
    print("# Evidence: which strategy is never worse than random\n")
    print(f"The default strategy `auto` is `{AUTO_STRATEGY}` "
          "(`skactive strategies` prints its parameters). Made by "
          "`python benchmarks/evidence_summary.py` from the run folders below; metric: test "
          "AUC (two classes everywhere). Differences are paired by repeat: within a repeat "
          "every strategy shares the split and the random start.\n")
    for folder in args.folders:
        config = json.loads((folder / "config.json").read_text())
        protocol = config["protocol"]
        results = _complete_pairs(read_results(folder))
        recorded = folder / "wall_minutes.txt"  # a resumed run rewrites config.json
        wall = (float(recorded.read_text()) if recorded.is_file() else
                (os.path.getmtime(folder / "results.csv")
                 - os.path.getmtime(folder / "config.json")) / 60)
        for dataset, frame in results.groupby("dataset", sort=False):
            repeats = frame.groupby("strategy")["repeat"].nunique()
            print(f"## {dataset}\n")
            print(f"Schedule: {100 * protocol['initial']:g}% labeled at random, then "
                  f"{100 * protocol['step']:g}% per round up to {100 * protocol['until']:g}%; "
                  f"model `{frame['model'].iloc[0]}` with its defaults; finished curves per "
                  "strategy: " + ", ".join(f"{s} {n}" for s, n in repeats.items())
                  + f". Run folder `{folder.name}`: {wall:.0f} min wall time (2-core machine "
                  "shared with other jobs), "
                  f"{frame['fit_seconds'].sum() / 60:.0f} min fitting and "
                  f"{frame['query_seconds'].sum() / 60:.1f} min querying in total.\n")
            table = compare_to_baseline(frame)
            rows = [[r.strategy, r.n_repeats, f"{r.area_diff:+.4f}",
                     _interval(r.ci_low, r.ci_high), _p(r.p_value), _p(r.cells_p_value),
                     f"{r.cells_win_share:.2f} / {r.cells_tie_share:.2f}",
                     f"{r.rounds_worse}/{r.n_rounds}",
                     f"{r.rounds_better}/{r.n_rounds}", r.verdict]
                    for r in table.sort_values("area_diff", ascending=False).itertuples()]
            print("Every strategy against random (area under the learning curve):\n")
            print(_table(["strategy", "repeats", "area diff", "95% interval", "p (repeats)",
                          "p (cells)", "cells won / tied", "rounds worse", "rounds better",
                          "verdict"], rows) + "\n")
            rounds = round_differences(frame)
            default = rounds[(rounds["strategy"] == AUTO_STRATEGY) & (rounds["round"] > 0)]
            if len(default):
                print(f"`auto` ({AUTO_STRATEGY}) minus random, round by round:\n")
                print(_table(["labeled", "difference", "95% interval", "p"],
                             [[f"{100 * r.labeled_fraction:.0f}%", f"{r.diff_mean:+.4f}",
                               _interval(r.ci_low, r.ci_high), _p(r.p_value)]
                              for r in default.itertuples()]) + "\n")
            curves = learning_curves(frame)
            random_curve = curves[curves["strategy"] == "random"]
            theirs = {model: curve for (ds, model), curve in baselines.items() if ds == dataset}
            if len(random_curve):
                paired = any(v[2] is not None for c in theirs.values() for v in c.values())
                source = ("fitted on random sampling's own labeled rows and scored on the "
                          "same test sets by `benchmarks/paired_baselines.py`; in brackets the "
                          "baseline minus skactive's model, paired" if paired else
                          "from `benchmarks/compare_models.py` on the same split sizes")
                print("Random sampling: skactive's model against the scikit-learn baselines "
                      f"(test AUC, mean ± standard deviation over repeats; the baselines "
                      f"{source}):\n")
                header = ["labeled", f"skactive {frame['model'].iloc[0]}"] + list(theirs)
                rows = []
                for r in random_curve.itertuples():
                    row = [f"{100 * r.labeled_fraction:.0f}%", f"{r.mean:.4f} ± {r.std:.4f}"]
                    for curve in theirs.values():
                        near = min(curve, key=lambda f: abs(f - r.labeled_fraction))
                        ok = abs(near - r.labeled_fraction) < 0.01
                        mean, std, diff = curve[near]
                        cell = f"{mean:.4f} ± {std:.4f}" + (
                            f" ({diff:+.4f})" if diff is not None else "")
                        row.append(cell if ok else "")
                    rows.append(row)
                print(_table(header, rows) + "\n")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    pd.set_option("display.width", 200)
    raise SystemExit(main())
