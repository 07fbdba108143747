"""Random-sampling learning curves of skactive's models against scikit-learn baselines.

Which model is worth querying for? Each model is trained on random labeled subsets of the
training split (the runner's protocol: stratified 70/10/20 split, seeded per repeat) and scored
on the test split, for several labeled fractions. Prints one line per (data set, model,
fraction) with the mean and standard deviation of the test AUC over repeats, and the mean fit
time.

Data sets: Telescope (shipped), and with ``--data-home`` Employee (its nine columns are
category codes: one-hot encoded, codes seen fewer than 5 times pooled) and MR (sentences:
TF-IDF for the scikit-learn baselines, skactive's TextCNN on the raw sentences).

    python benchmarks/compare_models.py --data-home ../shared/datasets --repeats 5 \
        > docs/results/models.txt
    python benchmarks/compare_models.py --models "sklearn,(default)" ...   # a subset
"""

import argparse
import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skactive import MLPClassifier, TextCNNClassifier
from skactive.datasets import load_employee, load_mr, load_telescope

from _random_curves import random_sampling_scores  # this folder is sys.path[0]


def _data(data_home):
    X, y = load_telescope(return_X_y=True)
    yield "telescope", X, y, "numeric"
    if data_home:
        X, y = load_employee(data_home, return_X_y=True)
        yield "employee", np.asarray(X), np.asarray(y), "categorical"
        X, y = load_mr(data_home, return_X_y=True)
        yield "mr", np.asarray(X, dtype=object), np.asarray(y), "text"


def _one_hot():
    return OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5,
                         sparse_output=False)


def sklearn_baselines(kind, seed):
    """name -> unfitted scikit-learn baseline, for one kind of data."""
    if kind == "text":
        return {"sklearn TF-IDF + LogisticRegression": make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            LogisticRegression(C=10.0, max_iter=1000))}
    pre = _one_hot if kind == "categorical" else StandardScaler
    models = {"sklearn MLPClassifier (100,)": make_pipeline(
        pre(), SklearnMLP(early_stopping=False, max_iter=300, random_state=seed))}
    if kind == "categorical":
        # What Kaggle's Employee Access entries start from.
        models["sklearn LogisticRegression one-hot"] = make_pipeline(
            _one_hot(), LogisticRegression(C=1.0, max_iter=1000))
    else:
        models["sklearn HistGradientBoosting"] = make_pipeline(
            pre(), HistGradientBoostingClassifier(random_state=seed))
    return models


def _models(kind, seed):
    """name -> unfitted estimator, for one kind of data: skactive's, then the baselines."""
    if kind == "text":
        return {"skactive TextCNN (default)": TextCNNClassifier(random_state=seed),
                **sklearn_baselines(kind, seed)}
    pre = _one_hot if kind == "categorical" else StandardScaler
    mlp = dict(random_state=seed)
    models = {
        "skactive MLP (16, 8) dropout 0 lr 1e-2 batch 64 (0.4 default)": make_pipeline(
            pre(), MLPClassifier((16, 8), dropout=0.0, weight_decay=0.0, learning_rate=0.01,
                                 batch_size=64, **mlp)),
        "skactive MLP (16, 8) dropout 0.5 (0.4 BALD runs)": make_pipeline(
            pre(), MLPClassifier((16, 8), dropout=0.5, weight_decay=0.0, learning_rate=0.01,
                                 batch_size=64, **mlp)),
        "skactive MLP (64, 32) dropout 0.1 wd 1e-4 lr 3e-3 batch 128 (previous default)":
            make_pipeline(pre(), MLPClassifier(weight_decay=1e-4, learning_rate=3e-3, **mlp)),
        "skactive MLP (64, 32) dropout 0.1 wd 1e-3 lr 1e-3 batch 128 (default)": make_pipeline(
            pre(), MLPClassifier(**mlp)),
    }
    return {**models, **sklearn_baselines(kind, seed)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--fractions", default="0.02,0.1,0.18,0.26,0.34,0.42,0.5")
    parser.add_argument("--datasets", default="telescope,employee,mr")
    parser.add_argument("--models", default=None,
                        help="comma-separated substrings; keep the models whose name has one")
    args = parser.parse_args(argv)
    fractions = [float(f) for f in args.fractions.split(",")]
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("dataset | model | labeled fraction | n_labeled | auc mean | auc std | fit s")
    for name, X, y, kind in _data(args.data_home):
        if name not in args.datasets.split(","):
            continue
        keep = args.models.split(",") if args.models else None

        def models(repeat, kind=kind):
            return {k: m for k, m in _models(kind, repeat).items()
                    if keep is None or any(part in k for part in keep)}

        results = {}
        for _, fraction, n, model_name, score, seconds in random_sampling_scores(
                X, y, args.repeats, fractions, models):
            results.setdefault((model_name, fraction, n), []).append((score, seconds))
        for (model_name, fraction, n), values in results.items():
            scores, seconds = np.array(values).T
            print(f"{name} | {model_name} | {fraction:g} | {n} | {scores.mean():.4f} | "
                  f"{scores.std(ddof=1) if len(scores) > 1 else 0:.4f} | {seconds.mean():.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
