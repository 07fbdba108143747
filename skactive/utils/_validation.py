"""Parameter checks, seed derivation and the one ``validate_data`` shim, shared by every layer."""

import numbers

import numpy as np
from sklearn.utils import check_random_state

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data_fn
except ImportError:  # scikit-learn 1.5
    _validate_data_fn = None


def validate_data(estimator, X="no_validation", y="no_validation", *, reset=True, **check_params):
    """Validate ``X`` (and ``y``) and set or check ``n_features_in_`` and ``feature_names_in_``.

    Dispatches to :func:`sklearn.utils.validation.validate_data` where it exists and to the
    estimator's ``_validate_data`` method on scikit-learn 1.5 (which calls
    ``ensure_all_finite`` ``force_all_finite``).
    """
    if _validate_data_fn is not None:
        return _validate_data_fn(estimator, X, y, reset=reset, **check_params)
    if "ensure_all_finite" in check_params:  # pragma: no cover - scikit-learn 1.5
        check_params["force_all_finite"] = check_params.pop("ensure_all_finite")
    return estimator._validate_data(X, y, reset=reset, **check_params)  # pragma: no cover


def derive_seed(random_state):
    """A 31-bit integer seed drawn from ``random_state`` (int, RandomState or None).

    The one way skactive turns a scikit-learn ``random_state`` into a seed for torch, numpy
    generators or another library: an int always gives the same seed, a RandomState advances.

    Examples
    --------
    >>> from skactive.utils import derive_seed
    >>> derive_seed(0) == derive_seed(0)
    True
    """
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def check_positive(name, value, *, integral=False, allow_zero=False):
    """Raise a ValueError naming ``name`` unless ``value`` is a number > 0 (or >= 0).

    Booleans are refused; ``integral=True`` asks for an integer.

    Examples
    --------
    >>> from skactive.utils import check_positive
    >>> check_positive("max_epochs", 0, integral=True)
    Traceback (most recent call last):
    ...
    ValueError: max_epochs must be an integer > 0, got 0.
    """
    kind = numbers.Integral if integral else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        what = "an integer" if integral else "a number"
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {what} {bound}, got {value!r}.")


def check_int(name, value, minimum):
    """Return ``int(value)``, or raise a ValueError unless it is an integer >= ``minimum``.

    Examples
    --------
    >>> from skactive.utils import check_int
    >>> check_int("repeats", 3, 1)
    3
    """
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)
