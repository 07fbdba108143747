"""Batch-selection kernel: D^2 sampling, the diversity step of RALIF (Xia & Henao 2023).

It keeps one running minimum distance per pool point and updates it with each newly chosen
point, so it costs ``O(n_select * n_pool * n_features)`` time and ``O(n_pool)`` extra memory;
distances to a reference (labeled) set are computed in bounded chunks. It never builds a
pool x pool or pool x labeled matrix. (CoreSet's greedy k-center and BADGE's factorised
k-means++ live with their strategies, :mod:`skactive.strategies`, which stream the pool.)

Conventions:

- indices are distinct ``intp`` positions into the pool, in selection order;
- ties in an argmax are broken by the lowest index (distances are computed in
  float64 for inputs of up to 2**23 entries, exactly for small-integer data,
  so exact ties stay ties; larger inputs use float32 products);
- random picks consume exactly one ``rng.random_sample()`` each (see
  :func:`weighted_index`), where ``rng = check_random_state(random_state)``, so that the
  result is reproducible and can be replayed by a reference implementation;
- once every unpicked point is at distance 0 (duplicates), the remaining
  picks are drawn uniformly among the unpicked points;
- BLAS runs single-threaded inside the kernel: its matrix products have a
  tiny inner dimension, for which thread hand-offs cost more than they gain
  (several times slower on a 2-core machine), and results then do not
  depend on the thread count.
"""

import functools
import numbers

import numpy as np
from sklearn.utils import check_array, check_random_state
from threadpoolctl import threadpool_limits

__all__ = ["DRAW_CELL_ROWS", "cell_weighted_index", "d2_sampling", "weighted_index"]

from ._distances import DISTANCE_BLOCK_ELEMENTS, nearest_sq_distances

#: Default number of pool x reference distances computed at once.
DEFAULT_CHUNK_SIZE = DISTANCE_BLOCK_ELEMENTS

#: Positions per cell of :func:`weighted_index`'s two-level cumulative sums.
DRAW_CELL_ROWS = 1024
# what weighted_index reads (the tests shrink it to exercise many cells)
_DRAW_BLOCK = DRAW_CELL_ROWS

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


def weighted_index(weights, picked, u):
    """Index drawn with probability proportional to ``weights`` using ``u``.

    ``weights`` (float64) must be 0 at picked positions. The index is the
    first ``i`` with ``cumsum(weights)[i] > u * weights.sum()``; the
    cumulative sums are formed per block of :data:`_DRAW_BLOCK` entries (a
    sequential ``cumsum`` over the whole pool would dominate the cost of a
    pick), which only changes their float64 round-off. If all weights are 0
    the draw is uniform among the unpicked points:
    ``flatnonzero(~picked)[int(u * n_unpicked)]``.

    Parameters
    ----------
    weights : ndarray of shape (n,), float64
        Non-negative weights, 0 at the picked positions.
    picked : ndarray of shape (n,), bool
        The positions already picked.
    u : float
        A uniform draw in [0, 1).

    Returns
    -------
    int
        The drawn position.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import weighted_index
    >>> weighted_index(np.array([0.0, 1.0, 3.0]), np.array([True, False, False]), 0.5)
    2
    """
    cell = _DRAW_BLOCK
    return cell_weighted_index(np.add.reduceat(weights, np.arange(0, len(weights), cell)),
                               lambda b: weights[b * cell:(b + 1) * cell],
                               lambda: np.flatnonzero(~picked), u, cell)


def cell_weighted_index(cell_sums, cell_weights, unpicked, u, cell_rows=DRAW_CELL_ROWS):
    """:func:`weighted_index` from the sums of its cells, reading the weights of one cell only.

    The draw of ``weighted_index(weights, picked, u)`` where the weights are held elsewhere
    (on the workers of a cluster, say): ``cell_sums[b]`` is
    ``np.add.reduceat(weights, np.arange(0, n, cell_rows))[b]``, ``cell_weights(b)`` returns
    ``weights[b * cell_rows:(b + 1) * cell_rows]`` and ``unpicked()`` the unpicked positions
    (called only when every weight is 0). Given the same cell sums the index is the same.

    Parameters
    ----------
    cell_sums : ndarray of shape (n_cells,), float64
    cell_weights : callable
        ``cell_weights(b)``: the weights of cell ``b``, float64.
    unpicked : callable
        ``unpicked()``: the unpicked positions, sorted.
    u : float
        A uniform draw in [0, 1).
    cell_rows : int, default=DRAW_CELL_ROWS
        Positions per cell.

    Returns
    -------
    int
        The drawn position.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import cell_weighted_index, weighted_index
    >>> weights, picked = np.array([0.0, 1.0, 3.0, 2.0, 0.5]), np.zeros(5, bool)
    >>> sums = np.add.reduceat(weights, [0, 2, 4])     # cells of 2 positions
    >>> cell_weighted_index(sums, lambda b: weights[2 * b:2 * b + 2], None, 0.5, cell_rows=2)
    2
    """
    block_cum = np.cumsum(cell_sums)
    total = block_cum[-1]
    if not total > 0:
        free = unpicked()
        return int(free[min(int(u * len(free)), len(free) - 1)])
    target = u * total
    b = int(np.searchsorted(block_cum, target, side="right"))
    if b >= len(block_cum):  # u * total rounded up to total
        b = int(np.flatnonzero(np.diff(block_cum, prepend=0.0) > 0)[-1])
    w = cell_weights(b)
    before = block_cum[b - 1] if b else 0.0
    i = int(np.searchsorted(np.cumsum(w) + before, target, side="right"))
    if i >= len(w) or w[i] == 0:  # round-off at the block's upper end
        i = int(np.flatnonzero(w > 0)[-1])
    return b * cell_rows + i


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
    Sampling rule as in BADGE's k-means++ seeding: with ``u =
    rng.random_sample()``, the first index whose float64 cumulative weight
    exceeds ``u * total``; uniform among the unpicked points,
    ``unpicked[int(u * n_unpicked)]``, when all their weights are 0 (for
    instance a first pick without reference). Time ``O((n_reference +
    n_select) * n_samples * n_features)``, memory ``O(n_samples + chunk_size)``.

    See Also
    --------
    skactive.strategies.BADGE : The same rule on gradient embeddings.
    skactive.strategies.CoreSet : Deterministic farthest-first counterpart.

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
        c = weighted_index(mind, picked, rng.random_sample())
        indices[t] = c
        picked[c] = True
        np.minimum(mind, rows.to(c), out=mind)  # 0 at c and at its duplicates
        mind[c] = 0.0
    return indices
