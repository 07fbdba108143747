"""Rows of a file kept on disk, keyed by row number, read by position or streamed in chunks.

What a Parquet file (:class:`ParquetRows`) and a ``.npy`` array (:class:`NpyRows`) share as
the rows of a labeling session: keys ``str(row number)`` computed on demand (no array of n
strings), feature rows read by position for the model (kept in memory up to
:data:`CACHED_ROWS`), the cells of the rows shown on the page, and the unlabeled rows seen
as a :class:`skactive.datasets.PoolView` for a strategy to stream. Each subclass says how
its file is opened, read and written with the answers.
"""

import contextlib
import threading

import numpy as np
import pandas as pd

from ..datasets import PoolView
from ._rows import _sort_classes

#: Rows read by position (labeled rows, the stop set, rows shown) kept in memory so that the
#: next fit does not read them from the file again; beyond it rows are read each time.
CACHED_ROWS = 200_000


class _RowNumberKeys:
    """The keys of a file's rows, ``str(row number)``, computed on demand (no array of n)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, positions):
        positions = np.asarray(positions, dtype=np.int64)
        return np.array([str(p) for p in positions.ravel()], dtype=object)


class _RowNumberIndex:
    """``key -> position`` for row-number keys, as a dict would answer it."""

    def __init__(self, n):
        self.n = n

    def get(self, key, default=None):
        key = str(key)
        if not key.isdigit() or (len(key) > 1 and key[0] == "0"):
            return default  # '007', '-1', '1.0' name no row
        position = int(key)
        return position if position < self.n else default

    def __contains__(self, key):
        return self.get(key) is not None

    def __getitem__(self, key):
        position = self.get(key)
        if position is None:
            raise KeyError(key)
        return position


class PoolRows:
    """The rows of one file on disk to label, keyed by row number (a base, not used alone).

    A subclass sets ``path``, ``columns`` (every column the page shows), ``features`` (the
    model's input columns), ``labeled_positions`` and ``labeled_values``, then calls
    :meth:`_start` with the number of rows and a :class:`skactive.datasets.PoolView` of the
    features; it defines :meth:`_reader` (a reader of the features for one stream),
    :meth:`_display_frame` (the shown columns of some rows), ``write`` and ``close``.
    """

    kind = "table"
    categorical_features = None

    def _start(self, n, view):
        self._n = n
        self._view = view
        self.numeric_features = list(self.features)
        self.keys = _RowNumberKeys(n)
        self.index = _RowNumberIndex(n)
        self._rows = {}    # position -> float64 feature row (within CACHED_ROWS)
        self._cells = {}   # position -> {column: text} of rows shown
        # the training thread and the server's threads read rows; one reader at a time
        self._lock = threading.Lock()

    def __len__(self):
        return self._n

    @property
    def n_features(self):
        return len(self.features)

    @property
    def export_name(self):
        """The name of the exported file in the session's export folder."""
        return self.path.name

    def classes(self, extra=()):
        """The labels present in the file plus ``extra``, sorted (numerically if all numbers)."""
        return _sort_classes([str(c) for c in extra] + list(set(self.labeled_values)))

    def take_X(self, positions):
        """The feature rows at ``positions`` as a DataFrame; rows read before come from memory."""
        positions = np.asarray(positions, dtype=np.int64)
        with self._lock:
            missing = np.unique(np.fromiter(
                (p for p in positions.tolist() if p not in self._rows), dtype=np.int64))
            if len(self._rows) + len(missing) > CACHED_ROWS:
                return self._view[positions]
            if len(missing):
                values = self._view[missing].to_numpy()
                self._rows.update(zip(missing.tolist(), values))
            values = (np.stack([self._rows[p] for p in positions.tolist()]) if len(positions)
                      else np.empty((0, len(self.features))))
        return pd.DataFrame(values, columns=self.features)

    @contextlib.contextmanager
    def pool_view(self, positions):
        """The rows at ``positions`` (increasing) as a :class:`PoolView`, read when streamed.

        The view reads through a reader of its own, closed on leaving the ``with`` block, so
        that streaming the file does not hold up the rows read for the page meanwhile.
        """
        reader = self._reader()
        try:
            yield PoolView(reader, self.features, rows=positions)
        finally:
            close = getattr(reader, "close", None)
            if close is not None:
                close()

    def rows_for_display(self, positions):
        """Each row as ``{column: value as text}``: every column of the picked rows only."""
        positions = [int(p) for p in positions]
        with self._lock:
            missing = sorted({p for p in positions if p not in self._cells})
            if missing:
                frame = self._display_frame(missing)
                text = {c: _cells_text(frame[c].to_numpy()) for c in frame.columns}
                for i, p in enumerate(missing):
                    self._cells[p] = {c: text[c][i] for c in frame.columns}
            return [dict(self._cells[p]) for p in positions]


def _cells_text(values):
    """A column's cells as text: numbers in their shortest form for their own precision
    (a float32 0.1 reads '0.1'), missing cells empty."""
    if values.dtype.kind == "f":
        return ["" if np.isnan(v) else str(v) for v in values]
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in values]
