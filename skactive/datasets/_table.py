"""Loading a table that users bring, and a preprocessor for its columns."""

import csv
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

# scikit-learn is imported where it is used: a file that cannot be read is reported without
# paying for it (the command line answers such errors at once)
from ._base import _OPENERS, DataNotice, read_text

__all__ = ["identifier_columns", "load_table", "make_table_preprocessor"]


def _table_suffix(path):
    """Return the file extension, ignoring a compression suffix."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] in _OPENERS:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


#: Field separators guessed when none is given, in the order that breaks remaining ties.
SEPARATORS = (",", ";", "\t", "|")
_SNIFF_LINES = 50


def sniff_separator(path, text):
    """Guess a table's field separator among ``, ; TAB |``.

    The separator that splits the first 50 non-empty lines into the same number (more than
    one) of fields; when several do, the extension (``.tsv``/``.tab``: tab, ``.csv``: comma)
    decides if it names one of them, then :class:`csv.Sniffer`, then the order of
    :data:`SEPARATORS`; when none does, the extension, else a comma.

    Parameters
    ----------
    path : str or path-like
        The file's name (its extension breaks ties).
    text : str
        The file's content.

    Returns
    -------
    str
        One of :data:`SEPARATORS`.

    Examples
    --------
    >>> from skactive.datasets import sniff_separator
    >>> sniff_separator("data.txt", "a;b\\n1,5;2\\n"), sniff_separator("data.csv", "a\\n1\\n")
    (';', ',')
    """
    return _guess_separator(path, text)


def _field_counts(lines, sep):
    try:
        return [len(row) for row in csv.reader(lines, delimiter=sep)]
    except csv.Error:  # e.g. a quoted field running past the sample
        return []


def _guess_separator(path, text):
    """The separator that splits the first lines into the same number (> 1) of fields.

    Several such: the extension (``.tsv``/``.tab``: tab, ``.csv``: comma) when it names one
    of them, else :class:`csv.Sniffer` among them, else the order of :data:`SEPARATORS`. None:
    the extension, else a comma.
    """
    head = text.replace("\r\n", "\n").split("\n", 4 * _SNIFF_LINES)[:4 * _SNIFF_LINES]
    lines = [line for line in head if line.strip()][:_SNIFF_LINES]
    consistent = []
    for sep in SEPARATORS:
        counts = _field_counts(lines, sep)
        if counts and counts[0] > 1 and len(set(counts)) == 1:
            consistent.append(sep)
    suffix = _table_suffix(path)
    by_extension = "\t" if suffix in (".tsv", ".tab") else "," if suffix == ".csv" else None
    if len(consistent) == 1:
        return consistent[0]
    if len(consistent) > 1:
        if by_extension in consistent:
            return by_extension
        try:
            sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(consistent))
            return sniffed.delimiter
        except csv.Error:
            return consistent[0]
    return by_extension or ","


# a number written with a decimal comma: "1,5", "-0,25", ",5"
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d*,\d+\s*$")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
#: Distinct values a numeric target may have before it looks like a regression target.
MAX_NUMERIC_CLASSES = 20
#: Rows a table needs before a column unique in every row is taken for an identifier.
MIN_ROWS_FOR_ID = 20
_ID_NAME = re.compile(r"(^|[^a-z])(id|key|uuid|guid)$|^(id|key)([^a-z]|$)|[a-z](Id|ID|Key)$",
                      re.IGNORECASE)


def _decimal_comma_columns(frame, columns):
    """Text columns whose every value is a number with a decimal comma (or an integer)."""
    found = []
    for column in columns:
        values = frame[column].dropna()
        if is_numeric_dtype(values) or values.empty:
            continue
        values = values.astype(str)
        commas = values.str.match(_DECIMAL_COMMA)
        if commas.any() and (commas | values.str.match(_INTEGER)).all():
            found.append(column)
    return found


def _list_text(columns):
    return "[" + ", ".join(repr(c) for c in columns) + "]"


def identifier_columns(X):
    """Find the columns of a table that look like row identifiers rather than features.

    A column qualifies when the table has at least :data:`MIN_ROWS_FOR_ID` rows and the column
    has a distinct, non-missing value in every row and is text (unique text is an id or free
    text, never a category), or whole numbers named like an id (``id``, ``user_id``,
    ``orderKey``...) or counting the rows (consecutive integers). :func:`load_table` leaves
    such columns out of the features unless asked to keep them.

    Parameters
    ----------
    X : DataFrame
        The feature columns.

    Returns
    -------
    list of str
        The identifier-like columns, in table order.

    Examples
    --------
    >>> import pandas as pd
    >>> from skactive.datasets import identifier_columns
    >>> X = pd.DataFrame({"row": range(30), "age": [20, 30, 40] * 10})
    >>> identifier_columns(X)
    ['row']
    """
    found = []
    if len(X) < MIN_ROWS_FOR_ID:
        return found
    for column in X.columns:
        values = X[column]
        if values.isna().any() or is_bool_dtype(values) or values.nunique() != len(values):
            continue
        if not is_numeric_dtype(values):  # unique text: an id or free text, never a category
            found.append(column)
        elif values.dtype.kind in "iu":
            span = int(values.max()) - int(values.min()) + 1
            if _ID_NAME.search(str(column)) or span == len(values):  # a row counter
                found.append(column)
    return found


def _check_target_kind(y, target, path):
    if not is_numeric_dtype(y) or is_bool_dtype(y):
        return
    values = y.to_numpy(dtype=np.float64)
    distinct = np.unique(values)
    if len(distinct) > MAX_NUMERIC_CLASSES and not np.all(distinct == np.round(distinct)):
        raise ValueError(
            f"The target column {target!r} of {path} holds {len(distinct)} distinct numbers, "
            f"not all whole (e.g. {', '.join(f'{v:g}' for v in distinct[:3])}): it looks like "
            "a regression target, and skactive classifies. Pass a column of class labels as "
            "target=COLUMN, or bin this one into a few classes first."
        )


def _clean_labels(y, target, path, merge_label_case):
    """Strip surrounding spaces from text labels; refuse (or merge) case-only variants."""
    if is_numeric_dtype(y) or is_bool_dtype(y):
        return y
    text = y.astype(str)
    stripped = text.str.strip()
    changed = int((stripped != text).sum())
    if changed:
        example = text[stripped != text].iloc[0]
        warnings.warn(
            f"{path}: {changed} label(s) of the target column {target!r} had surrounding "
            f"spaces (e.g. {example!r}); they were removed, so {example!r} and "
            f"{example.strip()!r} are one class.", DataNotice, stacklevel=4)
    counts = stripped.value_counts(sort=False)
    groups = {}
    for label, count in counts.items():
        groups.setdefault(label.casefold(), []).append((label, int(count)))
    variants = [sorted(g, key=lambda lc: -lc[1]) for g in groups.values() if len(g) > 1]
    if not variants:
        return stripped
    shown = "; ".join(", ".join(f"{label!r} ({count} rows)" for label, count in group)
                      for group in variants[:3])
    if not merge_label_case:
        raise ValueError(
            f"The target column {target!r} of {path} has labels that differ only in case: "
            f"{shown}{'; ...' if len(variants) > 3 else ''}. If they are one class, pass "
            "merge_label_case=True to merge each group into its most frequent spelling; if "
            "they are different classes, rename them in the file."
        )
    mapping = {label: group[0][0] for group in variants for label, _ in group}
    merged = stripped.map(lambda v: mapping.get(v, v))
    warnings.warn(
        f"{path}: labels of the target column {target!r} that differ only in case were "
        f"merged into their most frequent spelling: {shown}.", DataNotice, stacklevel=4)
    return merged


def _check_feature_values(frame, feature_names, path):
    """Leave out empty columns (notice), refuse infinities, point out text in number columns.

    Returns the feature names without the empty columns.
    """
    empty = [c for c in feature_names if frame[c].isna().all()]
    if empty and len(empty) < len(feature_names):
        warnings.warn(
            f"{path}: column{'s' if len(empty) > 1 else ''} {_list_text(empty)} "
            f"{'are' if len(empty) > 1 else 'is'} empty in every row (a trailing separator?) "
            "and left out of the features.", DataNotice, stacklevel=4)
        feature_names = [c for c in feature_names if c not in empty]
    for column in feature_names:
        values = frame[column]
        if is_numeric_dtype(values) and not is_bool_dtype(values):
            infinite = np.flatnonzero(np.isinf(values.to_numpy(dtype=np.float64)))
            if infinite.size:
                raise ValueError(
                    f"Column {column!r} of {path} holds {infinite.size} infinite value(s) "
                    f"(data row {infinite[0] + 1}, counting from 1 after the header, holds "
                    f"{values.iloc[infinite[0]]}); a model cannot learn from them. Replace them "
                    "with a number or leave the cell empty (a missing value is imputed), or "
                    "pass drop=[...] to leave the column out."
                )
            continue
        text = values.dropna()
        if text.empty or is_bool_dtype(text):
            continue
        numbers = pd.to_numeric(text.astype(str), errors="coerce")
        n_text = int(numbers.isna().sum())
        if n_text and n_text <= 0.05 * len(text):  # mostly numbers: a typo, not a category
            first = int(np.flatnonzero(numbers.isna().to_numpy())[0])
            warnings.warn(
                f"{path}: column {column!r} holds numbers except in {n_text} row(s) (e.g. "
                f"{text.iloc[first]!r} in data row {text.index[first] + 1}), so it is read as a "
                "category, one value per number. Fix those cells, or leave them empty, to read "
                "it as numbers.", DataNotice, stacklevel=4)
    return feature_names


def _notice_missing(X, numeric, path):
    counts = X.isna().sum()
    counts = counts[counts > 0]
    if counts.empty:
        return
    total = int(counts.sum())
    detail = ", ".join(f"{c}: {int(n)}" for c, n in counts.items())
    kinds = []
    if any(c in numeric for c in counts.index):
        kinds.append("numeric ones become the column's median")
    if any(c not in numeric for c in counts.index):
        kinds.append("categorical ones a category of their own")
    warnings.warn(
        f"{path}: {total} missing value{'s' if total != 1 else ''} in {len(counts)} feature "
        f"column{'s' if len(counts) != 1 else ''} ({detail}); {' and '.join(kinds)} when the "
        "model is trained (see make_table_preprocessor). Pass drop=[...] to leave a column "
        "out.", DataNotice, stacklevel=4)


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


def load_table(path, target, *, drop=None, keep_columns=None, sep=None, decimal=None,
               encoding="utf-8", merge_label_case=False, return_X_y=False):
    """Load a CSV or tab-separated table with a header row for classification.

    Every column other than ``target`` and those in ``drop`` becomes a
    feature, except identifier-like columns (see below).  Columns of object,
    string, category or bool dtype are listed in ``categorical_features``,
    the other (numeric) ones in ``numeric_features``; pass both lists to
    :func:`make_table_preprocessor`.  Files ending in ``.gz``, ``.bz2`` or
    ``.xz`` are decompressed.

    Real files are checked before they can give silently wrong answers.
    What is repaired is reported as a :class:`DataNotice` warning naming the
    columns, the counts and the parameter that changes it; what cannot be
    repaired safely is a ValueError:

    - ``;``-, tab- or ``|``-separated files whose text columns hold numbers
      with a decimal comma (``1,5``) are read with ``decimal=','`` (notice);
    - a feature column with a distinct value in every row of a table of at
      least 20 rows -- any text column, or an integer column named like an
      id (``id``, ``user_id``, ``customerId``, ``key``) or counting rows
      (consecutive integers) -- is left out of the features (notice; pass
      ``keep_columns`` to keep it);
    - missing feature values are counted per column (notice; the
      preprocessor imputes them); a column empty in every row is left out
      (notice); infinite numbers are refused; a column of numbers with a few
      cells of text (at most 5%) is read as categorical, with a notice naming
      the first such cell; a repeated header name (``x``, ``x.1``) is noticed;
    - a numeric target with more than 20 distinct values, not all whole
      numbers, is refused as a regression target;
    - text labels lose surrounding spaces (notice), and labels that then
      differ only in case (``'yes'``, ``'Yes'``) are refused unless
      ``merge_label_case=True`` merges them (notice).

    Parameters
    ----------
    path : str or path-like
        The file.  Its first non-empty line must be the header.
    target : str
        Name of the column holding the class labels.  It must have a value in
        every row and at least two distinct values.
    drop : str or list of str, default=None
        Columns to leave out of the features (e.g. row ids).
    keep_columns : str or list of str, default=None
        Identifier-like columns to keep as features anyway.
    sep : str, default=None
        Field separator.  If None, guessed among ``,``, ``;``, tab and ``|``:
        the one that splits the first 50 lines into the same number of
        fields (more than one); several: the extension (``.tsv``/``.tab``:
        tab, ``.csv``: comma), then :class:`csv.Sniffer`; none: the
        extension, else a comma.
    decimal : str, default=None
        Decimal mark of the numbers.  If None, ``'.'``, or ``','`` for the
        columns of a file not separated by commas whose every value is a
        number with a decimal comma.
    encoding : str, default='utf-8'
        Text encoding of the file, e.g. ``'latin-1'``.
    merge_label_case : bool, default=False
        Merge labels that differ only in case into their most frequent
        spelling instead of refusing them.
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
        ``encoding``, lacks the ``target`` column or a ``drop`` or
        ``keep_columns`` column, has rows without a label, its target has a
        single class, looks like a regression target, or has labels that
        differ only in case.

    Warns
    -----
    DataNotice
        For what was repaired or left out (see above).

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
    keep = _as_column_list(keep_columns, "keep_columns")
    if decimal is not None and (not isinstance(decimal, str) or len(decimal) != 1):
        raise ValueError(f"decimal must be one character such as '.' or ',', got {decimal!r}.")
    text = read_text(path, encoding)
    if not text.strip():
        raise ValueError(f"{path} is empty: expected a header row and data rows.")
    if sep is None:
        sep = sniff_separator(path, text)
    if decimal is not None and decimal == sep:
        raise ValueError(f"decimal={decimal!r} and sep={sep!r} are the same character; the "
                         "fields of a file with decimal commas are separated by ';' or a tab.")
    frame = _read_frame(path, text, sep, decimal or ".")
    columns = [str(c) for c in frame.columns]
    if decimal is None and sep != ",":
        comma_columns = _decimal_comma_columns(frame.set_axis(columns, axis=1),
                                               [c for c in columns if c != target])
        if comma_columns:
            frame = _read_frame(path, text, sep, ",")
            warnings.warn(
                f"{path}: column{'s' if len(comma_columns) > 1 else ''} "
                f"{_list_text(comma_columns)} hold numbers with a decimal comma (such as "
                f"'1,5'); they were read as numbers. Pass decimal='.' to read them as text.",
                DataNotice, stacklevel=2)
    _notice_repeated_names(text, sep, frame, path)
    return _table_from_frame(frame, path, target, drop, keep, sep, merge_label_case,
                             return_X_y)


def _notice_repeated_names(text, sep, frame, path):
    """pandas renames a repeated column name ('x', 'x.1'): say so, since --drop/--target see it."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        header = next(csv.reader([first], delimiter=sep))
    except (csv.Error, StopIteration):
        return
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        renamed = [str(c) for c in frame.columns if str(c) not in header]
        warnings.warn(
            f"{path}: the header names {_list_text(repeated)} more than once; the later "
            f"columns are called {_list_text(renamed)}.", DataNotice, stacklevel=3)


def _read_frame(path, text, sep, decimal):
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, decimal=decimal, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path} is empty: expected a header row and data rows.") from None
    except pd.errors.ParserError as exc:
        raise ValueError(
            f"{path} is not a well-formed table with sep={sep!r}: {exc}. Check that every "
            "row has as many fields as the header and that quotes are closed, or pass the "
            "right separator with sep=..."
        ) from exc


def _table_from_frame(frame, path, target, drop, keep, sep, merge_label_case, return_X_y):
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
    missing_keep = [c for c in keep if c not in columns]
    if missing_keep:
        raise ValueError(f"Cannot keep {missing_keep}: no such column in {path}. Its columns "
                         f"are: {columns}.")
    both = [c for c in keep if c in drop or c == target]
    if both:
        raise ValueError(f"{both} is listed in keep_columns and also in drop or as target.")
    y = frame[target]
    unlabeled = np.flatnonzero(y.isna().to_numpy())
    if unlabeled.size:
        raise ValueError(
            f"{unlabeled.size} of {len(y)} rows of {path} have no value in the target column "
            f"{target!r} (data rows {(unlabeled[:5] + 1).tolist()}"
            f"{', ...' if unlabeled.size > 5 else ''}, counting from 1 after the header). "
            "Remove or label them."
        )
    _check_target_kind(y, target, path)
    y = _clean_labels(y, target, path, merge_label_case)
    frame = frame.assign(**{target: y})
    classes = pd.unique(y)
    if len(classes) < 2:
        raise ValueError(
            f"The target column {target!r} of {path} has a single class ({classes[0]!r}) in "
            f"all {len(y)} rows; classification needs at least two. Check the target name."
        )
    feature_names = [c for c in columns if c != target and c not in drop]
    ids = [c for c in identifier_columns(frame[feature_names]) if c not in keep]
    if ids and len(ids) < len(feature_names):
        feature_names = [c for c in feature_names if c not in ids]
        warnings.warn(
            f"{path}: column{'s' if len(ids) > 1 else ''} {_list_text(ids)} "
            f"{'have' if len(ids) > 1 else 'has'} a distinct value in each of the {len(frame)} "
            "rows, like an identifier, and "
            f"{'were' if len(ids) > 1 else 'was'} left out of the features (an identifier says "
            f"nothing about the class of a new row). Pass keep_columns={_list_text(ids)} to "
            f"use {'them as features' if len(ids) > 1 else 'it as a feature'}, or "
            f"drop={_list_text(ids)} to leave {'them' if len(ids) > 1 else 'it'} out without "
            "this notice.", DataNotice, stacklevel=3)
    if not feature_names:
        raise ValueError(f"No feature columns left in {path} after removing the target and drop.")
    feature_names = _check_feature_values(frame, feature_names, path)
    X = frame[feature_names]
    categorical = [c for c in feature_names if is_bool_dtype(X[c]) or not is_numeric_dtype(X[c])]
    numeric = [c for c in feature_names if c not in categorical]
    _notice_missing(X, numeric, path)
    if return_X_y:
        return X, y
    from sklearn.utils import Bunch

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
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

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
