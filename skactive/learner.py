"""The modAL-style active learning loop object."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state

from ._labeled import check_labeled, estimator_input
from ._training import keep_state_on_error
from ._version import VersionedPickleMixin
from .exceptions import RefitError
from .readouts import ModelView
from .utils import append_rows, derive_seed, is_dask_array, num_samples, take_rows


class ActiveLearner(VersionedPickleMixin, MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Pool-based active learner with modAL's API, as a scikit-learn meta-estimator.

    Holds the labeled set and a classifier trained on it; :meth:`query` asks the query strategy
    which pool samples to label next and :meth:`teach` adds the new labels and retrains. Code
    written for ``modAL.models.ActiveLearner`` runs unchanged with only the import changed.

    Following scikit-learn's conventions the constructor only stores its arguments: data given as
    ``X_training``/``y_training`` is fitted on first use (``query``, ``teach``, ``predict``,
    ``score``...). The growing labeled set is ``X_training_``/``y_training_`` and the fitted model
    ``estimator_``; ``X_training``, ``y_training`` and ``estimator`` keep the values given.

    Parameters
    ----------
    estimator : classifier, default=None
        Any scikit-learn classifier with ``predict_proba`` (or a Pipeline ending in one); cloned
        before fitting. None means ``MLPClassifier()``.
    query_strategy : callable, default=None
        ``strategy(learner, X_pool, n_instances=1, **kwargs) -> (query_idx, metrics)``: a
        :mod:`skactive.strategies` object, one of its functions, or a modAL strategy. None means
        :func:`skactive.strategies.uncertainty_sampling` (least confidence). The strategy gets a
        view of the learner in which ``X_training``/``y_training`` are the current labeled set
        and ``estimator`` the fitted model, as modAL's strategies expect (see :ref:`modal`).
    X_training : array-like, default=None
        Initial labeled samples.
    y_training : array-like of shape (n_samples,), default=None
        Labels of ``X_training``.
    bootstrap_init : bool, default=False
        Fit the first model on a bootstrap resample of the initial labeled set, as modAL does.
    on_transformed : bool, default=False
        modAL's flag for strategies that call :meth:`transform_without_estimating`: when the
        estimator is a Pipeline, such strategies see the pool as transformed by all steps but the
        last. skactive's own strategies always read the model's view of the pool.
    random_state : int, RandomState instance or None, default=None
        Seeds bootstrap resampling and, where the estimator (or a Pipeline's last step) has a
        ``random_state`` parameter left at None, the estimator's training.

    Attributes
    ----------
    estimator_ : classifier
        The classifier fitted on the current labeled set.
    X_training_ : array-like
        The labeled samples, in the order they were taught (same container type as given).
    y_training_ : array-like of shape (n_labeled,)
        Their labels, in the same order.
    classes_ : ndarray of shape (n_classes,)
        Class labels of the fitted estimator.

    See Also
    --------
    skactive.strategies : Query strategies.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearner, MLPClassifier
    >>> from skactive.strategies import EntropySampling
    >>> X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    >>> learner = ActiveLearner(MLPClassifier(random_state=0), EntropySampling(),
    ...                         X_training=X[:20], y_training=y[:20])
    >>> X_pool, y_pool = X[20:], y[20:]
    >>> query_idx, query_rows = learner.query(X_pool, n_instances=5)
    >>> learner = learner.teach(X_pool[query_idx], y_pool[query_idx])
    >>> len(learner.y_training_)
    25
    """

    def __init__(
        self,
        estimator=None,
        query_strategy=None,
        X_training=None,
        y_training=None,
        bootstrap_init=False,
        on_transformed=False,
        random_state=None,
    ):
        self.estimator = estimator
        self.query_strategy = query_strategy
        self.X_training = X_training
        self.y_training = y_training
        self.bootstrap_init = bootstrap_init
        self.on_transformed = on_transformed
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    @keep_state_on_error
    def fit(self, X, y, bootstrap=False, **fit_kwargs):
        """Replace the labeled set with ``(X, y)`` and fit the estimator on it.

        All or nothing: when the samples are invalid or fitting fails, the learner keeps its
        previous labeled set and model.

        Parameters
        ----------
        X : array-like
            Labeled samples.
        y : array-like of shape (n_samples,)
            Their labels.
        bootstrap : bool, default=False
            Fit on a bootstrap resample of ``(X, y)``.
        **fit_kwargs : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : ActiveLearner
        """
        y = self._check_labeled(X, y)
        self.X_training_, self.y_training_ = X, y
        return self._fit_to_known(bootstrap=bootstrap, **fit_kwargs)

    def teach(self, X, y, bootstrap=False, only_new=False, **fit_kwargs):
        """Add labeled samples and retrain.

        The new samples are checked against the labeled set first (number and names of
        features, numeric or text input, missing values, label type, one 1-D label per sample):
        on any problem a ValueError or TypeError says what to fix and the labeled set is left
        exactly as it was. Valid labels are then added before the model is retrained, so they
        are kept even when fitting fails (for example while the labeled set still has a single
        class): a :class:`~skactive.exceptions.RefitError` says so, and the next call that needs
        a model refits it on the whole labeled set. An interrupt (``KeyboardInterrupt``) during
        the refit also keeps the labels and propagates unchanged.

        Parameters
        ----------
        X : array-like
            Newly labeled samples.
        y : array-like of shape (n_samples,)
            Their labels.
        bootstrap : bool, default=False
            Fit on a bootstrap resample of the labeled set.
        only_new : bool, default=False
            Fit on the new samples only (as modAL does), instead of the whole labeled set.
        **fit_kwargs : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : ActiveLearner

        Raises
        ------
        ValueError, TypeError
            The new samples do not fit the labeled set; nothing was added.
        skactive.exceptions.RefitError
            The labels were added but the model could not be refitted.
        """
        if "X_training_" in self.__dict__:
            X_seen, y_seen = self.X_training_, self.y_training_
        elif self.X_training is not None:
            # Start from the constructor's data without fitting it first: one fit, not two.
            X_seen, y_seen = self.X_training, self._check_constructor_data()
        else:
            X_seen = y_seen = None
        y = self._check_labeled(X, y, X_seen, y_seen)
        if X_seen is None:
            X_all, y_all = X, y
        else:
            X_all, y_all = append_rows(X_seen, X), append_rows(y_seen, y)
        self.X_training_, self.y_training_ = X_all, y_all
        try:
            if only_new:
                self.estimator_ = self._fit_estimator(X, y, bootstrap, fit_kwargs)
            else:
                self._fit_to_known(bootstrap=bootstrap, **fit_kwargs)
        except Exception as exc:
            self.__dict__.pop("estimator_", None)
            raise RefitError(
                f"The {num_samples(X)} new labels were added (the labeled set now has "
                f"{num_samples(y_all)} samples), but refitting the model failed: {exc} The next "
                "query, predict or teach refits it on the whole labeled set."
            ) from exc
        except BaseException:  # an interrupt: keep the labels, drop the outdated model
            self.__dict__.pop("estimator_", None)
            raise
        return self

    def _check_labeled(self, X, y, X_seen=None, y_seen=None):
        estimator = self.estimator
        if estimator is None:
            from .mlp import MLPClassifier

            estimator = MLPClassifier()
        return check_labeled(X, y, X_seen=X_seen, y_seen=y_seen, **estimator_input(estimator))

    def _check_constructor_data(self):
        """Validated y_training (X_training and y_training are checked on first use)."""
        if self.y_training is None:
            raise ValueError("X_training was given without y_training; pass both or neither.")
        try:
            return self._check_labeled(self.X_training, self.y_training)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"X_training/y_training given to ActiveLearner: {exc}") from None

    def _fit_to_known(self, bootstrap=False, **fit_kwargs):
        self.estimator_ = self._fit_estimator(
            self.X_training_, self.y_training_, bootstrap, fit_kwargs
        )
        return self

    def _fit_estimator(self, X, y, bootstrap, fit_kwargs):
        estimator = self._make_estimator()
        if bootstrap:
            n = num_samples(X)
            idx = check_random_state(self.random_state).choice(n, size=n, replace=True)
            X, y = take_rows(X, idx), take_rows(y, idx)
        return estimator.fit(X, y, **fit_kwargs)

    def _make_estimator(self):
        if self.estimator is None:
            from .mlp import MLPClassifier

            estimator = MLPClassifier()
        else:
            estimator = clone(self.estimator)
        if self.random_state is not None:
            last = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
            params = last.get_params(deep=False)
            if "random_state" in params and params["random_state"] is None:
                seed = self.random_state
                if not isinstance(seed, numbers.Integral):
                    seed = derive_seed(seed)
                last.set_params(random_state=seed)
        return estimator

    def _initial_fit(self):
        self.fit(self.X_training, self._check_constructor_data(), bootstrap=self.bootstrap_init)

    def _ensure_fitted(self):
        """Fit on the constructor's data on first use; raise NotFittedError if there is none."""
        if hasattr(self, "estimator_"):
            return
        if "X_training_" in self.__dict__:  # labels taught, but their refit failed or was cut
            self._fit_to_known()
            return
        if self.X_training is not None:
            self._initial_fit()
            return
        raise NotFittedError(
            "This ActiveLearner has no labeled data yet: pass X_training and y_training to the "
            "constructor, or call fit(X, y) or teach(X, y) first."
        )

    def model_view(self):
        """What a query strategy reads: the fitted model, its input transform, the labeled set.

        Fits on the constructor's data first if needed. Strategies resolve their
        ``classifier`` argument through this method (:func:`skactive.readouts.model_view`).

        Returns
        -------
        view : skactive.readouts.ModelView

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skactive import ActiveLearner
        >>> X, y = make_classification(n_samples=40, n_features=4, random_state=0)
        >>> learner = ActiveLearner(LogisticRegression(), X_training=X[:10], y_training=y[:10])
        >>> learner.model_view().X_labeled.shape
        (10, 4)
        """
        self._ensure_fitted()
        estimator, transform = self.estimator_, None
        if isinstance(estimator, Pipeline):
            estimator, transform = estimator[-1], estimator[:-1].transform
        return ModelView(estimator, transform, self.X_training_, self.y_training_)

    # ------------------------------------------------------------------ querying
    def query(self, X_pool, *query_args, return_metrics=False, **query_kwargs):
        """Ask the query strategy which pool samples to label next.

        Parameters
        ----------
        X_pool : array-like, memmap, dask array or pool object
            Unlabeled samples. A memory-mapped array (``np.load(path, mmap_mode="r")``), a
            ``dask.array.Array`` or a pool object is read one chunk at a time by the strategy,
            never copied whole (see :func:`skactive.utils.iter_chunks`).
        *query_args, **query_kwargs
            Passed to the strategy, for example ``n_instances=10``, or ``client=client``
            (a ``dask.distributed.Client``) to run a strategy on a cluster's workers with a
            client other than the default one; the picked rows of a dask pool are then read
            with it too.
        return_metrics : bool, default=False
            Also return the strategy's per-sample scores of the selected samples.

        Returns
        -------
        query_idx : ndarray of int
            Positions of the selected samples in ``X_pool``.
        query_instances : array-like
            ``X_pool`` at those positions (same container type; a NumPy array for a
            memory-mapped array, a dask array or a pool object, which only those rows are read
            from).
        metrics : ndarray or None
            Only with ``return_metrics=True``.
        """
        self._ensure_fitted()
        strategy = self.query_strategy
        if strategy is None:
            from .strategies import uncertainty_sampling as strategy
        result = strategy(_StrategyView(self), X_pool, *query_args, **query_kwargs)
        if isinstance(result, tuple) and len(result) == 2:
            query_idx, metrics = result
        else:
            query_idx, metrics = result, None
        query_idx = _check_query_idx(query_idx, num_samples(X_pool))
        client = query_kwargs.get("client")
        if client is not None and is_dask_array(X_pool):  # read where the blocks live
            rows = np.asarray(client.compute(X_pool[query_idx], sync=True))
        else:
            rows = take_rows(X_pool, query_idx)
        if return_metrics:
            return query_idx, rows, metrics
        return query_idx, rows

    def transform_without_estimating(self, X):
        """Apply every step of a Pipeline estimator but the last (modAL's API).

        Parameters
        ----------
        X : array-like

        Returns
        -------
        Xt : array-like
            ``X`` unchanged when the estimator is not a Pipeline.
        """
        self._ensure_fitted()
        if isinstance(self.estimator_, Pipeline):
            return self.estimator_[:-1].transform(X)
        return X

    # ------------------------------------------------------------------ predicting
    def predict(self, X):
        """Predict with the estimator fitted on the labeled set.

        Parameters
        ----------
        X : array-like

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        self._ensure_fitted()
        return self.estimator_.predict(X)

    def predict_proba(self, X):
        """Class probabilities from the estimator fitted on the labeled set.

        Parameters
        ----------
        X : array-like

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        self._ensure_fitted()
        return self.estimator_.predict_proba(X)

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of the fitted estimator on ``(X, y)``.

        Parameters
        ----------
        X : array-like
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        self._ensure_fitted()
        return self.estimator_.score(X, y, sample_weight=sample_weight)

    @property
    def classes_(self):
        """Class labels of the fitted estimator."""
        return self._fitted_attribute("classes_")

    @property
    def n_features_in_(self):
        """Number of features the fitted estimator was trained on."""
        return self._fitted_attribute("n_features_in_")

    @property
    def feature_names_in_(self):
        """Feature names the fitted estimator was trained on."""
        return self._fitted_attribute("feature_names_in_")

    def _fitted_attribute(self, name):
        if "estimator_" not in self.__dict__:
            raise AttributeError(f"{name} is only available once the ActiveLearner is fitted.")
        return getattr(self.estimator_, name)


class _StrategyView:
    """The learner as a query strategy sees it: modAL's attribute names for the current state.

    modAL's strategies read ``learner.X_training``/``y_training`` (the labeled set so far) and
    ``learner.estimator`` (the fitted model). Here those names are constructor arguments, which
    scikit-learn requires to stay as given, so strategies get this view instead: the three
    names point at ``X_training_``, ``y_training_`` and ``estimator_``; everything else is the
    learner's own.
    """

    def __init__(self, learner):
        self._learner = learner

    def __getattr__(self, name):
        return getattr(self._learner, name)

    @property
    def X_training(self):
        return self._learner.X_training_

    @property
    def y_training(self):
        return self._learner.y_training_

    @property
    def estimator(self):
        return self._learner.estimator_


def _check_query_idx(query_idx, n_pool):
    idx = np.asarray(query_idx)
    if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
        raise TypeError(
            "The query strategy must return (query_idx, metrics) with query_idx a 1-D integer "
            f"array; got {type(query_idx).__name__} of shape {idx.shape} and dtype {idx.dtype}."
        )
    if idx.size and (idx.min() < 0 or idx.max() >= n_pool):
        raise ValueError(f"The query strategy returned indices outside the pool of {n_pool}.")
    if len(np.unique(idx)) != idx.size:
        raise ValueError("The query strategy returned repeated indices.")
    return idx.astype(np.intp, copy=False)
