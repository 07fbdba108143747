"""Validation of labeled samples before they join an ActiveLearner's labeled set.

Everything here only reads its arguments and raises: a teach or fit that fails validation leaves
the learner exactly as it was. Checks are against the labeled set already held (width, feature
names, numeric or text input, label type) and against what the estimator accepts (missing
values only where its tags say ``allow_nan``).
"""

import inspect
import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, column_or_1d

from .utils import num_samples

# scikit-learn 1.6 renamed check_array's force_all_finite to ensure_all_finite
_FINITE = ("ensure_all_finite" if "ensure_all_finite" in inspect.signature(check_array).parameters
           else "force_all_finite")
_HINT = "The labeled set is unchanged; fix or drop these samples and teach them again."


def estimator_input(estimator):
    """What the estimator's scikit-learn tags say it accepts: a dict of keyword arguments for
    :func:`check_labeled` (missing values, texts, non-numeric table columns)."""
    try:
        try:
            from sklearn.utils import get_tags  # scikit-learn >= 1.6
        except ImportError:  # pragma: no cover - scikit-learn 1.5
            tags = estimator._get_tags()
            types = tags.get("X_types", ["2darray"])
            allow_nan, text = bool(tags.get("allow_nan")), "2darray" not in types
            strings = text or "categorical" in types or "string" in types
        else:
            tags = get_tags(estimator).input_tags
            allow_nan, text = bool(tags.allow_nan), bool(tags.string and not tags.two_d_array)
            strings = bool(tags.string or tags.categorical)
    except AttributeError:  # a duck-typed estimator without scikit-learn's tags
        allow_nan, text, strings = False, False, True
    # a Pipeline's tags do not say what its first step accepts (an encoder takes strings)
    strings = strings or hasattr(estimator, "steps")
    return {"allow_nan": allow_nan, "text": text, "strings": strings}


def check_labeled(X, y, *, X_seen=None, y_seen=None, allow_nan=False, text=False,
                  strings=True):
    """Validate new labeled samples ``(X, y)``, alone or against a labeled set.

    Returns ``y`` unchanged, or cast to the labeled set's integer dtype when the new labels are
    integral floats (so that ``classes_`` keeps its type). Raises ValueError or TypeError naming
    the parameter and what to do.
    """
    if X is None:
        raise ValueError("X is None: pass the labeled samples as X.")
    if y is None:
        raise ValueError("ActiveLearner requires y to be passed, but the target y is None; pass "
                         "one label per sample of X.")
    labels, raveled = _label_array(y)
    n_x = _num_rows(X)
    text = text or _is_text(X if X_seen is None else X_seen)
    if text:
        _check_texts(X)
    else:
        _check_table(X, X_seen, allow_nan, strings)
    if n_x != len(labels):
        raise ValueError(f"X has {n_x} samples but y has {len(labels)} labels; give one label "
                         f"per sample. {_HINT}")
    kind = _check_labels(labels)
    if raveled:
        y = labels
    if y_seen is not None:
        y = _match_label_type(y, labels, kind, _label_array(y_seen)[0])
    return y


def _num_rows(X):
    try:
        return num_samples(X)
    except TypeError:
        raise TypeError(f"X must be an array-like of samples, got {type(X).__name__}.") from None


def _label_array(y):
    if hasattr(y, "to_numpy"):
        labels = y.to_numpy()
    elif isinstance(y, (list, tuple)):
        # numpy would silently turn [0, "a"] into the strings ["0", "a"]
        labels = np.asarray(y, dtype=object)
        if labels.ndim > 1:
            labels = np.asarray(y)
    else:
        labels = np.asarray(y)
    if labels.ndim == 0:
        raise ValueError(f"y must be a 1-D array-like of labels, got the single value {y!r}; "
                         "wrap it in a list.")
    if labels.ndim == 2 and labels.shape[1] == 1:
        # scikit-learn's convention: a column vector is accepted with a DataConversionWarning
        return column_or_1d(labels, warn=True), True
    if labels.ndim != 1:
        raise ValueError(f"y must be 1-D (one label per sample), got shape {labels.shape}. "
                         f"{_HINT}")
    return labels, False


def _show(value):
    return repr(value.item() if isinstance(value, np.generic) else value)


def _label_kind(labels):
    """'integer', 'float', 'string' or 'bool' for an array of labels (raises on a mix)."""
    k = labels.dtype.kind
    if k in "iu":
        return "integer"
    if k == "b":
        return "bool"
    if k == "f":
        return "float"
    if k in "US":
        return "string"
    if k != "O":
        raise TypeError(f"y has labels of dtype {labels.dtype}; use integers or strings.")
    kinds = {"string" if isinstance(v, str) else
             "bool" if isinstance(v, (bool, np.bool_)) else
             "integer" if isinstance(v, numbers.Integral) else
             "float" if isinstance(v, numbers.Real) else type(v).__name__ for v in labels}
    if len(kinds) > 1 and not kinds <= {"integer", "float"}:
        raise TypeError(f"y mixes labels of types {sorted(kinds)}; give all labels one type "
                        f"(all strings or all integers). {_HINT}")
    kind = "float" if kinds == {"integer", "float"} else kinds.pop() if kinds else "integer"
    if kind not in ("integer", "float", "string", "bool"):
        raise TypeError(f"y has labels of type {kind}; use integers or strings. {_HINT}")
    return kind


def _check_labels(labels):
    missing = pd.isna(labels)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(f"y[{i}] is {_show(labels[i])}: every sample needs a label. {_HINT}")
    kind = _label_kind(labels)
    if kind == "float":
        values = labels.astype(np.float64)
        if not np.isfinite(values).all():
            raise ValueError(f"y contains infinite labels. {_HINT}")
        if type_of_target(values) not in ("binary", "multiclass"):
            example = _show(values[values % 1 != 0][0])
            # scikit-learn's wording first ("Unknown label type"), which its checks look for
            raise ValueError(f"Unknown label type: continuous. y has non-integer labels (e.g. "
                             f"{example}); a classifier needs class labels (integers or "
                             f"strings). {_HINT}")
    return kind


def _match_label_type(y, labels, kind, seen):
    if len(seen) == 0:
        return y
    seen_kind = _label_kind(seen[:1])  # the labeled set passed these checks: one kind throughout
    numeric = {"integer", "float", "bool"}
    if (kind == "string") != (seen_kind == "string"):
        raise TypeError(
            f"y has {kind} labels (e.g. {_show(labels[0])}) but the labeled set's labels are "
            f"{seen_kind}s (e.g. {_show(seen[0])}); give labels of the same type as before "
            f"(for example {_show(seen[0])}, not {_show(labels[0])}). {_HINT}")
    if kind in numeric and seen_kind in ("integer", "bool") and kind == "float":
        if isinstance(y, np.ndarray) and isinstance(seen, np.ndarray) and seen.dtype.kind != "O":
            return labels.astype(seen.dtype)  # integral floats: keep classes_ integer
    return y


def _is_text(X):
    """Whether ``X`` is a 1-D collection of texts (its first sample a str)."""
    if sp.issparse(X) or isinstance(X, (str, bytes)):
        return False
    if hasattr(X, "iloc"):
        return X.ndim == 1 and len(X) > 0 and isinstance(X.iloc[0], str)
    if isinstance(X, np.ndarray):
        return X.ndim == 1 and X.size > 0 and isinstance(X[0], str)
    if hasattr(X, "__array__"):
        return _is_text(np.asarray(X))
    try:
        first = next(iter(X), None)
    except TypeError:
        return False
    return isinstance(first, str)


def _check_texts(X):
    if isinstance(X, (str, bytes)):
        raise ValueError(f"X is a single text {X!r}; wrap it in a list. {_HINT}")
    texts = X.to_numpy() if hasattr(X, "to_numpy") else np.asarray(X, dtype=object)
    if texts.ndim != 1:
        raise ValueError(f"X must be a 1-D collection of texts (the labeled set is text), got "
                         f"shape {texts.shape}. {_HINT}")
    not_str = np.flatnonzero([not isinstance(t, str) for t in texts])
    if len(not_str):
        i = int(not_str[0])
        raise ValueError(f"X[{i}] is {_show(texts[i])}, not a text: every sample must be a str "
                         f"({len(not_str)} of {len(texts)} are not). {_HINT}")


def _n_features(X):
    if hasattr(X, "columns"):
        return len(X.columns)
    if hasattr(X, "shape"):
        return X.shape[1] if len(X.shape) == 2 else None
    arr = np.asarray(X, dtype=object)
    return arr.shape[1] if arr.ndim == 2 else None


def _is_numeric(X):
    if hasattr(X, "dtypes"):
        return all(pd.api.types.is_numeric_dtype(t) for t in X.dtypes)
    if sp.issparse(X):
        return True
    arr = np.asarray(X)
    return arr.dtype.kind in "biuf"


def _check_table(X, X_seen, allow_nan, strings):
    if not (sp.issparse(X) or hasattr(X, "iloc")):
        ndim = X.ndim if hasattr(X, "ndim") else np.asarray(X, dtype=object).ndim
        if isinstance(X, (str, bytes)) or ndim != 2:
            raise ValueError(f"X must be 2-D (one row per sample), got {ndim}-D input; reshape a "
                             f"single sample with X.reshape(1, -1). {_HINT}")
    if hasattr(X, "iloc") and X.ndim != 2:
        raise ValueError(f"X must be a 2-D table (one row per sample), got a Series. {_HINT}")
    if X_seen is not None:
        width, seen_width = _n_features(X), _n_features(X_seen)
        if seen_width is not None and width != seen_width:
            raise ValueError(f"X has {width} features per sample but the labeled set has "
                             f"{seen_width}. {_HINT}")
        if hasattr(X, "columns") and hasattr(X_seen, "columns") and \
                list(X.columns) != list(X_seen.columns):
            raise ValueError(f"X has columns {list(X.columns)} but the labeled set has "
                             f"{list(X_seen.columns)}; select and order the columns as before. "
                             f"{_HINT}")
    numeric = _is_numeric(X_seen) if X_seen is not None else not strings or _is_numeric(X)
    finite = "allow-nan" if allow_nan else True
    if numeric:
        try:
            check_array(X, accept_sparse=True, dtype="numeric", ensure_min_samples=0,
                        input_name="X", **{_FINITE: finite})
        except ValueError as exc:
            raise ValueError(f"X: {exc} The model reads numbers: every value must be a finite "
                             f"number. {_HINT}") from None
    elif not allow_nan:
        values = X.to_numpy() if hasattr(X, "to_numpy") else np.asarray(X, dtype=object)
        missing = pd.isna(values)
        if missing.any():
            row = int(np.argwhere(missing)[0][0])
            raise ValueError(f"X row {row} has a missing value (None or NaN) and the estimator "
                             f"does not accept missing values. {_HINT}")
