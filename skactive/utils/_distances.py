"""The one chunked nearest-distance kernel, and the memory settings every layer shares.

CoreSet's and RALIF's running minimum distances (``utils._selection``), the k-medoids
assignment step (``cluster``) and IBAL-D's distance to the labeled set all call
:func:`nearest_sq_distances`: float64 BLAS expansion ``|a|^2 + |b|^2 - 2 a.b`` in blocks of
at most :data:`DISTANCE_BLOCK_ELEMENTS`, never the full matrix.
"""

import numpy as np
from threadpoolctl import ThreadpoolController

#: The memory budget of one batched computation over the pool (bytes): per-sample gradients
#: (readouts), MC-dropout probabilities (BALD) and float64 work copies (RALIF) are sliced so
#: that one slice stays within it.
MEMORY_BUDGET_BYTES = 256_000_000

#: float64 entries of one temporary distance block (2 MiB): a cache-sized block, so that the
#: element-wise passes over it stay in cache. Not a memory bound: larger blocks are slower.
DISTANCE_BLOCK_ELEMENTS = 2**18

#: Relative round-off below which an expanded squared distance is set to exactly 0.
ROUND_OFF = 64 * np.finfo(np.float64).eps

#: Never process fewer rows than this per block (bounds the Python loop).
MIN_BLOCK_ROWS = 16


_BLAS = []  # one ThreadpoolController, made on first use (it scans the loaded libraries)


def _one_blas_thread():
    """Single-threaded BLAS for a block loop whose products have a tiny inner dimension.

    Thread hand-offs then cost more than they gain (several times the CPU time on two cores),
    and results do not depend on the thread count.
    """
    if not _BLAS:
        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


def budget_rows(values_per_row, budget_bytes=MEMORY_BUDGET_BYTES, itemsize=4):
    """Rows of a slice whose ``values_per_row`` values of ``itemsize`` bytes fit the budget.

    Examples
    --------
    >>> from skactive.utils import budget_rows
    >>> budget_rows(2**20, budget_bytes=2**24)
    4
    """
    return max(1, int(budget_bytes) // (itemsize * max(1, int(values_per_row))))


def block_rows(n_cols, block_elements=DISTANCE_BLOCK_ELEMENTS):
    """Rows of an ``(rows, n_cols)`` distance block within ``block_elements`` entries."""
    return max(MIN_BLOCK_ROWS, int(block_elements) // max(1, int(n_cols)))


def nearest_sq_distances(X, Y, *, sq_x=None, sq_y=None, block_elements=None):
    """Squared Euclidean distance of every row of ``X`` to its nearest row of ``Y``.

    Blocks of at most ``block_elements`` entries (:data:`DISTANCE_BLOCK_ELEMENTS` by
    default), float64, on one BLAS thread; noise below the round-off of the expansion
    (identical rows) is set to exactly 0. Ties go to the lowest position in ``Y``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    Y : ndarray of shape (m, d)
    sq_x, sq_y : ndarray of float64, optional
        Squared row norms, when the caller already has them.
    block_elements : int, optional

    Returns
    -------
    nearest : ndarray of int64 of shape (n,)
        Position in ``Y`` of the nearest row (0 when ``Y`` is empty).
    sq_dist : ndarray of float64 of shape (n,)
        Its squared distance (inf when ``Y`` is empty).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import nearest_sq_distances
    >>> idx, d = nearest_sq_distances(np.array([[0.0, 0.0], [3.0, 4.0]]),
    ...                               np.array([[0.0, 1.0], [3.0, 4.0]]))
    >>> idx.tolist(), d.tolist()
    ([0, 1], [1.0, 0.0])
    """
    block_elements = DISTANCE_BLOCK_ELEMENTS if block_elements is None else int(block_elements)
    n, m = X.shape[0], Y.shape[0]
    best = np.full(n, np.inf)
    where = np.zeros(n, dtype=np.int64)
    if m == 0 or n == 0:
        return where, best
    if sq_x is None:
        sq_x = np.einsum("ij,ij->i", X, X, dtype=np.float64)
    if sq_y is None:
        sq_y = np.einsum("ij,ij->i", Y, Y, dtype=np.float64)
    cols = min(m, max(1, block_elements // 256))  # >= 256 rows per block
    rows = max(1, block_elements // cols)
    with _one_blas_thread():
        _nearest_blocks(X, Y, sq_x, sq_y, rows, cols, best, where)
    return where, best


def _nearest_blocks(X, Y, sq_x, sq_y, rows, cols, best, where):
    n, m = X.shape[0], Y.shape[0]
    for c0 in range(0, m, cols):
        Yc = Y[c0:c0 + cols].astype(np.float64, copy=False)
        half = 0.5 * sq_y[c0:c0 + cols]
        for r0 in range(0, n, rows):
            # argmin_j |x|^2 + |y_j|^2 - 2 x.y_j = argmin_j |y_j|^2 / 2 - x.y_j
            G = X[r0:r0 + rows].astype(np.float64, copy=False) @ Yc.T
            np.subtract(half, G, out=G)
            j = np.argmin(G, axis=1)
            sx = sq_x[r0:r0 + rows]
            d = 2.0 * G[np.arange(len(j)), j] + sx
            d[d <= ROUND_OFF * (sx + sq_y[c0 + j])] = 0.0
            np.maximum(d, 0.0, out=d)
            better = d < best[r0:r0 + rows]  # strict: the earlier block wins a tie
            best[r0:r0 + rows][better] = d[better]
            where[r0:r0 + rows][better] = c0 + j[better]
