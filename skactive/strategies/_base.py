"""The query strategy protocol and the pieces every strategy shares."""

import functools
import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone

from ..readouts import model_view
from ..utils import num_samples, pool_chunk_rows
from ._cluster import WORKER_STRATEGIES, query_client
from ._streaming import distributed_top_n, streamed_scores


def check_query_size(X_pool, n_instances):
    """Validate the pool and the batch size; return ``(n_pool, n_instances)``.

    Parameters
    ----------
    X_pool : array-like
        The unlabeled pool.
    n_instances : int
        Requested batch size.

    Returns
    -------
    n_pool, n_instances : int

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import check_query_size
    >>> check_query_size(np.zeros((10, 3)), 4)
    (10, 4)
    """
    n_pool = num_samples(X_pool)
    if n_pool == 0:
        raise ValueError("The pool is empty: there are no samples left to query.")
    if not isinstance(n_instances, numbers.Integral) or isinstance(n_instances, bool):
        raise ValueError(f"n_instances must be a positive integer, got {n_instances!r}.")
    if n_instances < 1:
        raise ValueError(f"n_instances must be at least 1, got {n_instances}.")
    if n_instances > n_pool:
        raise ValueError(
            f"n_instances={n_instances} is larger than the pool ({n_pool} samples); ask for at "
            f"most {n_pool}."
        )
    return n_pool, int(n_instances)


def top_n(scores, n_instances):
    """Positions of the ``n_instances`` highest scores, best first; ties go to the lower index.

    Runs in O(n_pool) (a partition, then a sort of the selection only).

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
    n_instances : int

    Returns
    -------
    indices : ndarray of int of shape (n_instances,)

    Examples
    --------
    >>> from skactive.strategies import top_n
    >>> top_n([0.1, 0.9, 0.5, 0.9], 2).tolist()
    [1, 3]
    """
    scores = np.asarray(scores)
    if scores.ndim != 1:
        raise ValueError(f"scores must be 1-dimensional, got shape {scores.shape}.")
    if np.isnan(scores).any():
        raise ValueError(
            "The strategy produced NaN scores; the model's outputs are not finite. Check the "
            "input for extreme values and that the model trained without diverging."
        )
    n = len(scores)
    if n_instances >= n:
        candidates = np.arange(n)
    else:
        kth = np.partition(scores, n - n_instances)[n - n_instances]
        above = np.flatnonzero(scores > kth)
        tied = np.flatnonzero(scores == kth)[: n_instances - len(above)]
        candidates = np.concatenate([above, tied])
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order].astype(np.intp)


def seeded_strategy(strategy, random_state):
    """A clone of ``strategy`` seeded with ``random_state``; ``strategy`` is left as it was.

    A strategy without a ``random_state`` parameter is cloned unchanged; a plain function (a
    modAL-protocol strategy that is no estimator) is returned as it is.

    Parameters
    ----------
    strategy : QueryStrategy or callable
    random_state : int, RandomState instance or None

    Returns
    -------
    strategy : QueryStrategy or callable

    Examples
    --------
    >>> from skactive.strategies import BALD, seeded_strategy
    >>> original = BALD()
    >>> seeded_strategy(original, 3), original
    (BALD(random_state=3), BALD())
    """
    if not hasattr(strategy, "get_params"):
        return strategy
    strategy = clone(strategy)
    if "random_state" in strategy.get_params(deep=False):
        strategy.set_params(random_state=random_state)
    return strategy


def check_strategy_applicable(strategy, *, input_kind=None, has_dropout=None, name=None):
    """Refuse, before any work, a strategy that cannot run on this data or model.

    Reads what the strategy declares (``input_kinds``, ``needs_dropout``); a strategy that
    declares nothing (a plain modAL-protocol function) passes. Unknown facts (None) are not
    checked.

    Parameters
    ----------
    strategy : QueryStrategy or callable
    input_kind : {'table', 'text'} or None, default=None
        What the data are.
    has_dropout : bool or None, default=None
        Whether the model has dropout with a positive rate.
    name : str or None, default=None
        The strategy's name in the message (its class name by default).

    Raises
    ------
    ValueError
        Saying what the strategy needs and what to do.

    Examples
    --------
    >>> from skactive.strategies import EGLWord, check_strategy_applicable
    >>> check_strategy_applicable(EGLWord(), input_kind="text")
    >>> check_strategy_applicable(EGLWord(), input_kind="table")
    Traceback (most recent call last):
    ...
    ValueError: EGLWord reads text only, and these data are a table; choose a strategy for tables (see `skactive strategies`).
    """
    name = name or getattr(type(strategy), "__name__", str(strategy))
    kinds = getattr(strategy, "input_kinds", ("table", "text"))
    if input_kind is not None and input_kind not in kinds:
        data = {"table": "a table", "text": "text"}.get(input_kind, input_kind)
        wanted = "tables" if input_kind == "table" else input_kind
        raise ValueError(
            f"{name} reads {' or '.join(kinds)} only, and these data are {data}; choose a "
            f"strategy for {wanted} (see `skactive strategies`)."
        )
    if getattr(strategy, "needs_dropout", False) and has_dropout is False:
        raise ValueError(
            f"{name} samples the model's dropout layers (MC dropout), but the model has none "
            "(dropout=0): every pass would give the same prediction. Give the model dropout, "
            "for example MLPClassifier(dropout=0.5) or model_params={'dropout': 0.5}."
        )


class QueryStrategy(BaseEstimator):
    """Base class of skactive's query strategies.

    A strategy is a callable with modAL's protocol,
    ``strategy(classifier, X_pool, n_instances=1) -> (query_idx, metrics)``, so it can be
    passed as ``query_strategy`` to skactive's or modAL's ``ActiveLearner``. Its
    hyper-parameters are ``__init__`` parameters (``get_params``, ``set_params`` and ``clone``
    see them) and ``random_state`` seeds every random choice.

    Subclasses implement :meth:`query` and declare what they need in class attributes, which
    the experiment runner and the command line read to refuse a strategy that cannot run on
    the data or the model before any work starts (:func:`check_strategy_applicable`):

    - ``needs_labeled_set``: reads the learner's labeled set (a bare classifier is refused
      with a TypeError);
    - ``needs_dropout``: samples the model's dropout layers (MC dropout);
    - ``input_kinds``: the kinds of input it reads, ``'table'`` and/or ``'text'``;
    - ``stateful``: it learns from its own earlier queries (fitted state kept between calls),
      so the experiment runner resumes its curve by rerunning it from the first round (each
      recorded round checked, not written again) instead of from the last one.
    - ``streams_pool``: it reads a pool one chunk at a time (:func:`skactive.utils.iter_chunks`),
      never whole, so that a pool beyond memory (a memory-mapped array, a dask array, a pool
      object) can be given to it; False for strategies that choose the batch as a set.
    - ``runs_on_workers``: given a ``dask.array`` pool, its query runs on the workers of a
      ``dask.distributed`` cluster (the ``client`` of the call, else the default client), and
      :meth:`query` takes a ``client`` keyword; any other strategy refuses ``client=``.

    A strategy that runs on the workers takes the client as a keyword of the call, not as a
    parameter (``clone`` would copy it): ``strategy(learner, X_pool, n_instances, client=c)``,
    or ``learner.query(X_pool, n_instances=..., client=c)``, which forwards it. A given client
    wins over the default one; the pool must be a dask array (wrap an in-memory one with
    ``dask.array.from_array(X_pool, chunks=...)``).

    Examples
    --------
    A strategy that queries the first samples of the pool:

    >>> import numpy as np
    >>> from skactive.strategies import QueryStrategy, check_query_size
    >>> class FirstSamples(QueryStrategy):
    ...     def query(self, classifier, X_pool, n_instances=1):
    ...         check_query_size(X_pool, n_instances)
    ...         return np.arange(n_instances), None
    >>> FirstSamples()(None, np.zeros((5, 2)), n_instances=2)
    (array([0, 1]), None)
    """

    #: The strategy reads the labeled set, so it needs an active learner.
    needs_labeled_set = False
    #: The strategy samples the model's dropout layers.
    needs_dropout = False
    #: The kinds of input the strategy reads.
    input_kinds = ("table", "text")
    #: The strategy keeps state between queries (so a resumed curve would differ).
    stateful = False
    #: The strategy reads the pool one chunk at a time, never whole.
    streams_pool = False
    #: The strategy's query runs on the workers of a Dask cluster and takes ``client=``.
    runs_on_workers = False

    def __call__(self, classifier, X_pool, n_instances=1, **kwargs):
        if kwargs.get("client", None) is not None:
            check_runs_on_workers(self)
        elif "client" in kwargs and not self.runs_on_workers:
            del kwargs["client"]  # client=None: this process, as for every strategy
        # Resolved once here: the strategy and its readouts see one ModelView, never a learner.
        view = None if classifier is None else model_view(classifier)
        if self.needs_labeled_set and (view is None or not view.has_labeled_set):
            name = "None" if view is None else type(view.estimator).__name__
            raise TypeError(
                f"{type(self).__name__} needs the labeled set: pass an ActiveLearner "
                f"(skactive's or modAL's) that holds it, not a bare {name}."
            )
        return self.query(view, X_pool, n_instances=n_instances, **kwargs)

    def query(self, classifier, X_pool, n_instances=1):  # pragma: no cover - abstract
        """Select ``n_instances`` samples of ``X_pool`` to label.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
            The fitted model (and, for strategies that need it, the labeled set).
        X_pool : array-like
            Unlabeled samples.
        n_instances : int, default=1
            Batch size.

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
            Distinct positions in ``X_pool``.
        metrics : ndarray of shape (n_instances,) or None
            The selected samples' scores.
        """
        raise NotImplementedError


def _score_samples(strategy, view, X_chunk, start):
    return strategy.score_samples(view, X_chunk)


def check_runs_on_workers(strategy, name=None):
    """Refuse ``client=`` for a strategy whose query runs in this process only."""
    if getattr(strategy, "runs_on_workers", False):
        return
    name = name or type(strategy).__name__
    raise TypeError(
        f"{name} runs in this process and takes no client. The strategies "
        f"whose query runs on the workers of a Dask cluster are {WORKER_STRATEGIES}. A "
        "strategy made of others (RandomMixture, ActiveLearningByLearning) runs them on the "
        "default client: leave client unset.")


def worker_client(strategy, view, X_pool, client=None):
    """The ``dask.distributed`` client ``strategy``'s query runs on, or None (this process).

    A given ``client`` wins over the default client; it needs a dask ``X_pool`` and a
    strategy that runs on the workers (``runs_on_workers``), else a clear error is raised.
    Without one, a dask pool goes to the default client dask would compute it with, unless
    the model reads text (the text readouts sort the whole pool by length).

    Parameters
    ----------
    strategy : QueryStrategy
    view : ModelView or None
        The model, from :func:`skactive.readouts.model_view`.
    X_pool : array-like or dask array
    client : distributed.Client or None, default=None

    Returns
    -------
    client : distributed.Client or None
    """
    if client is not None:
        check_runs_on_workers(strategy)
    elif not getattr(strategy, "runs_on_workers", False):
        return None
    input_kind = "table" if view is None else view.input_kind
    return query_client(X_pool, client, input_kind=input_kind, name=type(strategy).__name__)


class ScoreBasedStrategy(QueryStrategy):
    """A strategy that scores every pool sample and takes the ``n_instances`` highest.

    Subclasses implement :meth:`score_samples`. A subclass whose score of a sample depends on
    that sample and the model only (not on the rest of the pool) says so with
    ``pointwise_scores = True``; its :meth:`query` then never holds the whole pool:

    - an in-memory, memory-mapped or dask pool, or a pool object, is scored one chunk at a time
      (:func:`skactive.utils.iter_chunks`, sized by the memory budget,
      :func:`skactive.utils.chunk_budget`) into one score vector, then :func:`top_n`;
    - a ``dask.array.Array`` with a ``dask.distributed`` client (the ``client`` keyword of
      the call, else the client dask itself would compute the array with: the default
      client) is scored on the workers: the fitted model is sent to every worker once per
      query, the blocks are re-cut at the chunks one process reads and each is scored where
      it lives, chunk by chunk, returning only its ``n_instances`` best (index, score)
      pairs, merged here in :func:`top_n`'s order. The pool is never gathered, and the picks
      are those of the in-process query, ties included. Without a ``client``, opt out with
      ``dask.config.set(scheduler="threads")`` (the blocks are then computed and scored in
      this process, one at a time).

    Text pools are scored whole (the text readouts sort the pool by length into batches).

    Examples
    --------
    A strategy that queries the samples with the largest first feature:

    >>> import numpy as np
    >>> from skactive.strategies import ScoreBasedStrategy
    >>> class LargestFirstFeature(ScoreBasedStrategy):
    ...     pointwise_scores = True
    ...     def score_samples(self, classifier, X_pool):
    ...         return np.asarray(X_pool)[:, 0]
    >>> idx, scores = LargestFirstFeature()(None, np.array([[1.0], [3.0], [2.0]]), n_instances=2)
    >>> idx.tolist(), scores.tolist()
    ([1, 2], [3.0, 2.0])
    """

    #: A sample's score depends on that sample and the model only, so :meth:`query` may score
    #: the pool in chunks (and on Dask workers). False: ``score_samples`` sees the whole pool.
    pointwise_scores = False

    @property
    def streams_pool(self):
        """Whether :meth:`query` reads the pool one chunk at a time: its scores are pointwise."""
        return bool(self.pointwise_scores)

    @property
    def runs_on_workers(self):
        """Whether :meth:`query` scores a dask pool on a cluster's workers: pointwise scores."""
        return bool(self.pointwise_scores)

    def score_samples(self, classifier, X_pool):  # pragma: no cover - abstract
        """Informativeness of every pool sample; higher means query first.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        X_pool : array-like

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        raise NotImplementedError

    def _chunk_scorer(self):
        """A picklable ``scorer(view, X_chunk, start) -> scores``, fixed for one query.

        Called once per query, before any chunk is scored: a strategy that draws random
        numbers draws its seed here, so that every chunk (and every worker) uses the same.
        """
        return functools.partial(_score_samples, self)

    def query(self, classifier, X_pool, n_instances=1, *, client=None):
        """Select the ``n_instances`` pool samples with the highest scores.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
            The fitted model (and, for strategies that need it, the labeled set).
        X_pool : array-like, memmap, dask array or pool object
            Unlabeled samples.
        n_instances : int, default=1
            Batch size.
        client : distributed.Client or None, default=None
            Score a dask ``X_pool`` on this client's workers (pointwise scores only; any other
            pool is refused: wrap it with ``dask.array.from_array``). None: the default
            client, if dask would compute the pool with one, else this process.

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
            Distinct positions in ``X_pool``, best first (ties to the lower position).
        scores : ndarray of shape (n_instances,)
            Their scores.
        """
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        view = None if classifier is None else model_view(classifier)
        client = worker_client(self, view, X_pool, client)
        if client is not None:
            return distributed_top_n(client, self._chunk_scorer(), view, X_pool, n_instances,
                                     top_n, chunk_rows=pool_chunk_rows(X_pool),
                                     keep_labeled_set=self.needs_labeled_set)
        scores = stream_scores(self, view, X_pool)
        query_idx = top_n(scores, n_instances)
        return query_idx, scores[query_idx]


def _streams_scores(strategy, classifier):
    """Whether ``strategy``'s scores of this model's pool may be computed chunk by chunk."""
    if not getattr(strategy, "pointwise_scores", False):
        return False
    # text pools are scored whole: the text readouts sort the pool by length into batches
    return classifier is None or model_view(classifier).input_kind != "text"


def stream_scores(strategy, classifier, X_pool):
    """Every pool sample's score by ``strategy.score_samples``, one chunk at a time if it may.

    A strategy with pointwise scores (``pointwise_scores = True``: a sample's score depends
    on that sample, the model and the labeled set only) scores a table pool one chunk at a
    time (:func:`skactive.utils.iter_chunks`, sized by :func:`skactive.utils.chunk_budget`),
    so that a memory-mapped array, a dask array or a pool object is never read whole, and
    the scores are those of one call on the whole pool. Any other strategy, and a text pool,
    is scored by one ``score_samples`` call on the whole pool. This is the score vector
    behind :meth:`ScoreBasedStrategy.query`, for callers that show the scores themselves.

    Parameters
    ----------
    strategy : ScoreBasedStrategy
    classifier : ActiveLearner, modAL ActiveLearner, classifier, Pipeline or None
    X_pool : array-like, memmap, dask array or pool object

    Returns
    -------
    scores : ndarray of shape (n_pool,)
        Higher means query first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import EntropySampling, stream_scores
    >>> from skactive.utils import chunk_budget
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> model = LogisticRegression().fit(X[:20], y[:20])
    >>> with chunk_budget(10 * 4 * 8):   # chunks of 10 rows of 4 float64 values
    ...     chunked = stream_scores(EntropySampling(), model, X[20:])
    >>> chunked.shape, bool(np.allclose(chunked, EntropySampling().score_samples(model, X[20:])))
    ((80,), True)
    """
    if not _streams_scores(strategy, classifier):
        return np.asarray(strategy.score_samples(classifier, X_pool))
    view = None if classifier is None else model_view(classifier)
    return streamed_scores(strategy._chunk_scorer(), view, X_pool, num_samples(X_pool))
