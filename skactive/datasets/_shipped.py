"""Loaders for data shipped inside the package."""

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._base import _data_path, _load_descr

__all__ = ["load_telescope"]

TELESCOPE_FILE = "magic04.csv.gz"
TELESCOPE_FEATURES = [
    "fLength", "fWidth", "fSize", "fConc", "fConc1",
    "fAsym", "fM3Long", "fM3Trans", "fAlpha", "fDist",
]  # fmt: skip
TELESCOPE_TARGET = "class"

# pandas < 3 needs the round-trip parser to give correctly rounded floats; pandas 3
# does so by default and deprecates the option.
_EXACT_FLOATS = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def load_telescope(*, return_X_y=False, as_frame=False):
    """Load the MAGIC Gamma Telescope data set (binary classification).

    19,020 simulated Cherenkov telescope events, 10 continuous image features,
    class ``'g'`` (gamma, signal, 12,332 events) or ``'h'`` (hadron,
    background, 6,688 events).  The data ship with skactive (UCI, CC BY 4.0;
    Bock et al. 2004), rows in the original order, the 115 exact duplicate
    rows of the original included.  Read the full description in ``DESCR``.

    =================   ==============
    Classes                          2
    Samples total                19020
    Dimensionality                  10
    Features            real, float64
    =================   ==============

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame, ``target`` a pandas Series
        named ``'class'`` and ``frame`` a DataFrame holding both.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        data : ndarray of shape (19020, 10), dtype float64, or DataFrame
            The features.
        target : ndarray of shape (19020,), dtype object, or Series
            The original string labels ``'g'`` and ``'h'``.
        frame : DataFrame of shape (19020, 11) or None
            Features and target together; None unless ``as_frame=True``.
        feature_names : list of str
            ``['fLength', 'fWidth', ..., 'fDist']``.
        target_names : ndarray of shape (2,)
            ``array(['g', 'h'], dtype=object)``.
        DESCR : str
            Description and attribution.

    (data, target) : tuple if ``return_X_y`` is True
        The features and the labels described above.

    See Also
    --------
    load_table : Load a table of your own.

    Examples
    --------
    >>> from skactive.datasets import load_telescope
    >>> X, y = load_telescope(return_X_y=True)
    >>> X.shape, X.dtype
    ((19020, 10), dtype('float64'))
    >>> int((y == 'g').sum()), int((y == 'h').sum())
    (12332, 6688)
    >>> load_telescope().target_names.tolist()
    ['g', 'h']
    """
    with _data_path(TELESCOPE_FILE).open("rb") as fh:
        frame = pd.read_csv(
            fh,
            compression="gzip",
            dtype={**{name: np.float64 for name in TELESCOPE_FEATURES}, TELESCOPE_TARGET: object},
            **_EXACT_FLOATS,
        )
    data = frame[TELESCOPE_FEATURES]
    target = frame[TELESCOPE_TARGET]
    if not as_frame:
        data = data.to_numpy(dtype=np.float64)
        target = target.to_numpy(dtype=object)
        frame = None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=list(TELESCOPE_FEATURES),
        target_names=np.array(["g", "h"], dtype=object),
        DESCR=_load_descr("telescope.rst"),
    )
