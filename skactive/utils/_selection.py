"""Batch-selection kernels: greedy k-center, factorised k-means++ and D^2 sampling.

These are the diversity steps of CoreSet (Sener & Savarese 2018), BADGE (Ash et
al. 2020) and RALIF (Xia & Henao 2023). All three keep one running minimum
distance per pool point and update it with each newly chosen point, so they
cost ``O(n_select * n_pool * n_features)`` time and ``O(n_pool)`` extra memory;
distances to a reference (labeled) set are computed in bounded chunks. None of
them ever builds a pool x pool or pool x labeled matrix.

Conventions shared by the three functions:

- indices are distinct ``intp`` positions into the pool, in selection order;
- ties in an argmax are broken by the lowest index (distances are computed in
  float64 for inputs of up to 2**23 entries, exactly for small-integer data,
  so exact ties stay ties; larger inputs use float32 products);
- random picks consume exactly one ``rng.random_sample()`` each (see
  :func:`_draw`), where ``rng = check_random_state(random_state)``, so that the
  result is reproducible and can be replayed by a reference implementation;
- once every unpicked point is at distance 0 (duplicates), the remaining
  picks are drawn uniformly among the unpicked points;
- BLAS runs single-threaded inside the kernels: their matrix products have a
  tiny inner dimension, for which thread hand-offs cost more than they gain
  (several times slower on a 2-core machine), and results then do not
  depend on the thread count.
"""

import functools
import numbers

import numpy as np
from sklearn.utils import check_array, check_random_state
from threadpoolctl import threadpool_limits

__all__ = ["greedy_k_center", "kmeans_pp_factorised", "d2_sampling"]

from ._distances import DISTANCE_BLOCK_ELEMENTS, nearest_sq_distances

#: Default number of pool x reference distances computed at once.
DEFAULT_CHUNK_SIZE = DISTANCE_BLOCK_ELEMENTS

# block length of the two-level cumulative sums of _draw
_DRAW_BLOCK = 1024

# inputs up to this many entries get a float64 working copy (64 MiB)
_F64_COPY_MAX_ELEMENTS = 2**23


def _single_threaded_blas(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return func(*args, **kwargs)
    return wrapper


# --------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------
def _as_float_matrix(X, name, min_samples=1, dtype=np.float32):
    try:
        return check_array(X, dtype=dtype, ensure_all_finite=True,
                           ensure_min_samples=min_samples, input_name=name)
    except TypeError:  # pragma: no cover - scikit-learn < 1.6
        return check_array(X, dtype=dtype, force_all_finite=True,
                           ensure_min_samples=min_samples)


def _check_n_select(n_select, n_pool):
    if (not isinstance(n_select, numbers.Integral) or isinstance(n_select, bool)
            or n_select < 0 or n_select > n_pool):
        raise ValueError(
            f"n_select must be an integer with 0 <= n_select <= n_pool="
            f"{n_pool}, got {n_select!r}.")
    return int(n_select)


def _check_reference(X_ref, n_features, name):
    """Reference set as a (n_ref, n_features) float32 array (possibly empty)."""
    if X_ref is None:
        return np.empty((0, n_features), dtype=np.float32)
    X_ref = np.asarray(X_ref)
    if X_ref.size == 0:
        return np.empty((0, n_features), dtype=np.float32)
    X_ref = _as_float_matrix(X_ref, name)
    if X_ref.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X_ref.shape[1]} features but the pool has "
            f"{n_features}.")
    return X_ref


# --------------------------------------------------------------------------
# distance helpers
# --------------------------------------------------------------------------
def _min_sq_dist_to_set(X, Y, chunk_size):
    """Min squared Euclidean distance of every row of X to the rows of Y.

    Blocks of at most ``chunk_size`` distances (:func:`nearest_sq_distances`).
    Returns float32.
    """
    return nearest_sq_distances(X, Y, block_elements=chunk_size)[1].astype(np.float32)


class _RowDistances:
    """Squared Euclidean distances from every row of ``X`` to one of its rows.

    One matrix-vector product per call (``|x_i|^2 + |x_c|^2 - 2 x_i.x_c``),
    on a transposed copy of ``X`` (a ``(d,) @ (d, n)`` product is about twice
    as fast as ``(n, d) @ (d,)`` for small ``d``). The products run in
    float64 when ``X`` has at most :data:`_F64_COPY_MAX_ELEMENTS` entries
    (exact for small integers, so ties are exact ties); larger inputs stay
    float32 and are centred on their mean first, which removes the
    cancellation caused by a common offset. Round-off noise of identical rows
    is set to exactly 0.
    """

    def __init__(self, X):
        if X.size <= _F64_COPY_MAX_ELEMENTS:
            XT = X.T.astype(np.float64, order="C")
        else:
            XT = (X - X.mean(axis=0, dtype=np.float64).astype(X.dtype)).T.copy()
        self.XT = XT
        self.sq = np.einsum("ji,ji->i", XT, XT, dtype=np.float64)
        self.tol = 64 * np.finfo(XT.dtype).eps

    def to(self, c):
        """Float64 squared distances of all rows to row ``c``."""
        d = (self.XT[:, c] @ self.XT).astype(np.float64, copy=False)
        d *= -2.0
        d += self.sq
        d += self.sq[c]
        d[d <= self.tol * (self.sq + self.sq[c])] = 0.0
        return d


def _draw(weights, picked, u):
    """Index drawn with probability proportional to ``weights`` using ``u``.

    ``weights`` (float64) must be 0 at picked positions. The index is the
    first ``i`` with ``cumsum(weights)[i] > u * weights.sum()``; the
    cumulative sums are formed per block of :data:`_DRAW_BLOCK` entries (a
    sequential ``cumsum`` over the whole pool would dominate the cost of a
    pick), which only changes their float64 round-off. If all weights are 0
    the draw is uniform among the unpicked points:
    ``flatnonzero(~picked)[int(u * n_unpicked)]``.
    """
    n = len(weights)
    starts = np.arange(0, n, _DRAW_BLOCK)
    block_cum = np.cumsum(np.add.reduceat(weights, starts))
    total = block_cum[-1]
    if not total > 0:
        free = np.flatnonzero(~picked)
        return int(free[min(int(u * len(free)), len(free) - 1)])
    target = u * total
    b = int(np.searchsorted(block_cum, target, side="right"))
    if b >= len(block_cum):  # u * total rounded up to total
        b = int(np.flatnonzero(np.diff(block_cum, prepend=0.0) > 0)[-1])
    lo = b * _DRAW_BLOCK
    w = weights[lo:lo + _DRAW_BLOCK]
    before = block_cum[b - 1] if b else 0.0
    i = int(np.searchsorted(np.cumsum(w) + before, target, side="right"))
    if i >= len(w) or w[i] == 0:  # round-off at the block's upper end
        i = int(np.flatnonzero(w > 0)[-1])
    return lo + i


# --------------------------------------------------------------------------
# greedy k-center (CoreSet)
# --------------------------------------------------------------------------
@_single_threaded_blas
def greedy_k_center(X_pool, X_labeled, n_select, *,
                    chunk_size=DEFAULT_CHUNK_SIZE, random_state=None):
    """Greedy k-center selection (farthest-first traversal) of Sener & Savarese.

    Keeps the squared Euclidean distance of every pool point to its nearest
    labeled or already selected point and repeatedly selects the pool point
    where it is largest.

    Parameters
    ----------
    X_pool : array-like of shape (n_pool, n_features)
        Pool representations (e.g. penultimate-layer features). Converted to
        float32.
    X_labeled : array-like of shape (n_labeled, n_features) or None
        Labeled representations; may be None or empty.
    n_select : int
        Number of points to select, ``0 <= n_select <= n_pool``.
    chunk_size : int, default=2**18
        Maximum number of pool x labeled distances computed at once.
    random_state : int, RandomState instance or None, default=None
        Used only when ``X_labeled`` is empty (the first point is drawn
        uniformly) and when all remaining distances are 0 (the remaining
        points are drawn uniformly among the unpicked ones).

    Returns
    -------
    indices : ndarray of shape (n_select,), dtype intp
        Distinct pool positions, in selection order.
    distances : ndarray of shape (n_select,), dtype float64
        Euclidean distance of each selected point to the nearest labeled or
        earlier selected point at the time it was selected (``inf`` for a
        first point drawn without labeled data). Non-increasing apart from
        that first entry.

    Notes
    -----
    Time ``O((n_labeled + n_select) * n_pool * n_features)``, extra memory
    ``O(n_pool + chunk_size)``. Ties are broken by the lowest index.
    Distances are computed with the BLAS expansion ``|a|^2 + |b|^2 - 2
    a.b``: in float64 blocks for the labeled set and, for the updates with
    each new centre, on a float64 copy of the pool when it has at most 2**23
    entries (else on the mean-centred float32 pool). The running minimum is
    float32.

    See Also
    --------
    d2_sampling : Randomised counterpart (D^2 sampling) on plain features.

    References
    ----------
    .. [1] O. Sener and S. Savarese, "Active learning for convolutional
       neural networks: a core-set approach", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils._selection import greedy_k_center
    >>> X_pool = np.array([[0., 0.], [1., 0.], [5., 0.], [9., 0.]])
    >>> X_labeled = np.array([[0., 0.]])
    >>> idx, dist = greedy_k_center(X_pool, X_labeled, 2)
    >>> idx.tolist(), dist.tolist()
    ([3, 2], [9.0, 4.0])
    """
    X_pool = _as_float_matrix(X_pool, "X_pool")
    n, n_features = X_pool.shape
    n_select = _check_n_select(n_select, n)
    X_labeled = _check_reference(X_labeled, n_features, "X_labeled")
    if (not isinstance(chunk_size, numbers.Integral) or isinstance(chunk_size, bool)
            or chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}.")
    rng = check_random_state(random_state)

    mind = _min_sq_dist_to_set(X_pool, X_labeled, int(chunk_size))
    rows = _RowDistances(X_pool) if n_select else None
    picked = np.zeros(n, dtype=bool)
    indices = np.empty(n_select, dtype=np.intp)
    sq_dist = np.empty(n_select, dtype=np.float64)
    for t in range(n_select):
        if t == 0 and len(X_labeled) == 0:
            i = int(rng.randint(n))
        else:
            i = int(np.argmax(mind))
            if mind[i] <= 0.0:  # only duplicates left: uniform among unpicked
                rest = rng.choice(np.flatnonzero(~picked), n_select - t,
                                  replace=False)
                indices[t:] = rest
                sq_dist[t:] = 0.0
                break
        indices[t] = i
        sq_dist[t] = mind[i]
        picked[i] = True
        np.minimum(mind, rows.to(i), out=mind)
        mind[i] = -1.0  # picked points stay at -1 under the running minimum
    return indices, np.sqrt(sq_dist)


# --------------------------------------------------------------------------
# k-means++ on factorised gradient embeddings (BADGE)
# --------------------------------------------------------------------------
class _OuterDistances:
    """Squared distances between gradient embeddings ``g_i = outer(q_i, f_i)``.

    ``||g_i - g_c||^2 = |q_i|^2 |f_i|^2 + |q_c|^2 |f_c|^2
    - 2 (q_i . q_c)(f_i . f_c)`` from two matrix-vector products per centre
    (on transposed copies of ``q`` and ``f``); the ``n x (K * D)`` embedding
    matrix is never formed.
    The product runs in float64 when ``q`` and ``f`` have at most
    :data:`_F64_COPY_MAX_ELEMENTS` entries together, else in the inputs'
    dtype. Exact duplicate rows of ``[q, f]`` (found once, by sorting a
    random projection and comparing neighbouring rows) get distance exactly 0.
    """

    def __init__(self, q, f):
        n = q.shape[0]
        dtype = (np.float64 if q.size + f.size <= _F64_COPY_MAX_ELEMENTS
                 else np.result_type(q.dtype, f.dtype))
        QF = np.hstack([q, f]).astype(dtype, copy=False)
        self.qT = q.T.astype(dtype, order="C")
        self.fT = f.T.astype(dtype, order="C")
        self.sq_norm = (np.einsum("ij,ij->i", q, q, dtype=np.float64)
                        * np.einsum("ij,ij->i", f, f, dtype=np.float64))
        # duplicate runs: rows with equal projection and equal values (the
        # fixed random vector is only a hash; results do not depend on it)
        r = np.random.RandomState(0).standard_normal(QF.shape[1])
        h = QF.astype(np.float64, copy=False) @ r
        order = np.argsort(h, kind="stable")
        same = ((h[order[1:]] == h[order[:-1]])
                & np.all(QF[order[1:]] == QF[order[:-1]], axis=1))
        run_start = np.flatnonzero(np.concatenate(([True], ~same)))
        self.run_len = np.diff(np.append(run_start, n))
        self.run_start = run_start
        self.run_of = np.empty(n, dtype=np.intp)
        self.run_of[order] = np.cumsum(np.concatenate(([0], ~same)))
        self.order = order

    def to(self, c):
        """Float64 squared distances of all embeddings to embedding ``c``."""
        d = (self.qT[:, c] @ self.qT).astype(np.float64, copy=False)
        d *= self.fT[:, c] @ self.fT
        d *= -2.0
        d += self.sq_norm
        d += self.sq_norm[c]
        np.maximum(d, 0.0, out=d)
        run = self.run_of[c]
        start = self.run_start[run]
        d[self.order[start:start + self.run_len[run]]] = 0.0
        return d


@_single_threaded_blas
def kmeans_pp_factorised(q, f, n_select, *, random_state=None, first="max_norm"):
    """Select points by k-means++ seeding on gradient embeddings ``q_i (x) f_i``.

    The gradient embedding of the last linear layer is the outer product of
    a class-space vector ``q_i`` (probabilities minus the one-hot pseudo
    label) and the penultimate features ``f_i``. Its squared distances are
    computed without forming the ``n x (K * D)`` matrix::

        ||g_i - g_c||^2 = |q_i|^2 |f_i|^2 + |q_c|^2 |f_c|^2
                          - 2 (q_i . q_c) (f_i . f_c)

    Parameters
    ----------
    q : array-like of shape (n_samples, K)
        Class-space factor.
    f : array-like of shape (n_samples, D)
        Feature-space factor. The products run in float64 when ``q`` and
        ``f`` together have at most 2**23 entries; larger float32 inputs stay
        float32 (the products are combined in float64).
    n_select : int
        Number of points, ``0 <= n_select <= n_samples``.
    random_state : int, RandomState instance or None, default=None
        Source of the sampling draws.
    first : {'max_norm', 'random'}, default='max_norm'
        First centre: the largest ``||g_i||`` (lowest index on ties; consumes
        no draw) or a uniform draw (one draw).

    Returns
    -------
    indices : ndarray of shape (n_select,), dtype intp
        Distinct positions, in selection order.

    Notes
    -----
    Each further centre is drawn with probability proportional to the squared
    distance to the nearest chosen centre (D^2 sampling) using exactly one
    ``rng.random_sample()`` ``u`` per pick: the first index whose float64
    cumulative weight exceeds ``u * total``. Exact duplicate rows of a chosen
    centre get weight exactly 0; when all unpicked weights are 0 the pick is
    ``unpicked[int(u * n_unpicked)]`` (uniform). Time ``O(n_select *
    n_samples * (K + D))``, memory ``O(n_samples)`` beyond the inputs.

    See Also
    --------
    d2_sampling : The same seeding rule on plain feature vectors.

    References
    ----------
    .. [1] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford and A. Agarwal,
       "Deep batch active learning by diverse, uncertain gradient lower
       bounds", ICLR 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils._selection import kmeans_pp_factorised
    >>> rng = np.random.RandomState(0)
    >>> q, f = rng.randn(100, 3), rng.randn(100, 5)
    >>> idx = kmeans_pp_factorised(q, f, 5, random_state=0)
    >>> len(set(idx.tolist()))
    5
    >>> g_norm = np.linalg.norm(q, axis=1) * np.linalg.norm(f, axis=1)
    >>> bool(idx[0] == np.argmax(g_norm))
    True
    """
    dtype = [np.float32, np.float64]
    q = _as_float_matrix(q, "q", dtype=dtype)
    f = _as_float_matrix(f, "f", dtype=dtype)
    if q.shape[0] != f.shape[0]:
        raise ValueError(
            f"q and f must have the same number of rows, got {q.shape[0]} "
            f"and {f.shape[0]}.")
    if first not in ("max_norm", "random"):
        raise ValueError(f"first must be 'max_norm' or 'random', got {first!r}.")
    n = q.shape[0]
    n_select = _check_n_select(n_select, n)
    rng = check_random_state(random_state)
    if n_select == 0:
        return np.empty(0, dtype=np.intp)

    dist = _OuterDistances(q, f)
    picked = np.zeros(n, dtype=bool)
    indices = np.empty(n_select, dtype=np.intp)
    if first == "max_norm":
        c = int(np.argmax(dist.sq_norm))
    else:
        c = int(min(int(rng.random_sample() * n), n - 1))
    mind = None
    for t in range(n_select):
        if t > 0:
            c = _draw(mind, picked, rng.random_sample())
        indices[t] = c
        picked[c] = True
        d = dist.to(c)
        mind = d if mind is None else np.minimum(mind, d, out=mind)
    return indices


# --------------------------------------------------------------------------
# D^2 sampling on plain features (RALIF)
# --------------------------------------------------------------------------
@_single_threaded_blas
def d2_sampling(X, n_select, *, X_reference=None, random_state=None,
                chunk_size=DEFAULT_CHUNK_SIZE):
    """D^2 sampling: pick points with probability proportional to squared distance.

    Each pick is drawn with probability proportional to the squared Euclidean
    distance to the nearest reference or already chosen point (the k-means++
    seeding rule, used for RALIF's diversity step).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Candidate feature vectors (converted to float32).
    n_select : int
        Number of points, ``0 <= n_select <= n_samples``.
    X_reference : array-like of shape (n_reference, n_features), optional
        Points already chosen (e.g. the labeled set). If given, the first pick
        is also drawn proportionally to the squared distance to it; otherwise
        the first pick is uniform.
    random_state : int, RandomState instance or None, default=None
        Source of the draws (one ``rng.random_sample()`` per pick).
    chunk_size : int, default=2**18
        Maximum number of candidate x reference distances computed at once.

    Returns
    -------
    indices : ndarray of shape (n_select,), dtype intp
        Distinct positions into ``X``, in selection order.

    Notes
    -----
    Sampling rule as in :func:`kmeans_pp_factorised`: with ``u =
    rng.random_sample()``, the first index whose float64 cumulative weight
    exceeds ``u * total``; uniform among the unpicked points,
    ``unpicked[int(u * n_unpicked)]``, when all their weights are 0 (for
    instance a first pick without reference). Time ``O((n_reference +
    n_select) * n_samples * n_features)``, memory ``O(n_samples + chunk_size)``.

    See Also
    --------
    kmeans_pp_factorised : The same rule on BADGE's gradient embeddings.
    greedy_k_center : Deterministic farthest-first counterpart.

    References
    ----------
    .. [1] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
       careful seeding", SODA 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils._selection import d2_sampling
    >>> X = np.array([[0., 0.], [0., 0.], [3., 4.], [6., 8.]])
    >>> idx = d2_sampling(X, 2, X_reference=[[0., 0.]], random_state=0)
    >>> sorted(idx.tolist())  # points at the reference have probability 0
    [2, 3]
    """
    X = _as_float_matrix(X, "X")
    n, n_features = X.shape
    n_select = _check_n_select(n_select, n)
    X_reference = _check_reference(X_reference, n_features, "X_reference")
    if (not isinstance(chunk_size, numbers.Integral) or isinstance(chunk_size, bool)
            or chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}.")
    rng = check_random_state(random_state)

    if len(X_reference):
        mind = _min_sq_dist_to_set(X, X_reference, int(chunk_size)).astype(np.float64)
    else:
        mind = np.zeros(n, dtype=np.float64)  # uniform first pick
    rows = _RowDistances(X) if n_select else None
    picked = np.zeros(n, dtype=bool)
    indices = np.empty(n_select, dtype=np.intp)
    for t in range(n_select):
        c = _draw(mind, picked, rng.random_sample())
        indices[t] = c
        picked[c] = True
        np.minimum(mind, rows.to(c), out=mind)  # 0 at c and at its duplicates
        mind[c] = 0.0
    return indices
