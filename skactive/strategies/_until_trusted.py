"""Random sampling until the model's held-out AUC says its scores can be trusted."""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import derive_seed, num_samples, take_rows
from ._base import QueryStrategy, check_query_size
from ._heldout import labels_of, row_keys
from ._mixture import _declared, resolve_strategy

#: Folds, and labeled rows at most, of the cross-validated AUC of a first query.
_CV_FOLDS, _CV_MAX_ROWS = 3, 1000


class RandomUntilTrusted(QueryStrategy):
    """Query at random until the model is good enough to follow a strategy, then follow it.

    A strategy that ranks the pool by the model's own scores (uncertainty, gradients) is only
    as good as the model: a weak model's most uncertain rows are a biased sample, and on the
    benchmark of ``docs/results/evidence.md`` every such strategy lost to random sampling
    while the model's test AUC was below 0.85. This strategy draws its batches uniformly at
    random and keeps the model's predicted probabilities for the rows it drew. Those rows are
    then labeled without having been seen by that model, so at the next query their labels
    give an unbiased held-out AUC of the model. Once that AUC reaches ``min_auc``, every later
    query follows ``strategy``; the switch is never undone (the rows ``strategy`` picks are
    not a random sample, so they could not measure the model without bias).

    Until the switch the batches are those of :class:`RandomSampling` with the same
    ``random_state``, so a comparison with random sampling that shares its seeds (as the
    experiment runner's does) measures the switch alone.

    The estimate pools the newest random batches until they hold ``min_heldout`` labeled
    rows with every class among them (older batches were predicted by weaker models, which
    only delays the switch). A first query has no batches of its own yet: there the AUC is
    cross-validated on the labeled set (3 stratified folds of at most 1,000 labeled rows, so
    3 extra fits of the model), which is unbiased when those rows were drawn at random and
    pessimistic when a strategy chose them. So a single query (``skactive query``) follows
    ``strategy`` when the labeled set shows the model can be trusted.

    The strategy keeps this state between queries (``trusted_``, ``n_queries_``): use one
    object per labeling loop and :func:`~sklearn.base.clone` it to start afresh (the
    experiment runner clones it for each learning curve and resumes a curve by rerunning it).
    It reads the labels of its earlier batches from the learner's labeled set (rows are
    matched by value), so it needs an ``ActiveLearner`` (skactive's or modAL's).

    Parameters
    ----------
    strategy : str or QueryStrategy, default='entropy'
        The strategy followed once the model is trusted: a name of :func:`get_strategy` or a
        strategy object (cloned, never modified).
    min_auc : float, default=0.85
        Held-out AUC (macro one-vs-rest for more than two classes) from which the model is
        trusted, in [0.5, 1]; 0.5 trusts it as soon as ``min_heldout`` rows are labeled, 1
        only a model that ranks every held-out row right.
    min_heldout : int, default=100
        Labeled held-out rows the AUC needs before it is believed.
    random_state : int, RandomState instance or None, default=None
        Seeds the random draws, exactly as :class:`RandomSampling` with the same
        ``random_state`` draws (until trusted, the two pick the same rows), and
        ``strategy``: the same integer gives the same indices.

    Attributes
    ----------
    strategy_ : QueryStrategy
        The seeded copy of ``strategy`` that is followed once trusted.
    trusted_ : bool
        Whether the queries follow ``strategy_`` now.
    heldout_auc_ : float
        The latest held-out AUC estimate (NaN before there is one).
    auc_history_ : list of float
        Every held-out AUC estimate, one per query that had enough labeled rows.
    n_queries_ : int
        Queries answered.

    See Also
    --------
    RandomMixture : A fixed share of random picks in every batch.
    ActiveLearningByLearning : A bandit that learns which strategy to follow.

    Notes
    -----
    The pool is read by ``strategy`` only; random batches read the drawn rows alone. So the
    strategy reads a pool beyond memory one chunk at a time whenever ``strategy`` does
    (``streams_pool``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive import ActiveLearner
    >>> from skactive.strategies import RandomUntilTrusted
    >>> X, y = make_classification(n_samples=600, class_sep=2, random_state=0)
    >>> gate = RandomUntilTrusted("margin", min_auc=0.9, min_heldout=50, random_state=0)
    >>> learner = ActiveLearner(LogisticRegression(), gate, X_training=X[:20],
    ...                         y_training=y[:20])
    >>> pool = np.arange(20, 600)
    >>> for _ in range(3):
    ...     idx = learner.query(X[pool], n_instances=60)[0]
    ...     _ = learner.teach(X[pool[idx]], y[pool[idx]])
    ...     pool = np.delete(pool, idx)
    >>> gate.trusted_, gate.heldout_auc_ >= 0.9
    (True, True)
    """

    needs_labeled_set = True
    stateful = True
    # What it needs beyond the labeled set is what its strategy needs.
    needs_dropout = property(lambda self: _declared(self.strategy, "needs_dropout", False))
    input_kinds = property(lambda self: _declared(self.strategy, "input_kinds", ("table", "text")))
    # random batches read the drawn rows alone: it streams where its strategy does
    streams_pool = property(lambda self: _declared(self.strategy, "streams_pool", False))

    def __init__(self, strategy="entropy", min_auc=0.85, min_heldout=100, random_state=None):
        self.strategy = strategy
        self.min_auc = min_auc
        self.min_heldout = min_heldout
        self.random_state = random_state

    def _check_params(self):
        auc = self.min_auc
        if isinstance(auc, bool) or not isinstance(auc, numbers.Real) or not 0.5 <= auc <= 1:
            raise ValueError(f"min_auc must be a number in [0.5, 1], got {auc!r}.")
        rows = self.min_heldout
        if isinstance(rows, bool) or not isinstance(rows, numbers.Integral) or rows < 1:
            raise ValueError(f"min_heldout must be a positive integer, got {rows!r}.")

    def query(self, classifier, X_pool, n_instances=1):
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        self._check_params()
        first = getattr(self, "n_queries_", 0) == 0
        # Work on copies: the fitted state changes only once the query has succeeded.
        trusted = False if first else self.trusted_
        records = [] if first else list(self._records)
        history = [] if first else list(self.auc_history_)
        auc = np.nan if first else self.heldout_auc_
        if not trusted:
            estimate = (self._heldout_auc(records, classifier.X_labeled, classifier.y_labeled)
                        if records else self._crossval_auc(classifier))
            if estimate is not None:
                auc = estimate
                history.append(estimate)
                trusted = estimate >= self.min_auc

        rng = check_random_state(self.random_state)
        if not trusted:  # RandomSampling's draw with the same seed: the same rows
            chosen, metrics = rng.choice(n_pool, size=n_instances, replace=False), None
        inner = resolve_strategy(self.strategy, derive_seed(rng)) if first else self.strategy_
        if trusted:
            chosen, metrics = inner(classifier, X_pool, n_instances=n_instances)
            records = []
        else:
            rows = take_rows(X_pool, chosen)
            records.append({"keys": row_keys(rows),
                            "proba": readouts.predict_proba(classifier, rows),
                            "classes": np.asarray(classifier.estimator.classes_)})
            records = self._newest_needed(records)

        self.strategy_ = inner
        self.trusted_ = bool(trusted)
        self.heldout_auc_ = float(auc)
        self.auc_history_ = history
        self.n_queries_ = getattr(self, "n_queries_", 0) + 1
        self._records = records
        return np.asarray(chosen, dtype=np.intp), metrics

    def _newest_needed(self, records):
        """The newest records that together hold ``min_heldout`` rows (older ones add nothing)."""
        total, keep = 0, 0
        for record in reversed(records):
            keep += 1
            total += len(record["keys"])
            if total >= self.min_heldout:
                break
        return records[-keep:]

    def _crossval_auc(self, classifier):
        """AUC of the model cross-validated on (at most 1,000 of) the labeled rows, or None."""
        X, y = classifier.X_labeled, np.asarray(classifier.y_labeled)
        n = num_samples(X)
        if n > _CV_MAX_ROWS:  # a fixed subset: the estimate does not use up the draws' seed
            keep = np.sort(np.random.RandomState(0).choice(n, _CV_MAX_ROWS, replace=False))
            X, y = take_rows(X, keep), y[keep]
        classes, label, counts = np.unique(y, return_inverse=True, return_counts=True)
        if len(y) < self.min_heldout or len(classes) < 2 or counts.min() < _CV_FOLDS:
            return None
        folds = StratifiedKFold(_CV_FOLDS, shuffle=True, random_state=0)
        proba = cross_val_predict(clone(classifier.estimator), X, y, cv=folds,
                                  method="predict_proba")
        return _auc(label, proba)

    def _heldout_auc(self, records, X_labeled, y_labeled):
        """AUC of the stored predictions on the labels found, newest batches first, or None."""
        newest = records[-1]["classes"]
        # records whose model knew other classes (one learned since) do not compare
        comparable = [r for r in records if np.array_equal(r["classes"], newest)][::-1]
        keys = np.concatenate([r["keys"] for r in comparable])
        found, truth = labels_of(keys, X_labeled, y_labeled)  # one lookup for all records
        known = np.isin(truth, newest)
        found, truth = found[known], truth[known]
        proba = np.concatenate([r["proba"] for r in comparable])[found]
        if len(found) < self.min_heldout:
            return None
        # the newest rows first, as few batches as make min_heldout labeled rows
        batch_of = np.repeat(np.arange(len(comparable)), [len(r["keys"]) for r in comparable])
        cut = batch_of[found[self.min_heldout - 1]]
        use = batch_of[found] <= cut
        order = np.argsort(newest)
        label = order[np.searchsorted(newest[order], truth[use])]
        return _auc(label, proba[use])


def _auc(label, proba):
    """AUC (macro one-vs-rest beyond two classes) of ``proba`` for class indices ``label``;
    None when a class is missing among the labels (no AUC to believe)."""
    n_classes = proba.shape[1]
    if len(np.unique(label)) < n_classes:
        return None
    if n_classes == 2:
        return float(roc_auc_score(label, proba[:, 1]))
    proba = proba / proba.sum(axis=1, keepdims=True)
    return float(roc_auc_score(label, proba, multi_class="ovr", labels=np.arange(n_classes)))
