"""A strategy mixed with a share of uniformly random picks."""

import numpy as np
from sklearn.utils import check_random_state

from ..utils import derive_seed
from ._base import QueryStrategy, check_query_size, seeded_strategy


def _declared(strategy, name, default):
    """What ``strategy`` (a name or an object) declares it needs; ``default`` if unknown."""
    if isinstance(strategy, str):
        from ._registry import get_strategy

        try:
            strategy = get_strategy(strategy)
        except ValueError:
            return default
    return getattr(strategy, name, default)


def resolve_strategy(strategy, random_state):
    """A fresh copy of ``strategy`` (a name or a strategy object) seeded from ``random_state``."""
    from ._registry import get_strategy

    if isinstance(strategy, str):
        strategy = get_strategy(strategy)
    elif not callable(strategy):
        raise TypeError(
            f"strategy must be a strategy name such as 'entropy' or a strategy object, got "
            f"{type(strategy).__name__}."
        )
    return seeded_strategy(strategy, random_state)


class RandomMixture(QueryStrategy):
    """Let a strategy choose most of the batch and draw the rest uniformly at random.

    Of a batch of ``n_instances``, ``random_share * n_instances`` samples (rounded at random
    to a neighbouring integer, so that the share holds on average even for batches of one)
    are drawn uniformly from the pool; ``strategy`` chooses the others first. The random
    share keeps a strategy that is wrong about the data from falling behind random sampling
    by much, and keeps every pool sample's chance of being labeled positive.

    The random picks need the pool's size alone: the pool is read by ``strategy`` only, so
    the mixture streams a pool beyond memory whenever ``strategy`` does (``streams_pool``).

    Parameters
    ----------
    strategy : str or QueryStrategy, default='entropy'
        The strategy choosing the non-random part: a name of :func:`get_strategy` or a
        strategy object (cloned, never modified).
    random_share : float, default=0.2
        Expected share of the batch drawn at random, in [0, 1].
    random_state : int, RandomState instance or None, default=None
        Seeds the random picks, their number, and ``strategy`` when it takes a seed.

    See Also
    --------
    RandomSampling : Every pick at random.
    ActiveLearningByLearning : Learns which strategy to follow while labeling.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import RandomMixture
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> model = LogisticRegression().fit(X[:20], y[:20])
    >>> idx, _ = RandomMixture("margin", random_share=0.5, random_state=0)(model, X[20:], 10)
    >>> len(set(idx.tolist()))
    10
    """

    # What the mixture needs is what its strategy needs.
    needs_labeled_set = property(lambda self: _declared(self.strategy, "needs_labeled_set", False))
    needs_dropout = property(lambda self: _declared(self.strategy, "needs_dropout", False))
    input_kinds = property(lambda self: _declared(self.strategy, "input_kinds", ("table", "text")))
    # the random part needs the pool's size alone: the mixture streams where its strategy does
    streams_pool = property(lambda self: _declared(self.strategy, "streams_pool", False))

    def __init__(self, strategy="entropy", random_share=0.2, random_state=None):
        self.strategy = strategy
        self.random_share = random_share
        self.random_state = random_state

    def query(self, classifier, X_pool, n_instances=1):
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        share = self.random_share
        if isinstance(share, bool) or not isinstance(share, (int, float, np.floating)) \
                or not 0 <= share <= 1:
            raise ValueError(f"random_share must be a number in [0, 1], got {share!r}.")
        rng = check_random_state(self.random_state)
        inner = resolve_strategy(self.strategy, derive_seed(rng))
        expected = share * n_instances
        n_random = int(np.floor(expected)) + int(rng.rand() < expected - np.floor(expected))
        n_chosen = n_instances - n_random
        chosen = np.empty(0, dtype=np.intp)
        if n_chosen:
            chosen = np.asarray(inner(classifier, X_pool, n_instances=n_chosen)[0],
                                dtype=np.intp)
        rest = np.setdiff1d(np.arange(n_pool), chosen)
        drawn = rng.choice(rest, size=n_random, replace=False).astype(np.intp)
        return np.concatenate([chosen, drawn]), None
