"""Uncertainty sampling: least confidence, margin and entropy of the predicted probabilities.

As in modAL, a measure (per-sample score from probabilities) is kept apart from the selection.
Unlike modAL's, these raise on an unfitted model instead of returning constant scores.
"""

import numpy as np
import scipy.stats
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import is_dask_array, is_pool_object, iter_chunks, num_samples
from ._base import ScoreBasedStrategy, check_query_size, check_runs_on_workers


def least_confidence(proba):
    """Least confidence, 1 - max_k p(k|x), of each row of class probabilities.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    uncertainty : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import least_confidence
    >>> least_confidence(np.array([[0.7, 0.3], [0.5, 0.5]])).round(2).tolist()
    [0.3, 0.5]
    """
    return 1.0 - np.max(proba, axis=1)


def margin(proba):
    """Margin p_(1) - p_(2) between the two most probable classes (small is uncertain).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    margin : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import margin
    >>> margin(np.array([[0.6, 0.3, 0.1], [0.4, 0.4, 0.2]])).round(2).tolist()
    [0.3, 0.0]
    """
    if proba.shape[1] == 1:
        return np.zeros(len(proba), dtype=proba.dtype)
    top2 = -np.partition(-proba, 1, axis=1)[:, :2]
    return top2[:, 0] - top2[:, 1]


def entropy(proba):
    """Shannon entropy -sum_k p log p of each row, in nats (0 log 0 = 0).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    entropy : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import entropy
    >>> entropy(np.array([[0.5, 0.5], [1.0, 0.0]])).round(4).tolist()
    [0.6931, 0.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(proba > 0, proba * np.log(proba), 0.0)
    return 0.0 - terms.sum(axis=1)  # 0.0 - x, not -x: no negative zero for certain rows


class LeastConfidence(ScoreBasedStrategy):
    """Query the samples whose most probable class is least probable: score 1 - max p.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import LeastConfidence
    >>> X, y = make_classification(n_samples=100, random_state=0)
    >>> clf = LogisticRegression().fit(X[:20], y[:20])
    >>> idx, scores = LeastConfidence()(clf, X[20:], n_instances=5)
    >>> idx.shape
    (5,)
    """

    pointwise_scores = True

    def score_samples(self, classifier, X_pool):
        return least_confidence(readouts.predict_proba(classifier, X_pool))


class MarginSampling(ScoreBasedStrategy):
    """Query the samples with the smallest gap between the two most probable classes.

    ``score_samples`` returns the negated margin, so that higher still means query first.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import MarginSampling
    >>> X, y = make_classification(n_samples=100, random_state=0)
    >>> clf = LogisticRegression().fit(X[:20], y[:20])
    >>> idx, scores = MarginSampling()(clf, X[20:], n_instances=5)
    >>> bool((scores <= 0).all())
    True
    """

    pointwise_scores = True

    def score_samples(self, classifier, X_pool):
        return -margin(readouts.predict_proba(classifier, X_pool))


class EntropySampling(ScoreBasedStrategy):
    """Query the samples with the highest predictive entropy.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import EntropySampling
    >>> X, y = make_classification(n_samples=100, random_state=0)
    >>> clf = LogisticRegression().fit(X[:20], y[:20])
    >>> idx, scores = EntropySampling()(clf, X[20:], n_instances=5)
    >>> bool((scores >= 0).all())
    True
    """

    pointwise_scores = True

    def score_samples(self, classifier, X_pool):
        return entropy(readouts.predict_proba(classifier, X_pool))


def _select(values, n_instances, random_tie_break, random_state):
    # modAL's selection exactly, ties included: multi_argmax (argpartition order) or
    # shuffled_argmax (a permutation, a stable ascending sort, the last n_instances)
    if not random_tie_break:
        return np.argpartition(-values, n_instances - 1)[:n_instances].astype(np.intp)
    perm = check_random_state(random_state).permutation(len(values))
    order = np.argsort(values[perm], kind="stable")[len(values) - n_instances:]
    return perm[order].astype(np.intp)


def _modal_entropy(proba):
    # modAL's reduction (scipy, classes along axis 0): the same floats, hence the same ties
    return scipy.stats.entropy(proba.T)


def _classifier_proba(classifier, X, kwargs):
    """``classifier.predict_proba(X)``; an out-of-core pool one chunk at a time, never whole."""
    if not (isinstance(X, np.memmap) or is_dask_array(X) or is_pool_object(X)):
        return np.asarray(classifier.predict_proba(X, **kwargs))
    proba = None
    for start, stop, block in iter_chunks(X):
        part = np.asarray(classifier.predict_proba(block, **kwargs))
        if proba is None:
            proba = np.empty((num_samples(X),) + part.shape[1:], dtype=part.dtype)
        proba[start:stop] = part
    return proba


def _modal_style(measure, sign):
    def strategy(classifier, X, n_instances=1, random_tie_break=False, random_state=None,
                 client=None, **predict_proba_kwargs):
        if client is not None:  # not a predict_proba argument: say where it can go
            check_runs_on_workers(strategy, strategy.__name__)
        check_query_size(X, n_instances)
        # the classifier's own predict_proba, as modAL reads it (readouts may round differently)
        values = measure(_classifier_proba(classifier, X, predict_proba_kwargs))
        query_idx = _select(sign * values, n_instances, random_tie_break, random_state)
        return query_idx, values[query_idx]

    return strategy


uncertainty_sampling = _modal_style(least_confidence, 1)
uncertainty_sampling.__name__ = "uncertainty_sampling"
uncertainty_sampling.__doc__ = """Least-confidence sampling with modAL's function signature.

Parameters
----------
classifier : ActiveLearner, classifier or Pipeline
X : array-like, memmap, dask array or pool object
    The pool (a memory-mapped, dask or pool-object pool is read one chunk at a time).
n_instances : int, default=1
random_tie_break : bool, default=False
    Select as modAL's ``shuffled_argmax`` (ties broken at random, seeded by ``random_state``)
    instead of modAL's ``multi_argmax`` (``numpy.argpartition``, whose order among ties is
    neither first nor last index). Either way the picks are modAL's.
random_state : int, RandomState instance or None, default=None
    None uses NumPy's global random state, as modAL does.
client : None, default=None
    Refused unless None: this function reads the pool in this process. The strategy objects
    (LeastConfidence, MarginSampling, EntropySampling) score a dask pool on the workers of a
    ``dask.distributed`` client.
**predict_proba_kwargs
    Passed to the classifier's ``predict_proba``.

Returns
-------
query_idx : ndarray of int
metrics : ndarray
    1 - max p of the selected samples (modAL's metric).

Examples
--------
>>> from sklearn.datasets import make_classification
>>> from sklearn.linear_model import LogisticRegression
>>> from skactive.strategies import uncertainty_sampling
>>> X, y = make_classification(n_samples=100, random_state=0)
>>> clf = LogisticRegression().fit(X, y)
>>> idx, uncertainty = uncertainty_sampling(clf, X, n_instances=3)
>>> idx.shape
(3,)
"""

margin_sampling = _modal_style(margin, -1)
margin_sampling.__name__ = "margin_sampling"
margin_sampling.__doc__ = uncertainty_sampling.__doc__.replace(
    "Least-confidence sampling", "Margin sampling (smallest margin first)"
).replace("1 - max p of the selected samples", "p_(1) - p_(2) of the selected samples").replace(
    "uncertainty_sampling", "margin_sampling").replace("uncertainty =", "margins =")

entropy_sampling = _modal_style(_modal_entropy, 1)
entropy_sampling.__name__ = "entropy_sampling"
entropy_sampling.__doc__ = uncertainty_sampling.__doc__.replace(
    "Least-confidence sampling", "Entropy sampling"
).replace("1 - max p of the selected samples", "Predictive entropy of the selected samples").replace(
    "uncertainty_sampling", "entropy_sampling").replace("uncertainty =", "entropies =")
