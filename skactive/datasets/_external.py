"""Loaders for benchmark data that skactive may not ship.

The files are read from a data folder the user fills (see
:func:`~skactive.datasets.get_data_home`) and verified against the sha256
checksums of the copies skactive was tested with.  Nothing is downloaded.
"""

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._base import _check_file, _load_descr, _resolve_data_home, iter_lines, read_text

__all__ = ["load_employee", "load_mr"]

EMPLOYEE_FILE = ("employee", "train.csv")
EMPLOYEE_SHA256 = "c50b119438fb8c8e84b2ddb9c0a28c76cb01afa3dc78b920cfea36eb506843a7"
EMPLOYEE_TARGET = "ACTION"
EMPLOYEE_FEATURES = [
    "RESOURCE", "MGR_ID", "ROLE_ROLLUP_1", "ROLE_ROLLUP_2", "ROLE_DEPTNAME",
    "ROLE_TITLE", "ROLE_FAMILY_DESC", "ROLE_FAMILY", "ROLE_CODE",
]  # fmt: skip
EMPLOYEE_HOW_TO_OBTAIN = (
    "Its licence does not allow skactive to ship it: download train.csv from the Kaggle "
    "competition 'Amazon.com - Employee Access Challenge' "
    "(https://www.kaggle.com/c/amazon-employee-access-challenge/data) and save it as "
    "<data_home>/employee/train.csv."
)

MR_FILES = {  # class index -> (file name, sha256)
    0: ("rt-polarity.neg", "4ace77d558c3714723843f1d65b60c01e3417b208180f0728808d76ad0eeeaca"),
    1: ("rt-polarity.pos", "2da124ec187a9d5a29c9f04e91c540e02baed5af8868f550a26bd6fd4dbf8bf0"),
}
MR_HOW_TO_OBTAIN = (
    "Its licence does not allow skactive to ship it: download Pang & Lee's 'sentence "
    "polarity dataset v1.0' (rt-polaritydata.tar.gz) from Cornell, "
    "http://www.cs.cornell.edu/people/pabo/movie-review-data/, and extract rt-polarity.pos "
    "and rt-polarity.neg into <data_home>/mr/."
)


def load_employee(data_home=None, *, return_X_y=False, as_frame=False):
    """Load the Amazon.com Employee Access data (binary classification).

    32,769 access requests, 9 integer-coded categorical features, target
    ``ACTION`` (1 = approved: 30,872; 0 = denied: 1,897).  The data may not be
    shipped, so they are read from ``<data_home>/employee/train.csv`` (the
    Kaggle competition's ``train.csv``), whose sha256 is checked first.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding ``employee/train.csv``.  If None, use the
        ``SKACTIVE_DATA`` environment variable, else ``~/skactive_data``
        (see :func:`get_data_home`).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame, ``target`` a Series named
        ``'ACTION'`` and ``frame`` a DataFrame holding both.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        data : ndarray of shape (32769, 9), dtype int64, or DataFrame
            The category codes, unchanged.
        target : ndarray of shape (32769,), dtype int64, or Series
            ``ACTION``: 1 approved, 0 denied.
        frame : DataFrame of shape (32769, 10) or None
            Features and target together; None unless ``as_frame=True``.
        feature_names : list of str
            ``['RESOURCE', 'MGR_ID', ..., 'ROLE_CODE']``.
        target_names : ndarray of shape (2,)
            ``['denied', 'approved']``, indexed by the target value.
        DESCR : str
            Description, source and licence.

    (data, target) : tuple if ``return_X_y`` is True
        The features and the labels described above.

    Raises
    ------
    FileNotFoundError
        If ``employee/train.csv`` is not in the data folder.  The message gives
        the path looked for and where to download the file.
    ValueError
        If the file's sha256 differs from the expected one.

    See Also
    --------
    get_data_home : Resolve the data folder.
    make_table_preprocessor : One-hot encode the category codes.

    Examples
    --------
    Without the file, the error says where it was looked for:

    >>> from skactive.datasets import load_employee
    >>> try:
    ...     load_employee(data_home="/no/such/folder")
    ... except FileNotFoundError as exc:
    ...     print(exc.filename)
    /no/such/folder/employee/train.csv

    With ``train.csv`` in place:

    >>> X, y = load_employee(return_X_y=True)  # doctest: +SKIP
    >>> X.shape, int(y.sum())  # doctest: +SKIP
    ((32769, 9), 30872)
    """
    root, how = _resolve_data_home(data_home)
    path = _check_file(
        root.joinpath(*EMPLOYEE_FILE),
        EMPLOYEE_SHA256,
        "the Amazon.com Employee Access data (train.csv)",
        EMPLOYEE_HOW_TO_OBTAIN,
        how,
    )
    frame = pd.read_csv(path, dtype=np.int64)
    frame = frame[EMPLOYEE_FEATURES + [EMPLOYEE_TARGET]]
    data = frame[EMPLOYEE_FEATURES]
    target = frame[EMPLOYEE_TARGET]
    if not as_frame:
        data = data.to_numpy(dtype=np.int64)
        target = target.to_numpy(dtype=np.int64)
        frame = None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=list(EMPLOYEE_FEATURES),
        target_names=np.array(["denied", "approved"], dtype=object),
        DESCR=_load_descr("employee.rst"),
    )


def load_mr(data_home=None, *, encoding="latin-1", return_X_y=False, as_frame=False):
    """Load the MR movie-review sentence polarity data (binary text classification).

    10,662 sentences, 5,331 negative (target 0) and 5,331 positive (target 1).
    The data may not be shipped, so they are read from
    ``<data_home>/mr/rt-polarity.neg`` and ``rt-polarity.pos`` (Pang & Lee's
    sentence polarity dataset v1.0), whose sha256 checksums are checked first.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding ``mr/rt-polarity.pos`` and ``mr/rt-polarity.neg``.  If
        None, use the ``SKACTIVE_DATA`` environment variable, else
        ``~/skactive_data`` (see :func:`get_data_home`).
    encoding : str, default='latin-1'
        Encoding of the files, which are Windows-1252 / latin-1 bytes, not
        UTF-8.  ``'cp1252'`` decodes bytes such as 0x85 and 0x97 to typographic
        punctuation ('…', '—') instead of C1 control characters.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas Series named ``'text'``, ``target`` a
        Series named ``'label'`` and ``frame`` a DataFrame holding both.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        data : ndarray of shape (10662,), dtype object, or Series
            One str per sentence, trailing whitespace removed; the negative
            sentences first, then the positive ones, each in file order.
        target : ndarray of shape (10662,), dtype int64, or Series
            1 for a positive sentence, 0 for a negative one.
        frame : DataFrame of shape (10662, 2) or None
            Text and label together; None unless ``as_frame=True``.
        feature_names : None
            Text has no named features.
        target_names : ndarray of shape (2,)
            ``['neg', 'pos']``, indexed by the target value.
        filenames : list of str
            The files read, negative first.
        DESCR : str
            Description, source and licence.

    (data, target) : tuple if ``return_X_y`` is True
        The sentences and the labels described above.

    Raises
    ------
    FileNotFoundError
        If a file is not in the data folder.  The message gives the path
        looked for and where to download the data.
    ValueError
        If a file's sha256 differs from the expected one, or the files cannot
        be decoded with ``encoding``.

    See Also
    --------
    get_data_home : Resolve the data folder.
    load_text : Load sentence files of your own.

    Examples
    --------
    Without the files, the error says where they were looked for:

    >>> from skactive.datasets import load_mr
    >>> try:
    ...     load_mr(data_home="/no/such/folder")
    ... except FileNotFoundError as exc:
    ...     print(exc.filename)
    /no/such/folder/mr/rt-polarity.neg

    With the files in place:

    >>> sentences, y = load_mr(return_X_y=True)  # doctest: +SKIP
    >>> len(sentences), int(y.sum())  # doctest: +SKIP
    (10662, 5331)
    """
    root, how = _resolve_data_home(data_home)
    paths = {
        label: _check_file(
            root / "mr" / name, sha256, f"the MR file {name}", MR_HOW_TO_OBTAIN, how
        )
        for label, (name, sha256) in MR_FILES.items()
    }
    sentences, labels, filenames = [], [], []
    for label, path in paths.items():
        lines = [line for _, line in iter_lines(read_text(path, encoding))]
        sentences.extend(lines)
        labels.extend([label] * len(lines))
        filenames.append(str(path))
    data = np.empty(len(sentences), dtype=object)
    data[:] = sentences
    target = np.asarray(labels, dtype=np.int64)
    frame = None
    if as_frame:
        frame = pd.DataFrame({"text": pd.Series(data, dtype=object), "label": target})
        data, target = frame["text"], frame["label"]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=None,
        target_names=np.array(["neg", "pos"], dtype=object),
        filenames=filenames,
        DESCR=_load_descr("mr.rst"),
    )
