"""Pools in chunks: the one way every layer walks a pool that may not fit in memory.

A pool may be a NumPy array, a memory-mapped array (``np.load(path, mmap_mode="r")``), a pandas
DataFrame, a ``dask.array.Array`` (dask is imported only when such an array is given) or any
object following the *pool protocol*: ``shape``, ``__len__``, ``__getitem__`` with an integer
index array returning an ndarray, and ``iter_chunks(chunk_rows)`` yielding
``(start, stop, block)``. :func:`iter_chunks` yields it slice by slice, so that a readout or a
strategy holds one chunk of the pool at a time, never the whole of it.
"""

import contextlib
import contextvars
import mmap

import numpy as np

from ._data import is_dask_array, is_pool_object, take_rows
from ._distances import MEMORY_BUDGET_BYTES
from ._validation import check_int

#: Bytes of pool rows held in one chunk by default: a quarter of the shared memory budget, since
#: a chunk may be copied two or three times on its way to the model (a Pipeline's transform, the
#: float32 conversion).
POOL_CHUNK_BYTES = MEMORY_BUDGET_BYTES // 4

#: Chunks of more rows than this are cut at a multiple of it: the readouts' forward batch
#: (8,192 rows), so that a chunked pool goes through the network in the very batches the
#: whole pool would, with bit-identical float32 results.
CHUNK_ROW_MULTIPLE = 8192

_BUDGET = contextvars.ContextVar("skactive_pool_chunk_bytes", default=None)


@contextlib.contextmanager
def chunk_budget(budget_bytes):
    """Within the block, pools are walked in chunks of at most ``budget_bytes`` bytes of rows.

    The default is :data:`POOL_CHUNK_BYTES` (64 MB). A smaller budget lowers the peak memory
    of scoring an out-of-core pool at the price of more, smaller chunks. The setting is local
    to the thread (and the asyncio task) that enters the block.

    Parameters
    ----------
    budget_bytes : int
        Bytes of pool rows per chunk (at least one row is always taken).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import chunk_budget, iter_chunks
    >>> X = np.zeros((10, 2), dtype=np.float32)   # 8 bytes per row
    >>> with chunk_budget(32):
    ...     [(start, stop) for start, stop, _ in iter_chunks(X)]
    [(0, 4), (4, 8), (8, 10)]
    """
    budget_bytes = check_int("budget_bytes", budget_bytes, 1)
    token = _BUDGET.set(budget_bytes)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _row_bytes(X):
    """Bytes of one row of ``X`` as stored (8 per value where the dtype is unknown)."""
    shape = getattr(X, "shape", None)
    if hasattr(X, "dtypes") and getattr(X, "ndim", 1) == 2:  # DataFrame: per-column dtypes
        return max(1, sum(getattr(dt, "itemsize", 64) if dt.kind in "biufc" else 64
                          for dt in X.dtypes))
    dtype = getattr(X, "dtype", None)
    try:
        dtype = None if dtype is None else np.dtype(dtype)
    except TypeError:  # a pandas extension dtype or other non-NumPy type
        dtype = None
    # object rows (text): a pointer plus the object behind it
    itemsize = 8 if dtype is None else 64 if dtype.kind == "O" else dtype.itemsize
    width = int(np.prod(shape[1:])) if shape is not None and len(shape) > 1 else 1
    return max(1, itemsize * width)


def pool_chunk_rows(X, budget_bytes=None):
    """Rows per chunk of ``X`` within ``budget_bytes`` (the active :func:`chunk_budget`).

    At least one row; above :data:`CHUNK_ROW_MULTIPLE` rows, a multiple of it.

    Parameters
    ----------
    X : array-like
        The pool (its dtype and row width set the size of a row).
    budget_bytes : int, optional
        Bytes per chunk; by default the active :func:`chunk_budget`, else
        :data:`POOL_CHUNK_BYTES`.

    Returns
    -------
    rows : int

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import pool_chunk_rows
    >>> X = np.lib.stride_tricks.as_strided(np.zeros(1, np.float32), (10**7, 20), (0, 0))
    >>> pool_chunk_rows(X)   # 64 MB of 80-byte rows, cut at a multiple of 8,192
    794624
    """
    if budget_bytes is None:
        budget_bytes = _BUDGET.get()
    if budget_bytes is None:
        budget_bytes = POOL_CHUNK_BYTES
    rows = max(1, int(budget_bytes) // _row_bytes(X))
    if rows > CHUNK_ROW_MULTIPLE:
        rows -= rows % CHUNK_ROW_MULTIPLE
    return rows


def iter_chunks(X, chunk_rows=None, *, indices=None, whole_blocks=True):
    """Yield ``(start, stop, block)`` over the rows of a pool, one chunk at a time.

    ``block`` holds rows ``start:stop``: a NumPy array for NumPy, memory-mapped and dask
    arrays, a slice of the same type for DataFrames, lists and sparse matrices, and for a pool
    object its own chunk as a NumPy array, or as a DataFrame where it gives one (a pool with
    named columns, such as :class:`skactive.datasets.PoolView`). Only the current chunk is read into memory:

    - a memory-mapped array is read one chunk at a time into memory, and the chunk's pages of
      the file are then released from the process (``madvise``), so that the resident memory
      stays near one chunk instead of growing to the file's size;
    - a ``dask.array.Array`` is computed one group of row blocks at a time, with dask's active
      scheduler; its chunks along the rows are never split (a block larger than ``chunk_rows``
      is computed whole), so that no block is computed twice;
    - a pool object's own ``iter_chunks(chunk_rows)`` is used.

    Parameters
    ----------
    X : ndarray, memmap, DataFrame, dask array, pool object, sparse matrix or list
        The pool.
    chunk_rows : int, optional
        Rows per chunk; by default :func:`pool_chunk_rows` (the memory budget divided by the
        size of a row; :func:`chunk_budget` sets the budget). A multiple of a network's
        inference batch gives each chunk the very forward batches of the whole pool, hence
        bit-identical values.
    indices : array-like of int, optional
        Read only these rows of the pool, in this order (sorted, for a file to be read
        forwards): ``start:stop`` then are positions in ``indices`` and ``block`` is
        :func:`take_rows` of ``indices[start:stop]`` (only those rows are read).
    whole_blocks : bool, default=True
        For a dask array: chunks follow its row blocks, never splitting one (no block is
        computed twice). False: every chunk but the last has exactly ``chunk_rows`` rows, as
        for every other container (a block across a chunk boundary is computed twice).

    Yields
    ------
    (start, stop, block)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import iter_chunks
    >>> X = np.arange(10).reshape(5, 2)
    >>> [(start, stop, block.shape) for start, stop, block in iter_chunks(X, chunk_rows=2)]
    [(0, 2, (2, 2)), (2, 4, (2, 2)), (4, 5, (1, 2))]

    A dask array is computed one block at a time:

    >>> import dask.array as da
    >>> pool = da.from_array(np.arange(12.0).reshape(6, 2), chunks=(3, 2))
    >>> [(start, stop, type(block).__name__) for start, stop, block in iter_chunks(pool, 4)]
    [(0, 3, 'ndarray'), (3, 6, 'ndarray')]

    Only some rows:

    >>> [(start, stop, block[:, 0].tolist())
    ...  for start, stop, block in iter_chunks(X, 2, indices=[0, 3, 4])]
    [(0, 2, [0, 6]), (2, 3, [8])]
    """
    chunk_rows = pool_chunk_rows(X) if chunk_rows is None else check_int("chunk_rows",
                                                                         chunk_rows, 1)
    if indices is not None:

        indices = np.asarray(indices, dtype=np.intp)
        for start in range(0, len(indices), chunk_rows):
            stop = min(start + chunk_rows, len(indices))
            yield start, stop, take_rows(X, indices[start:stop])
        return
    if is_pool_object(X):
        for start, stop, block in X.iter_chunks(chunk_rows):
            # a pool object that names its columns gives DataFrames: kept, for a model fitted
            # on a DataFrame (a ColumnTransformer selecting columns by name)
            yield int(start), int(stop), block if hasattr(block, "iloc") else np.asarray(block)
        return
    if is_dask_array(X) and whole_blocks:
        yield from _dask_chunks(X, chunk_rows)
        return
    if not hasattr(X, "__getitem__") or not hasattr(X, "__len__"):
        X = np.asarray(X)
    shape = getattr(X, "shape", None)
    n = shape[0] if shape is not None and len(shape) > 0 else len(X)
    if hasattr(X, "iloc"):
        for start in range(0, n, chunk_rows):
            yield start, min(start + chunk_rows, n), X.iloc[start:start + chunk_rows]
        return
    if isinstance(X, np.memmap):
        # a copy of the chunk (not a view of the file): writable, as torch wants its input,
        # and its pages can leave the process at once
        release = _page_release(X)
        for start in range(0, n, chunk_rows):
            stop = min(start + chunk_rows, n)
            block = np.array(X[start:stop])
            if release is not None:
                release(start, stop)
            yield start, stop, block
        return
    for start in range(0, n, chunk_rows):
        stop = min(start + chunk_rows, n)
        block = X[start:stop]
        if is_dask_array(block):
            block = block.compute()
        yield start, stop, np.asarray(block) if isinstance(block, np.ndarray) else block


def _dask_chunks(X, chunk_rows):
    bounds = np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(np.int64)
    i = 0
    while i < len(bounds) - 1:
        j = i + 1  # group whole row blocks up to chunk_rows (at least one)
        while j < len(bounds) - 1 and bounds[j + 1] - bounds[i] <= chunk_rows:
            j += 1
        start, stop = int(bounds[i]), int(bounds[j])
        yield start, stop, np.asarray(X[start:stop].compute())
        i = j


def _page_release(X):
    """A function releasing the pages of rows ``start:stop`` of a read-only memmap, or None.

    The pages stay in the operating system's file cache (a later read is fast); they only
    leave the process's resident set. Applies to C-contiguous arrays mapped read-only
    (``mmap_mode='r'``), where dropping a page can never lose data.
    """
    mm = getattr(X, "_mmap", None)
    if (not isinstance(X, np.memmap) or getattr(X, "mode", None) != "r" or mm is None
            or not hasattr(mm, "madvise") or not hasattr(mmap, "MADV_DONTNEED")
            or not X.flags.c_contiguous or X.ndim == 0 or X.size == 0):
        return None
    try:
        base = np.frombuffer(mm, dtype=np.uint8).ctypes.data
    except (TypeError, ValueError, BufferError):
        return None
    row_bytes = X.strides[0]
    first = X.ctypes.data - base
    page = mmap.PAGESIZE

    def release(start, stop):
        lo = first + start * row_bytes
        hi = first + stop * row_bytes
        lo -= lo % page  # whole pages only; a page shared with the next chunk is faulted again
        try:
            mm.madvise(mmap.MADV_DONTNEED, lo, hi - lo)
        except (OSError, ValueError):
            pass  # a hint only: the rows were read correctly either way

    return release
