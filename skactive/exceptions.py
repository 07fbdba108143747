"""Warnings and errors that skactive raises beyond Python's and scikit-learn's own."""


class InconsistentVersionWarning(UserWarning):
    """A saved skactive object (pickle or :func:`skactive.io.dump` file) is loaded by another
    skactive version.

    Modelled on :class:`sklearn.exceptions.InconsistentVersionWarning`: the object may behave
    differently or fail; refit it, or load it with the version that saved it.

    Parameters
    ----------
    estimator_name : str
        Class of the loaded object.
    current_version : str
        The skactive version loading the object.
    original_version : str
        The skactive version that saved it.

    Examples
    --------
    >>> import warnings
    >>> from skactive.exceptions import InconsistentVersionWarning
    >>> w = InconsistentVersionWarning(estimator_name="MLPClassifier", current_version="0.2",
    ...                                original_version="0.1")
    >>> print(str(w)[:62])
    Loading MLPClassifier saved by skactive 0.1 with skactive 0.2:
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version

    def __str__(self):
        return (
            f"Loading {self.estimator_name} saved by skactive {self.original_version} with "
            f"skactive {self.current_version}: it may behave differently or fail. Refit it, or "
            f"load it with skactive {self.original_version}."
        )


class RefitError(ValueError, RuntimeError):
    """New labels joined an ActiveLearner's labeled set, but refitting the model on it failed.

    The labels are kept (they are real answers); the learner has no fitted model until the next
    call that needs one (``query``, ``predict``, ``score``...) refits it on the whole labeled set,
    or until the next successful ``teach``. The original error is the ``__cause__``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive import ActiveLearner
    >>> from skactive.exceptions import RefitError
    >>> learner = ActiveLearner(LogisticRegression())
    >>> try:
    ...     learner.teach(np.zeros((2, 3)), [0, 0])  # a single class: nothing to fit yet
    ... except RefitError:
    ...     pass
    >>> len(learner.y_training_)
    2
    """


__all__ = ["InconsistentVersionWarning", "RefitError"]
