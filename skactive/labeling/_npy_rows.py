"""A ``.npy`` array of rows to label, memory-mapped and never read whole; no row labeled yet.

An array carries no labels: it is the "file with blank labels" with every label blank, so
the session needs the classes named, and export writes the answers beside it as a small
table (row number, label) rather than into the array. Rows are keyed by their row number
(``'0'``, ``'1'``, ...) and the columns are named ``x0``, ``x1``, ... on the page.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from ..datasets import PoolView, open_pool
from ..utils import atomic_write
from ._pool_rows import PoolRows


class NpyRows(PoolRows):
    """The rows of one ``.npy`` array to label, for :class:`LabelingSession`.

    Parameters
    ----------
    path : str or path-like
        A 2-D numeric array saved with :func:`numpy.save`, opened with
        ``np.load(path, mmap_mode='r')``.

    Attributes
    ----------
    kind : 'table'
    columns, features : list of str
        ``x0``, ``x1``, ...: every column of the array is a feature.
    keys, index
        Row keys (``str(row number)``) and ``key -> row number``, computed on demand.
    labeled_positions, labeled_values : empty arrays
        No row of an array is labeled.
    """

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.is_file():
            raise ValueError(f"{self.path} is not a file; give the file of rows to label.")
        self._array = open_pool(self.path)  # a read-only memory map; refuses non-2-D, text
        n, width = self._array.shape
        if n == 0:
            raise ValueError(f"{self.path} has no rows to label.")
        if width == 0:
            raise ValueError(f"{self.path} has rows of no columns: a pool needs features.")
        self.features = [f"x{j}" for j in range(width)]
        self.columns = list(self.features)
        self.labeled_positions = np.empty(0, dtype=np.int64)
        self.labeled_values = np.empty(0, dtype=object)
        self._start(n, PoolView(self._array, self.features))

    @property
    def export_name(self):
        """``STEM_labels.csv``: the answers go beside the array, which cannot hold them."""
        return f"{self.path.stem}_labels.csv"

    def _reader(self):
        return self._array

    def _display_frame(self, positions):
        return pd.DataFrame(np.asarray(self._array[positions]), columns=self.columns)

    def write(self, path, answers):
        """Write ``answers`` as a CSV table ``row,label``, by increasing row number.

        The file is written beside ``path`` and renamed into place.
        """
        positions = np.array([self.index[k] for k in answers if k in self.index],
                             dtype=np.int64)
        labels = np.array([str(answers[k]) for k in answers if k in self.index], dtype=object)
        order = np.argsort(positions, kind="stable")
        with atomic_write(path) as fh:  # an interrupted export leaves the old file
            pd.DataFrame({"row": positions[order], "label": labels[order]}).to_csv(
                fh, index=False)
        return Path(path)

    def close(self):
        """Nothing to close: the memory map goes with the last reference to it."""
