"""Small shims over scikit-learn API differences between the 1.5 series and the newest release."""

from sklearn.utils.validation import check_is_fitted  # noqa: F401  (re-exported)

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data_fn
except ImportError:  # scikit-learn 1.5
    _validate_data_fn = None


def validate_data(estimator, X="no_validation", y="no_validation", *, reset=True, **check_params):
    """Validate ``X`` (and ``y``) and set or check ``n_features_in_`` and ``feature_names_in_``.

    Dispatches to :func:`sklearn.utils.validation.validate_data` where it exists and to the
    estimator's ``_validate_data`` method on scikit-learn 1.5.
    """
    if _validate_data_fn is not None:
        return _validate_data_fn(estimator, X, y, reset=reset, **check_params)
    return estimator._validate_data(X, y, reset=reset, **check_params)
