"""The labels that arrived for rows a strategy saw before they were labeled.

Strategies that learn from their own batches (ALBL, RandomUntilTrusted) keep the predictions
they made for the rows they picked; once those rows are labeled they find the labels in the
learner's labeled set by the rows' values, since the learner keeps no pool positions.
"""

import numpy as np
import pandas as pd


def row_keys(rows):
    """One 64-bit hash per row, equal for equal rows whatever their container (vectorised)."""
    values = rows.to_numpy() if hasattr(rows, "to_numpy") else np.asarray(rows)
    if values.dtype.kind in "biuf":
        values = values.astype(np.float64)  # 3 and 3.0 are the same row
    frame = pd.DataFrame(values.reshape(len(values), -1))
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def labels_of(keys, X_labeled, y_labeled):
    """The latest label of each row of ``keys`` found in the labeled set.

    Parameters
    ----------
    keys : ndarray of uint64
        :func:`row_keys` of the rows asked about.
    X_labeled, y_labeled : array-like
        The learner's labeled set.

    Returns
    -------
    found : ndarray of int
        Positions in ``keys`` of the rows that are labeled.
    labels : ndarray
        Their labels (a row taught twice has its latest label).
    """
    y_labeled = np.asarray(y_labeled)
    # the latest label of each distinct labeled row, found by binary search
    labeled, last = np.unique(row_keys(X_labeled)[::-1], return_index=True)
    if not len(labeled):
        return np.empty(0, dtype=np.intp), y_labeled[:0]
    pos = np.minimum(np.searchsorted(labeled, keys), len(labeled) - 1)
    found = np.flatnonzero(labeled[pos] == keys)
    return found, y_labeled[::-1][last[pos[found]]]
