"""Random sampling: the baseline every strategy is measured against."""

from sklearn.utils import check_random_state

from ._base import QueryStrategy, check_query_size


class RandomSampling(QueryStrategy):
    """Draw ``n_instances`` pool samples uniformly at random, without replacement.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seeds the draw: the same integer gives the same indices.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import RandomSampling
    >>> idx, _ = RandomSampling(random_state=0)(None, np.zeros((100, 2)), n_instances=3)
    >>> len(set(idx.tolist()))
    3
    """

    # the draw needs the pool's size alone: nothing of the pool is read
    streams_pool = True

    def __init__(self, random_state=None):
        self.random_state = random_state

    def query(self, classifier, X_pool, n_instances=1):
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        rng = check_random_state(self.random_state)
        return rng.choice(n_pool, size=n_instances, replace=False), None
