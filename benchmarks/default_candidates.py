"""Screen candidate default strategies against random sampling on fast proxy models.

Before a candidate for the default strategy (``auto``, issue 17) earns a full evidence run
with skactive's neural models (``docs/results/evidence.md``: minutes per learning curve),
this script replays the evidence runs' protocol with scikit-learn models that fit in well
under a second, so that a dozen ideas cost minutes:

- Telescope: ``StandardScaler`` + ``HistGradientBoostingClassifier``;
- Employee: one-hot codes (``min_frequency=5``) + ``LogisticRegression``;
- MR: TF-IDF (words and word pairs) + ``LogisticRegression``.

Protocol: stratified 80/20 split per repeat; 2% of the training rows labeled at random
(shared by the candidates of a repeat); 6 rounds of 8% each, up to 50%; test AUC; areas
compared with :func:`skactive.experiment.compare_to_baseline`. The candidates:

``random``, ``entropy``
    The baseline, and uncertainty's top rows.
``strat-random``, ``strat-typical``, ``strat-uncertain``
    k-means (50 clusters; 200 for ``strat-uncertain``) on an unsupervised embedding of every
    training row (the scaled features; a 32-dimensional SVD of the one-hot codes; a
    64-dimensional SVD of word TF-IDF); the batch is spread over the clusters so that the
    labeled rows follow the clusters' sizes, and within a cluster rows are taken at random,
    the most typical first (inverse mean distance to 20 neighbours, as TypiClust), or the most
    uncertain first.
``iw``, ``iw-unweighted``
    Rows drawn with probability half uniform, half proportional to entropy, and the model
    trained with inverse-probability weights (importance-weighted active learning), or
    without them.
``soft``
    Rows drawn with probability proportional to entropy (stochastic batch acquisition).

Usage::

    python benchmarks/default_candidates.py --repeats 4 > docs/results/default_candidates.txt

Needs the Employee and MR files (``SKACTIVE_DATA``). These are proxies: a candidate that wins
here still has to win with skactive's models (``skactive run``).
"""

import argparse
import sys
import time

import numpy as np
import pandas as pd
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skactive.experiment import compare_to_baseline, load_dataset
from skactive.strategies import entropy

N_ROUNDS, INITIAL, STEP = 6, 0.02, 0.08


def proxy(name):
    """``(X, y, make_model, embedding)`` of a data set: its proxy model and cluster space."""
    data = load_dataset(name)
    X = np.asarray(data.X)
    y = np.unique(np.asarray(data.y), return_inverse=True)[1]
    if name == "telescope":
        def make_model():
            return make_pipeline(StandardScaler(),
                                 HistGradientBoostingClassifier(random_state=0))
        embedding = StandardScaler().fit_transform(X)
    elif name == "employee":
        def make_model():
            return make_pipeline(OneHotEncoder(handle_unknown="ignore", min_frequency=5),
                                 LogisticRegression(max_iter=2000))
        codes = OneHotEncoder(handle_unknown="ignore", min_frequency=5).fit_transform(X)
        embedding = TruncatedSVD(32, random_state=0).fit_transform(codes)
    else:
        def make_model():
            return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                                 LogisticRegression(C=4, max_iter=2000))
        words = TfidfVectorizer(min_df=2, sublinear_tf=True).fit_transform(X)
        embedding = TruncatedSVD(64, random_state=0).fit_transform(words)
        embedding /= np.linalg.norm(embedding, axis=1, keepdims=True) + 1e-12
    return X, y, make_model, embedding.astype(np.float32)


def cluster_quota(labels, labeled, n_picks):
    """Picks per cluster so that labeled + picked rows follow the clusters' sizes."""
    n_clusters = labels.max() + 1
    size = np.bincount(labels, minlength=n_clusters)
    have = np.bincount(labels[labeled], minlength=n_clusters)
    free = size - have
    target = np.clip((labeled.sum() + n_picks) * size / size.sum() - have, 0, free)
    target *= n_picks / target.sum()
    quota = np.minimum(np.floor(target).astype(int), free)
    remainder = np.where(quota < free, target - quota, -np.inf)
    while quota.sum() < n_picks:  # largest remainders first, never beyond a cluster's rows
        best = int(np.argmax(remainder))
        quota[best] += 1
        remainder[best] = -np.inf if quota[best] >= free[best] else remainder[best] - 1
    return quota


def typicality(points, k=20):
    k = min(k, len(points) - 1)
    if k < 1:
        return np.ones(len(points))
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
    return 1.0 / (distances[:, 1:].mean(axis=1) + 1e-8)


def stratified(within, n_clusters):
    def query(state, n_picks):
        labels = MiniBatchKMeans(n_clusters, random_state=int(state.rng.integers(2**31)),
                                 n_init=1, batch_size=4096).fit(state.embedding).labels_
        picks = []
        for cluster, quota in enumerate(cluster_quota(labels, state.labeled, n_picks)):
            if not quota:
                continue
            members = np.flatnonzero((labels == cluster) & ~state.labeled)
            score = {"random": lambda: state.rng.random(len(members)),
                     "typical": lambda: typicality(state.embedding[members]),
                     "uncertain": lambda: state.uncertainty(members)}[within]()
            picks.append(members[np.argsort(-score, kind="stable")[:quota]])
        return np.concatenate(picks)
    return query


def random_rows(state, n_picks):
    return state.rng.choice(np.flatnonzero(~state.labeled), n_picks, replace=False)


def top_entropy(state, n_picks):
    pool = np.flatnonzero(~state.labeled)
    return pool[np.argsort(-state.uncertainty(pool), kind="stable")[:n_picks]]


def drawn(uniform_share, weighted):
    """Rows drawn from ``share / n + (1 - share) * entropy / sum`` (Gumbel top-k)."""
    def query(state, n_picks):
        pool = np.flatnonzero(~state.labeled)
        u = state.uncertainty(pool) + 1e-12
        q = uniform_share / len(pool) + (1 - uniform_share) * u / u.sum()
        keys = np.log(q) - np.log(-np.log(state.rng.random(len(pool))))
        chosen = np.argsort(-keys)[:n_picks]
        if weighted:  # a uniform draw would give each row weight 1
            state.weights[pool[chosen]] = (n_picks / len(pool)) / np.minimum(
                1.0, n_picks * q[chosen])
        return pool[chosen]
    return query


CANDIDATES = {
    "random": random_rows,
    "entropy": top_entropy,
    "strat-random": stratified("random", 50),
    "strat-typical": stratified("typical", 50),
    "strat-uncertain": stratified("uncertain", 200),
    "iw": drawn(0.5, weighted=True),
    "iw-unweighted": drawn(0.5, weighted=False),
    "soft": drawn(0.0, weighted=False),
}


class LoopState:
    """What a candidate sees: the labeled mask, the model's uncertainty, the embedding."""

    def __init__(self, rng, embedding, labeled, weights, uncertainty):
        self.rng, self.embedding, self.labeled = rng, embedding, labeled
        self.weights, self.uncertainty = weights, uncertainty


def curve(name, X, y, X_test, y_test, make_model, embedding, start, rng):
    labeled = np.zeros(len(y), dtype=bool)
    labeled[start] = True
    weights = np.ones(len(y))
    n_picks = int(round(STEP * len(y)))

    def fit():
        step = make_model().steps[-1][0]
        w = weights[labeled] / weights[labeled].mean()
        return make_model().fit(X[labeled], y[labeled], **{f"{step}__sample_weight": w})

    model = fit()
    scores = [roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])]
    for _ in range(N_ROUNDS):
        state = LoopState(rng, embedding, labeled, weights,
                          lambda rows, m=model: entropy(m.predict_proba(X[rows])))
        picked = CANDIDATES[name](state, n_picks)
        assert len(np.unique(picked)) == n_picks and not labeled[picked].any(), name
        labeled[picked] = True
        model = fit()
        scores.append(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="telescope,employee,mr")
    parser.add_argument("--strategies", default=",".join(CANDIDATES))
    parser.add_argument("--repeats", type=int, default=4)
    args = parser.parse_args()
    names = args.strategies.split(",")
    unknown = sorted(set(names) - set(CANDIDATES))
    if unknown or "random" not in names:
        parser.error(f"--strategies: unknown {unknown} or no 'random'; choose from "
                     f"{', '.join(CANDIDATES)}")
    print("Proxy screen of candidate defaults (benchmarks/default_candidates.py); 2-core "
          f"machine shared with other jobs; {args.repeats} repeats.")
    for dataset in args.datasets.split(","):
        X, y, make_model, embedding = proxy(dataset)
        rows, started = [], time.perf_counter()
        for repeat in range(args.repeats):
            train, test = train_test_split(np.arange(len(y)), test_size=0.2,
                                           random_state=repeat, stratify=y)
            start = np.random.default_rng(repeat).choice(len(train), int(INITIAL * len(train)),
                                                         replace=False)
            for name in names:
                scores = curve(name, X[train], y[train], X[test], y[test], make_model,
                               embedding[train], start, np.random.default_rng(1000 + repeat))
                rows += [{"dataset": dataset, "model": "proxy", "strategy": name,
                          "repeat": repeat, "round": k, "labeled_fraction": INITIAL + STEP * k,
                          "auc": auc, "accuracy": np.nan, "f1_macro": np.nan}
                         for k, auc in enumerate(scores)]
            print(f"  {dataset}: repeat {repeat} done", file=sys.stderr, flush=True)
        results = pd.DataFrame(rows)
        paired = results[results["round"] > 0].pivot_table(
            index=["repeat", "round"], columns="strategy", values="auc")
        diff = paired.sub(paired["random"], axis=0).drop(columns="random")
        print(f"\n== {dataset} ({time.perf_counter() - started:.0f} s): mean AUC minus "
              "random's, by round")
        print(diff.groupby(level="round").mean().round(4).to_string())
        table = compare_to_baseline(results, metric="auc")
        print("\narea under the curve against random, paired by repeat:")
        print(table[["strategy", "area_diff", "ci_low", "ci_high", "p_value", "rounds_worse",
                     "rounds_better", "verdict"]].round(4).to_string(index=False), flush=True)


if __name__ == "__main__":
    main()
