"""Row operations on every container modAL accepts: numpy arrays, lists, pandas DataFrames,
scipy sparse matrices, torch tensors (and dicts of them for :func:`retrieve_rows`)."""

import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp

try:  # torch is a dependency of skactive, but these helpers must not need it
    import torch
except ImportError:  # pragma: no cover
    torch = None

__all__ = ["data_vstack", "data_hstack", "add_row", "retrieve_rows", "drop_rows",
           "enumerate_data", "data_shape"]


def _is_tensor(X):
    return torch is not None and torch.is_tensor(X)


def _as_frame_rows(block, like):
    """A Series taken from ``like`` (e.g. by ``iterrows``) is one row, not one column."""
    if isinstance(block, pd.Series):
        return block.to_frame().T.astype(like.dtypes.to_dict(), errors="ignore")
    return block


def data_vstack(blocks):
    """Stack blocks of samples on top of each other, keeping the first block's container type.

    Parameters
    ----------
    blocks : sequence of array-like
        numpy arrays, lists, DataFrames, sparse matrices (if any block is sparse the result is
        sparse) or torch tensors.

    Returns
    -------
    stacked : array-like

    Raises
    ------
    TypeError
        For any other container.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.data import data_vstack
    >>> data_vstack((np.zeros((1, 2)), np.ones((2, 2)))).tolist()
    [[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]
    >>> data_vstack(([[1, 2]], [[3, 4]]))
    [[1, 2], [3, 4]]
    """
    blocks = list(blocks)
    first = blocks[0]
    if any(sp.issparse(b) for b in blocks):
        return sp.vstack(blocks)
    if isinstance(first, pd.DataFrame):
        return pd.concat([_as_frame_rows(b, first) for b in blocks])
    if isinstance(first, np.ndarray):
        return np.concatenate(blocks)
    if isinstance(first, list):
        return np.concatenate(blocks).tolist()
    if _is_tensor(first):
        return torch.cat(blocks)
    raise TypeError(f"{type(first)} datatype is not supported: pass numpy arrays, lists, "
                    "pandas DataFrames, scipy sparse matrices or torch tensors.")


def data_hstack(blocks):
    """Put blocks of features side by side (same rows), keeping the first block's type.

    Parameters
    ----------
    blocks : sequence of array-like

    Returns
    -------
    stacked : array-like

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.data import data_hstack
    >>> data_hstack((np.zeros((2, 1)), np.ones((2, 2)))).shape
    (2, 3)
    """
    blocks = list(blocks)
    first = blocks[0]
    if any(sp.issparse(b) for b in blocks):
        return sp.hstack(blocks)
    if isinstance(first, pd.DataFrame):
        return pd.concat(blocks, axis=1)
    if isinstance(first, np.ndarray):
        return np.hstack(blocks)
    if isinstance(first, list):
        return np.hstack(blocks).tolist()
    if _is_tensor(first):
        return torch.cat(blocks, dim=1)
    raise TypeError(f"{type(first)} datatype is not supported: pass numpy arrays, lists, "
                    "pandas DataFrames, scipy sparse matrices or torch tensors.")


def add_row(X, row):
    """``X`` with ``row`` appended as its last sample.

    Parameters
    ----------
    X : array-like
    row : array-like
        One sample (for a DataFrame, a Series as given by ``iterrows`` or a one-row frame).

    Returns
    -------
    X_new : array-like

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.data import add_row
    >>> add_row(np.zeros((2, 2)), np.ones(2)).shape
    (3, 2)
    >>> add_row([[0, 0]], [1, 1])
    [[0, 0], [1, 1]]
    """
    if isinstance(X, np.ndarray):
        return np.vstack((X, row))
    if isinstance(X, list):
        return np.vstack((X, row)).tolist()
    return data_vstack([X, row])


def _positions(I, n):
    idx = np.asarray(I)
    if idx.dtype == bool:
        return np.flatnonzero(idx)
    return idx.astype(np.intp, copy=False)


def retrieve_rows(X, I):
    """The samples of ``X`` at positions ``I``, in the container type of ``X``.

    Positions are always positional: a DataFrame is indexed with ``iloc`` whatever its index
    and column labels are.

    Parameters
    ----------
    X : array-like or dict of array-like
    I : int, sequence of int, boolean mask or ndarray

    Returns
    -------
    rows : array-like

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.modal.utils.data import retrieve_rows
    >>> retrieve_rows(pd.DataFrame({"a": [1, 2, 3]}), [2, 0])["a"].tolist()
    [3, 1]
    >>> retrieve_rows([[1], [2], [3]], [1])
    [[2]]
    """
    if isinstance(X, dict):
        return {key: retrieve_rows(value, I) for key, value in X.items()}
    if sp.issparse(X):
        fmt = X.format
        return X.tocsr()[I].asformat(fmt)
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X.iloc[I]
    if isinstance(X, list):
        if isinstance(I, numbers.Integral):
            return X[I]
        return [X[i] for i in _positions(I, len(X))]
    if isinstance(X, np.ndarray) or _is_tensor(X):
        return X[I]
    try:
        return X[I]
    except Exception:
        raise TypeError(f"{type(X)} datatype is not supported") from None


def drop_rows(X, I):
    """``X`` without the samples at positions ``I``.

    Parameters
    ----------
    X : array-like
    I : int or sequence of int

    Returns
    -------
    X_rest : array-like

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.data import drop_rows
    >>> drop_rows(np.arange(5), [0, 3]).tolist()
    [1, 2, 4]
    """
    if isinstance(X, np.ndarray):
        return np.delete(X, I, axis=0)
    n = data_shape(X)[0]
    keep = np.ones(n, dtype=bool)
    keep[I] = False
    if sp.issparse(X):
        return retrieve_rows(X, keep)
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X.iloc[keep]
    if isinstance(X, list):
        return [row for row, k in zip(X, keep) if k]
    if _is_tensor(X):
        return X[torch.as_tensor(keep)]
    raise TypeError(f"{type(X)} datatype is not supported")


def enumerate_data(X):
    """Iterate over ``(index, sample)`` pairs of ``X``.

    Sparse matrices yield one-row CSR matrices and DataFrames ``(label, Series)`` pairs as
    ``DataFrame.iterrows`` does.

    Parameters
    ----------
    X : array-like

    Returns
    -------
    iterator of (int, sample)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.data import enumerate_data
    >>> [(i, row.tolist()) for i, row in enumerate_data(np.eye(2))]
    [(0, [1.0, 0.0]), (1, [0.0, 1.0])]
    """
    if sp.issparse(X):
        return enumerate(X.tocsr())
    if isinstance(X, pd.DataFrame):
        return X.iterrows()
    if isinstance(X, (np.ndarray, list)):
        return enumerate(X)
    raise TypeError(f"{type(X)} datatype is not supported")


def data_shape(X):
    """The shape of ``X`` (lists are read as arrays).

    Parameters
    ----------
    X : array-like

    Returns
    -------
    shape : tuple of int

    Examples
    --------
    >>> from skactive.modal.utils.data import data_shape
    >>> data_shape([[1, 2, 3], [4, 5, 6]])
    (2, 3)
    """
    if hasattr(X, "shape"):
        return tuple(X.shape)
    if isinstance(X, list):
        return np.asarray(X).shape
    raise TypeError(f"{type(X)} datatype is not supported")
