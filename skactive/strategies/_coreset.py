"""CoreSet: greedy k-center on the penultimate features (Sener & Savarese 2018)."""

import numpy as np
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import nearest_sq_distances, num_samples
from ._base import QueryStrategy, check_query_size, worker_client
from ._distributed_batch import WorkerBlocks
from ._pool import candidate_subsample, check_max_candidates, chunk_rows, stream_readout

#: Features with at most this many entries get one float64 working copy (64 MiB); larger ones
#: are converted chunk by chunk at each pick.
_F64_COPY_MAX_ELEMENTS = 2**23
#: Rows per distance update (a few MiB of float64: the element-wise passes stay in cache).
_UPDATE_ROWS = 2**15
#: Relative round-off below which an expanded squared distance is exactly 0 (duplicates).
_ROUND_OFF = 64 * np.finfo(np.float64).eps


class CoreSet(QueryStrategy):
    """Greedy k-center core set in the network's penultimate feature space.

    Picks, one at a time, the pool sample farthest (Euclidean distance between penultimate
    features f(x)) from every labeled sample and every sample already picked, so that the
    batch and the labeled set together cover the pool with the smallest radius the greedy
    2-approximation finds. The running minimum distance is updated in chunks: no pool x pool
    matrix is ever built.

    The pool is read in chunks (any container with row slices: an array, a memory-mapped
    ``.npy`` file, a ``dask.array``); the penultimate features of the candidates are kept (one
    float32 ``(n_candidates, n_hidden)`` array), the running minimum is one float32 vector,
    and the input pool is never copied beyond one chunk.

    The labeled set is read from the learner (skactive's or modAL's ``ActiveLearner``); a bare
    classifier raises a TypeError.

    Parameters
    ----------
    max_candidates : int, float or None, default=None
        Candidates the k-center runs on. None: every pool sample (the exact greedy k-center,
        time ``O(n_pool * (n_labeled + n_instances) * n_hidden)``, memory ``n_pool * n_hidden``
        floats). An integer: a uniform random subsample of that many pool samples; a float in
        (0, 1]: that fraction of the pool (rounded up); never fewer than ``n_instances``, and
        the exact method when it covers the whole pool. Time and memory then scale with the
        subsample, not the pool; the picks cover the subsample, not the pool, so the covering
        radius of the pool grows (its cost is measured in docs/results/
        strategies_at_scale.txt). This is scikit-activeml's
        ``SubSamplingWrapper(CoreSet(), max_candidates=..., exclude_non_subsample=True)``: the
        same subsampling rule, with the samples outside it left out of the selection.
    random_state : int, RandomState instance or None, default=None
        Draws the candidate subsample and breaks ties between equally far samples (including
        the all-zero distances left once every distinct feature vector is covered): the same
        integer gives the same indices.

    Notes
    -----
    The metrics returned with the indices are each pick's distance to the nearest labeled or
    earlier-picked sample at the time it was picked (a non-increasing sequence; the first is
    the current covering radius). Duplicates of a picked sample are at distance 0, so the
    batch always holds ``n_instances`` distinct indices.

    On a ``dask.array`` pool with a ``dask.distributed`` client (the ``client`` keyword of the
    call, else the default client), each block's features and running minimum are computed and
    kept on the worker that holds the block; each pick sends one feature row to the workers and
    brings back each block's farthest row. The pool is never gathered, and the picks are those
    of the query in one process (see :ref:`out_of_core`).

    See Also
    --------
    BADGE : k-means++ seeding on last-layer gradient embeddings.
    DAMI : k-medoids on input-gradient interpretations.

    References
    ----------
    .. [1] O. Sener and S. Savarese, "Active learning for convolutional neural networks: a
       core-set approach", ICLR 2018.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearner, MLPClassifier
    >>> from skactive.strategies import CoreSet
    >>> X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    >>> learner = ActiveLearner(MLPClassifier(max_epochs=10, random_state=0),
    ...                         CoreSet(random_state=0), X_training=X[:30], y_training=y[:30])
    >>> idx, rows, radius = learner.query(X[30:], n_instances=5, return_metrics=True)
    >>> idx.shape, bool((radius[:-1] >= radius[1:]).all())
    ((5,), True)

    On a large pool, k-center on a seeded subsample of 100 candidates:

    >>> learner = ActiveLearner(MLPClassifier(max_epochs=10, random_state=0),
    ...                         CoreSet(max_candidates=100, random_state=0),
    ...                         X_training=X[:30], y_training=y[:30])
    >>> sub, _ = learner.query(X[30:], n_instances=5)
    >>> len(set(sub.tolist()))
    5
    """

    runs_on_workers = True
    needs_labeled_set = True

    def __init__(self, max_candidates=None, random_state=None):
        self.max_candidates = max_candidates
        self.random_state = random_state

    def query(self, classifier, X_pool, n_instances=1, *, client=None):
        """Select ``n_instances`` pool samples by greedy k-center.

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
            The learner holding the fitted model and the labeled set.
        X_pool : array-like of shape (n_samples, n_features)
            Any container with row slices (array, memory map, DataFrame, dask array).
        n_instances : int, default=1
        client : distributed.Client or None, default=None
            Run the per-row work of a dask ``X_pool`` on this client's workers (any other pool
            is refused: wrap it with ``dask.array.from_array``). None: the default client, if
            dask would compute the pool with one, else this process.

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
        distances : ndarray of shape (n_instances,)
            Distance of each pick to the nearest labeled or earlier pick when it was chosen.
        """
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        check_max_candidates(self.max_candidates)
        view = readouts.model_view(classifier)
        client = worker_client(self, view, X_pool, client)  # refused before any draw
        rng = check_random_state(self.random_state)
        candidates = candidate_subsample(n_pool, n_instances, self.max_candidates, rng)
        X_labeled, _ = readouts.labeled_set(classifier)
        rows = chunk_rows(classifier)
        f_labeled = None
        if X_labeled is not None and num_samples(X_labeled):
            f_labeled = stream_readout(
                lambda chunk: readouts.penultimate_features(view, chunk), X_labeled, rows)
        if client is not None:
            n = n_pool if candidates is None else len(candidates)
            if f_labeled is None:
                f_labeled = np.empty((0, 0), dtype=np.float32)
            blocks = WorkerBlocks(client, X_pool, readouts.penultimate_features,
                                  _k_center_block, view, f_labeled, chunk_rows=rows,
                                  candidates=candidates)
            try:
                idx, distances = greedy_k_center(_KCenterOnWorkers(blocks), n, len(f_labeled) > 0,
                                                 n_instances, rng)
            finally:
                blocks.release()
        else:
            f_pool = stream_readout(lambda chunk: readouts.penultimate_features(view, chunk),
                                    X_pool, rows, candidates)
            if f_labeled is None:
                f_labeled = np.empty((0, f_pool.shape[1]), dtype=f_pool.dtype)
            idx, distances = k_center_greedy(f_pool, f_labeled, n_instances, rng)
        if candidates is not None:
            idx = candidates[idx]
        return idx, distances


class KCenterBlock:
    """Greedy k-center candidates held in one place, with their running minimum distance.

    The whole candidate set in one process, or one block of a dask pool on a Dask worker:
    the greedy step (:func:`greedy_k_center`) asks each block for its farthest row and gives
    it every new centre, so both run this one kernel. ``offset`` is the block's first position
    among all ``n_total`` candidates; positions in and out are global. Whether the features
    get a float64 transposed copy is decided on ``n_total``, so that a block computes the very
    distances of the whole.
    """

    def __init__(self, features, f_labeled, offset=0, n_total=None):
        n = features.shape[0]
        n_total = n if n_total is None else n_total
        f64_copy = n_total * features.shape[1] <= _F64_COPY_MAX_ELEMENTS
        self.features = features
        self.offset = int(offset)
        self.sq = np.einsum("ij,ij->i", features, features, dtype=np.float64)
        self.f64T = features.T.astype(np.float64, order="C") if f64_copy else None
        self.mind = np.empty(n, dtype=np.float32)
        if len(f_labeled):
            for start in range(0, n, _UPDATE_ROWS):
                stop = min(n, start + _UPDATE_ROWS)
                self.mind[start:stop] = nearest_sq_distances(
                    features[start:stop], f_labeled, sq_x=self.sq[start:stop])[1]
        else:
            self.mind.fill(np.inf)
        self.picked = np.zeros(n, dtype=bool)

    def farthest(self):
        """``(squared distance, position, feature row, its squared norm)`` of the farthest
        unpicked row, the lowest position among ties; distance ``-inf`` for an empty block."""
        if not len(self.mind):
            return -np.inf, -1, None, 0.0
        i = int(np.argmax(self.mind))
        return float(self.mind[i]), self.offset + i, self.features[i], float(self.sq[i])

    def row(self, position):
        """``(feature row, squared norm)`` at ``position``, or None if it is not in this block."""
        i = position - self.offset
        if not 0 <= i < len(self.mind):
            return None
        return self.features[i], float(self.sq[i])

    def unpicked(self):
        """Positions not picked yet."""
        return self.offset + np.flatnonzero(~self.picked)

    def cover(self, centre, sq_c, position):
        """Lower the running minimum to the distances to the new centre (in place)."""
        centre = np.asarray(centre).astype(np.float64)
        n = len(self.mind)
        for start in range(0, n, _UPDATE_ROWS):
            stop = min(n, start + _UPDATE_ROWS)
            np.minimum(self.mind[start:stop], self._sq_distances_to(centre, sq_c, start, stop),
                       out=self.mind[start:stop])
        i = position - self.offset
        if 0 <= i < n:
            self.mind[i] = -1.0  # picked points stay below every distance
            self.picked[i] = True

    def _sq_distances_to(self, centre, sq_c, start, stop):
        """Float64 squared distances of rows ``start:stop`` to ``centre`` (duplicates 0)."""
        if self.f64T is not None:  # (d,) @ (d, m) is about twice as fast as (m, d) @ (d,)
            d = centre @ self.f64T[:, start:stop]
        else:
            d = self.features[start:stop].astype(np.float64) @ centre
        d *= -2.0
        sq_block = self.sq[start:stop]
        d += sq_block
        d += sq_c
        d[d <= _ROUND_OFF * (sq_block + sq_c)] = 0.0
        return d


def _k_center_block(features, offset, n_total, f_labeled):
    """A block's :class:`KCenterBlock` (made on a worker)."""
    return KCenterBlock(features, f_labeled, offset, n_total)


class _KCenterOnWorkers:
    """The candidates as :func:`greedy_k_center` sees them, held in blocks on Dask workers.

    Each step sends the last centre to every block and brings back, in the same call, each
    block's farthest row (its distance, position, features); the running minima stay on the
    workers.
    """

    def __init__(self, blocks):
        self.blocks = blocks

    def farthest(self):
        results = self.blocks.call("farthest")
        # the first block's maximum among equal ones: the lowest position, as np.argmax
        return results[int(np.argmax([r[0] for r in results]))]

    def row(self, position):
        return self.blocks.call("row", position, blocks=[self.blocks.owner(position)])[0]

    def unpicked(self):
        return np.concatenate(self.blocks.call("unpicked"))

    def cover(self, centre, sq_c, position):
        self.blocks.defer("cover", centre, sq_c, position)


def greedy_k_center(blocks, n, has_labeled, n_select, rng):
    """Farthest-first traversal over ``blocks`` (a :class:`KCenterBlock`, or its like on the
    workers of a cluster), ``n`` candidates in all; see :func:`k_center_greedy`."""
    indices = np.empty(n_select, dtype=np.intp)
    sq_dist = np.empty(n_select, dtype=np.float64)
    for t in range(n_select):
        if t == 0 and not has_labeled:
            i = int(rng.randint(n))
            value = np.inf
            centre, sq_c = blocks.row(i)
        else:
            value, i, centre, sq_c = blocks.farthest()
            if value <= 0.0:  # only duplicates left: uniform among unpicked
                indices[t:] = rng.choice(blocks.unpicked(), n_select - t, replace=False)
                sq_dist[t:] = 0.0
                break
        indices[t] = i
        sq_dist[t] = value
        if t + 1 < n_select:
            blocks.cover(centre, sq_c, i)
    return indices, np.sqrt(sq_dist)


def k_center_greedy(features, f_labeled, n_select, rng):
    """Greedy k-center (farthest-first) on ``features``, the labeled ``f_labeled`` covered.

    The running minimum squared distance is one float32 vector; distances are computed in
    float64, a chunk of rows at a time. Ties go to the lowest index; without a labeled set the
    first pick is ``rng.randint(n)``; once every unpicked sample is at distance 0 the rest are
    drawn uniformly among them (``rng.choice``).

    Returns
    -------
    indices : ndarray of intp of shape (n_select,)
    distances : ndarray of float64 of shape (n_select,)
        Euclidean distance of each pick to the nearest labeled or earlier pick.
    """
    block = KCenterBlock(features, f_labeled)
    return greedy_k_center(block, features.shape[0], len(f_labeled) > 0, n_select, rng)
