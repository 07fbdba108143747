"""DAMI: deep active learning by model interpretability (Liu et al. 2021)."""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from .. import readouts
from ..cluster import AUTO_FULL_MATRIX_MAX_SAMPLES, KMedoids, nearest_medoids
from ..utils import derive_seed, iter_chunks
from ._base import QueryStrategy, check_query_size, worker_client
from ._distributed_batch import block_reductions
from ._pool import chunk_rows, stream_readout

#: ``method='auto'`` runs the in-memory ``'clara'`` solver up to this many pool samples and the
#: streamed ``'sampled'`` solver above (where 'clara' would hold every representation and
#: refine on all of them).
AUTO_SAMPLED_MIN_SAMPLES = 1_000_000
#: The automatic sample of ``'sampled'``: at least this many points (a 400 MB float32 matrix
#: at 10,000), at least CLARA's ``40 + 2 k``.
SAMPLED_SAMPLE_SIZE = 10_000
_METHODS = ("auto", "alternate", "fasterpam", "pam", "clara", "sampled", "sklearn_extra")


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
    method : {'auto', 'alternate', 'fasterpam', 'pam', 'clara', 'sampled', 'sklearn_extra'}, \
default='auto'
        K-medoids solver, see :class:`skactive.cluster.KMedoids`. DAMI's ``'auto'`` is not
        KMedoids' ``'auto'`` (FasterPAM up to the same size): it runs
        ``'alternate'``, the Voronoi iteration of Park & Jun (2009) that the paper cites, on the
        full dissimilarity matrix up to 10,000 pool samples (a 400 MB float32 matrix), the
        memory-bounded ``'clara'`` solver (FasterPAM on a sample, refined on the full data)
        up to :data:`AUTO_SAMPLED_MIN_SAMPLES` (1,000,000), and ``'sampled'`` beyond.
        ``'fasterpam'`` reaches a lower k-medoids loss than ``'alternate'`` but no
        better accuracy per label, in more time (docs/results/tuning_notes.md).

        ``'sampled'`` is CLARA as Kaufman & Rousseeuw wrote it, streamed: ``n_draws`` seeded
        uniform samples of ``sample_size`` pool samples, ``'alternate'`` k-medoids on each
        sample's dissimilarity matrix, then one pass over the pool in chunks assigns every
        sample to each draw's nearest medoid; the draw with the lowest total dissimilarity
        wins. The representations are computed chunk by chunk and never held for the whole
        pool (tables; a text pool's representations need the pool's mean interpretation and are
        held, ``n_samples x dim`` floats). Memory: one ``sample_size**2`` float32 matrix plus
        one chunk; time: ``n_draws * n_pool * n_instances`` distances. Unlike ``'clara'`` there
        is no refinement on the whole pool, so its loss is higher (figures in
        docs/results/strategies_at_scale.txt). On a ``dask.array`` pool with a
        ``dask.distributed`` client (the ``client`` keyword of the call, else the default
        client) the assignment pass runs on the workers, which send back
        each chunk's costs and cluster sizes only: the same picks as in one process.
    metric : str, default='euclidean'
        Dissimilarity between representations, any metric :class:`~skactive.cluster.KMedoids`
        accepts (for example ``'cosine'`` or ``'manhattan'``).
    target : {'logit', 'proba'}, default='logit'
        Differentiate the predicted class's logit (the paper's choice, piecewise constant) or
        its softmax probability.
    sample_size : int or 'auto', default='auto'
        Sample size of ``'clara'`` and ``'sampled'`` (ignored by the full-matrix solvers), at
        least ``n_instances``. ``'auto'``: :class:`~skactive.cluster.KMedoids`' choice for
        ``'clara'``; for ``'sampled'`` the larger of :data:`SAMPLED_SAMPLE_SIZE` (10,000) and
        ``40 + 2 * n_instances``, at most the pool. Larger samples give lower loss for
        ``sample_size**2`` memory.
    n_draws : int, default=5
        Number of samples ``'sampled'`` solves and compares (CLARA's customary 5); each costs
        one sample solve and the pool's assignment to its medoids.
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

    @property
    def runs_on_workers(self):
        """Whether a dask pool's assignment pass may run on a cluster's workers: the
        ``'sampled'`` solver (which ``'auto'`` picks beyond 1,000,000 samples)."""
        return self.method in ("auto", "sampled")

    def __init__(self, method="auto", metric="euclidean", target="logit", sample_size="auto",
                 n_draws=5, random_state=None):
        self.method = method
        self.metric = metric
        self.target = target
        self.sample_size = sample_size
        self.n_draws = n_draws
        self.random_state = random_state

    def _check_params(self, n_instances):
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}.")
        if self.target not in ("logit", "proba"):
            raise ValueError(f"target must be 'logit' or 'proba', got {self.target!r}.")
        s = self.sample_size
        if not (isinstance(s, str) and s == "auto") and (
                not isinstance(s, numbers.Integral) or isinstance(s, bool) or s < n_instances):
            raise ValueError(
                f"sample_size must be 'auto' or an integer >= n_instances ({n_instances}), got "
                f"{s!r}.")
        d = self.n_draws
        if not isinstance(d, numbers.Integral) or isinstance(d, bool) or d < 1:
            raise ValueError(f"n_draws must be a positive integer, got {d!r}.")

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
        return stream_readout(
            lambda chunk: readouts.input_gradients(view, chunk, target=self.target),
            X_pool, chunk_rows(view))

    def query(self, classifier, X_pool, n_instances=1, *, client=None):
        """Select the medoids of ``n_instances`` clusters of the pool's interpretations.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
        X_pool : array-like
        n_instances : int, default=1
        client : distributed.Client or None, default=None
            Run the ``'sampled'`` solver's assignment pass over a dask ``X_pool`` on this
            client's workers (any other pool is refused: wrap it with
            ``dask.array.from_array``; so is a ``method`` that resolves to another solver).
            None: the default client, if dask would compute the pool with one, else this
            process.

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
        cluster_sizes : ndarray of int of shape (n_instances,)
            Number of pool samples in each selected medoid's cluster.
        """
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        self._check_params(n_instances)
        method = self.method
        if method == "auto":  # alternating k-medoids while the full matrix is affordable
            if n_pool <= AUTO_FULL_MATRIX_MAX_SAMPLES:
                method = "alternate"
            else:
                method = "clara" if n_pool <= AUTO_SAMPLED_MIN_SAMPLES else "sampled"
        if client is not None and method != "sampled":
            raise ValueError(
                f"DAMI(method={self.method!r}) runs the {method!r} solver on this pool of "
                f"{n_pool} samples, in this process; only method='sampled' runs on the "
                "workers of a Dask cluster. Pass DAMI(method='sampled') to use the client, or "
                "leave client unset.")
        if method == "sampled":
            return self._sampled(classifier, X_pool, n_pool, n_instances, client)
        representations = self.representations(classifier, X_pool)
        sample_size = self.sample_size if method == "clara" else "auto"
        km = KMedoids(n_clusters=n_instances, method=method, metric=self.metric,
                      sample_size=sample_size, random_state=self.random_state)
        km.fit(representations)
        sizes = np.bincount(km.labels_, minlength=n_instances)
        return km.medoid_indices_.astype(np.intp), sizes

    def _sampled(self, classifier, X_pool, n_pool, n_instances, client=None):
        """Streamed CLARA: k-medoids on seeded samples, the pool assigned chunk by chunk."""
        view = readouts.model_view(classifier)
        client = worker_client(self, view, X_pool, client)  # refused before any draw
        rows = chunk_rows(view)
        if view.input_kind == "text":  # the mean interpretation needs the whole pool first
            pool = self.representations(view, X_pool)

            def represent(chunk):
                return chunk
        else:
            pool = X_pool

            def represent(chunk):
                return readouts.input_gradients(view, chunk, target=self.target)
        size = self.sample_size
        if size == "auto":
            size = max(SAMPLED_SAMPLE_SIZE, 40 + 2 * n_instances)
        size = min(n_pool, max(int(size), n_instances))
        n_draws = 1 if size == n_pool else int(self.n_draws)
        rng = check_random_state(self.random_state)
        medoids, centers = [], []
        for _ in range(n_draws):
            generator = np.random.default_rng(derive_seed(rng))
            sample = np.sort(generator.choice(n_pool, size=size, replace=False, shuffle=False))
            R = stream_readout(represent, pool, rows, sample)
            km = KMedoids(n_clusters=n_instances, method="alternate", metric=self.metric,
                          random_state=derive_seed(rng)).fit(R)
            medoids.append(sample[km.medoid_indices_].astype(np.intp))
            centers.append(km.cluster_centers_)
            del R, km
        if client is not None:  # each block assigned on its worker: only the sums come back
            parts = block_reductions(client, X_pool, _block_assignment, view, self.target,
                                     centers, self.metric, n_instances, chunk_rows=rows)
        else:
            parts = [assignment_costs(represent(chunk), centers, self.metric, n_instances)
                     for _, _, chunk in iter_chunks(pool, rows, whole_blocks=False)]
        costs = np.zeros(n_draws)
        sizes = np.zeros((n_draws, n_instances), dtype=np.int64)
        for chunk_costs, chunk_sizes in parts:
            costs += chunk_costs
            sizes += chunk_sizes
        best = int(np.argmin(costs))
        return medoids[best], sizes[best]


def assignment_costs(R, centers, metric, n_clusters):
    """Each draw's total dissimilarity of ``R`` to its nearest medoid, and its cluster sizes.

    ``centers`` holds one medoid matrix per draw. Returns ``(costs, sizes)`` of shapes
    ``(n_draws,)`` and ``(n_draws, n_clusters)``: one chunk's share of CLARA's comparison.
    """
    costs = np.zeros(len(centers))
    sizes = np.zeros((len(centers), n_clusters), dtype=np.int64)
    for d, medoids in enumerate(centers):
        labels, dist = nearest_medoids(R, medoids, metric=metric)
        costs[d] = dist.sum()
        sizes[d] = np.bincount(labels, minlength=n_clusters)
    return costs, sizes


def _block_assignment(view, chunk, target, centers, metric, n_clusters):
    """:func:`assignment_costs` of a chunk's input gradients (run on a worker)."""
    return assignment_costs(readouts.input_gradients(view, chunk, target=target), centers,
                            metric, n_clusters)
