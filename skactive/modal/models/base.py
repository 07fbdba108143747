"""Base classes of modAL's learners and committees (``skactive.modal.models.base``)."""

import abc
import inspect
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import StackingClassifier, StackingRegressor, VotingClassifier, \
    VotingRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils import check_X_y

from ...learner import ActiveLearner as _SkactiveLearner
from ... import readouts
from ..utils.data import data_hstack, data_shape, retrieve_rows

__all__ = ["BaseLearner", "BaseCommittee"]

_HETEROGENEOUS_ENSEMBLES = (VotingClassifier, VotingRegressor, StackingClassifier,
                            StackingRegressor)
# scikit-learn 1.6 renamed force_all_finite to ensure_all_finite and 1.8 removed the old name.
_FINITE_ARG = ("ensure_all_finite" if "ensure_all_finite" in inspect.signature(check_X_y).parameters
               else "force_all_finite")


def _check_X_y(X, y, all_finite):
    check_X_y(X, y, accept_sparse=True, ensure_2d=False, allow_nd=True, multi_output=True,
              dtype=None, **{_FINITE_ARG: all_finite})


def _split_result(result):
    """(query_idx, metrics) of a strategy's result; a strategy may return indices only."""
    if isinstance(result, tuple) and len(result) == 2:
        return result
    return result, None


def _query(learner, X_pool, query_args, return_metrics, query_kwargs):
    query_idx, metrics = _split_result(
        learner.query_strategy(learner, X_pool, *query_args, **query_kwargs))
    rows = retrieve_rows(X_pool, query_idx)
    if not return_metrics:
        return query_idx, rows
    if metrics is None:
        warnings.warn("The selected query strategy doesn't support return_metrics")
    return query_idx, rows, metrics


class BaseLearner(abc.ABC, BaseEstimator):
    """What every modAL learner shares: the estimator, the query strategy, querying,
    predicting and scoring.

    The estimator is used in place: it is fitted as given (not cloned), and whatever its
    ``fit`` returns is ignored, so an estimator whose ``fit`` does not return ``self`` works.

    Parameters
    ----------
    estimator : estimator
        Classifier or regressor; fitted in place.
    query_strategy : callable
        ``query_strategy(learner, X_pool, *args, **kwargs) -> (query_idx, metrics)``; a strategy
        that returns only the indices works too.
    on_transformed : bool, default=False
        Strategies that read sample representations (ranked batch sampling) see the data
        transformed by the estimator's Pipeline (all steps but the last).
    force_all_finite : bool, default=True
        Reject NaN and infinite values in taught data (modAL's name for scikit-learn's
        ``ensure_all_finite``).
    **fit_kwargs
        Keyword arguments for the first fit.

    Examples
    --------
    >>> from skactive.modal.models.base import BaseLearner
    >>> from skactive.modal.models import ActiveLearner
    >>> issubclass(ActiveLearner, BaseLearner)
    True
    """

    def __init__(self, estimator, query_strategy, on_transformed=False, force_all_finite=True,
                 **fit_kwargs):
        if not callable(query_strategy):
            raise TypeError(f"query_strategy must be callable, got {query_strategy!r}.")
        if not isinstance(force_all_finite, bool):
            raise TypeError(f"force_all_finite must be a bool, got {force_all_finite!r}.")
        self.estimator = estimator
        self.query_strategy = query_strategy
        self.on_transformed = on_transformed
        self.force_all_finite = force_all_finite

    def _check_X_y(self, X, y):
        _check_X_y(X, y, self.force_all_finite)

    def transform_without_estimating(self, X):
        """Transform ``X`` as the estimator's Pipeline does before its last step.

        For a voting or stacking ensemble, the transforms of its Pipeline members are put side
        by side. ``X`` is returned unchanged when there is no Pipeline.

        Parameters
        ----------
        X : array-like

        Returns
        -------
        Xt : array-like

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from skactive.modal.models import ActiveLearner
        >>> X = np.array([[0.0], [2.0]])
        >>> learner = ActiveLearner(make_pipeline(StandardScaler(), LogisticRegression()),
        ...                         X_training=X, y_training=[0, 1])
        >>> learner.transform_without_estimating(X).ravel().tolist()
        [-1.0, 1.0]
        """
        pipes = (self.estimator.estimators_ if isinstance(self.estimator, _HETEROGENEOUS_ENSEMBLES)
                 else [self.estimator])
        transformed = [pipe[:-1].transform(X) for pipe in pipes if isinstance(pipe, Pipeline)]
        if not transformed:
            return X
        return data_hstack(transformed)

    def _fit_on_new(self, X, y, bootstrap=False, **fit_kwargs):
        """Fit the estimator on ``(X, y)`` only (or a bootstrap resample of it)."""
        if bootstrap:
            n = data_shape(X)[0]
            idx = np.random.choice(n, n, replace=True)
            X, y = retrieve_rows(X, idx), retrieve_rows(y, idx)
        self.estimator.fit(X, y, **fit_kwargs)
        return self

    @abc.abstractmethod
    def fit(self, *args, **kwargs):
        """Fit the estimator."""

    @abc.abstractmethod
    def teach(self, *args, **kwargs):
        """Add labeled data and retrain."""

    def predict(self, X, **predict_kwargs):
        """The estimator's ``predict``, keyword arguments passed through.

        Parameters
        ----------
        X : array-like
        **predict_kwargs
            For example ``return_std=True`` for a Gaussian process.

        Returns
        -------
        prediction

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.gaussian_process import GaussianProcessRegressor
        >>> from skactive.modal.models import ActiveLearner
        >>> X = np.array([[0.0], [1.0]])
        >>> learner = ActiveLearner(GaussianProcessRegressor(), X_training=X, y_training=[0, 1])
        >>> mean, std = learner.predict(X, return_std=True)
        >>> mean.round(3).tolist()
        [0.0, 1.0]
        """
        return self.estimator.predict(X, **predict_kwargs)

    def predict_proba(self, X, **predict_proba_kwargs):
        """The estimator's ``predict_proba``, keyword arguments passed through.

        Parameters
        ----------
        X : array-like
        **predict_proba_kwargs

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.dummy import DummyClassifier
        >>> from skactive.modal.models import ActiveLearner
        >>> learner = ActiveLearner(DummyClassifier(), X_training=np.zeros((4, 1)),
        ...                         y_training=[0, 0, 0, 1])
        >>> learner.predict_proba(np.zeros((1, 1))).tolist()
        [[0.75, 0.25]]
        """
        return self.estimator.predict_proba(X, **predict_proba_kwargs)

    def query(self, X_pool, *query_args, return_metrics=False, **query_kwargs):
        """Ask the query strategy which pool samples to label next.

        Parameters
        ----------
        X_pool : array-like
            Unlabeled samples.
        *query_args, **query_kwargs
            Passed to the strategy, for example ``n_instances=10``.
        return_metrics : bool, default=False
            Also return the strategy's metrics (a warning when it gives none).

        Returns
        -------
        query_idx : array-like of int
            As the strategy returned them.
        query_instances : array-like
            ``X_pool`` at those positions, in the container type of ``X_pool``.
        metrics
            Only with ``return_metrics=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skactive.modal.models import ActiveLearner
        >>> X = np.array([[-3.0], [-1.0], [0.1], [1.0], [3.0]])
        >>> learner = ActiveLearner(LogisticRegression(), X_training=X[[0, 4]],
        ...                         y_training=[0, 1])
        >>> query_idx, query_rows = learner.query(X)
        >>> query_idx.tolist(), query_rows.tolist()
        ([2], [[0.1]])
        """
        return _query(self, X_pool, query_args, return_metrics, query_kwargs)

    def score(self, X, y, **score_kwargs):
        """The estimator's ``score``.

        Parameters
        ----------
        X : array-like
        y : array-like
        **score_kwargs
            For example ``sample_weight``.

        Returns
        -------
        score : float

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.dummy import DummyClassifier
        >>> from skactive.modal.models import ActiveLearner
        >>> learner = ActiveLearner(DummyClassifier(), X_training=np.zeros((4, 1)),
        ...                         y_training=[0, 0, 0, 1])
        >>> learner.score(np.zeros((4, 1)), [0, 0, 0, 1])
        0.75
        """
        return self.estimator.score(X, y, **score_kwargs)


def _is_skactive_learner(learner):
    return isinstance(learner, _SkactiveLearner)


def _member_estimator(learner):
    """The fitted estimator of a committee member (modAL-style or skactive learner).

    Parameters
    ----------
    learner : learner
        A :class:`~skactive.modal.models.ActiveLearner` (its ``estimator``) or a
        :class:`skactive.ActiveLearner` (its fitted ``estimator_``, fitting on first use).

    Returns
    -------
    estimator

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skactive import ActiveLearner
    >>> from skactive.modal.models.base import _member_estimator
    >>> learner = ActiveLearner(DummyClassifier(), X_training=np.zeros((2, 1)),
    ...                         y_training=[0, 1])
    >>> _member_estimator(learner).classes_.tolist()
    [0, 1]
    """
    if _is_skactive_learner(learner):
        readouts.labeled_set(learner)  # fits the constructor's data on first use
        return learner.estimator_
    return learner.estimator


class BaseCommittee(abc.ABC, BaseEstimator):
    """What modAL's committees share: a list of learners, teaching and querying them.

    Members are :class:`~skactive.modal.models.ActiveLearner` objects or
    :class:`skactive.ActiveLearner` objects (taught through their public ``teach`` and
    ``fit``). As in modAL, the committee holds no labeled set of its own: its ``X_training``
    is None (ranked batch sampling on a committee therefore starts cold), the members hold
    theirs.

    Parameters
    ----------
    learner_list : list of learners
    query_strategy : callable
    on_transformed : bool, default=False

    Examples
    --------
    >>> from skactive.modal.models.base import BaseCommittee
    >>> from skactive.modal.models import Committee
    >>> issubclass(Committee, BaseCommittee)
    True
    """

    def __init__(self, learner_list, query_strategy, on_transformed=False):
        if not isinstance(learner_list, list):
            raise TypeError(f"learners must be supplied in a list, got "
                            f"{type(learner_list).__name__}.")
        self.learner_list = learner_list
        self.query_strategy = query_strategy
        self.on_transformed = on_transformed
        self.X_training = None

    def __iter__(self):
        yield from self.learner_list

    def __len__(self):
        return len(self.learner_list)

    def _add_training_data(self, X, y):
        for learner in self.learner_list:
            if _is_skactive_learner(learner):
                raise TypeError("skactive.ActiveLearner members are taught with teach(), "
                                "which adds and fits in one step.")
            learner._add_training_data(X, y)

    def _fit_to_known(self, bootstrap=False, **fit_kwargs):
        for learner in self.learner_list:
            if _is_skactive_learner(learner):
                learner.fit(*readouts.labeled_set(learner), bootstrap=bootstrap, **fit_kwargs)
            else:
                learner._fit_to_known(bootstrap=bootstrap, **fit_kwargs)

    def _fit_on_new(self, X, y, bootstrap=False, **fit_kwargs):
        for learner in self.learner_list:
            learner._fit_on_new(X, y, bootstrap=bootstrap, **fit_kwargs)

    def fit(self, X, y, **fit_kwargs):
        """Fit every member on ``(X, y)``, replacing what they were taught so far.

        Parameters
        ----------
        X : array-like
        y : array-like
        **fit_kwargs
            Passed to each member's ``fit``.

        Returns
        -------
        self

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skactive.modal.models import ActiveLearner, Committee
        >>> committee = Committee([ActiveLearner(DecisionTreeClassifier()) for _ in range(2)])
        >>> committee.fit(np.array([[0.0], [1.0]]), np.array([0, 1])).classes_.tolist()
        [0, 1]
        """
        for learner in self.learner_list:
            learner.fit(X, y, **fit_kwargs)
        return self

    def teach(self, X, y, bootstrap=False, only_new=False, **fit_kwargs):
        """Add ``(X, y)`` to every member's labeled set and retrain the members.

        Parameters
        ----------
        X : array-like
        y : array-like
        bootstrap : bool, default=False
            Each member trains on a bootstrap resample (bagging).
        only_new : bool, default=False
            Each member's estimator is trained further on ``(X, y)`` only.
        **fit_kwargs
            Passed to each member's ``fit``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skactive.modal.models import ActiveLearner, Committee
        >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([0, 1, 1])
        >>> committee = Committee([ActiveLearner(DecisionTreeClassifier(), X_training=X[:2],
        ...                                      y_training=y[:2]) for _ in range(2)])
        >>> committee.teach(X[2:], y[2:])
        >>> [len(learner.X_training) for learner in committee]
        [3, 3]
        """
        for learner in self.learner_list:
            if _is_skactive_learner(learner):
                learner.teach(X, y, bootstrap=bootstrap, only_new=only_new, **fit_kwargs)
            else:
                learner._add_training_data(X, y)
                if only_new:
                    learner._fit_on_new(X, y, bootstrap=bootstrap, **fit_kwargs)
                else:
                    learner._fit_to_known(bootstrap=bootstrap, **fit_kwargs)

    def rebag(self, **fit_kwargs):
        """Refit every member on a bootstrap resample of its own labeled set.

        Parameters
        ----------
        **fit_kwargs
            Passed to each member's ``fit``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skactive.modal.models import ActiveLearner, Committee
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 0, 1])
        >>> committee = Committee([ActiveLearner(DecisionTreeClassifier(), X_training=X,
        ...                                      y_training=y) for _ in range(2)])
        >>> committee.rebag()
        """
        self._fit_to_known(bootstrap=True, **fit_kwargs)

    def transform_without_estimating(self, X):
        """Each member's :meth:`BaseLearner.transform_without_estimating`, side by side.

        Parameters
        ----------
        X : array-like

        Returns
        -------
        Xt : array-like

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skactive.modal.models import ActiveLearner, Committee
        >>> committee = Committee([ActiveLearner(DecisionTreeClassifier()) for _ in range(2)])
        >>> committee.transform_without_estimating(np.zeros((3, 2))).shape
        (3, 4)
        """
        return data_hstack([learner.transform_without_estimating(X)
                            for learner in self.learner_list])

    def query(self, X_pool, return_metrics=False, *query_args, **query_kwargs):
        """Ask the query strategy which pool samples to label next.

        Note modAL's argument order, kept here: ``return_metrics`` is the second positional
        argument of a committee's ``query``.

        Parameters
        ----------
        X_pool : array-like
        return_metrics : bool, default=False
        *query_args, **query_kwargs
            Passed to the strategy.

        Returns
        -------
        query_idx : array-like of int
        query_instances : array-like
        metrics
            Only with ``return_metrics=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skactive.modal.models import ActiveLearner, Committee
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
        >>> committee = Committee([ActiveLearner(LogisticRegression(C=c), X_training=X,
        ...                                      y_training=y) for c in (0.1, 10.0)])
        >>> committee.query(X)[0].shape
        (1,)
        """
        return _query(self, X_pool, query_args, return_metrics, query_kwargs)

    @abc.abstractmethod
    def predict(self, X):
        """The committee's prediction."""

    @abc.abstractmethod
    def vote(self, X):
        """Every member's prediction."""
