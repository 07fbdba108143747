"""Loading a table that users bring, and a preprocessor for its columns."""

import io
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils import Bunch

from ._base import _OPENERS, read_text

__all__ = ["load_table", "make_table_preprocessor"]


def _table_suffix(path):
    """Return the file extension, ignoring a compression suffix."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] in _OPENERS:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def sniff_separator(path, text):
    """Choose ',' or a tab from the header line, using the extension to break ties.

    Parameters
    ----------
    path : str or path-like
        The file's name (``.tsv``/``.tab`` or ``.csv`` break ties).
    text : str
        The file's content.

    Returns
    -------
    str
        ``','`` or a tab.

    Examples
    --------
    >>> from skactive.datasets import sniff_separator
    >>> sniff_separator("data.txt", "a\\tb\\n1\\t2\\n"), sniff_separator("data.csv", "a\\n1\\n")
    ('\\t', ',')
    """
    header = next((line for line in text.split("\n") if line.strip()), "")
    tabs, commas = header.count("\t"), header.count(",")
    if tabs and not commas:
        return "\t"
    if commas and not tabs:
        return ","
    suffix = _table_suffix(path)
    if suffix in (".tsv", ".tab"):
        return "\t"
    if suffix == ".csv":
        return ","
    return "\t" if tabs > commas else ","


def _as_column_list(columns, name):
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    try:
        return list(columns)
    except TypeError:
        raise TypeError(
            f"{name} must be a column name or a list of column names, got "
            f"{type(columns).__name__}."
        ) from None


def load_table(path, target, *, drop=None, sep=None, encoding="utf-8", return_X_y=False):
    """Load a CSV or tab-separated table with a header row for classification.

    Every column other than ``target`` and those in ``drop`` becomes a
    feature.  Columns of object, string, category or bool dtype are listed
    in ``categorical_features``, the other (numeric) ones in
    ``numeric_features``; pass both lists to :func:`make_table_preprocessor`.
    Files ending in ``.gz``, ``.bz2`` or ``.xz`` are decompressed.

    Parameters
    ----------
    path : str or path-like
        The file.  Its first non-empty line must be the header.
    target : str
        Name of the column holding the class labels.  It must have a value in
        every row and at least two distinct values.
    drop : str or list of str, default=None
        Columns to leave out of the features (e.g. row ids).
    sep : str, default=None
        Field separator.  If None, use a tab when the header line contains
        tabs but no commas, a comma when it contains commas but no tabs, and
        otherwise decide by the extension (``.tsv``/``.tab``: tab, else comma).
    encoding : str, default='utf-8'
        Text encoding of the file, e.g. ``'latin-1'``.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        data : DataFrame of shape (n_samples, n_features)
            The feature columns, in file order.
        target : Series of shape (n_samples,)
            The labels, as parsed by pandas.
        frame : DataFrame
            Features and target together.
        feature_names : list of str
            Names of the feature columns.
        categorical_features : list of str
            Feature columns of object, string, category or bool dtype.
        numeric_features : list of str
            The other feature columns.
        target_names : ndarray
            The sorted distinct labels.
        filename : str
            The file read.
        DESCR : str
            A one-paragraph summary.

    (data, target) : tuple if ``return_X_y`` is True
        The DataFrame and Series described above.

    Raises
    ------
    ValueError
        If the file is empty or malformed, cannot be decoded with
        ``encoding``, lacks the ``target`` column or a ``drop`` column, has
        rows without a label, or its target has a single class.

    See Also
    --------
    make_table_preprocessor : Turn the loaded columns into a numeric matrix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skactive.datasets import load_table
    >>> folder = tempfile.mkdtemp()
    >>> path = pathlib.Path(folder) / "loans.csv"
    >>> _ = path.write_text("id,income,city,paid\\n1,20.5,Oslo,yes\\n2,31.0,Rome,no\\n"
    ...                     "3,,Oslo,yes\\n")
    >>> table = load_table(path, target="paid", drop="id")
    >>> table.feature_names, table.categorical_features, table.numeric_features
    (['income', 'city'], ['city'], ['income'])
    >>> table.target.tolist()
    ['yes', 'no', 'yes']
    """
    path = Path(path)
    if not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {type(target).__name__}.")
    drop = _as_column_list(drop, "drop")
    text = read_text(path, encoding)
    if not text.strip():
        raise ValueError(f"{path} is empty: expected a header row and data rows.")
    if sep is None:
        sep = sniff_separator(path, text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path} is empty: expected a header row and data rows.") from None
    except pd.errors.ParserError as exc:
        raise ValueError(
            f"{path} is not a well-formed table with sep={sep!r}: {exc}. Check that every "
            "row has as many fields as the header and that quotes are closed, or pass the "
            "right separator with sep=..."
        ) from exc
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if target not in columns:
        hint = ""
        if len(columns) == 1 and any(ch in columns[0] for ch in ",;\t|"):
            hint = (
                f" The header was read as one column with sep={sep!r}; pass the file's "
                "separator with sep=..."
            )
        raise ValueError(
            f"Target column {target!r} not found in {path}. Its columns are: {columns}.{hint}"
        )
    if frame.empty:
        raise ValueError(f"{path} has a header row but no data rows.")
    missing_drop = [c for c in drop if c not in columns]
    if missing_drop:
        raise ValueError(
            f"Cannot drop {missing_drop}: no such column in {path}. Its columns are: {columns}."
        )
    if target in drop:
        raise ValueError(f"The target column {target!r} is also listed in drop.")
    y = frame[target]
    unlabeled = np.flatnonzero(y.isna().to_numpy())
    if unlabeled.size:
        raise ValueError(
            f"{unlabeled.size} of {len(y)} rows of {path} have no value in the target column "
            f"{target!r} (data rows {(unlabeled[:5] + 1).tolist()}"
            f"{', ...' if unlabeled.size > 5 else ''}, counting from 1 after the header). "
            "Remove or label them."
        )
    classes = pd.unique(y)
    if len(classes) < 2:
        raise ValueError(
            f"The target column {target!r} of {path} has a single class ({classes[0]!r}) in "
            f"all {len(y)} rows; classification needs at least two. Check the target name."
        )
    feature_names = [c for c in columns if c != target and c not in drop]
    if not feature_names:
        raise ValueError(f"No feature columns left in {path} after removing the target and drop.")
    X = frame[feature_names]
    categorical = [c for c in feature_names if is_bool_dtype(X[c]) or not is_numeric_dtype(X[c])]
    numeric = [c for c in feature_names if c not in categorical]
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        frame=frame[feature_names + [target]],
        feature_names=feature_names,
        categorical_features=categorical,
        numeric_features=numeric,
        target_names=np.sort(np.asarray(classes)),
        filename=str(path),
        DESCR=(
            f"Table read from {path}: {len(X)} rows, {len(feature_names)} features "
            f"({len(numeric)} numeric, {len(categorical)} categorical), target {target!r} with "
            f"{len(classes)} classes."
        ),
    )


def make_table_preprocessor(categorical_features, numeric_features, *, min_frequency=5):
    """Build a ColumnTransformer that turns a mixed table into a dense float matrix.

    Numeric columns: missing values replaced by the column median
    (:class:`~sklearn.impute.SimpleImputer`), then standardised
    (:class:`~sklearn.preprocessing.StandardScaler`).  Categorical columns:
    one-hot encoded (:class:`~sklearn.preprocessing.OneHotEncoder` with
    ``handle_unknown='ignore'``, ``sparse_output=False``); categories seen
    fewer than ``min_frequency`` times when fitting share one "infrequent"
    column, and categories never seen become all zeros.  A missing value is a
    category of its own.  Other columns are dropped.  The two steps are named
    ``'numeric'`` and ``'categorical'``.

    Parameters
    ----------
    categorical_features : list of str or int
        Columns to one-hot encode (names for a DataFrame, indices for an
        array), e.g. ``load_table(...).categorical_features``.
    numeric_features : list of str or int
        Columns to impute and scale.
    min_frequency : int or float, default=5
        Passed to :class:`~sklearn.preprocessing.OneHotEncoder`: a category
        with fewer occurrences (or, for a float, a smaller fraction of the
        rows) is grouped as infrequent.  Use 1 to keep every category.

    Returns
    -------
    :class:`~sklearn.compose.ColumnTransformer`
        Unfitted; its ``transform`` returns a dense float ndarray.

    Raises
    ------
    ValueError
        If both lists are empty or a column appears in both.

    See Also
    --------
    load_table : Load a table and find its categorical and numeric columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.datasets import make_table_preprocessor
    >>> X = pd.DataFrame({"age": [20.0, None, 40.0], "city": ["Oslo", "Rome", "Oslo"]})
    >>> pre = make_table_preprocessor(["city"], ["age"], min_frequency=1)
    >>> pre.fit_transform(X).round(2)
    array([[-1.22,  1.  ,  0.  ],
           [ 0.  ,  0.  ,  1.  ],
           [ 1.22,  1.  ,  0.  ]])
    >>> pre.get_feature_names_out().tolist()
    ['numeric__age', 'categorical__city_Oslo', 'categorical__city_Rome']
    """
    categorical = _as_column_list(categorical_features, "categorical_features")
    numeric = _as_column_list(numeric_features, "numeric_features")
    if not categorical and not numeric:
        raise ValueError("Both categorical_features and numeric_features are empty.")
    both = [c for c in categorical if c in numeric]
    if both:
        raise ValueError(f"Columns {both} are listed as both categorical and numeric.")
    numeric_pipeline = Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    encoder = OneHotEncoder(
        handle_unknown="ignore", min_frequency=min_frequency, sparse_output=False
    )
    return ColumnTransformer(
        [("numeric", numeric_pipeline, numeric), ("categorical", encoder, categorical)],
        remainder="drop",
    )
