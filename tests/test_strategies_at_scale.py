"""The batch strategies on pools read in chunks: exactness, candidate subsamples, memory maps.

CoreSet, BADGE, DAMI, IBAL, IBAL-D and RALIF read the pool one chunk at a time. Here the chunk
is made small (8,192 rows, the MLP's inference batch) so that a 20,000-row pool takes three
chunks, and the distance updates run in blocks of 1,000 rows: every streamed path is exercised
on pools small enough to check against a brute-force reference.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline

from skactive import ActiveLearner, MLPClassifier, readouts
from skactive.autoencoder import MLPAutoencoder
from skactive.cluster import nearest_medoids
from skactive.strategies import BADGE, DAMI, IBAL, IBALD, RALIF, CoreSet
from skactive.strategies import _badge, _coreset, _pool

from _pools import ProtocolPool  # this folder is on sys.path (no package)

N_LABELED = 300


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(_pool, "POOL_CHUNK_ROWS", 8192)
    monkeypatch.setattr(_coreset, "_UPDATE_ROWS", 1000)
    monkeypatch.setattr(_badge, "_UPDATE_ROWS", 1000)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=20_000 + N_LABELED, n_features=6, n_informative=5,
                               n_redundant=0, n_classes=3, random_state=0)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def learner(data):
    X, y = data
    learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=5, random_state=0),
                            X_training=X[:N_LABELED], y_training=y[:N_LABELED])
    learner._ensure_fitted()
    return learner


@pytest.fixture(scope="module")
def pool(data):
    return data[0][N_LABELED:]


@pytest.fixture(scope="module")
def memmap_pool(pool, tmp_path_factory):
    path = tmp_path_factory.mktemp("pool") / "pool.npy"
    np.save(path, pool)
    return np.load(path, mmap_mode="r")


def brute_force_k_center(f_pool, f_labeled, n_select):
    """Farthest-first traversal on the full distance matrices (small pools only)."""
    D_lab = np.sqrt(((f_pool[:, None, :] - f_labeled[None, :, :]) ** 2).sum(-1))
    mind = D_lab.min(axis=1)
    picks, radii = [], []
    for _ in range(n_select):
        i = int(np.argmax(mind))
        picks.append(i)
        radii.append(mind[i])
        mind = np.minimum(mind, np.sqrt(((f_pool - f_pool[i]) ** 2).sum(-1)))
        mind[picks] = -1.0
    return np.array(picks), np.array(radii)


def naive_k_center(f_pool, f_labeled, n_select):
    """Farthest-first traversal in float64, one column of pool distances per pick."""
    f_pool = f_pool.astype(np.float64)
    mind = cdist(f_pool, f_labeled.astype(np.float64), "sqeuclidean").min(axis=1)
    picks, radii = [], []
    for _ in range(n_select):
        i = int(np.argmax(mind))
        picks.append(i)
        radii.append(np.sqrt(mind[i]))
        mind = np.minimum(mind, cdist(f_pool, f_pool[i:i + 1], "sqeuclidean")[:, 0])
        mind[picks] = -1.0
    return np.array(picks), np.array(radii)


def naive_kmeans_pp(q, f, n_select, seed):
    """k-means++ seeding on the explicit embeddings outer(q_i, f_i), from the largest one."""
    G = (q.astype(np.float64)[:, :, None] * f.astype(np.float64)[:, None, :]).reshape(len(q), -1)
    rng = np.random.RandomState(seed)
    c = int(np.argmax((G * G).sum(axis=1)))
    picks, mind = [c], cdist(G, G[c:c + 1], "sqeuclidean")[:, 0]
    for _ in range(n_select - 1):
        cum = np.cumsum(mind)
        c = min(int(np.searchsorted(cum, rng.random_sample() * cum[-1], side="right")),
                int(np.flatnonzero(mind > 0)[-1]))
        picks.append(c)
        mind = np.minimum(mind, cdist(G, G[c:c + 1], "sqeuclidean")[:, 0])
        mind[picks] = 0.0
    return np.array(picks)


# ------------------------------------------------------------------ exact paths
def test_streamed_coreset_equals_brute_force_k_center(learner, pool):
    small = pool[:1500].astype(np.float64)
    idx, radii = CoreSet(random_state=0)(learner, small, n_instances=25)
    f_pool = readouts.penultimate_features(learner, small).astype(np.float64)
    f_lab = readouts.penultimate_features(learner, learner.X_training).astype(np.float64)
    ref, ref_radii = brute_force_k_center(f_pool, f_lab, 25)
    np.testing.assert_array_equal(idx, ref)
    np.testing.assert_allclose(radii, ref_radii, rtol=1e-5)


def test_exact_coreset_and_badge_keep_the_naive_picks(learner, pool):
    """max_candidates=None streams the pool and picks what the naive algorithms pick."""
    idx, radii = CoreSet(random_state=0)(learner, pool, n_instances=40)
    f_pool = readouts.penultimate_features(learner, pool)
    f_lab = readouts.penultimate_features(learner, learner.X_training)
    ref, ref_radii = naive_k_center(f_pool, f_lab, 40)
    np.testing.assert_array_equal(idx, ref)
    np.testing.assert_allclose(radii, ref_radii, rtol=1e-6)

    idx, norms = BADGE(random_state=0)(learner, pool, n_instances=40)
    q, f = readouts.gradient_embedding(learner, pool)
    np.testing.assert_array_equal(idx, naive_kmeans_pp(q, f, 40, seed=0))
    np.testing.assert_allclose(norms, np.linalg.norm(q[idx], axis=1)
                               * np.linalg.norm(f[idx], axis=1), rtol=1e-6)


def test_badge_gives_duplicates_of_a_centre_no_weight(learner, pool):
    dup = np.tile(pool[:50], (40, 1))  # 50 distinct rows, 40 copies each
    idx, _ = BADGE(random_state=0)(learner, dup, n_instances=50)
    assert len(np.unique(idx)) == 50
    assert len(np.unique(idx % 50)) == 50  # no copy of a picked row before every row is picked


@pytest.mark.parametrize("strategy", [CoreSet, BADGE])
@pytest.mark.parametrize("max_candidates", [20_000, 10**9, 1.0])
def test_candidates_covering_the_pool_are_the_exact_method(strategy, max_candidates, learner,
                                                           pool):
    exact = strategy(random_state=3)(learner, pool, n_instances=30)
    whole = strategy(max_candidates=max_candidates, random_state=3)(learner, pool,
                                                                    n_instances=30)
    np.testing.assert_array_equal(whole[0], exact[0])
    np.testing.assert_array_equal(whole[1], exact[1])


# ------------------------------------------------------------------ candidate subsample
@pytest.mark.parametrize("strategy", [CoreSet, BADGE])
def test_subsample_picks_are_distinct_pool_rows_reproducible_by_seed(strategy, learner, pool):
    runs = [strategy(max_candidates=2000, random_state=s)(learner, pool, n_instances=50)[0]
            for s in (7, 7, 8)]
    for idx in runs:
        assert len(np.unique(idx)) == 50 and idx.min() >= 0 and idx.max() < len(pool)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


@pytest.mark.parametrize("strategy", [CoreSet, BADGE])
@pytest.mark.parametrize("max_candidates", [3000, 0.15])
def test_subsample_is_the_exact_method_on_the_subsampled_rows(strategy, max_candidates,
                                                              learner, pool):
    """The picks are the exact method's picks on the candidate rows, mapped back to the pool."""
    idx, metrics = strategy(max_candidates=max_candidates, random_state=5)(learner, pool,
                                                                           n_instances=40)
    rng = np.random.RandomState(5)
    candidates = _pool.candidate_subsample(len(pool), 40, max_candidates, rng)
    assert len(candidates) == 3000 and len(np.unique(candidates)) == 3000
    assert set(idx.tolist()) <= set(candidates.tolist())
    # the exact method on those rows, with the generator advanced as the subsample left it
    sub_idx, sub_metrics = strategy(random_state=rng)(learner, pool[candidates], n_instances=40)
    np.testing.assert_array_equal(idx, candidates[sub_idx])
    np.testing.assert_allclose(metrics, sub_metrics, rtol=1e-6)


def test_subsample_never_smaller_than_the_batch(learner, pool):
    idx, _ = CoreSet(max_candidates=5, random_state=0)(learner, pool, n_instances=30)
    assert len(np.unique(idx)) == 30


@pytest.mark.parametrize("strategy", [CoreSet, BADGE])
@pytest.mark.parametrize("bad", [0, -3, 0.0, 1.5, "all", True, np.nan])
def test_bad_max_candidates_is_refused_by_name(strategy, bad, learner, pool):
    s = strategy(max_candidates=bad, random_state=0)
    with pytest.raises(ValueError, match="max_candidates"):
        s(learner, pool, n_instances=3)
    assert s.get_params()["max_candidates"] is bad


# ------------------------------------------------------------------ memory-mapped pools
def _ibald():
    return IBALD(autoencoder=MLPAutoencoder(max_epochs=2, random_state=0), random_state=0)


STRATEGIES = {
    "coreset": lambda: CoreSet(random_state=0),
    "coreset-sub": lambda: CoreSet(max_candidates=4000, random_state=0),
    "badge": lambda: BADGE(random_state=0),
    "badge-sub": lambda: BADGE(max_candidates=4000, random_state=0),
    "dami": lambda: DAMI(random_state=0),
    "dami-sampled": lambda: DAMI(method="sampled", sample_size=1500, n_draws=2,
                                 random_state=0),
    "ibal": lambda: IBAL(),
    "ibal-d": _ibald,
    "ibal-d-features": lambda: IBALD(autoencoder="features"),
    "ralif": lambda: RALIF(random_state=0),
}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_memmap_pool_gives_the_same_picks(name, learner, pool, memmap_pool):
    n = 20
    if name == "dami":  # the full-matrix solver: a pool it can afford
        in_memory = STRATEGIES[name]()(learner, pool[:3000], n_instances=n)
        mapped = STRATEGIES[name]()(learner, memmap_pool[:3000], n_instances=n)
    else:
        in_memory = STRATEGIES[name]()(learner, pool, n_instances=n)
        mapped = STRATEGIES[name]()(learner, memmap_pool, n_instances=n)
    np.testing.assert_array_equal(mapped[0], in_memory[0])
    np.testing.assert_array_equal(mapped[1], in_memory[1])


def test_dask_pool_gives_the_same_picks(learner, pool):
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    lazy = da.from_array(pool, chunks=(5000, pool.shape[1]))
    for make in (STRATEGIES["coreset-sub"], STRATEGIES["badge"], STRATEGIES["ibal"],
                 STRATEGIES["ralif"]):
        np.testing.assert_array_equal(make()(learner, lazy, n_instances=10)[0],
                                      make()(learner, pool, n_instances=10)[0])


BATCH_STREAMED = ["badge", "coreset-sub", "dami-sampled", "ibal", "ralif"]


@pytest.mark.parametrize("name", BATCH_STREAMED)
def test_a_pool_object_gives_the_same_picks(name, learner, pool):
    in_memory = STRATEGIES[name]()(learner, pool, n_instances=10)
    streamed = STRATEGIES[name]()(learner, ProtocolPool(pool), n_instances=10)
    np.testing.assert_array_equal(streamed[0], in_memory[0])
    np.testing.assert_array_equal(streamed[1], in_memory[1])


@pytest.mark.parametrize("name", BATCH_STREAMED)
def test_a_dataframe_pool_reaches_a_pipeline_that_selects_columns_by_name(name, data,
                                                                          monkeypatch):
    """Chunks of a DataFrame pool stay DataFrames (the columns are selected by name), and
    the picks are those of the pool read in one chunk."""
    X, y = data
    columns = [f"f{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    select = ColumnTransformer([("keep", "passthrough", columns[::-1])])  # by name, reordered
    model = make_pipeline(select, MLPClassifier((16, 8), max_epochs=5, random_state=0))
    learner = ActiveLearner(model, X_training=frame.iloc[:N_LABELED], y_training=y[:N_LABELED])
    learner._ensure_fitted()
    pool_frame = frame.iloc[N_LABELED:].reset_index(drop=True)
    chunked = STRATEGIES[name]()(learner, pool_frame, n_instances=10)
    monkeypatch.setattr(_pool, "POOL_CHUNK_ROWS", 2**20)  # the whole pool in one chunk
    whole = STRATEGIES[name]()(learner, pool_frame, n_instances=10)
    np.testing.assert_array_equal(chunked[0], whole[0])
    np.testing.assert_array_equal(chunked[1], whole[1])


@pytest.mark.parametrize("strategy", [IBAL, lambda: IBALD(autoencoder="features"), RALIF])
def test_scores_streamed_in_chunks_match_one_chunk(strategy, learner, pool, monkeypatch):
    chunked = strategy().score_samples(learner, pool)
    monkeypatch.setattr(_pool, "POOL_CHUNK_ROWS", 2**20)
    whole = strategy().score_samples(learner, pool)
    np.testing.assert_allclose(chunked, whole, rtol=1e-9, atol=1e-12)


def test_ralif_picks_streamed_in_chunks_match_one_chunk(learner, pool, monkeypatch):
    chunked = RALIF(random_state=0)(learner, pool, n_instances=30)
    monkeypatch.setattr(_pool, "POOL_CHUNK_ROWS", 2**20)
    whole = RALIF(random_state=0)(learner, pool, n_instances=30)
    np.testing.assert_array_equal(chunked[0], whole[0])


# ------------------------------------------------------------------ DAMI, sampled CLARA
def test_dami_sampled_is_reproducible_and_its_medoids_are_pool_samples(learner, pool):
    make = lambda seed: DAMI(method="sampled", sample_size=2000, n_draws=3,  # noqa: E731
                             random_state=seed)
    idx, sizes = make(0)(learner, pool, n_instances=25)
    again, sizes_again = make(0)(learner, pool, n_instances=25)
    other, _ = make(1)(learner, pool, n_instances=25)
    np.testing.assert_array_equal(idx, again)
    np.testing.assert_array_equal(sizes, sizes_again)
    assert not np.array_equal(idx, other)
    assert len(np.unique(idx)) == 25 and idx.min() >= 0 and idx.max() < len(pool)
    # the cluster sizes are the whole pool's assignment to the medoids' interpretations
    R = readouts.input_gradients(learner, pool)
    labels, _ = nearest_medoids(R, R[idx])
    np.testing.assert_array_equal(sizes, np.bincount(labels, minlength=25))
    assert sizes.sum() == len(pool)


def test_dami_sampled_keeps_the_cheapest_draw(learner, pool):
    """More draws can only lower the pool's total dissimilarity to the chosen medoids."""
    R = readouts.input_gradients(learner, pool)

    def cost(n_draws):
        idx, _ = DAMI(method="sampled", sample_size=1500, n_draws=n_draws,
                      random_state=4)(learner, pool, n_instances=20)
        return nearest_medoids(R, R[idx])[1].sum()

    assert cost(4) <= cost(1) + 1e-6


def test_dami_sampled_on_a_sample_covering_the_pool_is_one_draw(learner, pool):
    small = pool[:800]
    idx, sizes = DAMI(method="sampled", sample_size=800, random_state=0)(learner, small,
                                                                          n_instances=10)
    R = readouts.input_gradients(learner, small)
    from skactive.cluster import KMedoids
    from skactive.utils import derive_seed
    rng = np.random.RandomState(0)
    derive_seed(rng)  # the (unused) sample draw
    km = KMedoids(10, method="alternate", random_state=derive_seed(rng)).fit(R)
    np.testing.assert_array_equal(idx, km.medoid_indices_)
    np.testing.assert_array_equal(sizes, np.bincount(km.labels_, minlength=10))


@pytest.mark.parametrize("params, match", [
    ({"sample_size": 5}, "sample_size"), ({"sample_size": "big"}, "sample_size"),
    ({"n_draws": 0}, "n_draws"), ({"n_draws": 1.5}, "n_draws"), ({"method": "kmeans"}, "method"),
])
def test_dami_bad_sampling_parameters(params, match, learner, pool):
    with pytest.raises(ValueError, match=match):
        DAMI(random_state=0, **params)(learner, pool[:500], n_instances=10)


def test_dami_sampled_on_text_assigns_the_whole_pool():
    from skactive import TextCNNClassifier

    words = np.array(["good", "bad", "fun", "dull", "plot", "film", "great", "awful"])
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 400)
    texts = np.array([" ".join(rng.choice(words[label::2], 4)) + " " + rng.choice(words)
                      for label in y])
    clf = TextCNNClassifier(filter_sizes=(2,), n_filters=4, embedding="random",
                            embedding_dim=8, max_epochs=3, random_state=0).fit(texts[:50], y[:50])
    pool = texts[50:]
    strategy = DAMI(method="sampled", sample_size=100, n_draws=2, random_state=0)
    idx, sizes = strategy(clf, pool, n_instances=10)
    again, _ = strategy(clf, list(pool), n_instances=10)
    np.testing.assert_array_equal(idx, again)
    R, _ = readouts.word_interpretations(clf, pool)
    labels, _ = nearest_medoids(R, R[idx])
    np.testing.assert_array_equal(sizes, np.bincount(labels, minlength=10))


def test_ibald_row_fingerprint_is_streamed_and_ignores_where_rows_sit(pool, memmap_pool):
    """Moving rows from the pool to the labeled set keeps the key; changing a row does not."""
    from skactive.strategies._ibal import _rowset_key

    labeled = np.asarray(pool[:500], dtype=np.float64)  # the learner stores float64 rows
    key = _rowset_key(memmap_pool[500:], labeled, 4096)
    assert key == _rowset_key(pool[700:], np.vstack([labeled, pool[500:700]]), 8192)
    assert key[0] == (len(pool), pool.shape[1])
    changed = np.array(pool[500:])
    changed[123, 2] += 1.0
    assert _rowset_key(changed, labeled, 4096) != key
