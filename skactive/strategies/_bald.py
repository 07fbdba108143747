"""BALD: Bayesian active learning by disagreement, with MC dropout."""

import functools
import numbers

import numpy as np

from .. import readouts
from ..utils import MEMORY_BUDGET_BYTES, derive_seed, iter_chunks, num_samples
from ._base import ScoreBasedStrategy

#: Most float32 values of MC-dropout probabilities held at once (n_passes x rows x classes):
#: a quarter of the shared memory budget.
MC_BUDGET = MEMORY_BUDGET_BYTES // 16


def mutual_information(probas):
    """BALD's score from stochastic predictions: H[mean_t p_t] - mean_t H[p_t].

    Parameters
    ----------
    probas : array-like of shape (n_passes, n_samples, n_classes)

    Returns
    -------
    mi : ndarray of shape (n_samples,), float64, >= 0

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import mutual_information
    >>> agree = [[[0.5, 0.5]], [[0.5, 0.5]]]        # two passes that agree: no disagreement
    >>> disagree = [[[1.0, 0.0]], [[0.0, 1.0]]]     # two confident passes that disagree
    >>> mutual_information(agree).round(6).tolist(), mutual_information(disagree).round(6).tolist()
    ([0.0], [0.693147])
    """
    probas = np.asarray(probas)
    if probas.ndim != 3:
        raise ValueError(
            f"probas must have shape (n_passes, n_samples, n_classes), got {probas.shape}.")
    if probas.dtype != np.float64:  # p log p in float32 (4x faster), sums in float64
        probas = probas.astype(np.float32, copy=False)
    n_passes = probas.shape[0]
    mean = probas.sum(axis=0, dtype=np.float64) / n_passes
    mean_entropy = -_p_log_p(probas).sum(axis=0, dtype=np.float64).sum(axis=1) / n_passes
    mi = -_p_log_p(mean).sum(axis=1) - mean_entropy
    return np.maximum(mi, 0.0)  # >= 0 in exact arithmetic; rounding can dip below


def _p_log_p(p):
    """p * log(p) elementwise, 0 where p == 0."""
    return p * np.log(np.maximum(p, np.finfo(p.dtype).tiny))


class BALD(ScoreBasedStrategy):
    """Bayesian active learning by disagreement with MC dropout (Gal, Islam & Ghahramani 2017).

    Runs ``n_passes`` stochastic forward passes with only the dropout layers switched on
    (normalisation layers stay in eval mode; the dropout rate is the model's own) and scores
    each pool sample by the mutual information between its label and the model weights,

        BALD(x) = H[mean_t p_t(.|x)] - mean_t H[p_t(.|x)],

    high where the passes are individually confident but disagree. The ``n_instances``
    highest are queried.

    Parameters
    ----------
    n_passes : int, default=20
        Number of stochastic passes T.
    random_state : int, RandomState instance or None, default=None
        Seeds the dropout masks (the global torch RNG is untouched): the same integer gives
        the same scores and indices.

    Notes
    -----
    The classifier needs dropout (for example ``MLPClassifier(dropout=0.2)``); without it every
    pass is the same and :func:`skactive.readouts.mc_dropout_probas` raises a ValueError
    instead of letting BALD rank noise. The pool is processed in slices holding at most
    :data:`MC_BUDGET` probabilities. One seed is drawn from ``random_state`` per query (per
    call of :meth:`score_samples`), and each table row's dropout masks depend on that seed
    and the row's position only (see :func:`skactive.readouts.mc_dropout_probas`): on the CPU
    the scores do not depend on the slices, the pool's chunks or the Dask workers that
    computed them.

    See Also
    --------
    EGL : Expected gradient length.
    mutual_information : The score, from explicit stochastic predictions.

    References
    ----------
    .. [1] Y. Gal, R. Islam and Z. Ghahramani, "Deep Bayesian active learning with image
       data", ICML 2017.
    .. [2] N. Houlsby, F. Huszar, Z. Ghahramani and M. Lengyel, "Bayesian active learning for
       classification and preference learning", arXiv:1112.5745, 2011.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier
    >>> from skactive.strategies import BALD
    >>> X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    >>> clf = MLPClassifier(dropout=0.2, max_epochs=10, random_state=0).fit(X[:50], y[:50])
    >>> idx, mi = BALD(n_passes=10, random_state=0)(clf, X[50:], n_instances=5)
    >>> idx.shape, bool((mi >= 0).all())
    ((5,), True)
    """

    needs_dropout = True
    pointwise_scores = True

    def __init__(self, n_passes=20, random_state=None):
        self.n_passes = n_passes
        self.random_state = random_state

    def _check_n_passes(self):
        T = self.n_passes
        if not isinstance(T, numbers.Integral) or isinstance(T, bool) or T < 1:
            raise ValueError(f"n_passes must be a positive integer, got {T!r}.")
        return int(T)

    def _chunk_scorer(self):
        # an int seeds the readout as it is (BALD(random_state=s) reads the masks of
        # mc_dropout_probas(random_state=s)); None or a RandomState gives one draw per query
        seed = self.random_state
        if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
            seed = derive_seed(seed)
        return functools.partial(_bald_scores, n_passes=self._check_n_passes(), seed=int(seed))

    def score_samples(self, classifier, X_pool):
        """Mutual information of every pool sample (higher: query first).

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
            A network with dropout.
        X_pool : array-like, memmap, dask array or pool object of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,), float64
        """
        return self._chunk_scorer()(readouts.model_view(classifier), X_pool, 0)


def _bald_scores(view, X, start, *, n_passes, seed):
    """Mutual information of rows ``start:start + len(X)`` of a pool, in MC-budget slices."""
    n = num_samples(X)
    n_classes = len(readouts.final_estimator(view)[0].classes_)
    step = max(1, MC_BUDGET // (n_passes * n_classes))
    scores = np.empty(n, dtype=np.float64)
    for lo, hi, rows in iter_chunks(X, step):
        probas = readouts.mc_dropout_probas(view, rows, n_passes=n_passes, random_state=seed,
                                            row_offset=start + lo)
        scores[lo:hi] = mutual_information(probas)
    return scores
