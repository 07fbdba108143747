"""BALD: Bayesian active learning by disagreement, with MC dropout."""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import MEMORY_BUDGET_BYTES, num_samples, take_rows
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
    :data:`MC_BUDGET` probabilities, each slice seeded in turn from ``random_state``.

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

    def __init__(self, n_passes=20, random_state=None):
        self.n_passes = n_passes
        self.random_state = random_state

    def score_samples(self, classifier, X_pool):
        """Mutual information of every pool sample (higher: query first).

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
            A network with dropout.
        X_pool : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,), float64
        """
        T = self.n_passes
        if not isinstance(T, numbers.Integral) or isinstance(T, bool) or T < 1:
            raise ValueError(f"n_passes must be a positive integer, got {T!r}.")
        rng = check_random_state(self.random_state)
        n = num_samples(X_pool)
        n_classes = len(readouts.final_estimator(classifier)[0].classes_)
        step = max(1, MC_BUDGET // (T * n_classes))
        if n <= step:  # one slice: the readout draws its seed from rng like any caller would
            return mutual_information(
                readouts.mc_dropout_probas(classifier, X_pool, n_passes=T, random_state=rng))
        scores = np.empty(n, dtype=np.float64)
        for start in range(0, n, step):
            rows = take_rows(X_pool, np.arange(start, min(start + step, n)))
            probas = readouts.mc_dropout_probas(classifier, rows, n_passes=T, random_state=rng)
            scores[start:start + len(probas[0])] = mutual_information(probas)
        return scores
