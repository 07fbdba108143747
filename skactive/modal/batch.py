"""Ranked batch-mode sampling (Cardoso et al., 2017), as in modAL.

Samples are ranked one at a time by ``alpha * (1 - similarity) + (1 - alpha) * uncertainty``,
where ``similarity = 1 / (1 + distance to the nearest labeled or already ranked sample)`` and
``alpha = n_unranked / (n_unranked + n_labeled_and_ranked)``. The labeled set is the learner's
``X_training``; with none (a cold start, or a Committee, which holds no labeled set of its own)
the first pick is the pool sample of smallest mean distance to the pool.
"""

import numpy as np
from sklearn.metrics.pairwise import pairwise_distances, pairwise_distances_argmin_min

from .uncertainty import classifier_uncertainty
from .utils.data import data_shape, data_vstack

__all__ = ["select_cold_start_instance", "select_instance", "ranked_batch",
           "uncertainty_batch_sampling"]


def select_cold_start_instance(X, metric, n_jobs):
    """The sample of ``X`` with the smallest mean distance to all of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    metric : str or callable
    n_jobs : int or None

    Returns
    -------
    index : int
    instance : ndarray of shape (1, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.batch import select_cold_start_instance
    >>> select_cold_start_instance(np.array([[0.0], [1.0], [5.0]]), "euclidean", None)[0]
    np.int64(1)
    """
    mean_distance = np.mean(pairwise_distances(X, metric=metric, n_jobs=n_jobs or 1), axis=0)
    best = np.argmin(mean_distance)
    return best, X[best].reshape(1, -1)


def _min_distances(X_pool, X_labeled, metric, n_jobs):
    n_pool, n_labeled = data_shape(X_pool)[0], data_shape(X_labeled)[0]
    X_pool, X_labeled = X_pool.reshape(n_pool, -1), X_labeled.reshape(n_labeled, -1)
    if n_jobs is None or n_jobs == 1:
        return pairwise_distances_argmin_min(X_pool, X_labeled, metric=metric)[1]
    return pairwise_distances(X_pool, X_labeled, metric=metric, n_jobs=n_jobs).min(axis=1)


def select_instance(X_training, X_pool, X_uncertainty, mask, metric, n_jobs):
    """Rank the next sample: the best score among the pool rows still in ``mask``.

    Parameters
    ----------
    X_training : array-like of shape (n_labeled, n_features)
        Labeled samples and samples ranked so far.
    X_pool : array-like of shape (n_pool, n_features)
    X_uncertainty : ndarray of shape (n_pool,)
    mask : ndarray of bool of shape (n_pool,)
        Rows not ranked yet; the chosen row is switched off (in place).
    metric : str or callable
    n_jobs : int or None

    Returns
    -------
    index : int
        Position of the chosen sample in ``X_pool``.
    instance : array-like of shape (1, n_features)
    mask : ndarray of bool

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.batch import select_instance
    >>> X_pool, mask = np.array([[0.0], [1.0], [5.0]]), np.ones(3, bool)
    >>> select_instance(np.array([[0.0]]), X_pool, np.zeros(3), mask, "euclidean", None)[0]
    2
    """
    candidates = np.flatnonzero(mask)
    X_candidates = X_pool[mask]
    n_candidates = len(candidates)
    alpha = n_candidates / (n_candidates + data_shape(X_training)[0])
    distance = _min_distances(X_candidates, X_training, metric, n_jobs)
    similarity = 1 / (1 + distance)
    scores = alpha * (1 - similarity) + (1 - alpha) * X_uncertainty[mask]
    best = int(candidates[np.argmax(scores)])
    mask[best] = False
    return best, X_pool[[best]], mask


def ranked_batch(classifier, unlabeled, uncertainty_scores, n_instances, metric, n_jobs):
    """Rank up to ``n_instances`` pool samples by uncertainty and distance to the labeled set.

    Parameters
    ----------
    classifier : ActiveLearner or Committee
        Its ``X_training`` (None for a cold start) and ``on_transformed`` are read.
    unlabeled : array-like of shape (n_pool, n_features)
    uncertainty_scores : ndarray of shape (n_pool,)
    n_instances : int
    metric : str or callable
    n_jobs : int or None

    Returns
    -------
    query_idx : ndarray of int
        In the order they were ranked.
    uncertainty : ndarray
        ``uncertainty_scores[query_idx]``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.models import ActiveLearner
    >>> from skactive.modal.batch import ranked_batch
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    >>> learner = ActiveLearner(LogisticRegression(), X_training=X[:2], y_training=[0, 1])
    >>> ranked_batch(learner, X[2:], np.zeros(3), 2, "euclidean", None)[0].tolist()
    [2, 1]
    """
    if classifier.on_transformed:
        unlabeled = classifier.transform_without_estimating(unlabeled)
    X_training = classifier.X_training
    if X_training is None or data_shape(X_training)[0] == 0:
        first, labeled = select_cold_start_instance(unlabeled, metric, n_jobs)
        ranking = [first]
    else:
        labeled = (classifier.transform_without_estimating(X_training)
                   if classifier.on_transformed else X_training[:])
        ranking = []
    n_pool = data_shape(unlabeled)[0]
    mask = np.ones(n_pool, dtype=bool)
    # modAL leaves the cold-start pick rankable, so a batch could name it twice
    mask[ranking] = False
    for _ in range(min(n_pool, n_instances) - len(ranking)):
        index, instance, mask = select_instance(labeled, unlabeled, uncertainty_scores, mask,
                                                metric, n_jobs)
        labeled = data_vstack((labeled, instance))
        ranking.append(index)
    ranking = np.array(ranking)
    return ranking, uncertainty_scores[ranking]


def uncertainty_batch_sampling(classifier, X, n_instances=20, metric="euclidean", n_jobs=None,
                               **uncertainty_measure_kwargs):
    """Query a batch of ``n_instances`` samples that are uncertain and far from the labeled set.

    Parameters
    ----------
    classifier : ActiveLearner or Committee
    X : array-like of shape (n_pool, n_features)
        The pool (numpy array or sparse matrix).
    n_instances : int, default=20
    metric : str or callable, default="euclidean"
    n_jobs : int, optional
    **uncertainty_measure_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    query_idx : ndarray of int
    uncertainty : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.models import ActiveLearner
    >>> from skactive.modal.batch import uncertainty_batch_sampling
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.rand(30, 2), np.r_[np.zeros(15), np.ones(15)]
    >>> learner = ActiveLearner(LogisticRegression(), uncertainty_batch_sampling,
    ...                         X_training=X[[0, 29]], y_training=y[[0, 29]])
    >>> query_idx, _ = learner.query(X, n_instances=4)
    >>> len(set(query_idx.tolist()))
    4
    """
    uncertainty = classifier_uncertainty(classifier, X, **uncertainty_measure_kwargs)
    return ranked_batch(classifier, unlabeled=X, uncertainty_scores=uncertainty,
                        n_instances=n_instances, metric=metric, n_jobs=n_jobs)
