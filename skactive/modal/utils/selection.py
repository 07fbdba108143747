"""Selecting the best samples from a utility vector, with modAL's tie-breaking.

:func:`multi_argmax` picks with :func:`numpy.argpartition`, so among tied values the choice is
the one ``argpartition`` makes (neither lowest nor highest index in general);
:func:`shuffled_argmax` breaks ties at random with the global NumPy random state, as modAL
does, so ``np.random.seed`` makes it repeatable.
"""

import numpy as np

from .._errors import ArgumentError

__all__ = ["multi_argmax", "multi_argmin", "shuffled_argmax", "shuffled_argmin",
           "weighted_random"]


def _check_n(values, n_instances):
    n = np.shape(values)[0]
    if not 1 <= n_instances <= n:
        raise ArgumentError(f"n_instances must be between 1 and the number of values ({n}), got "
                         f"{n_instances}.")


def multi_argmax(values, n_instances=1):
    """Positions of the ``n_instances`` largest values, as ``numpy.argpartition`` orders them.

    Parameters
    ----------
    values : ndarray of shape (n_samples,)
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int of shape (n_instances,)
    query_values : ndarray of shape (n_instances,)
        ``values[query_idx]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.selection import multi_argmax
    >>> idx, vals = multi_argmax(np.array([0.1, 0.9, 0.5, 0.7]), n_instances=2)
    >>> sorted(idx.tolist()), sorted(vals.tolist())
    ([1, 3], [0.7, 0.9])
    """
    _check_n(values, n_instances)
    values = np.asarray(values)
    top = np.argpartition(-values, n_instances - 1, axis=0)[:n_instances]
    return top, values[top]


def multi_argmin(values, n_instances=1):
    """Positions of the ``n_instances`` smallest values (:func:`multi_argmax` of ``-values``).

    Parameters
    ----------
    values : ndarray of shape (n_samples,)
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int
    query_values : ndarray
        ``values[query_idx]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.selection import multi_argmin
    >>> multi_argmin(np.array([0.3, 0.1, 0.2]))[0].tolist()
    [1]
    """
    idx, negated = multi_argmax(-np.asarray(values), n_instances)
    return idx, -negated


def shuffled_argmax(values, n_instances=1):
    """Positions of the ``n_instances`` largest values, ties broken at random.

    The positions are shuffled with ``np.random.permutation`` and then sorted stably by value,
    so equal values keep their random order. The result is in increasing order of value.

    Parameters
    ----------
    values : ndarray of shape (n_samples,)
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int
    query_values : ndarray
        ``values[query_idx]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.selection import shuffled_argmax
    >>> shuffled_argmax(np.array([3, 1, 2]), n_instances=2)[0].tolist()
    [2, 0]
    """
    _check_n(values, n_instances)
    values = np.asarray(values)
    perm = np.random.permutation(len(values))
    ranked = np.argsort(values[perm], kind="stable")
    chosen = perm[ranked[len(values) - n_instances:]]
    return chosen, values[chosen]


def shuffled_argmin(values, n_instances=1):
    """Positions of the ``n_instances`` smallest values, ties broken at random.

    Parameters
    ----------
    values : ndarray of shape (n_samples,)
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int
    query_values : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.selection import shuffled_argmin
    >>> shuffled_argmin(np.array([3, 1, 2]))[0].tolist()
    [1]
    """
    idx, negated = shuffled_argmax(-np.asarray(values), n_instances)
    return idx, -negated


def weighted_random(weights, n_instances=1):
    """Draw ``n_instances`` distinct positions with probability proportional to ``weights``.

    Uses the global NumPy random state.

    Parameters
    ----------
    weights : ndarray of shape (n_samples,)
        Non-negative, with a positive sum.
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int of shape (n_instances,)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.utils.selection import weighted_random
    >>> weighted_random(np.array([0.0, 1.0, 0.0])).tolist()
    [1]
    """
    _check_n(weights, n_instances)
    weights = np.asarray(weights, dtype=float)
    total = weights.sum()
    if not total > 0:
        raise ArgumentError("the sum of weights must be larger than zero")
    return np.random.choice(len(weights), size=n_instances, replace=False, p=weights / total)
