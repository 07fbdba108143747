"""Chunked dissimilarity computations shared by the k-medoids solvers.

Everything here works on blocks whose size is bounded by
:data:`CHUNK_ELEMENTS` (skactive's one distance block, :data:`skactive.utils.DISTANCE_BLOCK_ELEMENTS`),
and the Euclidean assignment step is skactive's one nearest-distance kernel
(:func:`skactive.utils.nearest_sq_distances`), so that no N x N temporary is ever created unless
the caller explicitly asks for a dense matrix (:func:`dense_dissimilarity`).
Blocks are computed in float64 (the BLAS expansion
``|a|^2 + |b|^2 - 2 a.b`` loses too much precision in float32 for close
points) and stored as float32 where they are large.
"""

import numpy as np
from sklearn.metrics import pairwise_distances
from sklearn.metrics.pairwise import PAIRWISE_DISTANCE_FUNCTIONS

from ..utils import (
    DISTANCE_BLOCK_ELEMENTS, MIN_BLOCK_ROWS, ROUND_OFF, block_rows, nearest_sq_distances,
)

#: Number of float64 entries in one temporary distance block.
CHUNK_ELEMENTS = DISTANCE_BLOCK_ELEMENTS
#: Never process fewer rows than this per block (bounds the Python loop).
MIN_CHUNK_ROWS = MIN_BLOCK_ROWS
_ROUND_OFF = ROUND_OFF

#: Metrics computed with the fast BLAS path; any other metric name accepted by
#: :func:`sklearn.metrics.pairwise_distances` is delegated to it block-wise.
FAST_METRICS = ("euclidean", "sqeuclidean", "cosine")

_SKLEARN_METRICS = set(PAIRWISE_DISTANCE_FUNCTIONS) | {
    "braycurtis", "canberra", "chebyshev", "correlation", "minkowski",
    "seuclidean", "mahalanobis",
}
_SKLEARN_METRICS.discard("precomputed")
_SKLEARN_METRICS.discard("haversine")


def check_metric(metric):
    """Validate a metric name and return it."""
    if not isinstance(metric, str) or metric not in (
        set(FAST_METRICS) | _SKLEARN_METRICS
    ):
        raise ValueError(
            f"Unsupported metric {metric!r}; use one of {sorted(FAST_METRICS)} "
            "or another metric name accepted by "
            "sklearn.metrics.pairwise_distances."
        )
    return metric


class MetricSpace:
    """Rows of a data matrix prepared for fast block distance computation.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Data, float32 or float64 (kept in that dtype; blocks are upcast).
    metric : str
        Dissimilarity, see :func:`check_metric`.

    Notes
    -----
    For ``metric='cosine'`` the rows are normalised once. Zero vectors (for
    instance the input gradient of a dead ReLU network) are treated as
    identical to each other (distance 0) and orthogonal to every non-zero
    vector (distance 1). This keeps ``d(x, x) = 0`` for every point, which
    k-medoids relies on; :func:`sklearn.metrics.pairwise.cosine_distances`
    would give distance 1 between two zero vectors.
    """

    def __init__(self, X, metric):
        self.metric = metric
        X = np.asarray(X)
        if metric in ("euclidean", "sqeuclidean"):
            self.X = X
            self.sq = np.einsum("ij,ij->i", X, X, dtype=np.float64)
            self.zero = None
        elif metric == "cosine":
            norms = np.sqrt(np.einsum("ij,ij->i", X, X, dtype=np.float64))
            self.zero = norms == 0
            norms[self.zero] = 1.0
            self.X = (X / norms[:, None].astype(X.dtype, copy=False)).astype(
                X.dtype, copy=False
            )
            self.sq = None
        else:
            self.X = X
            self.sq = None
            self.zero = None

    @property
    def n(self):
        """Number of rows."""
        return self.X.shape[0]

    def take(self, idx):
        """Return the sub-space made of rows ``idx`` (copies those rows)."""
        sub = MetricSpace.__new__(MetricSpace)
        sub.metric = self.metric
        sub.X = self.X[idx]
        sub.sq = None if self.sq is None else self.sq[idx]
        sub.zero = None if self.zero is None else self.zero[idx]
        return sub

    def block(self, a, other=None, b=None, clean=False):
        """Float64 dissimilarities between rows ``a`` of self and ``b`` of other.

        ``a`` and ``b`` are slices or integer index arrays (``None`` means all
        rows); ``other`` defaults to ``self``. With ``clean=True`` the
        round-off noise of (numerically) identical points is set to exactly 0
        (one more pass over the block).
        """
        other = self if other is None else other
        a = slice(None) if a is None else a
        b = slice(None) if b is None else b
        A = self.X[a].astype(np.float64, copy=False)
        B = other.X[b].astype(np.float64, copy=False)
        metric = self.metric
        if metric in ("euclidean", "sqeuclidean"):
            D = A @ B.T
            D *= -2.0
            sq_a, sq_b = self.sq[a][:, None], other.sq[b][None, :]
            D += sq_a
            D += sq_b
            if clean:
                D[D <= _ROUND_OFF * (sq_a + sq_b)] = 0.0
            np.maximum(D, 0.0, out=D)
            if metric == "euclidean":
                np.sqrt(D, out=D)
            return D
        if metric == "cosine":
            D = A @ B.T
            np.subtract(1.0, D, out=D)
            np.clip(D, 0.0, 2.0, out=D)
            if clean:
                D[D <= _ROUND_OFF] = 0.0
            za, zb = self.zero[a], other.zero[b]
            if za.any() and zb.any():
                D[np.ix_(za, zb)] = 0.0
            return D
        return pairwise_distances(A, B, metric=metric)


def row_step(n_cols):
    """Number of rows of an ``(rows, n_cols)`` block that fits in a chunk."""
    return block_rows(n_cols)


def dense_dissimilarity(space, idx=None):
    """Dense float32 dissimilarity matrix of the rows ``idx`` of ``space``.

    Computed in float64 row chunks of at most :data:`CHUNK_ELEMENTS` entries
    and rounded to float32; the diagonal is exactly 0. Memory: ``4 * n**2``
    bytes for the result. (Computing the blocks in float32, even on centred
    rows, is twice as fast but its round-off, about ``3e-4`` times the spread
    of the rows for near-duplicate pairs, measurably degraded the CLARA
    refinement on gradient data with many near-duplicates.)
    """
    sub = space if idx is None else space.take(idx)
    n = sub.n
    out = np.empty((n, n), dtype=np.float32)
    step = row_step(n)
    for start in range(0, n, step):
        stop = min(n, start + step)
        out[start:stop] = sub.block(slice(start, stop))
    np.fill_diagonal(out, 0.0)
    return out


def nearest(space, centers, rows=None):
    """Nearest centre of every row, in chunks.

    Parameters
    ----------
    space : MetricSpace
        The points.
    centers : MetricSpace
        The centres (same metric).
    rows : ndarray of int, optional
        Restrict to these rows of ``space``.

    Returns
    -------
    labels : ndarray of int64
        Position of the nearest centre (lowest position on ties).
    dist : ndarray of float64
        Distance to it; round-off noise of identical points is set to
        exactly 0.
    """
    n = space.n if rows is None else len(rows)
    labels = np.empty(n, dtype=np.int64)
    dist = np.empty(n, dtype=np.float64)
    step = row_step(centers.n)
    fast = space.metric in ("euclidean", "sqeuclidean")
    for start in range(0, n, step):
        stop = min(n, start + step)
        sel = slice(start, stop) if rows is None else rows[start:stop]
        if fast:
            lab, d = nearest_sq_distances(space.X[sel], centers.X, sq_x=space.sq[sel],
                                          sq_y=centers.sq)
            if space.metric == "euclidean":
                np.sqrt(d, out=d)
        else:
            D = space.block(sel, centers)
            lab = np.argmin(D, axis=1)
            d = D[np.arange(stop - start), lab]
            if space.metric == "cosine":
                d[d <= _ROUND_OFF] = 0.0
        labels[start:stop] = lab
        dist[start:stop] = d
    return labels, dist


def nearest_medoids(X, centers, *, metric="euclidean"):
    """Nearest row of ``centers`` for every row of ``X``, and the dissimilarity to it.

    Computed in blocks of bounded size (never the full ``len(X) x len(centers)`` matrix), with
    the conventions of :class:`~skactive.cluster.KMedoids` (cosine: zero vectors at 0 from each
    other); this is its assignment step, for callers that stream a pool chunk by chunk.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centers : ndarray of shape (n_centers, n_features)
    metric : str, default='euclidean'
        Any metric :class:`~skactive.cluster.KMedoids` accepts.

    Returns
    -------
    labels : ndarray of int64 of shape (n_samples,)
        Position of the nearest centre (the lowest on ties).
    distances : ndarray of float64 of shape (n_samples,)
        Dissimilarity to it (exactly 0 for a row identical to its centre).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.cluster import nearest_medoids
    >>> labels, d = nearest_medoids(np.array([[0.0, 0.0], [3.0, 4.0]]),
    ...                             np.array([[0.0, 1.0], [3.0, 4.0]]))
    >>> labels.tolist(), d.tolist()
    ([0, 1], [1.0, 0.0])
    """
    metric = check_metric(metric)
    X = np.asarray(X)
    centers = np.asarray(centers)
    if X.ndim != 2 or centers.ndim != 2 or X.shape[1] != centers.shape[1]:
        raise ValueError(
            f"X and centers must be 2-D with the same number of columns, got shapes {X.shape} "
            f"and {centers.shape}.")
    if len(centers) == 0:
        raise ValueError("centers is empty: there is no medoid to assign to.")
    if metric in ("euclidean", "sqeuclidean"):  # one call: the kernel blocks by itself
        labels, dist = nearest_sq_distances(X, centers)
        return labels, (np.sqrt(dist, out=dist) if metric == "euclidean" else dist)
    return nearest(MetricSpace(X, metric), MetricSpace(centers, metric))
