"""Container-preserving row operations: numpy arrays, pandas objects, sparse matrices, lists."""

import sys

import numpy as np
import scipy.sparse as sp
from sklearn.utils import _safe_indexing


def is_dask_array(X):
    """Whether ``X`` is a ``dask.array.Array`` (without importing dask when it is not loaded).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import is_dask_array
    >>> is_dask_array(np.zeros(3))
    False
    """
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(X, module.Array)


def is_pool_object(X):
    """Whether ``X`` follows the pool protocol (it has an ``iter_chunks(chunk_rows)`` method).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import is_pool_object
    >>> is_pool_object(np.zeros(3))
    False
    """
    return not isinstance(X, np.ndarray) and callable(getattr(X, "iter_chunks", None))


def num_samples(X):
    """Number of rows of an array-like (including 1-D collections of text)."""
    if hasattr(X, "shape") and len(X.shape) > 0:
        if is_dask_array(X) and np.isnan(X.shape[0]):
            raise ValueError(
                "The dask array's row chunks are unknown (its shape is "
                f"{X.shape}); call pool.compute_chunk_sizes() once before querying it."
            )
        return X.shape[0]
    if hasattr(X, "__array__"):
        return np.asarray(X).shape[0]
    try:
        return len(X)
    except TypeError:
        raise TypeError(f"Expected an array-like of samples, got {type(X).__name__}.") from None


def take_rows(X, indices):
    """Rows of ``X`` at integer ``indices``, in the container type of ``X``.

    Only those rows are read from an out-of-core pool: a memory-mapped array gives a NumPy
    array, a ``dask.array.Array`` the computed NumPy rows, and a pool object (see
    :func:`iter_chunks`) its own ``X[indices]`` (a NumPy array, or the DataFrame of a pool with
    named columns); any other container (NumPy array, pandas object, sparse matrix, list) keeps
    its type.

    Parameters
    ----------
    X : array-like, memmap, dask array or pool object
    indices : array-like of int

    Returns
    -------
    rows : same container as ``X`` (NumPy for a memmap or a dask array; for a pool object,
        NumPy or the DataFrame it gives)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.utils import take_rows
    >>> take_rows(np.arange(6).reshape(3, 2), [2, 0]).tolist()
    [[4, 5], [0, 1]]
    """
    indices = np.asarray(indices, dtype=np.intp)
    if is_dask_array(X):
        return np.asarray(X[indices].compute())
    if is_pool_object(X):
        rows = X[indices]
        return rows if hasattr(rows, "iloc") else np.asarray(rows)
    if isinstance(X, np.memmap):
        return np.asarray(X[indices])  # a copy of those rows, no longer tied to the file
    return _safe_indexing(X, indices, axis=0)


def append_rows(X, X_new):
    """``X`` followed by ``X_new``, keeping the container type of ``X``.

    Raises a ValueError rather than guessing when the two do not fit together (different
    columns or widths), so that no label is ever silently dropped or misaligned.
    """
    if hasattr(X, "iloc"):  # pandas DataFrame or Series
        import pandas as pd

        if not hasattr(X_new, "iloc"):
            X_new = (pd.DataFrame(np.asarray(X_new), columns=X.columns) if X.ndim == 2
                     else pd.Series(np.asarray(X_new), name=X.name))
        elif X.ndim == 2 and list(X.columns) != list(X_new.columns):
            raise ValueError(
                f"The new samples have columns {list(X_new.columns)}, but the labeled set has "
                f"{list(X.columns)}."
            )
        return pd.concat([X, X_new], ignore_index=True)
    if sp.issparse(X):
        return sp.vstack([X, sp.csr_matrix(X_new)], format=X.format)
    if isinstance(X, list):
        return X + list(X_new.tolist() if isinstance(X_new, np.ndarray) else X_new)
    X = np.asarray(X)
    X_new = np.asarray(X_new.toarray() if sp.issparse(X_new) else X_new)
    if X.ndim != X_new.ndim or X.shape[1:] != X_new.shape[1:]:
        raise ValueError(
            f"The new samples have shape {X_new.shape[1:]} per row, but the labeled set has "
            f"{X.shape[1:]}."
        )
    return np.concatenate([X, X_new], axis=0)
