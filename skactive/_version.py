"""skactive's version, and the version stamp that pickles of skactive objects carry."""

import warnings

__version__ = "0.1.0.dev0"


class VersionedPickleMixin:
    """Stamps pickles with the skactive version and warns when another version loads them.

    scikit-learn's ``BaseEstimator`` does the same for its own classes only; this extends it to
    skactive's (an :class:`~skactive.exceptions.InconsistentVersionWarning` on mismatch).
    """

    def __getstate__(self):
        state = super().__getstate__()
        return dict(state, _skactive_version=__version__)

    def __setstate__(self, state):
        from .exceptions import InconsistentVersionWarning

        saved = state.pop("_skactive_version", "unknown (no version recorded)")
        if saved != __version__:
            warnings.warn(InconsistentVersionWarning(
                estimator_name=type(self).__name__, current_version=__version__,
                original_version=saved), stacklevel=2)
        super().__setstate__(state)
