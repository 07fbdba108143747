"""modAL's learners: ActiveLearner, DeepActiveLearner, BayesianOptimizer, Committee and
CommitteeRegressor."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score

from ... import strategies as _skactive_strategies
from ..acquisition import max_EI
from ..disagreement import max_std_sampling, vote_entropy_sampling
from ..uncertainty import uncertainty_sampling
from ..utils.data import data_shape, data_vstack, retrieve_rows
from ..utils.validation import check_class_labels, check_class_proba
from .base import BaseCommittee, BaseLearner, _member_estimator, _query

__all__ = ["ActiveLearner", "DeepActiveLearner", "BayesianOptimizer", "Committee",
           "CommitteeRegressor"]


class ActiveLearner(BaseLearner):
    """modAL's pool- and stream-based active learner.

    The estimator is fitted in place inside ``__init__`` when ``X_training`` is given, and
    ``X_training``/``y_training`` grow with every :meth:`teach`, so a query strategy that reads
    ``learner.X_training`` always sees the current labeled set. An estimator fitted beforehand
    can be queried without any ``X_training`` (cold start).

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-style classifier or regressor (a skactive classifier, a Pipeline, a
        skorch net...); used in place, not cloned.
    query_strategy : callable, default=uncertainty_sampling
        ``query_strategy(learner, X_pool, *args, **kwargs) -> (query_idx, metrics)``: one of
        ``skactive.modal``'s strategies, a :mod:`skactive.strategies` strategy, or your own.
    X_training : array-like, default=None
        Initial labeled samples.
    y_training : array-like, default=None
        Their labels.
    bootstrap_init : bool, default=False
        Fit the first model on a bootstrap resample (global NumPy random state).
    on_transformed : bool, default=False
        See :class:`~skactive.modal.models.base.BaseLearner`.
    force_all_finite : bool, default=True
        Reject NaN and infinite values in taught data.
    **fit_kwargs
        Passed to the estimator's ``fit`` for the initial data.

    Attributes
    ----------
    X_training, y_training : array-like or None
        The labeled set, in the container type it was given in.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skactive.modal.models import ActiveLearner
    >>> X, y = load_iris(return_X_y=True)
    >>> learner = ActiveLearner(KNeighborsClassifier(n_neighbors=3),
    ...                         X_training=X[[0, 50, 100]], y_training=y[[0, 50, 100]])
    >>> X_pool, y_pool = np.delete(X, [0, 50, 100], axis=0), np.delete(y, [0, 50, 100])
    >>> for _ in range(5):
    ...     query_idx, query_instance = learner.query(X_pool)
    ...     learner.teach(X_pool[query_idx], y_pool[query_idx])
    ...     X_pool, y_pool = np.delete(X_pool, query_idx, axis=0), np.delete(y_pool, query_idx)
    >>> learner.X_training.shape
    (8, 4)
    """

    def __init__(self, estimator, query_strategy=uncertainty_sampling, X_training=None,
                 y_training=None, bootstrap_init=False, on_transformed=False,
                 force_all_finite=True, **fit_kwargs):
        super().__init__(estimator, query_strategy, on_transformed, force_all_finite)
        self.X_training = X_training
        self.y_training = y_training
        self.bootstrap_init = bootstrap_init
        if X_training is not None:
            self._fit_to_known(bootstrap=bootstrap_init, **fit_kwargs)

    def _add_training_data(self, X, y):
        """Append ``(X, y)`` to the labeled set without retraining."""
        self._check_X_y(X, y)
        if self.X_training is None:
            self.X_training, self.y_training = X, y
            return
        try:
            X_all = data_vstack((self.X_training, X))
            y_all = data_vstack((self.y_training, y))
        except ValueError as exc:
            raise ValueError("the dimensions of the new training data and label must agree "
                             "with the training data and labels provided so far") from exc
        self.X_training, self.y_training = X_all, y_all

    def _fit_to_known(self, bootstrap=False, **fit_kwargs):
        """Fit the estimator on the whole labeled set (or a bootstrap resample of it)."""
        return self._fit_on_new(self.X_training, self.y_training, bootstrap=bootstrap,
                                **fit_kwargs)

    def fit(self, X, y, bootstrap=False, **fit_kwargs):
        """Make ``(X, y)`` the labeled set and fit the estimator on it.

        Parameters
        ----------
        X : array-like
        y : array-like
        bootstrap : bool, default=False
        **fit_kwargs
            Passed to the estimator's ``fit``.

        Returns
        -------
        self

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.dummy import DummyClassifier
        >>> from skactive.modal.models import ActiveLearner
        >>> learner = ActiveLearner(DummyClassifier()).fit(np.zeros((3, 1)), [0, 1, 1])
        >>> learner.y_training
        [0, 1, 1]
        """
        self._check_X_y(X, y)
        self.X_training, self.y_training = X, y
        return self._fit_to_known(bootstrap=bootstrap, **fit_kwargs)

    def teach(self, X, y, bootstrap=False, only_new=False, **fit_kwargs):
        """Add labeled samples and retrain.

        Parameters
        ----------
        X : array-like
            Newly labeled samples.
        y : array-like
            Their labels.
        bootstrap : bool, default=False
            Fit on a bootstrap resample.
        only_new : bool, default=False
            As in modAL: train the same estimator further on ``(X, y)`` only, without adding
            them to ``X_training`` (for models trained incrementally, such as neural nets
            with warm start).
        **fit_kwargs
            Passed to the estimator's ``fit``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.dummy import DummyClassifier
        >>> from skactive.modal.models import ActiveLearner
        >>> learner = ActiveLearner(DummyClassifier(), X_training=np.zeros((2, 1)),
        ...                         y_training=np.array([0, 1]))
        >>> learner.teach(np.ones((1, 1)), np.array([1]))
        >>> learner.y_training.tolist()
        [0, 1, 1]
        """
        if only_new:
            self._check_X_y(X, y)
            self._fit_on_new(X, y, bootstrap=bootstrap, **fit_kwargs)
        else:
            self._add_training_data(X, y)
            self._fit_to_known(bootstrap=bootstrap, **fit_kwargs)


def _check_positive_int(name, value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be of type integer, got {value!r}.")
    if value <= 0:
        raise ValueError(f"{name} must be larger than zero, got {value}.")


class DeepActiveLearner(BaseLearner):
    """modAL's learner for neural networks trained incrementally (skorch nets).

    It holds no labeled set: :meth:`teach` trains the network further on the new samples
    (``partial_fit``) or refits it on them.

    Parameters
    ----------
    estimator : skorch NeuralNet or estimator
        ``initialize()`` is called on it when it has that method; :meth:`teach` with
        ``warm_start=True`` needs ``partial_fit``.
    query_strategy : callable, default=uncertainty_sampling
    on_transformed : bool, default=False
    force_all_finite : bool, default=True
    **fit_kwargs
        Unused (modAL's signature).

    Attributes
    ----------
    X_training, y_training : None
        No labeled set is kept (a ranked batch query starts cold).

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from skactive.modal.models import DeepActiveLearner
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> net = NeuralNetClassifier(torch.nn.Sequential(torch.nn.Linear(2, 2)),
    ...                           criterion=torch.nn.CrossEntropyLoss, max_epochs=2,
    ...                           train_split=None, verbose=0)
    >>> learner = DeepActiveLearner(net)
    >>> X, y = np.random.RandomState(0).rand(8, 2).astype("float32"), np.array([0, 1] * 4)
    >>> learner.teach(X, y)
    >>> learner.query(X, n_instances=2)[0].shape
    (2,)
    """

    def __init__(self, estimator, query_strategy=uncertainty_sampling, on_transformed=False,
                 force_all_finite=True, **fit_kwargs):
        super().__init__(estimator, query_strategy, on_transformed, force_all_finite)
        self.X_training = None
        self.y_training = None
        if hasattr(estimator, "initialize"):
            estimator.initialize()

    def fit(self, X, y, bootstrap=False, **fit_kwargs):
        """Fit the estimator on ``(X, y)``.

        Parameters
        ----------
        X : array-like
        y : array-like
        bootstrap : bool, default=False
        **fit_kwargs
            Passed to the estimator's ``fit``.

        Returns
        -------
        self
        """
        return self._fit_on_new(X, y, bootstrap=bootstrap, **fit_kwargs)

    def teach(self, X, y, warm_start=True, bootstrap=False, **fit_kwargs):
        """Train on newly labeled samples.

        Parameters
        ----------
        X : array-like
        y : array-like
        warm_start : bool, default=True
            Continue training with ``partial_fit``; False refits with ``fit``.
        bootstrap : bool, default=False
        **fit_kwargs
            Passed to ``partial_fit`` or ``fit``.
        """
        if not warm_start:
            self._fit_on_new(X, y, bootstrap=bootstrap, **fit_kwargs)
            return
        if not hasattr(self.estimator, "partial_fit"):
            raise TypeError(
                f"{type(self.estimator).__name__} has no partial_fit, so it cannot continue "
                "training (warm_start=True); pass warm_start=False to refit it on the new "
                "samples, or use skactive.modal.models.ActiveLearner.")
        if bootstrap:
            n = data_shape(X)[0]
            idx = np.random.choice(n, n, replace=True)
            X, y = retrieve_rows(X, idx), retrieve_rows(y, idx)
        self.estimator.partial_fit(X, y, **fit_kwargs)

    @property
    def num_epochs(self):
        """The estimator's ``max_epochs`` (a positive int)."""
        return self.estimator.max_epochs

    @num_epochs.setter
    def num_epochs(self, value):
        _check_positive_int("num_epochs", value)
        self.estimator.max_epochs = value

    @property
    def batch_size(self):
        """The estimator's ``batch_size`` (a positive int)."""
        return self.estimator.batch_size

    @batch_size.setter
    def batch_size(self, value):
        _check_positive_int("batch_size", value)
        self.estimator.batch_size = value


class BayesianOptimizer(ActiveLearner):
    """modAL's Bayesian optimiser: an ActiveLearner around a regressor that keeps the best
    sample seen so far.

    Parameters
    ----------
    estimator : regressor
        Its ``predict`` must accept ``return_std=True`` (e.g. a Gaussian process).
    query_strategy : callable, default=max_EI
    X_training, y_training : array-like, default=None
    bootstrap_init : bool, default=False
    on_transformed : bool, default=False
    force_all_finite : bool, default=True
    **fit_kwargs

    Attributes
    ----------
    X_max : array-like or None
        The sample of largest ``y`` taught so far.
    y_max : float
        Its value (``-inf`` before any).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process import GaussianProcessRegressor
    >>> from skactive.modal.models import BayesianOptimizer
    >>> X = np.linspace(0, 2, 21).reshape(-1, 1)
    >>> f = lambda x: -(x - 1.3) ** 2
    >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=X[[0, 20]],
    ...                         y_training=f(X[[0, 20]]).ravel())
    >>> for _ in range(5):
    ...     query_idx, query_inst = opt.query(X)
    ...     opt.teach(query_inst, f(query_inst).ravel())
    >>> X_best, y_best = opt.get_max()
    >>> bool(y_best > -0.05)
    True
    """

    def __init__(self, estimator, query_strategy=max_EI, X_training=None, y_training=None,
                 bootstrap_init=False, on_transformed=False, force_all_finite=True,
                 **fit_kwargs):
        super().__init__(estimator, query_strategy, X_training, y_training, bootstrap_init,
                         on_transformed, force_all_finite, **fit_kwargs)
        self.X_max, self.y_max = None, -np.inf
        if y_training is not None:
            best = np.argmax(y_training)
            self.X_max = retrieve_rows(X_training, best)
            self.y_max = y_training[best]

    def _set_max(self, X, y):
        best = np.argmax(y)
        if y[best] > self.y_max:
            self.y_max = y[best]
            self.X_max = retrieve_rows(X, best)

    def get_max(self):
        """The best sample taught so far and its value.

        Returns
        -------
        X_max : array-like
        y_max : float

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.gaussian_process import GaussianProcessRegressor
        >>> from skactive.modal.models import BayesianOptimizer
        >>> opt = BayesianOptimizer(GaussianProcessRegressor(), X_training=np.array([[0.], [1.]]),
        ...                         y_training=np.array([3.0, 5.0]))
        >>> opt.get_max()
        (array([1.]), np.float64(5.0))
        """
        return self.X_max, self.y_max

    def teach(self, X, y, bootstrap=False, only_new=False, **fit_kwargs):
        """Add labeled samples, retrain and update the best sample.

        Unlike :meth:`ActiveLearner.teach`, the samples are added to ``X_training`` also with
        ``only_new=True`` (as in modAL).

        Parameters
        ----------
        X : array-like
        y : array-like
        bootstrap : bool, default=False
        only_new : bool, default=False
        **fit_kwargs
        """
        self._add_training_data(X, y)
        if only_new:
            self._fit_on_new(X, y, bootstrap=bootstrap, **fit_kwargs)
        else:
            self._fit_to_known(bootstrap=bootstrap, **fit_kwargs)
        self._set_max(X, y)


class _CommitteeConsensus(ClassifierMixin, BaseEstimator):
    """The committee as one fitted classifier, for skactive's strategies: its consensus
    ``predict_proba``."""

    def __init__(self, committee):
        self.committee = committee
        self.classes_ = committee.classes_

    def __sklearn_is_fitted__(self):
        return self.classes_ is not None

    def fit(self, X, y):  # an estimator has fit; the committee's members are what is trained
        raise TypeError("Teach or fit the Committee, not its consensus.")

    def predict_proba(self, X):
        return self.committee.predict_proba(X)

    def predict(self, X):
        return self.committee.predict(X)


class Committee(BaseCommittee):
    """modAL's query-by-committee classifier.

    Parameters
    ----------
    learner_list : list
        :class:`ActiveLearner` members (or :class:`skactive.ActiveLearner` ones), each with its
        own estimator and labeled set.
    query_strategy : callable, default=vote_entropy_sampling
        A disagreement strategy of :mod:`skactive.modal.disagreement`, any modAL-style
        strategy, or a :mod:`skactive.strategies` strategy that reads class probabilities
        only (``EntropySampling()``, ``MarginSampling()``...), which then scores the
        committee's consensus ``predict_proba``. Strategies that need one network's internals
        or a labeled set raise a TypeError saying so.
    on_transformed : bool, default=False

    Attributes
    ----------
    classes_ : ndarray or None
        Union of the members' classes (None while a member is not fitted).
    n_classes_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skactive.modal.models import ActiveLearner, Committee
    >>> X, y = load_iris(return_X_y=True)
    >>> rng = np.random.RandomState(0)
    >>> members = [ActiveLearner(RandomForestClassifier(n_estimators=5, random_state=i),
    ...                          X_training=X[idx], y_training=y[idx])
    ...            for i, idx in enumerate(rng.choice(150, size=(2, 10), replace=False))]
    >>> committee = Committee(members)
    >>> query_idx, query_instance = committee.query(X)
    >>> committee.teach(X[query_idx], y[query_idx])
    >>> committee.vote(X[:2]).shape
    (2, 2)
    """

    def __init__(self, learner_list, query_strategy=vote_entropy_sampling, on_transformed=False):
        super().__init__(learner_list, query_strategy, on_transformed)
        self._set_classes()

    def _set_classes(self):
        try:
            known = [_member_estimator(learner).classes_ for learner in self.learner_list]
        except (AttributeError, NotFittedError):
            self.classes_, self.n_classes_ = None, 0
            return
        self.classes_ = np.unique(np.concatenate(known, axis=0), axis=0)
        self.n_classes_ = len(self.classes_)

    def fit(self, X, y, **fit_kwargs):
        """Fit every member on ``(X, y)``, replacing their labeled sets.

        Parameters
        ----------
        X : array-like
        y : array-like
        **fit_kwargs

        Returns
        -------
        self
        """
        super().fit(X, y, **fit_kwargs)
        self._set_classes()
        return self

    def teach(self, X, y, bootstrap=False, only_new=False, **fit_kwargs):
        """Add ``(X, y)`` to every member and retrain them (see :meth:`BaseCommittee.teach`).

        Parameters
        ----------
        X : array-like
        y : array-like
        bootstrap : bool, default=False
        only_new : bool, default=False
        **fit_kwargs
        """
        super().teach(X, y, bootstrap=bootstrap, only_new=only_new, **fit_kwargs)
        self._set_classes()

    def query(self, X_pool, return_metrics=False, *query_args, **query_kwargs):
        """Ask the query strategy which pool samples to label next.

        See :meth:`BaseCommittee.query`; a :mod:`skactive.strategies` strategy scores the
        committee's consensus probabilities.

        Parameters
        ----------
        X_pool : array-like
        return_metrics : bool, default=False
        *query_args, **query_kwargs

        Returns
        -------
        query_idx, query_instances[, metrics]
        """
        if not isinstance(self.query_strategy, _skactive_strategies.QueryStrategy):
            return super().query(X_pool, return_metrics, *query_args, **query_kwargs)
        view = _ConsensusLearner(self)
        try:
            return _query(view, X_pool, query_args, return_metrics, query_kwargs)
        except TypeError as exc:
            raise TypeError(
                f"{self.query_strategy!r} cannot be a Committee's query_strategy: a committee "
                f"offers only its consensus class probabilities ({exc}). Use one of "
                "skactive.modal.disagreement's strategies, or query a member: "
                "committee.learner_list[0].query(X_pool).") from exc

    def predict(self, X, **predict_proba_kwargs):
        """The class of largest consensus probability.

        Parameters
        ----------
        X : array-like
        **predict_proba_kwargs

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X, **predict_proba_kwargs)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_proba(self, X, **predict_proba_kwargs):
        """The members' class probabilities, averaged.

        Parameters
        ----------
        X : array-like
        **predict_proba_kwargs

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return np.mean(self.vote_proba(X, **predict_proba_kwargs), axis=1)

    def score(self, X, y, sample_weight=None):
        """Accuracy of :meth:`predict`.

        Parameters
        ----------
        X : array-like
        y : array-like
        sample_weight : array-like, default=None

        Returns
        -------
        score : float
        """
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def vote(self, X, **predict_kwargs):
        """Every member's predicted class.

        Parameters
        ----------
        X : array-like
        **predict_kwargs

        Returns
        -------
        vote : ndarray of shape (n_samples, n_learners)
            Float for numeric labels (as modAL), the labels' own type otherwise.
        """
        votes = np.column_stack([np.asarray(learner.predict(X, **predict_kwargs)).reshape(-1)
                                 for learner in self.learner_list])
        if np.issubdtype(votes.dtype, np.number) or votes.dtype == bool:
            votes = votes.astype(float)
        return votes

    def vote_proba(self, X, **predict_proba_kwargs):
        """Every member's class probabilities over the committee's classes.

        Parameters
        ----------
        X : array-like
        **predict_proba_kwargs

        Returns
        -------
        proba : ndarray of shape (n_samples, n_learners, n_classes)
        """
        estimators = [_member_estimator(learner) for learner in self.learner_list]
        proba = np.zeros((data_shape(X)[0], len(self.learner_list), self.n_classes_))
        same_classes = check_class_labels(*estimators)
        for i, (learner, estimator) in enumerate(zip(self.learner_list, estimators)):
            member_proba = learner.predict_proba(X, **predict_proba_kwargs)
            if not same_classes:
                member_proba = check_class_proba(member_proba, known_labels=estimator.classes_,
                                                 all_labels=self.classes_)
            proba[:, i, :] = member_proba
        return proba


class _ConsensusLearner:
    """What a skactive strategy sees of a committee: a learner-like object whose fitted
    estimator is the consensus; it holds no labeled set."""

    def __init__(self, committee):
        self.estimator = _CommitteeConsensus(committee)
        self.query_strategy = committee.query_strategy
        self.X_training = None

    def query(self, *args, **kwargs):  # pragma: no cover - marks it as a learner for readouts
        raise NotImplementedError

    def teach(self, *args, **kwargs):  # pragma: no cover
        raise NotImplementedError

    def predict_proba(self, X, **kwargs):
        return self.estimator.predict_proba(X)


class CommitteeRegressor(BaseCommittee):
    """modAL's query-by-committee regressor: the members' mean, and their spread as the
    uncertainty.

    Parameters
    ----------
    learner_list : list
        :class:`ActiveLearner` members around regressors.
    query_strategy : callable, default=max_std_sampling
    on_transformed : bool, default=False

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from skactive.modal.models import ActiveLearner, CommitteeRegressor
    >>> X = np.linspace(0, 1, 11).reshape(-1, 1)
    >>> y = np.sin(6 * X).ravel()
    >>> committee = CommitteeRegressor([
    ...     ActiveLearner(KNeighborsRegressor(n_neighbors=k), X_training=X[::5], y_training=y[::5])
    ...     for k in (1, 2)])
    >>> mean, std = committee.predict(X, return_std=True)
    >>> mean.shape, std.shape
    ((11,), (11,))
    """

    def __init__(self, learner_list, query_strategy=max_std_sampling, on_transformed=False):
        super().__init__(learner_list, query_strategy, on_transformed)

    def predict(self, X, return_std=False, **predict_kwargs):
        """The members' mean prediction, and their standard deviation with ``return_std``.

        Parameters
        ----------
        X : array-like
        return_std : bool, default=False
        **predict_kwargs

        Returns
        -------
        mean : ndarray of shape (n_samples,)
        std : ndarray of shape (n_samples,)
            Only with ``return_std=True``.
        """
        vote = self.vote(X, **predict_kwargs)
        if not return_std:
            return np.mean(vote, axis=1)
        return np.mean(vote, axis=1), np.std(vote, axis=1)

    def vote(self, X, **predict_kwargs):
        """Every member's prediction.

        Parameters
        ----------
        X : array-like
        **predict_kwargs

        Returns
        -------
        vote : ndarray of shape (n_samples, n_learners)
        """
        vote = np.zeros((data_shape(X)[0], len(self.learner_list)))
        for i, learner in enumerate(self.learner_list):
            vote[:, i] = np.asarray(learner.predict(X, **predict_kwargs)).reshape(-1)
        return vote
