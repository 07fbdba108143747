"""Checks on the classes known to the members of a committee."""

import numpy as np
from sklearn.exceptions import NotFittedError

__all__ = ["check_class_labels", "check_class_proba"]


def check_class_labels(*args):
    """Whether all the given fitted estimators know the same classes, in the same order.

    Parameters
    ----------
    *args : fitted classifiers
        Each needs a ``classes_`` attribute.

    Returns
    -------
    same : bool

    Raises
    ------
    NotFittedError
        If one of them has no ``classes_``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skactive.modal.utils.validation import check_class_labels
    >>> a = DummyClassifier().fit([[0], [1]], [0, 1])
    >>> b = DummyClassifier().fit([[0], [1]], [1, 2])
    >>> check_class_labels(a, a), check_class_labels(a, b)
    (True, False)
    """
    try:
        classes = [estimator.classes_ for estimator in args]
    except AttributeError:
        raise NotFittedError("Not all estimators are fitted. Fit all estimators before using "
                             "this method.") from None
    return all(np.array_equal(a, b) for a, b in zip(classes[:-1], classes[1:]))


def check_class_proba(proba, known_labels, all_labels):
    """Widen class probabilities over ``known_labels`` to columns for ``all_labels``.

    Classes the estimator does not know get probability 0.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_known)
    known_labels : sequence
        The classes of ``proba``'s columns.
    all_labels : sequence
        The classes of the result's columns.

    Returns
    -------
    proba : ndarray of shape (n_samples, len(all_labels))

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.validation import check_class_proba
    >>> check_class_proba(np.array([[0.2, 0.8]]), known_labels=[0, 2], all_labels=[0, 1, 2])
    array([[0.2, 0. , 0.8]])
    """
    proba = np.asarray(proba)
    known = list(known_labels)
    # column n_known of the padded matrix is all zeros: where unknown labels point
    source = np.full(len(all_labels), len(known), dtype=int)
    for j, label in enumerate(all_labels):
        for i, k in enumerate(known):
            if np.array_equal(label, k):
                source[j] = i
                break
    padded = np.hstack((proba, np.zeros((proba.shape[0], 1))))
    return padded[:, source]
