"""Query by committee: disagreement measures for classifier committees and the standard
deviation of regressors, with modAL's selection.

As in modAL, an unfitted committee (one whose ``vote`` or ``predict_proba`` raises
``NotFittedError``) gets zero disagreement everywhere.
"""

import numpy as np
from scipy.stats import entropy
from sklearn.exceptions import NotFittedError

from .utils.data import data_shape
from .utils.selection import multi_argmax, shuffled_argmax

__all__ = ["vote_entropy", "consensus_entropy", "KL_max_disagreement", "vote_entropy_sampling",
           "consensus_entropy_sampling", "max_disagreement_sampling", "max_std_sampling"]


def vote_entropy(committee, X, **predict_proba_kwargs):
    """Entropy of the members' hard votes over the committee's classes, per sample.

    Parameters
    ----------
    committee : Committee
        Needs ``vote``, ``classes_`` and ``len``.
    X : array-like
    **predict_proba_kwargs
        Passed to ``vote``.

    Returns
    -------
    entropy : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skactive.modal.models import ActiveLearner, Committee
    >>> from skactive.modal.disagreement import vote_entropy
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    >>> committee = Committee([ActiveLearner(DecisionTreeClassifier(), X_training=X[i:i + 3],
    ...                                      y_training=y[i:i + 3]) for i in range(2)])
    >>> vote_entropy(committee, X).shape
    (4,)
    """
    n_learners = len(committee)
    try:
        votes = np.asarray(committee.vote(X, **predict_proba_kwargs))
    except NotFittedError:
        return np.zeros(data_shape(X)[0])
    classes = np.asarray(committee.classes_)
    # share of members voting for each class: (n_samples, n_classes)
    p_vote = (votes[:, :, None] == classes[None, None, :]).sum(axis=1) / n_learners
    return entropy(p_vote, axis=1)


def consensus_entropy(committee, X, **predict_proba_kwargs):
    """Entropy of the committee's mean class probabilities, per sample.

    Parameters
    ----------
    committee : Committee
    X : array-like
    **predict_proba_kwargs
        Passed to ``predict_proba``.

    Returns
    -------
    entropy : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.models import ActiveLearner, Committee
    >>> from skactive.modal.disagreement import consensus_entropy
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    >>> committee = Committee([ActiveLearner(LogisticRegression(C=c), X_training=X,
    ...                                      y_training=y) for c in (0.1, 10.0)])
    >>> consensus_entropy(committee, X).shape
    (4,)
    """
    try:
        proba = committee.predict_proba(X, **predict_proba_kwargs)
    except NotFittedError:
        return np.zeros(data_shape(X)[0])
    return entropy(np.asarray(proba).T, axis=0)


def KL_max_disagreement(committee, X, **predict_proba_kwargs):
    """Largest Kullback-Leibler divergence of a member from the consensus, per sample.

    Parameters
    ----------
    committee : Committee
        Needs ``vote_proba`` and ``len``.
    X : array-like
    **predict_proba_kwargs
        Passed to ``vote_proba``.

    Returns
    -------
    disagreement : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.models import ActiveLearner, Committee
    >>> from skactive.modal.disagreement import KL_max_disagreement
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    >>> committee = Committee([ActiveLearner(LogisticRegression(C=c), X_training=X,
    ...                                      y_training=y) for c in (0.1, 10.0)])
    >>> bool((KL_max_disagreement(committee, X) >= 0).all())
    True
    """
    try:
        p_vote = np.asarray(committee.vote_proba(X, **predict_proba_kwargs))
    except NotFittedError:
        return np.zeros(data_shape(X)[0])
    p_consensus = p_vote.mean(axis=1)
    # entropy(pk, qk) normalises and sums along axis 0: classes first
    kl = np.stack([entropy(p_vote[:, i, :].T, qk=p_consensus.T) for i in range(len(committee))],
                  axis=1)
    return np.max(kl, axis=1)


def _select(values, n_instances, random_tie_break):
    return (shuffled_argmax if random_tie_break else multi_argmax)(values, n_instances)


def vote_entropy_sampling(committee, X, n_instances=1, random_tie_break=False,
                          **disagreement_measure_kwargs):
    """Query the samples of largest :func:`vote_entropy`.

    Parameters
    ----------
    committee : Committee
    X : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False
    **disagreement_measure_kwargs
        Passed to the measure.

    Returns
    -------
    query_idx : ndarray of int
    disagreement : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skactive.modal.models import ActiveLearner, Committee
    >>> from skactive.modal.disagreement import vote_entropy_sampling
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    >>> committee = Committee([ActiveLearner(DecisionTreeClassifier(), X_training=X,
    ...                                      y_training=y) for _ in range(2)])
    >>> vote_entropy_sampling(committee, X, n_instances=2)[0].shape
    (2,)
    """
    return _select(vote_entropy(committee, X, **disagreement_measure_kwargs), n_instances,
                   random_tie_break)


def consensus_entropy_sampling(committee, X, n_instances=1, random_tie_break=False,
                               **disagreement_measure_kwargs):
    """Query the samples of largest :func:`consensus_entropy`.

    Parameters
    ----------
    committee : Committee
    X : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False
    **disagreement_measure_kwargs
        Passed to the measure.

    Returns
    -------
    query_idx : ndarray of int
    disagreement : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.models import ActiveLearner, Committee
    >>> from skactive.modal.disagreement import consensus_entropy_sampling
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    >>> committee = Committee([ActiveLearner(LogisticRegression(C=c), X_training=X,
    ...                                      y_training=y) for c in (0.1, 10.0)])
    >>> consensus_entropy_sampling(committee, X)[0].shape
    (1,)
    """
    return _select(consensus_entropy(committee, X, **disagreement_measure_kwargs), n_instances,
                   random_tie_break)


def max_disagreement_sampling(committee, X, n_instances=1, random_tie_break=False,
                              **disagreement_measure_kwargs):
    """Query the samples of largest :func:`KL_max_disagreement`.

    Parameters
    ----------
    committee : Committee
    X : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False
    **disagreement_measure_kwargs
        Passed to the measure.

    Returns
    -------
    query_idx : ndarray of int
    disagreement : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.models import ActiveLearner, Committee
    >>> from skactive.modal.disagreement import max_disagreement_sampling
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    >>> committee = Committee([ActiveLearner(LogisticRegression(C=c), X_training=X,
    ...                                      y_training=y) for c in (0.1, 10.0)])
    >>> max_disagreement_sampling(committee, X)[0].shape
    (1,)
    """
    return _select(KL_max_disagreement(committee, X, **disagreement_measure_kwargs),
                   n_instances, random_tie_break)


def max_std_sampling(regressor, X, n_instances=1, random_tie_break=False, **predict_kwargs):
    """Query the samples whose predicted standard deviation is largest.

    Parameters
    ----------
    regressor : regressor, ActiveLearner or CommitteeRegressor
        Its ``predict`` must accept ``return_std=True`` (a Gaussian process, a
        :class:`~skactive.modal.models.CommitteeRegressor`, or a learner around one).
    X : array-like
    n_instances : int, default=1
    random_tie_break : bool, default=False
    **predict_kwargs
        Passed to ``predict``.

    Returns
    -------
    query_idx : ndarray of int
    std : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.disagreement import max_std_sampling
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> gp = GaussianProcessRegressor().fit(X[:2], [0.0, 1.0])
    >>> query_idx, std = max_std_sampling(gp, X)
    >>> bool(query_idx[0] >= 3)
    True
    """
    _, std = regressor.predict(X, return_std=True, **predict_kwargs)
    std = np.asarray(std).reshape(data_shape(X)[0])
    return _select(std, n_instances, random_tie_break)
