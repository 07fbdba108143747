"""Information density: how similar a sample is, on average, to the rest of the pool."""

from scipy.spatial.distance import cosine, euclidean
from sklearn.metrics.pairwise import pairwise_distances

__all__ = ["similarize_distance", "cosine_similarity", "euclidean_similarity",
           "information_density"]


def similarize_distance(distance_measure):
    """Turn a distance ``d`` into the similarity ``1 / (1 + d)``.

    Parameters
    ----------
    distance_measure : callable
        ``distance_measure(*args, **kwargs) -> float``.

    Returns
    -------
    similarity : callable

    Examples
    --------
    >>> from scipy.spatial.distance import euclidean
    >>> from skactive.modal.density import similarize_distance
    >>> float(similarize_distance(euclidean)([0, 0], [3, 4]))
    0.16666666666666666
    """
    def sim(*args, **kwargs):
        return 1 / (1 + distance_measure(*args, **kwargs))

    return sim


def cosine_similarity(*args, **kwargs):
    """``1 / (1 + cosine distance)`` of two vectors (:func:`similarize_distance` of it).

    Parameters
    ----------
    *args, **kwargs
        Passed to :func:`scipy.spatial.distance.cosine`.

    Returns
    -------
    similarity : float

    Examples
    --------
    >>> from skactive.modal.density import cosine_similarity
    >>> float(cosine_similarity([1, 0], [0, 1]))
    0.5
    """
    return 1 / (1 + cosine(*args, **kwargs))


def euclidean_similarity(*args, **kwargs):
    """``1 / (1 + euclidean distance)`` of two vectors (:func:`similarize_distance` of it).

    Parameters
    ----------
    *args, **kwargs
        Passed to :func:`scipy.spatial.distance.euclidean`.

    Returns
    -------
    similarity : float

    Examples
    --------
    >>> from skactive.modal.density import euclidean_similarity
    >>> float(euclidean_similarity([0, 0], [3, 4]))
    0.16666666666666666
    """
    return 1 / (1 + euclidean(*args, **kwargs))


def information_density(X, metric="euclidean"):
    """Mean similarity ``1 / (1 + d(x, x'))`` of each sample to every sample of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    metric : str or callable, default="euclidean"
        Any metric of :func:`sklearn.metrics.pairwise_distances`.

    Returns
    -------
    density : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.density import information_density
    >>> information_density(np.array([[0.0], [1.0], [5.0]])).round(3).tolist()
    [0.556, 0.567, 0.456]
    """
    similarity = 1 / (1 + pairwise_distances(X, X, metric=metric))
    return similarity.mean(axis=1)
