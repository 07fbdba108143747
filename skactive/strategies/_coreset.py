"""CoreSet: greedy k-center on the penultimate features (Sener & Savarese 2018)."""

import numpy as np

from .. import readouts
from ..utils import num_samples
from ..utils import greedy_k_center
from ._base import QueryStrategy, check_query_size


class CoreSet(QueryStrategy):
    """Greedy k-center core set in the network's penultimate feature space.

    Picks, one at a time, the pool sample farthest (Euclidean distance between penultimate
    features f(x)) from every labeled sample and every sample already picked, so that the
    batch and the labeled set together cover the pool with the smallest radius the greedy
    2-approximation finds. The running minimum distance is updated in chunks: no pool x pool
    matrix is ever built.

    The labeled set is read from the learner (skactive's or modAL's ``ActiveLearner``); a bare
    classifier raises a TypeError.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Breaks ties between equally far samples (including the all-zero distances left once
        every distinct feature vector is covered): the same integer gives the same indices.

    Notes
    -----
    The metrics returned with the indices are each pick's distance to the nearest labeled or
    earlier-picked sample at the time it was picked (a non-increasing sequence; the first is
    the current covering radius). Duplicates of a picked sample are at distance 0, so the
    batch always holds ``n_instances`` distinct indices.

    See Also
    --------
    BADGE : k-means++ seeding on last-layer gradient embeddings.
    DAMI : k-medoids on input-gradient interpretations.

    References
    ----------
    .. [1] O. Sener and S. Savarese, "Active learning for convolutional neural networks: a
       core-set approach", ICLR 2018.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearner, MLPClassifier
    >>> from skactive.strategies import CoreSet
    >>> X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    >>> learner = ActiveLearner(MLPClassifier(max_epochs=10, random_state=0),
    ...                         CoreSet(random_state=0), X_training=X[:30], y_training=y[:30])
    >>> idx, rows, radius = learner.query(X[30:], n_instances=5, return_metrics=True)
    >>> idx.shape, bool((radius[:-1] >= radius[1:]).all())
    ((5,), True)
    """

    needs_labeled_set = True

    def __init__(self, random_state=None):
        self.random_state = random_state

    def query(self, classifier, X_pool, n_instances=1):
        """Select ``n_instances`` pool samples by greedy k-center.

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
            The learner holding the fitted model and the labeled set.
        X_pool : array-like of shape (n_samples, n_features)
        n_instances : int, default=1

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
        distances : ndarray of shape (n_instances,)
            Distance of each pick to the nearest labeled or earlier pick when it was chosen.
        """
        _, n_instances = check_query_size(X_pool, n_instances)
        X_labeled, _ = readouts.labeled_set(classifier)
        f_pool = readouts.penultimate_features(classifier, X_pool)
        if X_labeled is None or num_samples(X_labeled) == 0:
            f_labeled = np.empty((0, f_pool.shape[1]), dtype=f_pool.dtype)
        else:
            f_labeled = readouts.penultimate_features(classifier, X_labeled)
        return greedy_k_center(f_pool, f_labeled, n_instances, random_state=self.random_state)
