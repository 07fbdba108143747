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
``balanced``, ``balanced-half``
    Rows drawn with probability proportional to ``sum_c p_c(x) / pi_c`` (``pi_c``: class c's
    share of the labeled rows), so that rows likely to be of a rare class are drawn more
    often; with balanced classes the draw is nearly uniform. ``-half``: half the probability
    uniform.
``rare-half``
    Half the batch at random, half the rows most likely to be of the least labeled class.
``cover``, ``match``
    Greedy in 20 steps on a binary description of each row (the one-hot codes; word presence;
    10 quantile bins per Telescope feature): ``cover`` takes the rows whose codes are least
    labeled, each code weighted by the square root of its count in the pool; ``match`` takes
    the rows whose codes fall furthest below their pool share among the labeled rows.

Usage::

    python benchmarks/default_candidates.py --repeats 4 > docs/results/default_candidates.txt
    python benchmarks/default_candidates.py --repeats 4 \
        --strategies random,entropy,balanced,balanced-half,rare-half,cover,match

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
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, StandardScaler

from skactive.experiment import compare_to_baseline, load_dataset
from skactive.strategies import entropy

N_ROUNDS, INITIAL, STEP = 6, 0.02, 0.08


def proxy(name):
    """``(X, y, make_model, embedding, codes)``: proxy model, cluster space, binary codes."""
    data = load_dataset(name)
    X = np.asarray(data.X)
    y = np.unique(np.asarray(data.y), return_inverse=True)[1]
    if name == "telescope":
        def make_model():
            return make_pipeline(StandardScaler(),
                                 HistGradientBoostingClassifier(random_state=0))
        embedding = StandardScaler().fit_transform(X)
        codes = KBinsDiscretizer(10, encode="onehot", quantile_method="averaged_inverted_cdf",
                                 subsample=None).fit_transform(X)
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
        codes = (words > 0).astype(np.float64)
        embedding = TruncatedSVD(64, random_state=0).fit_transform(words)
        embedding /= np.linalg.norm(embedding, axis=1, keepdims=True) + 1e-12
    return X, y, make_model, embedding.astype(np.float32), codes.tocsr()


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


def class_balanced(uniform_share):
    """Rows drawn from ``share / n + (1 - share) * w / sum w``, ``w = sum_c p_c / pi_c``."""
    def query(state, n_picks):
        pool = np.flatnonzero(~state.labeled)
        prior = np.bincount(state.y[state.labeled], minlength=2) + 1.0
        w = (state.proba(pool) / (prior / prior.sum())).sum(axis=1)
        q = uniform_share / len(pool) + (1 - uniform_share) * w / w.sum()
        keys = np.log(q) - np.log(-np.log(state.rng.random(len(pool))))
        return pool[np.argsort(-keys)[:n_picks]]
    return query


def rare_half(state, n_picks):
    """Half the batch the rows most likely of the least labeled class, half at random."""
    pool = np.flatnonzero(~state.labeled)
    rare = np.argmin(np.bincount(state.y[state.labeled], minlength=2))
    top = pool[np.argsort(-state.proba(pool)[:, rare], kind="stable")[:n_picks // 2]]
    rest = np.setdiff1d(pool, top)
    return np.concatenate([top, state.rng.choice(rest, n_picks - len(top), replace=False)])


def greedy_codes(score_codes):
    """Greedy batch in 20 steps: the rows whose codes score highest, codes' counts updated."""
    def query(state, n_picks):
        codes, free = state.codes, ~state.labeled
        count = np.asarray(codes.sum(axis=0)).ravel()
        have = np.asarray(codes[state.labeled].sum(axis=0)).ravel()
        n_labeled, picks = state.labeled.sum(), []
        for step in np.array_split(np.arange(n_picks), 20):
            n_labeled += len(step)
            pool = np.flatnonzero(free)
            weights = score_codes(count, have, n_labeled / codes.shape[0])
            score = codes[pool] @ weights + 1e-9 * state.rng.random(len(pool))
            chosen = pool[np.argsort(-score)[:len(step)]]
            have = have + np.asarray(codes[chosen].sum(axis=0)).ravel()
            free[chosen] = False
            picks.append(chosen)
        return np.concatenate(picks)
    return query


def cover_weights(count, have, labeled_share):
    return np.sqrt(count) / (1.0 + have)


def match_weights(count, have, labeled_share):
    target = labeled_share * count
    return np.maximum(target - have, 0) / np.maximum(target, 1e-9)


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
    "balanced": class_balanced(0.0),
    "balanced-half": class_balanced(0.5),
    "rare-half": rare_half,
    "cover": greedy_codes(cover_weights),
    "match": greedy_codes(match_weights),
}


class LoopState:
    """What a candidate sees: labeled mask and labels, the model, embedding and codes."""

    def __init__(self, rng, embedding, codes, labeled, y, weights, proba):
        self.rng, self.embedding, self.codes = rng, embedding, codes
        self.labeled, self.y, self.weights, self.proba = labeled, y, weights, proba

    def uncertainty(self, rows):
        return entropy(self.proba(rows))


def curve(name, X, y, X_test, y_test, make_model, embedding, codes, start, rng):
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
        state = LoopState(rng, embedding, codes, labeled.copy(), y, weights,
                          lambda rows, m=model: m.predict_proba(X[rows]))
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
        X, y, make_model, embedding, codes = proxy(dataset)
        rows, started = [], time.perf_counter()
        for repeat in range(args.repeats):
            train, test = train_test_split(np.arange(len(y)), test_size=0.2,
                                           random_state=repeat, stratify=y)
            start = np.random.default_rng(repeat).choice(len(train), int(INITIAL * len(train)),
                                                         replace=False)
            for name in names:
                scores = curve(name, X[train], y[train], X[test], y[test], make_model,
                               embedding[train], codes[train], start,
                               np.random.default_rng(1000 + repeat))
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
