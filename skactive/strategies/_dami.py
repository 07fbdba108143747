"""DAMI: deep active learning by model interpretability (Liu et al. 2021)."""

import numpy as np

from .. import readouts
from ..cluster import AUTO_FULL_MATRIX_MAX_SAMPLES, KMedoids
from ._base import QueryStrategy, check_query_size


class DAMI(QueryStrategy):
    """Query the k-medoids of the pool's local model interpretations (DAMI, Liu et al.).

    A ReLU network is piecewise linear: its input gradient is constant inside each linear
    region. DAMI represents every pool sample by that local interpretation and runs k-medoids
    with k = ``n_instances`` on the representations; the medoids, one per group of samples the
    model treats alike, are the query.

    - Tables (Alg. 1): I(x) = d s_{y_hat}(x) / dx, the gradient of the predicted class's logit
      (or probability, ``target='proba'``) with respect to the input
      (:func:`skactive.readouts.input_gradients`).
    - Text (Alg. 2): the interpretation of each sentence's most distinctive word,
      ``skactive.readouts.word_interpretations`` (chosen by the classifier's input kind).

    Parameters
    ----------
    method : {'auto', 'alternate', 'fasterpam', 'pam', 'clara', 'sklearn_extra'}, \
default='auto'
        K-medoids solver, see :class:`skactive.cluster.KMedoids`. DAMI's ``'auto'`` is not
        KMedoids' ``'auto'`` (FasterPAM up to the same size): it runs
        ``'alternate'``, the Voronoi iteration of Park & Jun (2009) that the paper cites, on the
        full dissimilarity matrix up to 10,000 pool samples (a 400 MB float32 matrix), and the
        memory-bounded ``'clara'`` solver (FasterPAM on a sample, refined on the full data)
        beyond. ``'fasterpam'`` reaches a lower k-medoids loss than ``'alternate'`` but no
        better accuracy per label, in more time (docs/results/tuning_notes.md).
    metric : str, default='euclidean'
        Dissimilarity between representations, any metric :class:`~skactive.cluster.KMedoids`
        accepts (for example ``'cosine'`` or ``'manhattan'``).
    target : {'logit', 'proba'}, default='logit'
        Differentiate the predicted class's logit (the paper's choice, piecewise constant) or
        its softmax probability.
    random_state : int, RandomState instance or None, default=None
        Seeds k-medoids (initialisation, sampling, tie-filling): the same integer gives the
        same indices.

    Notes
    -----
    The metrics returned with the indices are the cluster sizes: how many pool samples each
    selected medoid represents. The query always holds ``n_instances`` distinct indices: when
    the pool has fewer distinct representations than that (many samples share a linear
    region), :class:`~skactive.cluster.KMedoids` fills up with the farthest remaining samples,
    then at random.

    See Also
    --------
    skactive.cluster.KMedoids : The clustering step.
    CoreSet, BADGE : Other representation-based batch strategies.

    References
    ----------
    .. [1] Q. Liu, Z. Liu, X. Zhu, Y. Xiu and J. Zhu, "Deep active learning by model
       interpretability".
    .. [2] H.-S. Park and C.-H. Jun, "A simple and fast algorithm for K-medoids clustering",
       Expert Systems with Applications 36(2), 2009.

    Examples
    --------
    >>> from skactive import MLPClassifier
    >>> from skactive.datasets import make_sigmoid
    >>> from skactive.strategies import DAMI
    >>> X, y = make_sigmoid(600, random_state=0)
    >>> clf = MLPClassifier(max_epochs=50, random_state=0).fit(X[:100], y[:100])
    >>> idx, cluster_sizes = DAMI(random_state=0)(clf, X[100:], n_instances=4)
    >>> len(set(idx.tolist())), int(cluster_sizes.sum())
    (4, 500)
    """

    def __init__(self, method="auto", metric="euclidean", target="logit", random_state=None):
        self.method = method
        self.metric = metric
        self.target = target
        self.random_state = random_state

    def representations(self, classifier, X_pool):
        """The local interpretation of every pool sample, the space k-medoids runs in.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
        X_pool : array-like

        Returns
        -------
        representations : ndarray of shape (n_samples, n_dims), float32
        """
        if self.target not in ("logit", "proba"):
            raise ValueError(f"target must be 'logit' or 'proba', got {self.target!r}.")
        view = readouts.model_view(classifier)
        if view.input_kind == "text":
            representations, _ = readouts.word_interpretations(view, X_pool, target=self.target)
            return representations
        return readouts.input_gradients(view, X_pool, target=self.target)

    def query(self, classifier, X_pool, n_instances=1):
        """Select the medoids of ``n_instances`` clusters of the pool's interpretations.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
        X_pool : array-like
        n_instances : int, default=1

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
        cluster_sizes : ndarray of int of shape (n_instances,)
            Number of pool samples in each selected medoid's cluster.
        """
        _, n_instances = check_query_size(X_pool, n_instances)
        representations = self.representations(classifier, X_pool)
        method = self.method
        if method == "auto":  # alternating k-medoids while the full matrix is affordable
            small = len(representations) <= AUTO_FULL_MATRIX_MAX_SAMPLES
            method = "alternate" if small else "clara"
        km = KMedoids(n_clusters=n_instances, method=method, metric=self.metric,
                      random_state=self.random_state).fit(representations)
        sizes = np.bincount(km.labels_, minlength=n_instances)
        return km.medoid_indices_.astype(np.intp), sizes
