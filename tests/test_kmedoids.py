"""Tests of skactive.cluster.KMedoids."""

import doctest
import importlib.util
import itertools

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

import skactive.cluster._kmedoids as km_module
from skactive.cluster import KMedoids

FULL_METHODS = ["fasterpam", "pam", "alternate"]
METHODS = FULL_METHODS + ["clara"]
_CDIST = {"euclidean": "euclidean", "sqeuclidean": "sqeuclidean",
          "cosine": "cosine", "manhattan": "cityblock"}


def _loss(D, medoids):
    return D[:, list(medoids)].min(axis=1).sum()


def _brute_force_optimum(D, k, chunk=20_000):
    """Exact k-medoids loss by enumerating all k-subsets (vectorised)."""
    combos = np.array(list(itertools.combinations(range(D.shape[0]), k)),
                      dtype=np.intp)
    best = np.inf
    for s in range(0, len(combos), chunk):
        best = min(best, D[:, combos[s:s + chunk]].min(axis=2).sum(axis=0).min())
    return best


def _is_swap_optimal(D, medoids, rtol=1e-6):
    """No single (medoid, non-medoid) swap lowers the loss."""
    medoids = list(medoids)
    loss = _loss(D, medoids)
    for i, m in enumerate(medoids):
        for j in range(D.shape[0]):
            if j in medoids:
                continue
            cand = medoids[:i] + [j] + medoids[i + 1:]
            if _loss(D, cand) < loss * (1 - rtol):
                return False
    return True


@pytest.fixture(scope="module")
def data60():
    rng = np.random.RandomState(0)
    return rng.randn(60, 2)


@pytest.fixture(scope="module")
def optimum60(data60):
    return _brute_force_optimum(cdist(data60, data60), 4)


# --------------------------------------------------------------------------
# optimality
# --------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["fasterpam", "pam", "clara"])
def test_exact_optimum_tiny_separated(method):
    # three well separated blobs of four points: the optimum is unique
    rng = np.random.RandomState(1)
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    X = np.repeat(centers, 4, axis=0) + rng.randn(12, 2)
    D = cdist(X, X)
    best = _brute_force_optimum(D, 3)
    for seed in range(5):
        km = KMedoids(3, method=method, random_state=seed).fit(X)
        assert km.inertia_ == pytest.approx(best, rel=1e-9)


@pytest.mark.parametrize("method", ["fasterpam", "pam", "clara"])
def test_tiny_random_swap_optimal_and_mostly_exact(method):
    # PAM and FasterPAM are local searches: on random data they end in a
    # 1-swap local optimum, which is the global one most of the time.
    n_exact = 0
    for seed in range(20):
        X = np.random.RandomState(seed).randn(12, 2)
        D = cdist(X, X)
        best = _brute_force_optimum(D, 3)
        km = KMedoids(3, method=method, random_state=seed).fit(X)
        assert km.inertia_ >= best * (1 - 1e-9)
        assert _is_swap_optimal(D, km.medoid_indices_)
        n_exact += km.inertia_ <= best * (1 + 1e-9)
    assert n_exact >= 12


@pytest.mark.parametrize("method, max_gap", [
    ("fasterpam", 0.02), ("pam", 0.01), ("alternate", 0.15), ("clara", 0.05),
])
def test_n60_against_brute_force(data60, optimum60, method, max_gap):
    for seed in range(3):
        km = KMedoids(4, method=method, random_state=seed).fit(data60)
        assert optimum60 * (1 - 1e-9) <= km.inertia_ <= optimum60 * (1 + max_gap)


def test_clara_small_sample_n60(data60, optimum60):
    # the sample (20 points) misses most of the data; the refinement on the
    # full data has to recover
    for seed in range(3):
        km = KMedoids(4, method="clara", sample_size=20, random_state=seed)
        km.fit(data60)
        assert optimum60 * (1 - 1e-9) <= km.inertia_ <= optimum60 * 1.05


def test_clara_close_to_fasterpam_medium():
    rng = np.random.RandomState(0)
    centers = rng.randn(30, 5) * 4
    X = centers[rng.randint(30, size=3000)] + rng.randn(3000, 5)
    ref = KMedoids(40, method="fasterpam", random_state=0).fit(X).inertia_
    km = KMedoids(40, method="clara", sample_size=400, random_state=0).fit(X)
    assert km.inertia_ <= ref * 1.02
    assert km.n_iter_ >= 1


def test_clara_never_builds_large_matrix(monkeypatch):
    sizes = []
    original = km_module.dense_dissimilarity

    def recording(space, idx=None):
        sizes.append(space.n if idx is None else len(idx))
        return original(space, idx)

    monkeypatch.setattr(km_module, "dense_dissimilarity", recording)
    monkeypatch.setattr(km_module, "CLARA_GROUP_MIN", 150)
    monkeypatch.setattr(km_module, "CLARA_SAMPLE_MAX", 300)
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 3)
    km = KMedoids(20, method="clara", sample_size=300, random_state=0).fit(X)
    assert sizes and max(sizes) <= 300
    assert len(np.unique(km.medoid_indices_)) == 20


def test_auto_method_threshold(monkeypatch):
    X = np.random.RandomState(0).randn(80, 2)
    km = KMedoids(3, random_state=0).fit(X)
    assert km._fit_method == "fasterpam"
    monkeypatch.setattr(km_module, "AUTO_FULL_MATRIX_MAX_SAMPLES", 50)
    km = KMedoids(3, random_state=0).fit(X)
    assert km._fit_method == "clara"
    assert km_module._auto_sample_size(30_000, 600) == 2_000
    assert km_module._auto_sample_size(30_000, 2_400) == 4_840
    assert km_module._auto_sample_size(30_000, 4_000) == 5_000
    assert km_module._auto_sample_size(30_000, 8_000) == 8_000
    assert km_module._auto_sample_size(500, 10) == 500


# --------------------------------------------------------------------------
# fitted attributes
# --------------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine",
                                    "manhattan"])
@pytest.mark.parametrize("method", METHODS)
def test_inertia_labels_consistent(data60, method, metric):
    X = data60 + 3.0  # keep away from the origin for the cosine metric
    km = KMedoids(4, method=method, metric=metric, random_state=0).fit(X)
    D = cdist(X, X[km.medoid_indices_], metric=_CDIST[metric])
    assert km.inertia_ == pytest.approx(D.min(axis=1).sum(), rel=1e-9, abs=1e-9)
    np.testing.assert_array_equal(km.labels_, D.argmin(axis=1))
    np.testing.assert_array_equal(km.cluster_centers_, X[km.medoid_indices_])
    assert km.medoid_indices_.dtype == np.int64
    assert len(np.unique(km.medoid_indices_)) == 4
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    np.testing.assert_allclose(km.transform(X), D, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(km.fit_predict(X), km.labels_)


def test_float32_preserved():
    X = np.random.RandomState(0).randn(50, 3).astype(np.float32)
    km = KMedoids(3, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float32
    D = cdist(X.astype(np.float64), X[km.medoid_indices_].astype(np.float64))
    assert km.inertia_ == pytest.approx(D.min(axis=1).sum(), rel=1e-6)


def test_cosine_zero_vectors():
    rng = np.random.RandomState(0)
    X = np.vstack([np.zeros((5, 3)), rng.randn(20, 3)])
    km = KMedoids(3, metric="cosine", random_state=0).fit(X)
    d = km.transform(X)
    # zero vectors are at distance 0 from each other, 1 from anything else
    zero_med = np.flatnonzero(~X[km.medoid_indices_].any(axis=1))
    if len(zero_med):
        assert np.allclose(d[:5, zero_med[0]], 0.0)
    assert np.isfinite(km.inertia_)


# --------------------------------------------------------------------------
# duplicates
# --------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_distinct_indices_fewer_distinct_points(method):
    rng = np.random.RandomState(0)
    X = np.repeat(rng.randn(3, 2), 20, axis=0)
    km = KMedoids(5, method=method, random_state=0).fit(X)
    assert len(np.unique(km.medoid_indices_)) == 5
    # every distinct location is a medoid, so the inertia is 0
    assert len(np.unique(X[km.medoid_indices_], axis=0)) == 3
    assert km.inertia_ == 0.0
    again = KMedoids(5, method=method, random_state=0).fit(X)
    np.testing.assert_array_equal(km.medoid_indices_, again.medoid_indices_)


@pytest.mark.parametrize("method", METHODS)
def test_distinct_locations_when_possible(method):
    rng = np.random.RandomState(1)
    X = np.repeat(rng.randn(10, 2), 6, axis=0)
    km = KMedoids(8, method=method, random_state=0).fit(X)
    assert len(np.unique(X[km.medoid_indices_], axis=0)) == 8


@pytest.mark.parametrize("method", METHODS)
def test_all_identical_and_k_equals_n(method):
    X = np.ones((10, 3))
    km = KMedoids(10, method=method, random_state=0).fit(X)
    assert sorted(km.medoid_indices_.tolist()) == list(range(10))
    assert km.inertia_ == 0.0
    X = np.random.RandomState(0).randn(7, 2)
    km = KMedoids(7, method=method, random_state=0).fit(X)
    assert sorted(km.medoid_indices_.tolist()) == list(range(7))
    km = KMedoids(1, method=method, random_state=0).fit(X)
    D = cdist(X, X)
    assert km.inertia_ == pytest.approx(D.sum(axis=1).min())


def test_ensure_distinct_fills_farthest():
    from skactive.cluster._distances import MetricSpace

    X = np.array([[0.0], [0.0], [1.0], [5.0], [9.0]])
    space = MetricSpace(X, "euclidean")
    rng = np.random.RandomState(0)
    # medoid 1 duplicates medoid 0's location, index 2 is repeated
    out = km_module._ensure_distinct(space, X, np.array([0, 1, 2, 2]), 4, rng)
    assert out.tolist() == [0, 2, 4, 3]


# --------------------------------------------------------------------------
# reproducibility and estimator API
# --------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_reproducible(method):
    rng = np.random.RandomState(0)
    X = rng.randn(400, 4)
    kw = {"sample_size": 100} if method == "clara" else {}
    a = KMedoids(12, method=method, random_state=3, **kw).fit(X)
    b = KMedoids(12, method=method, random_state=3, **kw).fit(X)
    c = KMedoids(12, method=method, random_state=np.random.RandomState(3),
                 **kw).fit(X)
    np.testing.assert_array_equal(a.medoid_indices_, b.medoid_indices_)
    np.testing.assert_array_equal(a.medoid_indices_, c.medoid_indices_)
    assert a.inertia_ == b.inertia_


def test_clone_and_params():
    km = KMedoids(5, method="clara", metric="cosine", max_iter=10,
                  sample_size=100, random_state=1)
    params = km.get_params()
    assert params == {"n_clusters": 5, "method": "clara", "metric": "cosine",
                      "max_iter": 10, "sample_size": 100, "random_state": 1}
    c = clone(km)
    assert c.get_params() == params and c is not km
    c.set_params(n_clusters=3)
    assert c.n_clusters == 3 and km.n_clusters == 5
    X = np.random.RandomState(0).randn(30, 2)
    fitted = c.fit(X)
    assert not hasattr(clone(fitted), "medoid_indices_")


@parametrize_with_checks([
    KMedoids(3, method="fasterpam", random_state=0),
    KMedoids(3, method="alternate", random_state=0),
    KMedoids(3, method="clara", random_state=0),
])
def test_kmedoids_estimator_checks(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, X, match", [
    ({"n_clusters": 0}, np.zeros((5, 2)), "n_clusters"),
    ({"n_clusters": 6}, np.zeros((5, 2)), "n_clusters"),
    ({"n_clusters": 2.5}, np.zeros((5, 2)), "n_clusters"),
    ({"n_clusters": 2}, np.array([[0.0, np.nan], [1.0, 1.0]]), "NaN"),
    ({"n_clusters": 2}, np.array([[0.0, np.inf], [1.0, 1.0]]), "infinity"),
    ({"n_clusters": 1}, np.zeros((0, 2)), "0 sample"),
    ({"n_clusters": 2, "method": "kmeans"}, np.zeros((5, 2)), "method"),
    ({"n_clusters": 2, "metric": "nope"}, np.zeros((5, 2)), "metric"),
    ({"n_clusters": 2, "max_iter": 0}, np.zeros((5, 2)), "max_iter"),
    ({"n_clusters": 3, "sample_size": 2}, np.zeros((5, 2)), "sample_size"),
    ({"n_clusters": 3, "sample_size": "big"}, np.zeros((5, 2)), "sample_size"),
])
def test_errors(kwargs, X, match):
    with pytest.raises(ValueError, match=match):
        KMedoids(**kwargs).fit(X)


def test_predict_errors():
    X = np.random.RandomState(0).randn(10, 2)
    with pytest.raises(NotFittedError):
        KMedoids(2).predict(X)
    km = KMedoids(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        km.predict(np.zeros((3, 5)))


def test_sklearn_extra_backend():
    X = np.random.RandomState(0).randn(60, 2)
    if importlib.util.find_spec("sklearn_extra") is None:
        with pytest.raises(ImportError, match="pip install"):
            KMedoids(3, method="sklearn_extra").fit(X)
    pytest.importorskip("sklearn_extra")
    km = KMedoids(3, method="sklearn_extra", random_state=0).fit(X)
    ref = KMedoids(3, method="fasterpam", random_state=0).fit(X)
    assert len(np.unique(km.medoid_indices_)) == 3
    assert km.inertia_ <= ref.inertia_ * 1.2


def test_sklearn_extra_wrapper_with_fake_backend(monkeypatch):
    # exercises the wrapper without the optional dependency: a backend that
    # returns a repeated medoid index is completed to distinct medoids
    import sys
    import types

    calls = {}

    class FakeKMedoids:
        def __init__(self, **params):
            calls.update(params)

        def fit(self, X):
            self.medoid_indices_ = np.array([0, 0, 5])
            self.n_iter_ = 7
            return self

    cluster = types.ModuleType("sklearn_extra.cluster")
    cluster.KMedoids = FakeKMedoids
    package = types.ModuleType("sklearn_extra")
    package.cluster = cluster
    monkeypatch.setitem(sys.modules, "sklearn_extra", package)
    monkeypatch.setitem(sys.modules, "sklearn_extra.cluster", cluster)
    X = np.arange(20.0).reshape(10, 2)
    km = KMedoids(3, method="sklearn_extra", metric="manhattan", max_iter=9,
                  random_state=0).fit(X)
    assert calls["n_clusters"] == 3 and calls["metric"] == "manhattan"
    assert calls["max_iter"] == 9
    assert km.medoid_indices_.tolist() == [0, 5, 9]  # 9: farthest point
    assert km.n_iter_ == 7


def test_docstring_examples():
    import skactive.cluster._kmedoids as mod

    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
