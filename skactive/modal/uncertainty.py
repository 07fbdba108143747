"""Uncertainty sampling with modAL's measures, selection and tie-breaking.

The measures (``classifier_uncertainty``, ``classifier_margin``, ``classifier_entropy``) read
``classifier.predict_proba``; the classifier may be a :class:`~skactive.modal.models.ActiveLearner`,
a :class:`~skactive.modal.models.Committee` or any fitted classifier. As in modAL, an estimator
that raises ``NotFittedError`` gets constant scores (uncertainty 1, margin 0, entropy 0), so a
learner without labels can still be queried (it then picks by position).
"""

import numpy as np
from scipy.stats import entropy
from sklearn.exceptions import NotFittedError

from .utils.data import data_shape
from .utils.selection import multi_argmax, multi_argmin, shuffled_argmax, shuffled_argmin

__all__ = ["classifier_uncertainty", "classifier_margin", "classifier_entropy",
           "uncertainty_sampling", "margin_sampling", "entropy_sampling"]


def _proba_uncertainty(proba):
    return 1 - np.max(proba, axis=1)


def _proba_margin(proba):
    proba = np.asarray(proba)
    if proba.shape[1] == 1:
        return np.zeros(len(proba))
    top2 = np.partition(-proba, 1, axis=1)
    return top2[:, 1] - top2[:, 0]


def _proba_entropy(proba):
    # classes along axis 0, as modAL reduces them: the same floats, hence the same ties
    return entropy(np.asarray(proba).T, axis=0)


def _proba_or_none(classifier, X, kwargs):
    try:
        return classifier.predict_proba(X, **kwargs)
    except NotFittedError:
        return None


def classifier_uncertainty(classifier, X, **predict_proba_kwargs):
    """Least confidence ``1 - max_k p(k|x)`` of each sample.

    Parameters
    ----------
    classifier : classifier, ActiveLearner or Committee
        Anything with ``predict_proba``.
    X : array-like
        The samples.
    **predict_proba_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    uncertainty : ndarray of shape (n_samples,)
        All ones if the classifier is not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.uncertainty import classifier_uncertainty
    >>> X = np.array([[-3.0], [0.0], [3.0]])
    >>> clf = LogisticRegression().fit([[-2.0], [-1.0], [1.0], [2.0]], [0, 0, 1, 1])
    >>> classifier_uncertainty(clf, X).shape
    (3,)
    """
    proba = _proba_or_none(classifier, X, predict_proba_kwargs)
    if proba is None:
        return np.ones(data_shape(X)[0])
    return _proba_uncertainty(proba)


def classifier_margin(classifier, X, **predict_proba_kwargs):
    """Margin ``p_(1) - p_(2)`` between the two most probable classes of each sample.

    Parameters
    ----------
    classifier : classifier, ActiveLearner or Committee
    X : array-like
    **predict_proba_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    margin : ndarray of shape (n_samples,)
        All zeros if the classifier is not fitted or knows a single class.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.uncertainty import classifier_margin
    >>> X = np.array([[-3.0], [0.0], [3.0]])
    >>> clf = LogisticRegression().fit([[-2.0], [-1.0], [1.0], [2.0]], [0, 0, 1, 1])
    >>> bool((classifier_margin(clf, X) >= 0).all())
    True
    """
    proba = _proba_or_none(classifier, X, predict_proba_kwargs)
    if proba is None:
        return np.zeros(data_shape(X)[0])
    return _proba_margin(proba)


def classifier_entropy(classifier, X, **predict_proba_kwargs):
    """Entropy of the predicted class distribution of each sample (nats).

    Parameters
    ----------
    classifier : classifier, ActiveLearner or Committee
    X : array-like
    **predict_proba_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    entropy : ndarray of shape (n_samples,)
        All zeros if the classifier is not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skactive.modal.uncertainty import classifier_entropy
    >>> clf = DummyClassifier(strategy="uniform").fit([[0], [1]], [0, 1])
    >>> classifier_entropy(clf, [[0]]).round(4).tolist()
    [0.6931]
    """
    proba = _proba_or_none(classifier, X, predict_proba_kwargs)
    if proba is None:
        return np.zeros(data_shape(X)[0])
    return _proba_entropy(proba)


def _select(values, n_instances, random_tie_break, smallest=False):
    if smallest:
        return (shuffled_argmin if random_tie_break else multi_argmin)(values, n_instances)
    return (shuffled_argmax if random_tie_break else multi_argmax)(values, n_instances)


def uncertainty_sampling(classifier, X, n_instances=1, random_tie_break=False,
                         **uncertainty_measure_kwargs):
    """Query the samples of least confidence.

    Parameters
    ----------
    classifier : classifier, ActiveLearner or Committee
    X : array-like
        The pool.
    n_instances : int, default=1
    random_tie_break : bool, default=False
        Break ties with :func:`~skactive.modal.utils.selection.shuffled_argmax` (global NumPy
        random state) instead of :func:`~skactive.modal.utils.selection.multi_argmax`.
    **uncertainty_measure_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    query_idx : ndarray of int
    uncertainty : ndarray
        The uncertainty of the selected samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.uncertainty import uncertainty_sampling
    >>> X = np.array([[-3.0], [0.0], [3.0]])
    >>> clf = LogisticRegression().fit([[-2.0], [-1.0], [1.0], [2.0]], [0, 0, 1, 1])
    >>> uncertainty_sampling(clf, X)[0].tolist()
    [1]
    """
    values = classifier_uncertainty(classifier, X, **uncertainty_measure_kwargs)
    return _select(values, n_instances, random_tie_break)


def margin_sampling(classifier, X, n_instances=1, random_tie_break=False,
                    **uncertainty_measure_kwargs):
    """Query the samples with the smallest margin between the two most probable classes.

    Parameters
    ----------
    classifier : classifier, ActiveLearner or Committee
    X : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False
    **uncertainty_measure_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    query_idx : ndarray of int
    margin : ndarray
        The margin of the selected samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.uncertainty import margin_sampling
    >>> X = np.array([[-3.0], [0.0], [3.0]])
    >>> clf = LogisticRegression().fit([[-2.0], [-1.0], [1.0], [2.0]], [0, 0, 1, 1])
    >>> margin_sampling(clf, X)[0].tolist()
    [1]
    """
    values = classifier_margin(classifier, X, **uncertainty_measure_kwargs)
    return _select(values, n_instances, random_tie_break, smallest=True)


def entropy_sampling(classifier, X, n_instances=1, random_tie_break=False,
                     **uncertainty_measure_kwargs):
    """Query the samples with the largest predictive entropy.

    Parameters
    ----------
    classifier : classifier, ActiveLearner or Committee
    X : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False
    **uncertainty_measure_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    query_idx : ndarray of int
    entropy : ndarray
        The entropy of the selected samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.uncertainty import entropy_sampling
    >>> X = np.array([[-3.0], [0.0], [3.0]])
    >>> clf = LogisticRegression().fit([[-2.0], [-1.0], [1.0], [2.0]], [0, 0, 1, 1])
    >>> entropy_sampling(clf, X)[0].tolist()
    [1]
    """
    values = classifier_entropy(classifier, X, **uncertainty_measure_kwargs)
    return _select(values, n_instances, random_tie_break)
