"""Pools on disk: a memory-mapped ``.npy`` array or a Parquet file read a few row groups at a time.

Both answer the same small protocol that the chunked code paths duck-type on: ``shape``,
``len()``, ``pool[indices]`` / ``pool[start:stop]`` (a float32 array of those rows only) and
``iter_chunks(chunk_rows)`` yielding ``(start, stop, rows)``. Nothing here reads a whole file
into memory unless asked for every row.
"""

import os
from pathlib import Path

import numpy as np

from ..utils import check_int, iter_chunks, take_rows

#: File name endings :func:`open_pool` reads, by kind.
PARQUET_SUFFIXES = (".parquet", ".pq")
NPY_SUFFIXES = (".npy",)


def _import_pyarrow():
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("Reading a Parquet pool needs pyarrow: pip install pyarrow (or the "
                          "'parquet' extra, pip install 'skactive[parquet]').") from None
    return pq


def _is_numeric(arrow_type):
    import pyarrow.types as pat

    return pat.is_integer(arrow_type) or pat.is_floating(arrow_type) or pat.is_boolean(arrow_type)


def _describe(arrow_type):
    import pyarrow.types as pat

    if pat.is_string(arrow_type) or pat.is_large_string(arrow_type):
        return "text"
    return str(arrow_type)


class ParquetPool:
    """A Parquet file of numeric columns, read as float32 rows a few row groups at a time.

    The pool never holds the file in memory: ``len()`` and ``shape`` come from the file's
    metadata, ``pool[indices]`` reads only the row groups that hold those rows, and
    :meth:`iter_chunks` streams the file in chunks of a chosen size. ``np.asarray(pool)`` is
    refused, so that nothing loads the whole file by accident; ``pool[:]`` reads every row
    when that is what you want. ``pool[rows, columns]`` indexes as on an ndarray, after
    reading those rows. Open one with :func:`open_pool`.

    Parameters
    ----------
    path : str or path-like
        A Parquet file.
    columns : list of str, default=None
        The feature columns, in this order; every column of the file by default. Each must
        hold integers, floats or booleans without missing values.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    columns : list of str
        The feature columns read, in order (``feature_names`` is the same list).
    shape : tuple of int
        ``(n_rows, n_columns)``.
    dtype : numpy.dtype
        Always float32: the dtype of the rows returned.
    row_group_offsets : ndarray of int64 of shape (n_row_groups + 1,)
        The first row of each row group, then the number of rows.

    Raises
    ------
    ValueError
        When a chosen column is missing, is not numeric, or holds missing values (as far as
        the file's statistics tell; a missing value found later while reading is an error too).

    See Also
    --------
    open_pool : Open a ``.npy`` or Parquet pool.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np, pandas as pd
    >>> from skactive.datasets import open_pool
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.parquet"
    >>> frame = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10) * 2, "id": list("abcdefghij")})
    >>> frame.to_parquet(path, row_group_size=4)
    >>> pool = open_pool(path, columns=["a", "b"])
    >>> pool.shape, pool.columns
    ((10, 2), ['a', 'b'])
    >>> pool[[9, 0]]
    array([[ 9., 18.],
           [ 0.,  0.]], dtype=float32)
    >>> [(start, stop) for start, stop, rows in pool.iter_chunks(6)]
    [(0, 6), (6, 10)]
    >>> pool.frame([1])  # every column of the file, values as stored
         a  b id
    0  1.0  2  b
    """

    ndim = 2
    dtype = np.dtype(np.float32)

    def __init__(self, path, columns=None):
        pq = _import_pyarrow()
        self.path = Path(path)
        try:
            # pre_buffer (pyarrow's default) makes iter_batches read ahead the whole file:
            # off, a stream holds one row group at a time
            self._file = pq.ParquetFile(os.fspath(self.path), pre_buffer=False)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise ValueError(f"{self.path} is not a readable Parquet file: {exc}") from None
        schema = self._file.schema_arrow
        names = list(schema.names)
        if columns is None:
            columns = names
        elif isinstance(columns, str):
            columns = [columns]
        columns = [str(c) for c in columns]
        if not columns:
            raise ValueError(f"columns is empty: name at least one column of {self.path}.")
        missing = [c for c in columns if c not in names]
        if missing:
            raise ValueError(f"{self.path} has no column(s) {missing}; its columns are "
                             f"{names}. Choose the feature columns with columns=[...].")
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise ValueError(f"columns names {repeated} more than once.")
        wrong = [f"{c} ({_describe(schema.field(c).type)})" for c in columns
                 if not _is_numeric(schema.field(c).type)]
        if wrong:
            numeric = [c for c in names if _is_numeric(schema.field(c).type)]
            raise ValueError(
                f"{self.path}: column(s) {', '.join(wrong)} are not numeric; a pool holds "
                f"numbers only. Encode them as numbers, or leave them out with columns=[...] "
                f"(the file's numeric columns are {numeric}).")
        self.columns = columns
        metadata = self._file.metadata
        sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
        self.row_group_offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        self._positions = [names.index(c) for c in columns]
        self._check_statistics(metadata)

    def _check_statistics(self, metadata):
        """Refuse at once the columns whose statistics count missing values (no data read)."""
        leaf = {metadata.schema.column(i).name: i for i in range(metadata.num_columns)}
        counts = {}
        for g in range(metadata.num_row_groups):
            group = metadata.row_group(g)
            for name in self.columns:
                stats = group.column(leaf[name]).statistics if name in leaf else None
                if stats is not None and stats.has_null_count and stats.null_count:
                    counts[name] = counts.get(name, 0) + stats.null_count
        if counts:
            self._missing_error(counts)

    def _missing_error(self, counts):
        listed = ", ".join(f"{c} ({n} missing)" for c, n in counts.items())
        raise ValueError(
            f"{self.path}: column(s) {listed} have missing values; a pool's features must all "
            "be filled in. Fill them in (for example with the column's median) before writing "
            "the file, or leave those columns out with columns=[...].")

    # ---------------------------------------------------------------- the protocol
    @property
    def feature_names(self):
        """The feature columns read, in order (the same list as ``columns``)."""
        return self.columns

    @property
    def shape(self):
        """``(n_rows, n_columns)``, from the file's metadata."""
        return int(self.row_group_offsets[-1]), len(self.columns)

    @property
    def n_row_groups(self):
        """Number of row groups in the file."""
        return len(self.row_group_offsets) - 1

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        return (f"ParquetPool({str(self.path)!r}, shape={self.shape}, "
                f"row_groups={self.n_row_groups})")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"{self!r} is not loaded into memory as a whole: stream it with "
            "pool.iter_chunks(chunk_rows), read rows with pool[indices] or "
            "pool[start:stop], or read every row with pool[:] if it fits in memory.")

    def _to_array(self, table):
        out = np.empty((table.num_rows, len(self.columns)), dtype=np.float32)
        nulls = {}
        for j, name in enumerate(self.columns):
            column = table.column(name)
            if column.null_count:
                nulls[name] = column.null_count
                continue
            out[:, j] = column.to_numpy(zero_copy_only=False)
        if nulls:
            self._missing_error(nulls)
        return out

    def _read_groups(self, groups):
        return self._to_array(self._file.read_row_groups(list(groups), columns=self.columns,
                                                         use_threads=False))

    def __getitem__(self, key):
        n = len(self)
        if isinstance(key, tuple):  # pool[rows, ...], pool[rows, columns]: numpy's meaning
            return self._getitem_tuple(key)
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step == 1:
                return self._read_range(start, max(start, stop))
            key = np.arange(start, stop, step)
        scalar = np.ndim(key) == 0
        index = np.asarray(key)
        if index.dtype == bool:
            if index.shape != (n,):
                raise IndexError(f"A boolean mask must have one entry per row ({n}), got shape "
                                 f"{index.shape}.")
            index = np.flatnonzero(index)
        if index.size == 0:
            index = index.astype(np.int64)
        if not np.issubdtype(index.dtype, np.integer):
            raise IndexError(f"Index a pool with integers, a slice or a boolean mask, got "
                             f"{index.dtype}.")
        if index.ndim > 1:
            raise IndexError(f"Row indices must be 1-dimensional, got shape {index.shape}.")
        index = index.reshape(-1).astype(np.int64)
        bad = (index < -n) | (index >= n)
        if bad.any():
            raise IndexError(f"Row index {int(index[bad][0])} is out of range for a pool of "
                             f"{n} rows.")
        index = np.where(index < 0, index + n, index)
        rows = self._take(index)
        return rows[0] if scalar else rows

    def _getitem_tuple(self, key):
        if not key:
            return self[:]
        first, rest = key[0], key[1:]
        if first is Ellipsis:
            first, rest = slice(None), (Ellipsis,) + rest
        if isinstance(first, slice):
            return self[first][(slice(None),) + rest]
        if np.ndim(first) == 0:
            return self[first][rest]
        # an index array: read the rows it names once, then let numpy index them, so that
        # several index arrays broadcast together as they do on an ndarray
        index = np.asarray(first)
        if index.dtype == bool:
            if index.shape != (len(self),):
                return self[index]  # the error of a mask of the wrong length
            index = np.flatnonzero(index)
        unique, inverse = np.unique(index, return_inverse=True)
        return self[unique][(inverse.reshape(index.shape),) + rest]

    def _read_range(self, start, stop):
        out = np.empty((stop - start, len(self.columns)), dtype=np.float32)
        if stop == start:
            return out
        offsets = self.row_group_offsets
        first = int(np.searchsorted(offsets, start, side="right")) - 1
        last = int(np.searchsorted(offsets, stop, side="left"))
        for g in range(first, last):
            lo, hi = max(start, offsets[g]), min(stop, offsets[g + 1])
            rows = self._read_groups([g])
            out[lo - start:hi - start] = rows[lo - offsets[g]:hi - offsets[g]]
        return out

    def _take(self, index):
        out = np.empty((len(index), len(self.columns)), dtype=np.float32)
        groups = np.searchsorted(self.row_group_offsets, index, side="right") - 1
        order = np.argsort(groups, kind="stable")
        bounds = np.flatnonzero(np.diff(groups[order])) + 1
        for part in np.split(order, bounds) if len(order) else []:
            g = int(groups[part[0]])
            rows = self._read_groups([g])
            out[part] = rows[index[part] - self.row_group_offsets[g]]
        return out

    def iter_chunks(self, chunk_rows):
        """Stream the pool: ``(start, stop, rows)`` for consecutive chunks of ``chunk_rows``.

        Every chunk but the last has exactly ``chunk_rows`` rows, wherever the file's row
        groups end; at most one row group and one chunk are held at a time.

        Parameters
        ----------
        chunk_rows : int
            Rows per chunk.

        Yields
        ------
        start, stop : int
            The chunk's rows are ``start`` to ``stop - 1``.
        rows : ndarray of float32 of shape (stop - start, n_columns)

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import pandas as pd
        >>> from skactive.datasets import open_pool
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.parquet"
        >>> pd.DataFrame({"x": range(5)}).to_parquet(path, row_group_size=2)
        >>> [(start, stop, rows.ravel().tolist())
        ...  for start, stop, rows in open_pool(path).iter_chunks(3)]
        [(0, 3, [0.0, 1.0, 2.0]), (3, 5, [3.0, 4.0])]
        """
        chunk_rows = int(chunk_rows)
        if chunk_rows < 1:
            raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}.")
        pending, held, start = [], 0, 0
        batches = self._file.iter_batches(batch_size=chunk_rows, columns=self.columns,
                                          use_threads=False)
        for batch in batches:
            pending.append(self._to_array(batch))
            held += batch.num_rows
            while held >= chunk_rows:
                rows = pending[0] if len(pending) == 1 else np.concatenate(pending)
                chunk, rest = rows[:chunk_rows], rows[chunk_rows:]
                yield start, start + chunk_rows, chunk
                start += chunk_rows
                pending, held = ([rest] if len(rest) else []), len(rest)
        if held:
            rows = pending[0] if len(pending) == 1 else np.concatenate(pending)
            yield start, start + held, rows

    def frame(self, indices, columns=None):
        """The rows at ``indices`` as a DataFrame of the file's own values (any column type).

        Reads only the row groups that hold those rows. For showing picked rows with their
        identifiers and text, which the float32 feature rows leave out.

        Parameters
        ----------
        indices : array-like of int
            Row positions, in the order wanted.
        columns : list of str, default=None
            Columns to read; every column of the file by default.

        Returns
        -------
        rows : DataFrame
            One row per index, in that order, with a fresh 0-based index.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import pandas as pd
        >>> from skactive.datasets import open_pool
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.parquet"
        >>> pd.DataFrame({"x": [1.5, 2.5], "name": ["a", "b"]}).to_parquet(path)
        >>> open_pool(path, columns=["x"]).frame([1])
             x name
        0  2.5    b
        """
        import pandas as pd

        index = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(self)
        if ((index < 0) | (index >= n)).any():
            raise IndexError(f"Row indices must be between 0 and {n - 1}.")
        names = list(self._file.schema_arrow.names) if columns is None else list(columns)
        groups = np.searchsorted(self.row_group_offsets, index, side="right") - 1
        parts, where = [], []
        for g in np.unique(groups):
            mask = groups == g
            table = self._file.read_row_groups([int(g)], columns=names, use_threads=False)
            parts.append(table.take(index[mask] - self.row_group_offsets[g]).to_pandas())
            where.append(np.flatnonzero(mask))
        if not parts:
            return self._file.schema_arrow.empty_table().select(names).to_pandas()
        rows = pd.concat(parts, ignore_index=True)
        order = np.empty(len(index), dtype=np.int64)
        order[np.concatenate(where)] = np.arange(len(index))
        return rows.iloc[order].reset_index(drop=True)

    def column_chunks(self, name, chunk_rows):
        """Stream one column of the file, as stored, in chunks of ``chunk_rows`` rows.

        For columns that are no features (a label column, identifiers): each chunk is a
        pandas Series of the file's own values.

        Parameters
        ----------
        name : str
            A column of the file.
        chunk_rows : int
            Rows per chunk (pyarrow may cut a chunk short at a row group's end).

        Yields
        ------
        values : Series

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import pandas as pd
        >>> from skactive.datasets import open_pool
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.parquet"
        >>> pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": ["a", None, "b"]}).to_parquet(path)
        >>> [s.isna().tolist() for s in open_pool(path, columns=["x"]).column_chunks("y", 2)]
        [[False, True], [False]]
        """
        if name not in self._file.schema_arrow.names:
            raise ValueError(f"{self.path} has no column {name!r}.")
        for batch in self._file.iter_batches(batch_size=int(chunk_rows), columns=[name],
                                             use_threads=False):
            yield batch.column(0).to_pandas()

    @property
    def file_columns(self):
        """Every column of the file, numeric or not."""
        return list(self._file.schema_arrow.names)

    def close(self):
        """Close the file."""
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PoolView:
    """A pool of plain numbers seen as DataFrames of named columns, optionally some rows only.

    A model fitted on a DataFrame (a Pipeline whose ``ColumnTransformer`` selects columns by
    name, as :func:`skactive.experiment.make_model` builds for tables) cannot read bare
    arrays. Through this view a ``.npy`` or Parquet pool (or any array) reaches it as it would
    a table: every chunk the view streams (:meth:`iter_chunks`) and every set of rows it gives
    (``view[indices]``) is a DataFrame with the feature names, of ``dtype`` values (float64,
    as a CSV table is read). ``rows`` restricts the view to some rows of the pool, for
    example those still without a label: the view's row ``i`` is the pool's row ``rows[i]``.
    Values are checked to be finite as they are read.

    The view follows the pool protocol of :func:`skactive.utils.iter_chunks`, so that every
    streaming strategy scores it one chunk at a time; ``np.asarray(view)`` is refused, so that
    nothing loads the pool whole by accident (``view[:]`` reads every row when wanted).

    Parameters
    ----------
    pool : ndarray, memmap, ParquetPool or pool object of shape (n_rows, n_columns)
        The rows, numbers only (a :func:`open_pool` result, for one).
    columns : list of str
        The names of the pool's columns, in order.
    rows : array-like of int, default=None
        Increasing positions of the pool rows the view holds; every row by default.
    dtype : dtype, default=numpy.float64
        The values' type in the DataFrames given.

    Attributes
    ----------
    pool : array or pool object
        The pool viewed.
    columns : list of str
        The column names (``feature_names`` is the same list).
    rows : ndarray of int or None
        The pool rows held, or None for every row.
    shape : tuple of int
        ``(n_rows_in_view, n_columns)``.

    Raises
    ------
    ValueError
        When ``columns`` does not fit the pool's width or ``rows`` is not increasing within
        the pool; when a value read is NaN or infinite (saying where).

    See Also
    --------
    open_pool : Open a ``.npy`` or Parquet pool.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.datasets import PoolView
    >>> pool = np.arange(12, dtype=np.float32).reshape(6, 2)
    >>> view = PoolView(pool, ["a", "b"], rows=[1, 2, 4, 5])
    >>> len(view), view.shape
    (4, (4, 2))
    >>> view[[3, 0]]
          a     b
    0  10.0  11.0
    1   2.0   3.0
    >>> [(start, stop, chunk["a"].tolist()) for start, stop, chunk in view.iter_chunks(3)]
    [(0, 3, [2.0, 4.0, 8.0]), (3, 4, [10.0])]
    >>> view.pool_rows([3, 0]).tolist()
    [5, 1]
    """

    ndim = 2

    def __init__(self, pool, columns, rows=None, dtype=np.float64):
        self.pool = pool
        self.columns = [str(c) for c in columns]
        self.dtype = np.dtype(dtype)
        n_pool, width = pool.shape[0], pool.shape[1]
        if width != len(self.columns):
            raise ValueError(f"The pool has {width} columns but {len(self.columns)} names were "
                             f"given ({self.columns}): name each column once, in order.")
        if rows is not None:
            rows = np.asarray(rows)
            if rows.ndim != 1 or (rows.size and rows.dtype.kind not in "iu"):
                raise ValueError("rows must be a 1-dimensional array of row positions.")
            rows = rows.astype(np.intp)
            if rows.size and (rows[0] < 0 or rows[-1] >= n_pool
                              or (np.diff(rows) <= 0).any()):
                raise ValueError(f"rows must be increasing positions between 0 and "
                                 f"{n_pool - 1}.")
        self.rows = rows

    @property
    def feature_names(self):
        """The column names (the same list as ``columns``)."""
        return self.columns

    @property
    def shape(self):
        """``(n_rows_in_view, n_columns)``."""
        n = self.pool.shape[0] if self.rows is None else len(self.rows)
        return int(n), len(self.columns)

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        return f"PoolView({self._name()}, shape={self.shape})"

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"{self!r} is not loaded into memory as a whole: stream it with "
            "view.iter_chunks(chunk_rows), read rows with view[indices], or read every row "
            "with view[:] if it fits in memory.")

    def _name(self):
        path = getattr(self.pool, "path", None) or getattr(self.pool, "filename", None)
        return f"the pool file {path}" if path else f"a pool of {self.pool.shape[0]:,} rows"

    def pool_rows(self, indices):
        """The pool's positions of the view's rows ``indices``.

        Parameters
        ----------
        indices : array-like of int

        Returns
        -------
        positions : ndarray of int
        """
        indices = np.asarray(indices, dtype=np.intp)
        return indices if self.rows is None else self.rows[indices]

    def _frame(self, values, sources):
        bad = ~np.isfinite(values)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            name = self._name()
            raise ValueError(f"{name[0].upper()}{name[1:]} holds {values[r, c]} in row "
                             f"{int(sources[r])} (0-based), column {self.columns[c]!r}: a "
                             "pool's features must be finite numbers. Fill in or remove that "
                             "row.")
        import pandas as pd

        return pd.DataFrame(values.astype(self.dtype, copy=False), columns=self.columns)

    def __getitem__(self, key):
        n = len(self)
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step == 1 and self.rows is None:
                stop = max(start, stop)
                return self._frame(np.asarray(self.pool[start:stop]), np.arange(start, stop))
            key = np.arange(start, stop, step)
        index = np.asarray(key)
        if index.dtype == bool and index.shape == (n,):
            index = np.flatnonzero(index)
        if index.ndim != 1 or (index.size and index.dtype.kind not in "iu"):
            raise IndexError("Index a PoolView with a 1-dimensional array of row positions, "
                             "a boolean mask or a slice.")
        index = index.astype(np.intp)
        if index.size and (index.min() < -n or index.max() >= n):
            raise IndexError(f"Row positions must be between {-n} and {n - 1}.")
        sources = self.pool_rows(np.where(index < 0, index + n, index))
        return self._frame(np.asarray(take_rows(self.pool, sources)), sources)

    def iter_chunks(self, chunk_rows):
        """Stream the view: ``(start, stop, frame)`` for consecutive chunks of ``chunk_rows``.

        Every chunk but the last has exactly ``chunk_rows`` rows, however the pool's own
        chunks fall and whichever rows the view leaves out; one chunk of the pool is read at
        a time (:func:`skactive.utils.iter_chunks`).

        Parameters
        ----------
        chunk_rows : int
            Rows per chunk.

        Yields
        ------
        start, stop : int
            The chunk holds the view's rows ``start`` to ``stop - 1``.
        frame : DataFrame of shape (stop - start, n_columns)
        """
        chunk_rows = check_int("chunk_rows", chunk_rows, 1)
        pending, held, start = [], 0, 0
        for lo, hi, block in iter_chunks(self.pool, chunk_rows):
            block = np.asarray(block)
            sources = np.arange(lo, hi)
            if self.rows is not None:
                a, b = np.searchsorted(self.rows, [lo, hi])
                sources = self.rows[a:b]
                block = block[sources - lo]
            if not len(sources):
                continue
            pending.append((block, sources))
            held += len(sources)
            while held >= chunk_rows:
                values, where = _joined(pending)
                yield start, start + chunk_rows, self._frame(values[:chunk_rows],
                                                             where[:chunk_rows])
                start += chunk_rows
                held -= chunk_rows
                pending = [(values[chunk_rows:], where[chunk_rows:])] if held else []
        if held:
            values, where = _joined(pending)
            yield start, start + held, self._frame(values, where)


def _joined(parts):
    if len(parts) == 1:
        return parts[0]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


def _open_npy(path):
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:  # object arrays cannot be memory-mapped; or not a .npy file
        raise ValueError(f"{path} cannot be memory-mapped as a numeric array ({exc}); save "
                         "the pool as a 2-D numeric array, e.g. np.save(path, "
                         "X.astype(np.float32)).") from None
    if not isinstance(array, np.ndarray):
        raise ValueError(f"{path} holds several arrays (an .npz archive); save the pool alone "
                         "with np.save.")
    if array.ndim != 2:
        raise ValueError(f"{path} holds an array of shape {array.shape}; a pool is 2-D, one row "
                         "per sample: save it with shape (n_samples, n_features).")
    if array.dtype.names is not None or not (np.issubdtype(array.dtype, np.number)
                                              or array.dtype == bool):
        raise ValueError(f"{path} holds {array.dtype} values; a pool holds numbers only: save "
                         "it as float32, e.g. np.save(path, X.astype(np.float32)).")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"{path} holds complex numbers; a pool holds real numbers.")
    return array


def open_pool(path, *, columns=None):
    """Open a pool on disk without reading it: a ``.npy`` file or a Parquet file.

    Parameters
    ----------
    path : str or path-like
        A ``.npy`` file (a 2-D numeric array, saved with :func:`numpy.save`) or a Parquet file
        (``.parquet`` or ``.pq``) of numeric columns.
    columns : list of str, default=None
        Parquet only: the feature columns, in order (every column by default). A ``.npy``
        array's columns have no names.

    Returns
    -------
    numpy.memmap or ParquetPool
        For ``.npy``, ``np.load(path, mmap_mode='r')``: a read-only memory map, not a copy.
        For Parquet, a :class:`ParquetPool`. Both have ``shape``, ``len()`` and row indexing
        (float32 rows for Parquet); a ParquetPool also streams with ``iter_chunks``.

    Raises
    ------
    ValueError
        For another file type, an array that is not 2-D and numeric, or Parquet columns that
        are missing, not numeric or hold missing values; the message says what to do.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from skactive.datasets import open_pool
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.npy"
    >>> np.save(path, np.arange(12, dtype=np.float32).reshape(4, 3))
    >>> pool = open_pool(path)
    >>> type(pool).__name__, pool.shape, pool[[3]].tolist()
    ('memmap', (4, 3), [[9.0, 10.0, 11.0]])
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise FileNotFoundError(f"No such pool file: {path}")
    if suffix in NPY_SUFFIXES:
        if columns is not None:
            raise ValueError(f"{path} is a .npy array, whose columns have no names; columns= "
                             "goes with a Parquet pool.")
        return _open_npy(path)
    if suffix in PARQUET_SUFFIXES:
        return ParquetPool(path, columns=columns)
    raise ValueError(f"{path}: a pool file is a .npy array or a Parquet file (.parquet, .pq), "
                     f"not {suffix or 'a file without an ending'}.")


def is_pool_file(path):
    """Tell whether ``path`` names a pool file :func:`open_pool` reads (by its ending).

    Parameters
    ----------
    path : str or path-like
        A file name; the file need not exist.

    Returns
    -------
    bool
        True for ``.parquet``, ``.pq`` and ``.npy`` files.

    Examples
    --------
    >>> from skactive.datasets import is_pool_file
    >>> is_pool_file("pool.parquet"), is_pool_file("pool.npy"), is_pool_file("pool.csv")
    (True, True, False)
    """
    return Path(str(path)).suffix.lower() in PARQUET_SUFFIXES + NPY_SUFFIXES
