"""Acquisition functions for Bayesian optimisation with
:class:`~skactive.modal.models.BayesianOptimizer`: probability of improvement (PI), expected
improvement (EI) and upper confidence bound (UCB).

The optimizer's ``predict(X, return_std=True)`` gives the posterior mean and standard
deviation. As in modAL, an unfitted optimizer is read as mean 0 and standard deviation 1
(arrays of shape ``(n_samples, 1)``).
"""

import numpy as np
from scipy.special import ndtr
from scipy.stats import norm
from sklearn.exceptions import NotFittedError

from .utils.data import data_shape
from .utils.selection import multi_argmax

__all__ = ["PI", "EI", "UCB", "optimizer_PI", "optimizer_EI", "optimizer_UCB", "max_PI",
           "max_EI", "max_UCB"]


def PI(mean, std, max_val, tradeoff):
    """Probability of improvement ``Phi((mean - max_val - tradeoff) / std)``.

    Parameters
    ----------
    mean, std : ndarray
        Posterior mean and standard deviation.
    max_val : float
        Best value seen so far.
    tradeoff : float
        Exploration margin.

    Returns
    -------
    pi : ndarray

    Examples
    --------
    >>> from skactive.modal.acquisition import PI
    >>> float(PI(1.0, 1.0, 1.0, 0.0))
    0.5
    """
    return ndtr((mean - max_val - tradeoff) / std)


def EI(mean, std, max_val, tradeoff):
    """Expected improvement ``(mean - max_val - tradeoff) Phi(z) + std phi(z)``.

    Parameters
    ----------
    mean, std : ndarray
    max_val : float
    tradeoff : float

    Returns
    -------
    ei : ndarray

    Examples
    --------
    >>> from skactive.modal.acquisition import EI
    >>> round(float(EI(0.0, 1.0, 0.0, 0.0)), 4)
    0.3989
    """
    improvement = mean - max_val - tradeoff
    z = improvement / std
    return improvement * ndtr(z) + std * norm.pdf(z)


def UCB(mean, std, beta):
    """Upper confidence bound ``mean + beta * std``.

    Parameters
    ----------
    mean, std : ndarray
    beta : float

    Returns
    -------
    ucb : ndarray

    Examples
    --------
    >>> from skactive.modal.acquisition import UCB
    >>> UCB(1.0, 2.0, 0.5)
    2.0
    """
    return mean + beta * std


def _posterior(optimizer, X):
    try:
        mean, std = optimizer.predict(X, return_std=True)
    except NotFittedError:
        n = data_shape(X)[0]
        return np.zeros((n, 1)), np.ones((n, 1))
    return np.asarray(mean).reshape(-1), np.asarray(std).reshape(-1)


def optimizer_PI(optimizer, X, tradeoff=0):
    """:func:`PI` of each sample under the optimizer's model, against ``optimizer.y_max``.

    Parameters
    ----------
    optimizer : BayesianOptimizer
    X : array-like
    tradeoff : float, default=0

    Returns
    -------
    pi : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.models import BayesianOptimizer
    >>> from skactive.modal.acquisition import optimizer_PI
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=X[:2], y_training=[0, 1])
    >>> optimizer_PI(opt, X).shape
    (5,)
    """
    mean, std = _posterior(optimizer, X)
    return PI(mean, std, optimizer.y_max, tradeoff)


def optimizer_EI(optimizer, X, tradeoff=0):
    """:func:`EI` of each sample under the optimizer's model, against ``optimizer.y_max``.

    Parameters
    ----------
    optimizer : BayesianOptimizer
    X : array-like
    tradeoff : float, default=0

    Returns
    -------
    ei : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.models import BayesianOptimizer
    >>> from skactive.modal.acquisition import optimizer_EI
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=X[:2], y_training=[0, 1])
    >>> optimizer_EI(opt, X).shape
    (5,)
    """
    mean, std = _posterior(optimizer, X)
    return EI(mean, std, optimizer.y_max, tradeoff)


def optimizer_UCB(optimizer, X, beta=1):
    """:func:`UCB` of each sample under the optimizer's model.

    Parameters
    ----------
    optimizer : BayesianOptimizer
    X : array-like
    beta : float, default=1

    Returns
    -------
    ucb : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.models import BayesianOptimizer
    >>> from skactive.modal.acquisition import optimizer_UCB
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=X[:2], y_training=[0, 1])
    >>> optimizer_UCB(opt, X).shape
    (5,)
    """
    mean, std = _posterior(optimizer, X)
    return UCB(mean, std, beta)


def max_PI(optimizer, X, tradeoff=0, n_instances=1):
    """Query the samples of largest :func:`optimizer_PI`.

    Parameters
    ----------
    optimizer : BayesianOptimizer
    X : array-like
    tradeoff : float, default=0
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int
    pi : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.models import BayesianOptimizer
    >>> from skactive.modal.acquisition import max_PI
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=X[:2], y_training=[0, 1])
    >>> max_PI(opt, X)[0].shape
    (1,)
    """
    return multi_argmax(optimizer_PI(optimizer, X, tradeoff=tradeoff), n_instances=n_instances)


def max_EI(optimizer, X, tradeoff=0, n_instances=1):
    """Query the samples of largest :func:`optimizer_EI` (the BayesianOptimizer's default).

    Parameters
    ----------
    optimizer : BayesianOptimizer
    X : array-like
    tradeoff : float, default=0
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int
    ei : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.models import BayesianOptimizer
    >>> from skactive.modal.acquisition import max_EI
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=X[:2], y_training=[0, 1])
    >>> max_EI(opt, X)[0].shape
    (1,)
    """
    return multi_argmax(optimizer_EI(optimizer, X, tradeoff=tradeoff), n_instances=n_instances)


def max_UCB(optimizer, X, beta=1, n_instances=1):
    """Query the samples of largest :func:`optimizer_UCB`.

    Parameters
    ----------
    optimizer : BayesianOptimizer
    X : array-like
    beta : float, default=1
    n_instances : int, default=1

    Returns
    -------
    query_idx : ndarray of int
    ucb : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.models import BayesianOptimizer
    >>> from skactive.modal.acquisition import max_UCB
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=X[:2], y_training=[0, 1])
    >>> max_UCB(opt, X)[0].shape
    (1,)
    """
    return multi_argmax(optimizer_UCB(optimizer, X, beta=beta), n_instances=n_instances)
