"""BADGE: diverse, uncertain gradient embeddings (Ash et al. 2020)."""

import numpy as np

from .. import readouts
from ..utils import kmeans_pp_factorised
from ._base import QueryStrategy, check_query_size


class BADGE(QueryStrategy):
    """Batch active learning by diverse gradient embeddings (Ash et al. 2020).

    Each pool sample is represented by the gradient of the cross-entropy at its predicted
    label y_hat with respect to the final linear layer, g(x) = (p(.|x) - onehot(y_hat)) outer
    f(x): long for uncertain samples, pointing where the sample lies. The batch is drawn by
    k-means++ seeding on {g(x)}: the first centre is the largest ||g||, each next one is drawn
    with probability proportional to its squared distance to the nearest chosen centre
    (D^2 sampling), without repeats.

    Distances use the factorisation
    ||g_i - g_c||^2 = |q_i|^2 |f_i|^2 + |q_c|^2 |f_c|^2 - 2 (q_i . q_c)(f_i . f_c): the
    (n_samples, n_classes * n_hidden) embedding matrix is never built.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seeds the D^2 sampling: the same integer gives the same indices.

    Notes
    -----
    The metrics returned with the indices are the selected samples' gradient-embedding norms
    ||g(x)|| = ||q(x)|| ||f(x)||. Once every remaining sample duplicates a centre (zero
    distance) the batch is completed uniformly at random among the unpicked samples, so it
    always holds ``n_instances`` distinct indices.

    See Also
    --------
    CoreSet : Greedy k-center on the penultimate features.
    skactive.readouts.gradient_embedding : The factorised embedding.

    References
    ----------
    .. [1] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford and A. Agarwal, "Deep batch
       active learning by diverse, uncertain gradient lower bounds", ICLR 2020.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier
    >>> from skactive.strategies import BADGE
    >>> X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    >>> clf = MLPClassifier(max_epochs=10, random_state=0).fit(X[:30], y[:30])
    >>> idx, norms = BADGE(random_state=0)(clf, X[30:], n_instances=5)
    >>> len(set(idx.tolist())), bool((norms >= 0).all())
    (5, True)
    """

    def __init__(self, random_state=None):
        self.random_state = random_state

    def query(self, classifier, X_pool, n_instances=1):
        """Select ``n_instances`` pool samples by k-means++ seeding on gradient embeddings.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
        X_pool : array-like of shape (n_samples, n_features)
        n_instances : int, default=1

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
        norms : ndarray of shape (n_instances,), float32
            Gradient-embedding norms of the selected samples.
        """
        _, n_instances = check_query_size(X_pool, n_instances)
        q, f = readouts.gradient_embedding(classifier, X_pool)
        idx = kmeans_pp_factorised(q, f, n_instances, random_state=self.random_state)
        idx = np.asarray(idx, dtype=np.intp)
        return idx, np.linalg.norm(q[idx], axis=1) * np.linalg.norm(f[idx], axis=1)
