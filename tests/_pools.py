"""A pool object for the out-of-core tests: rows by index and chunks, never one array."""

import numpy as np


class ProtocolPool:
    """A pool object (the protocol of skactive.datasets' pools and the Parquet readers) that
    refuses to become one array.

    It gives rows by an integer index array and chunks through ``iter_chunks``; ``np.asarray``
    raises, so a test fails where a strategy reads the pool whole. ``chunk_sizes`` records the
    rows of every chunk handed out, so that a test can check how the pool was read.
    """

    def __init__(self, X):
        self._X = X
        self.shape = X.shape
        self.dtype = X.dtype
        self.chunk_sizes = []

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, index):
        index = np.asarray(index)
        if index.ndim != 1 or index.dtype.kind not in "iu":
            raise TypeError("rows by an integer index array only")
        return self._X[index].copy()

    def __array__(self, *args, **kwargs):
        raise AssertionError("the whole pool was materialised")

    def iter_chunks(self, chunk_rows):
        for start in range(0, self.shape[0], chunk_rows):
            block = self._X[start:start + chunk_rows].copy()
            self.chunk_sizes.append(len(block))
            yield start, start + len(block), block
