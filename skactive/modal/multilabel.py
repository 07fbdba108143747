"""Multilabel strategies for one-vs-rest classifiers (SVM-based and confidence-based), as in
modAL. ``y`` is a binary indicator matrix of shape (n_samples, n_classes)."""

import numpy as np

from ._errors import ArgumentError
from .utils.selection import multi_argmax, multi_argmin, shuffled_argmax, shuffled_argmin

__all__ = ["SVM_binary_minimum", "max_loss", "mean_max_loss", "min_confidence",
           "avg_confidence", "max_score", "avg_score"]


def _SVM_loss(multiclass_classifier, X, most_certain_classes=None):
    """Hinge loss of the predicted label vector, mean over classes, or summed against one
    "most certain" class per sample when ``most_certain_classes`` is given."""
    predictions = 2 * np.asarray(multiclass_classifier.predict(X)) - 1
    n_classes = len(multiclass_classifier.classes_)
    if most_certain_classes is None:
        signs = 2 * np.eye(n_classes) - 1
        return np.maximum(1 - predictions @ signs, 0).mean(axis=1)
    signs = -np.ones((len(X), n_classes))
    signs[np.arange(len(X)), np.asarray(most_certain_classes)] = 1
    return np.maximum(1 - signs * predictions, 0).sum(axis=1)


def _pick(values, n_instances, random_tie_break, smallest=False):
    if smallest:
        return (shuffled_argmin if random_tie_break else multi_argmin)(values, n_instances)
    return (shuffled_argmax if random_tie_break else multi_argmax)(values, n_instances)


def _check_pool(X_pool, n_instances):
    if len(X_pool) < n_instances:
        raise ArgumentError(f"n_instances ({n_instances}) cannot be larger than the pool "
                            f"({len(X_pool)} samples).")


def SVM_binary_minimum(classifier, X_pool, random_tie_break=False):
    """Query the sample closest to any of the one-vs-rest SVMs' decision boundaries.

    Parameters
    ----------
    classifier : ActiveLearner
        Around a fitted ``OneVsRestClassifier`` of SVMs (its ``estimator.estimators_``).
    X_pool : array-like
    random_tie_break : bool, default=False

    Returns
    -------
    query_idx : int or ndarray
        As in modAL: a single position from ``argmin`` without random tie-breaking, else
        ``(query_idx, values)`` from :func:`~skactive.modal.utils.selection.shuffled_argmax`
        of the minimal distances.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.svm import LinearSVC
    >>> from skactive.modal.models import ActiveLearner
    >>> from skactive.modal.multilabel import SVM_binary_minimum
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> learner = ActiveLearner(OneVsRestClassifier(LinearSVC()), X_training=X, y_training=Y)
    >>> int(SVM_binary_minimum(learner, np.array([[1.5], [10.0]])))
    0
    """
    distances = np.array([svm.decision_function(X_pool)
                          for svm in classifier.estimator.estimators_]).T
    min_abs = np.min(np.abs(distances), axis=1)
    if not random_tie_break:
        return np.argmin(min_abs)
    # modAL's choice, kept for the same picks: the *largest* minimal distance when shuffling
    return shuffled_argmax(min_abs)


def max_loss(classifier, X_pool, n_instances=1, random_tie_break=False):
    """Maximum loss reduction with maximal confidence (Li et al., 2004).

    Parameters
    ----------
    classifier : OneVsRestClassifier or ActiveLearner
        With ``predict``, ``predict_proba`` and ``classes_``.
    X_pool : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False

    Returns
    -------
    query_idx : ndarray of int
    loss : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.multilabel import max_loss
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> clf = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    >>> max_loss(clf, X, n_instances=2)[0].shape
    (2,)
    """
    _check_pool(X_pool, n_instances)
    most_certain = classifier.predict_proba(X_pool).argmax(axis=1)
    loss = _SVM_loss(classifier, X_pool, most_certain_classes=most_certain)
    return _pick(loss, n_instances, random_tie_break)


def mean_max_loss(classifier, X_pool, n_instances=1, random_tie_break=False):
    """Mean max loss (Hung and Lin, 2011): the mean hinge loss over classes.

    Parameters
    ----------
    classifier : OneVsRestClassifier or ActiveLearner
    X_pool : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False

    Returns
    -------
    query_idx : ndarray of int
    loss : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.multilabel import mean_max_loss
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> clf = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    >>> mean_max_loss(clf, X)[0].shape
    (1,)
    """
    _check_pool(X_pool, n_instances)
    return _pick(_SVM_loss(classifier, X_pool), n_instances, random_tie_break)


def min_confidence(classifier, X_pool, n_instances=1, random_tie_break=False):
    """Query the samples whose least probable class is least probable overall.

    Parameters
    ----------
    classifier : OneVsRestClassifier or ActiveLearner
    X_pool : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False

    Returns
    -------
    query_idx : ndarray of int
    min_confidence : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.multilabel import min_confidence
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> clf = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    >>> min_confidence(clf, X)[0].shape
    (1,)
    """
    values = np.min(classifier.predict_proba(X_pool), axis=1)
    return _pick(values, n_instances, random_tie_break, smallest=True)


def avg_confidence(classifier, X_pool, n_instances=1, random_tie_break=False):
    """Query the samples of largest mean class probability.

    Parameters
    ----------
    classifier : OneVsRestClassifier or ActiveLearner
    X_pool : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False

    Returns
    -------
    query_idx : ndarray of int
    avg_confidence : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.multilabel import avg_confidence
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> clf = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    >>> avg_confidence(clf, X)[0].shape
    (1,)
    """
    values = np.mean(classifier.predict_proba(X_pool), axis=1)
    return _pick(values, n_instances, random_tie_break)


def _scores(classifier, X_pool):
    return classifier.predict_proba(X_pool) * (np.asarray(classifier.predict(X_pool)) - 1 / 2)


def max_score(classifier, X_pool, n_instances=1, random_tie_break=1):
    """Query the samples of largest ``max_k p_k * (prediction_k - 1/2)``.

    As in modAL, ``random_tie_break`` defaults to true here.

    Parameters
    ----------
    classifier : OneVsRestClassifier or ActiveLearner
    X_pool : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=1

    Returns
    -------
    query_idx : ndarray of int
    max_score : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.multilabel import max_score
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> clf = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    >>> max_score(clf, X)[0].shape
    (1,)
    """
    return _pick(np.max(_scores(classifier, X_pool), axis=1), n_instances, random_tie_break)


def avg_score(classifier, X_pool, n_instances=1, random_tie_break=False):
    """Query the samples of largest ``mean_k p_k * (prediction_k - 1/2)``.

    Parameters
    ----------
    classifier : OneVsRestClassifier or ActiveLearner
    X_pool : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False

    Returns
    -------
    query_idx : ndarray of int
    avg_score : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.multilabel import avg_score
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> clf = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    >>> avg_score(clf, X)[0].shape
    (1,)
    """
    return _pick(np.mean(_scores(classifier, X_pool), axis=1), n_instances, random_tie_break)
