"""The scikit-learn baselines fitted on random sampling's own rows in ``skactive run`` folders.

``compare_models.py`` draws its own splits, so its baselines and a run's random-sampling curve
differ by the luck of the split as well as by the model (on Employee the runner's test sets
happen to be harder: about 0.02 AUC at 50% labeled, for every model). This script rebuilds
each repeat's split of a run (:func:`skactive.experiment.split_seed`), replays the labeled set
random sampling had after each round (``labeled.jsonl``) and fits the baselines of
``compare_models.py`` on exactly those rows, scoring them on the run's test set. Output in
``compare_models.py``'s format, with one more column: the mean paired difference to
skactive's model in the same cells (the baseline minus skactive)::

    python benchmarks/paired_baselines.py docs/results/runs/evidence-telescope
    python benchmarks/paired_baselines.py docs/results/runs/evidence-{employee,mr} \\
        --models LogisticRegression

(``docs/results/baselines_paired.txt`` holds both, under one header: scikit-learn's MLP on
Employee's one-hot codes would take most of an hour.)

Needs the Employee and MR files (``SKACTIVE_DATA``) for those folders.
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from compare_models import sklearn_baselines  # this folder is sys.path[0]
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import roc_auc_score

from skactive.experiment import load_dataset, read_results, repeat_seed, split_indices, split_seed

def random_labeled_sets(folder):
    """``{repeat: [positions labeled after round 0, 1, ...]}`` of random sampling's curves."""
    added = {}
    for line in (folder / "labeled.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["strategy"] == "random":
            added.setdefault(record["repeat"], {})[record["round"]] = record["added"]
    return {repeat: [np.concatenate([rounds[k] for k in range(r + 1)]).astype(np.intp)
                     for r in range(len(rounds))]
            for repeat, rounds in added.items()}


def paired_scores(folder, keep=None):
    """Yield ``(dataset, model, round, fraction, n, auc, skactive_auc, fit_s)`` per fit."""
    config = json.loads((folder / "config.json").read_text())
    protocol = config["protocol"]
    if protocol.get("max_samples"):
        raise SystemExit(f"{folder}: runs on a subsample (max_samples) are not supported.")
    (name,) = config["datasets"]
    data = load_dataset(name)
    X, y = np.asarray(data.X), np.asarray(data.y)
    kind = ("text" if data.input_kind == "text"
            else "categorical" if data.categorical_features else "numeric")
    ours = read_results(folder)
    ours = ours[ours["strategy"] == "random"].set_index(["repeat", "round"])["auc"]
    for repeat, labeled_sets in sorted(random_labeled_sets(folder).items()):
        train, _, test = split_indices(
            y, test_size=protocol["test_size"], validation_size=protocol["validation_size"],
            random_state=split_seed(repeat_seed(protocol["seed"], repeat)))
        for round_, labeled in enumerate(labeled_sets):
            rows = train[labeled]
            for model_name, model in sklearn_baselines(kind, repeat).items():
                if keep and not any(part in model_name for part in keep):
                    continue
                start = time.perf_counter()
                model.fit(X[rows], y[rows])
                seconds = time.perf_counter() - start
                auc = roc_auc_score(y[test], model.predict_proba(X[test])[:, 1])
                yield (name, model_name, round_, len(rows) / len(train), len(rows), auc,
                       ours[(repeat, round_)], seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--models", default=None,
                        help="comma-separated parts of the baselines' names to fit (all)")
    args = parser.parse_args(argv)
    keep = args.models.split(",") if args.models else None
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("dataset | model | labeled fraction | n_labeled | auc mean | auc std | fit s | "
          "minus skactive (paired)")
    for folder in args.folders:
        cells = {}
        for name, model, round_, fraction, n, auc, ours, seconds in paired_scores(folder, keep):
            cells.setdefault((name, model, round_), []).append((fraction, n, auc, ours, seconds))
        for (name, model, _), values in cells.items():
            fraction, n, auc, ours, seconds = (np.array(v) for v in zip(*values))
            print(f"{name} | {model} | {fraction.mean():.2f} | {int(n.mean())} | "
                  f"{auc.mean():.4f} | {auc.std(ddof=1) if len(auc) > 1 else 0:.4f} | "
                  f"{seconds.mean():.2f} | {(auc - ours).mean():+.4f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
