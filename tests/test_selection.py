"""Tests of the batch-selection kernels: CoreSet's greedy k-center, BADGE's factorised k-means++
(in their strategy modules) and D^2 sampling (skactive.utils._selection, used by RALIF)."""

import doctest

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.utils import check_random_state

from skactive.strategies import _badge, _coreset
from skactive.utils import _selection
from skactive.utils._selection import d2_sampling


def greedy_k_center(P, L, n_select, random_state=None):
    """CoreSet's kernel on features ``P`` and labeled features ``L`` (None: none)."""
    P = np.asarray(P, dtype=np.float64)
    L = np.empty((0, P.shape[1])) if L is None else np.asarray(L, dtype=np.float64)
    return _coreset.k_center_greedy(P, L, n_select, check_random_state(random_state))


def kmeans_pp_factorised(q, f, n_select, random_state=None):
    """BADGE's kernel on the factors ``q``, ``f`` of the gradient embeddings."""
    return _badge.kmeans_pp_seeding(q, f, n_select, check_random_state(random_state))


@pytest.fixture(params=["float64 copy", "blocks"])
def kernel_path(request, monkeypatch):
    """Both paths of the kernels: one float64 working copy, or float64 blocks of rows."""
    if request.param == "blocks":
        for module in (_coreset, _badge):
            monkeypatch.setattr(module, "_F64_COPY_MAX_ELEMENTS", 0)
            monkeypatch.setattr(module, "_UPDATE_ROWS", 7)
    return request.param


# --------------------------------------------------------------------------
# naive references (explicit matrices, documented sampling rule)
# --------------------------------------------------------------------------
def naive_k_center(P, L, n_select, seed=None):
    """O(N^2) greedy k-center on an explicit float64 distance matrix."""
    rng = np.random.RandomState(seed)
    D = cdist(P, P, "sqeuclidean")
    n = len(P)
    if len(L):
        mind = cdist(P, L, "sqeuclidean").min(axis=1)
    else:
        mind = np.full(n, np.inf)
    picked, dists = [], []
    for t in range(n_select):
        if t == 0 and len(L) == 0:
            i = rng.randint(n)
        else:
            masked = np.where(np.isin(np.arange(n), picked), -1.0, mind)
            i = int(np.argmax(masked))
            if masked[i] <= 0:
                free = np.setdiff1d(np.arange(n), picked)
                rest = rng.choice(free, n_select - t, replace=False)
                picked += rest.tolist()
                dists += [0.0] * len(rest)
                break
        picked.append(i)
        dists.append(mind[i])
        mind = np.minimum(mind, D[i])
    return np.array(picked), np.sqrt(dists)


def naive_draw(weights, picked, u):
    weights = np.where(picked, 0.0, weights)
    total = weights.sum()
    if total > 0:
        cum = np.cumsum(weights)
        i = int(np.searchsorted(cum, u * cum[-1], side="right"))
        return min(i, int(np.flatnonzero(weights > 0)[-1]))
    free = np.flatnonzero(~picked)
    return int(free[int(u * len(free))])


def naive_kmeans_pp(G, n_select, seed):
    """k-means++ seeding on explicit embeddings ``G`` (one draw per pick), from the largest."""
    rng = np.random.RandomState(seed)
    n = len(G)
    D = cdist(G, G, "sqeuclidean")
    picked = np.zeros(n, dtype=bool)
    c = int(np.argmax((G * G).sum(axis=1)))
    out = [c]
    picked[c] = True
    mind = D[c].copy()
    for _ in range(n_select - 1):
        c = naive_draw(mind, picked, rng.random_sample())
        out.append(c)
        picked[c] = True
        mind = np.minimum(mind, D[c])
    return np.array(out)


def naive_d2(X, n_select, R, seed):
    rng = np.random.RandomState(seed)
    n = len(X)
    mind = cdist(X, R, "sqeuclidean").min(axis=1) if R is not None else np.zeros(n)
    picked = np.zeros(n, dtype=bool)
    out = []
    for _ in range(n_select):
        c = naive_draw(mind, picked, rng.random_sample())
        out.append(c)
        picked[c] = True
        mind = np.minimum(mind, cdist(X, X[c:c + 1], "sqeuclidean")[:, 0])
    return np.array(out)


def outer(q, f):
    return (q[:, :, None] * f[:, None, :]).reshape(len(q), -1)


# --------------------------------------------------------------------------
# greedy k-center
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_k_center_matches_naive_random(seed, kernel_path):
    rng = np.random.RandomState(seed)
    P, L = rng.randn(200, 5), rng.randn(15, 5)
    idx, dist = greedy_k_center(P, L, 40)
    ref_idx, ref_dist = naive_k_center(P, L, 40)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-5)
    assert np.all(np.diff(dist) <= 1e-6)


def test_k_center_matches_naive_ties(kernel_path):
    # integer grid with duplicates: many exact ties, broken by lowest index
    rng = np.random.RandomState(0)
    P = rng.randint(0, 4, size=(120, 2)).astype(float)
    L = np.array([[0.0, 0.0], [3.0, 3.0]])
    idx, dist = greedy_k_center(P, L, 30, random_state=7)
    ref_idx, ref_dist = naive_k_center(P, L, 30, seed=7)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(dist, ref_dist)
    assert len(set(idx.tolist())) == 30
    # only 16 distinct points: later picks are zero-distance duplicates
    assert np.all(dist[16:] == 0)


@pytest.mark.parametrize("labeled", [None, "empty"])
def test_k_center_without_labeled(labeled, kernel_path):
    rng = np.random.RandomState(1)
    P = rng.randn(100, 3)
    L = None if labeled is None else np.empty((0, 3))
    idx, dist = greedy_k_center(P, L, 10, random_state=4)
    ref_idx, ref_dist = naive_k_center(P, np.empty((0, 3)), 10, seed=4)
    np.testing.assert_array_equal(idx, ref_idx)
    assert dist[0] == np.inf
    np.testing.assert_allclose(dist[1:], ref_dist[1:], rtol=1e-5)


def test_k_center_all_duplicates():
    P = np.ones((20, 3))
    idx, dist = greedy_k_center(P, np.ones((2, 3)), 20, random_state=0)
    assert sorted(idx.tolist()) == list(range(20))
    assert np.all(dist == 0)
    again, _ = greedy_k_center(P, np.ones((2, 3)), 20, random_state=0)
    np.testing.assert_array_equal(idx, again)


def test_k_center_offset_data_precision(kernel_path):
    # a large common offset must not swamp the small distances
    rng = np.random.RandomState(3)
    P = 1000.0 + rng.randn(100, 4)
    L = 1000.0 + rng.randn(5, 4)
    idx, dist = greedy_k_center(P, L, 10)
    ref_idx, ref_dist = naive_k_center(P, L, 10)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-3)


def test_k_center_outputs():
    rng = np.random.RandomState(0)
    idx, dist = greedy_k_center(rng.randn(30, 2).astype(np.float32),
                                rng.randn(3, 2), 0)
    assert idx.shape == (0,) and dist.shape == (0,)
    idx, dist = greedy_k_center(rng.randn(30, 2), None, 30, random_state=0)
    assert idx.dtype == np.intp and dist.dtype == np.float64
    assert sorted(idx.tolist()) == list(range(30))


# --------------------------------------------------------------------------
# factorised k-means++
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_kmeans_pp_matches_naive(seed, kernel_path):
    rng = np.random.RandomState(100 + seed)
    q, f = rng.randn(150, 3), np.abs(rng.randn(150, 6))
    idx = kmeans_pp_factorised(q, f, 25, random_state=seed)
    ref = naive_kmeans_pp(outer(q, f), 25, seed)
    np.testing.assert_array_equal(idx, ref)


def test_kmeans_pp_duplicates(kernel_path):
    rng = np.random.RandomState(0)
    base_q, base_f = rng.randn(5, 2), rng.randn(5, 3)
    rows = rng.randint(0, 5, size=60)
    q, f = base_q[rows], base_f[rows]
    idx = kmeans_pp_factorised(q, f, 12, random_state=3)
    assert len(set(idx.tolist())) == 12
    # D^2 sampling covers the 5 distinct embeddings first
    assert len(np.unique(rows[idx[:5]])) == 5
    ref = naive_kmeans_pp(outer(q, f), 12, 3)
    np.testing.assert_array_equal(idx, ref)
    # float32 duplicates too
    idx32 = kmeans_pp_factorised(q.astype(np.float32), f.astype(np.float32), 12,
                                 random_state=3)
    assert len(np.unique(rows[idx32[:5]])) == 5


def test_kmeans_pp_all_zero_embeddings():
    q = np.zeros((10, 2))
    f = np.random.RandomState(0).randn(10, 3)
    idx = kmeans_pp_factorised(q, f, 10, random_state=0)
    assert idx[0] == 0
    assert sorted(idx.tolist()) == list(range(10))


def test_kmeans_pp_reproducible():
    rng = np.random.RandomState(0)
    q, f = rng.randn(500, 4).astype(np.float32), rng.randn(500, 8).astype(np.float32)
    a = kmeans_pp_factorised(q, f, 50, random_state=11)
    b = kmeans_pp_factorised(q, f, 50, random_state=11)
    c = kmeans_pp_factorised(q, f, 50, random_state=12)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a[0] == b[0] == c[0]  # max-norm first pick is deterministic
    assert a.dtype == np.intp


# --------------------------------------------------------------------------
# D^2 sampling
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("with_reference", [False, True])
def test_d2_matches_naive(seed, with_reference):
    rng = np.random.RandomState(seed)
    X = rng.randn(120, 4)
    R = rng.randn(6, 4) if with_reference else None
    idx = d2_sampling(X, 20, X_reference=R, random_state=seed)
    ref = naive_d2(X, 20, R, seed)
    np.testing.assert_array_equal(idx, ref)


def test_d2_reference_points_excluded_and_duplicates():
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 0.0]] * 5 + [[5.0, 5.0]])
    for seed in range(10):
        idx = d2_sampling(X, 2, X_reference=[[0.0, 0.0]], random_state=seed)
        # rows equal to the reference have probability 0 while others remain
        assert np.all(idx >= 5)
        assert len(set(idx.tolist())) == 2
    idx = d2_sampling(X, 11, X_reference=[[0.0, 0.0]], random_state=0)
    assert sorted(idx.tolist()) == list(range(11))
    chunked = d2_sampling(X, 11, X_reference=[[0.0, 0.0]], random_state=0,
                          chunk_size=3)
    np.testing.assert_array_equal(idx, chunked)


def test_draw_blocks_match_plain_cumsum(monkeypatch):
    # the two-level cumulative sums pick the same index as a plain cumsum
    monkeypatch.setattr(_selection, "_DRAW_BLOCK", 7)
    rng = np.random.RandomState(0)
    X = rng.randn(120, 3)
    R = rng.randn(4, 3)
    for seed in range(3):
        np.testing.assert_array_equal(
            d2_sampling(X, 30, X_reference=R, random_state=seed),
            naive_d2(X, 30, R, seed))
    q, f = rng.randn(120, 2), rng.randn(120, 4)
    np.testing.assert_array_equal(kmeans_pp_factorised(q, f, 30, random_state=1),
                                  naive_kmeans_pp(outer(q, f), 30, 1))
    weights = np.zeros(50)
    weights[[3, 20, 49]] = [1.0, 2.0, 3.0]
    picked = weights == 0
    assert _selection.weighted_index(weights, picked, 0.0) == 3
    assert _selection.weighted_index(weights, picked, 1 / 6 + 1e-9) == 20
    assert _selection.weighted_index(weights, picked, 0.5 + 1e-9) == 49
    assert _selection.weighted_index(weights, picked, 1 - 1e-16) == 49
    assert _selection.weighted_index(np.zeros(50), np.zeros(50, bool), 0.999) == 49


def test_d2_reproducible():
    X = np.random.RandomState(0).randn(300, 3)
    a = d2_sampling(X, 30, random_state=5)
    b = d2_sampling(X, 30, random_state=np.random.RandomState(5))
    np.testing.assert_array_equal(a, b)
    assert len(set(a.tolist())) == 30


# --------------------------------------------------------------------------
# errors and docs
# --------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda: d2_sampling(np.zeros((5, 2)), 6), "n_select"),
    (lambda: d2_sampling(np.zeros((5, 2)), 1, X_reference=np.zeros((1, 3))),
     "features"),
    (lambda: d2_sampling([[np.inf, 0.0]], 1), "infinity"),
])
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_docstring_examples():
    result = doctest.testmod(_selection)
    assert result.attempted > 0 and result.failed == 0
