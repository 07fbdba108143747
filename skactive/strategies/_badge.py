"""BADGE: diverse, uncertain gradient embeddings (Ash et al. 2020)."""

import numpy as np
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import DRAW_CELL_ROWS, cell_weighted_index
from ._base import QueryStrategy, check_query_size, worker_client
from ._distributed_batch import WorkerBlocks
from ._pool import candidate_subsample, check_max_candidates, chunk_rows, stream_readout

#: Embeddings with at most this many factor entries get float64 working copies (64 MiB);
#: larger ones are converted chunk by chunk at each pick.
_F64_COPY_MAX_ELEMENTS = 2**23
#: Rows per distance update.
_UPDATE_ROWS = 2**15
#: Relative squared distance below which a row is compared with the centre for exact equality
#: (duplicates come out of the expansion at round-off level, about 1e-16).
_NEAR = 1e-6


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
    (n_samples, n_classes * n_hidden) embedding matrix is never built. The pool is read in
    chunks (array, memory-mapped ``.npy``, ``dask.array``); the two factors of the candidates'
    embeddings are kept (``n_candidates * (n_classes + n_hidden)`` float32 values), the running
    minimum is one vector, and the input pool is never copied beyond one chunk.

    Parameters
    ----------
    max_candidates : int, float or None, default=None
        Candidates the k-means++ seeding runs on. None: every pool sample (exact; time
        ``O(n_pool * n_instances * (n_classes + n_hidden))``). An integer: a uniform random
        subsample of that many pool samples; a float in (0, 1]: that fraction of the pool
        (rounded up); never fewer than ``n_instances``, and the exact method when it covers the
        whole pool. Time and memory then scale with the subsample; the picks are seeded on the
        subsample only, so the k-means++ objective on the pool rises (its cost is measured in
        docs/results/strategies_at_scale.txt). This is scikit-activeml's
        ``SubSamplingWrapper(Badge(), max_candidates=..., exclude_non_subsample=True)``.
    random_state : int, RandomState instance or None, default=None
        Draws the candidate subsample and seeds the D^2 sampling: the same integer gives the
        same indices.

    Notes
    -----
    The metrics returned with the indices are the selected samples' gradient-embedding norms
    ||g(x)|| = ||q(x)|| ||f(x)||. Once every remaining sample duplicates a centre (zero
    distance) the batch is completed uniformly at random among the unpicked samples, so it
    always holds ``n_instances`` distinct indices.

    On a ``dask.array`` pool with a ``dask.distributed`` client (the ``client`` keyword of the
    call, else the default client), each block's embedding factors and running minimum are
    computed and kept on the worker that holds the block; each pick brings back the blocks' sums
    of D^2 weights by cells, then the weights of the cell the draw falls in and the drawn row
    (:func:`skactive.utils.cell_weighted_index`). The pool is never gathered, and the picks are
    those of the query in one process for the same seed (see :ref:`out_of_core`).

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
    >>> idx, _ = BADGE(max_candidates=0.5, random_state=0)(clf, X[30:], n_instances=5)
    >>> len(set(idx.tolist()))
    5
    """

    runs_on_workers = True

    def __init__(self, max_candidates=None, random_state=None):
        self.max_candidates = max_candidates
        self.random_state = random_state

    def query(self, classifier, X_pool, n_instances=1, *, client=None):
        """Select ``n_instances`` pool samples by k-means++ seeding on gradient embeddings.

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
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
        norms : ndarray of shape (n_instances,), float32
            Gradient-embedding norms of the selected samples.
        """
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        check_max_candidates(self.max_candidates)
        view = readouts.model_view(classifier)
        client = worker_client(self, view, X_pool, client)  # refused before any draw
        rng = check_random_state(self.random_state)
        candidates = candidate_subsample(n_pool, n_instances, self.max_candidates, rng)
        if client is not None:
            blocks = WorkerBlocks(client, X_pool, readouts.gradient_embedding, _kmeans_pp_block,
                                  view, chunk_rows=chunk_rows(view), candidates=candidates)
            try:
                on_workers = _KMeansPPOnWorkers(blocks)
                idx = seed_kmeans_pp(on_workers, n_instances, rng)
                q, f = on_workers.rows(idx)
            finally:
                blocks.release()
        else:
            q, f = stream_readout(lambda chunk: readouts.gradient_embedding(view, chunk),
                                  X_pool, chunk_rows(view), candidates)
            idx = kmeans_pp_seeding(q, f, n_instances, rng)
            q, f = q[idx], f[idx]
        norms = np.linalg.norm(q, axis=1) * np.linalg.norm(f, axis=1)
        if candidates is not None:
            idx = candidates[idx]
        return idx, norms


class KMeansPPBlock:
    """k-means++ candidates held in one place (both factors of their gradient embeddings),
    with their running minimum squared distance to the centres.

    The whole candidate set in one process, or one block of a dask pool on a Dask worker: the
    seeding (:func:`seed_kmeans_pp`) asks each block for the sums of its D^2 weights by cells of
    :data:`skactive.utils.DRAW_CELL_ROWS` positions and gives it every new centre, so both run
    this one kernel. ``offset`` is the block's first position among all ``n_total``
    candidates; positions in and out are global. Whether the factors get float64 transposed
    copies is decided on ``n_total``, so that a block computes the very distances of the
    whole.
    """

    def __init__(self, q, f, offset=0, n_total=None):
        self.q, self.f = q, f
        self.offset = int(offset)
        self.n_total = self.offset + len(q) if n_total is None else int(n_total)
        f64_copy = self.n_total * (q.shape[1] + f.shape[1]) <= _F64_COPY_MAX_ELEMENTS
        self.sq_norm = (np.einsum("ij,ij->i", q, q, dtype=np.float64)
                        * np.einsum("ij,ij->i", f, f, dtype=np.float64))
        # transposed: (k,) @ (k, m) is about twice as fast as (m, k) @ (k,) for small k
        self.qT = q.T.astype(np.float64, order="C") if f64_copy else None
        self.fT = f.T.astype(np.float64, order="C") if f64_copy else None
        self.mind = np.full(len(q), np.inf)
        self.picked = np.zeros(len(q), dtype=bool)

    def largest_norm(self):
        """``(squared norm, position)`` of the longest embedding, the lowest position among
        ties; ``(-inf, -1)`` for an empty block."""
        if not len(self.q):
            return -np.inf, -1
        i = int(np.argmax(self.sq_norm))
        return float(self.sq_norm[i]), self.offset + i

    def row(self, position):
        """``(q, f, squared norm)`` of the embedding at ``position``, None if not held here."""
        i = position - self.offset
        if not 0 <= i < len(self.q):
            return None
        return self.q[i], self.f[i], float(self.sq_norm[i])

    def rows(self, positions):
        """``(positions held here, their q, their f)``."""
        positions = np.asarray(positions)
        mine = positions[(positions >= self.offset) & (positions < self.offset + len(self.q))]
        return mine, self.q[mine - self.offset], self.f[mine - self.offset]

    def unpicked(self):
        """Positions not picked yet."""
        return self.offset + np.flatnonzero(~self.picked)

    def cell_sums(self, cell_rows):
        """The D^2 weights summed by the cells of ``cell_rows`` positions that lie whole in this
        block, ``np.add.reduceat`` as :func:`skactive.utils.weighted_index` sums them, and the
        weights of the cells it holds in part.

        Returns ``(first whole cell, sums of the whole cells, {cell: weights of its rows held
        here})``.
        """
        lo, hi = self.offset, self.offset + len(self.q)
        first = -(-lo // cell_rows)
        last = hi // cell_rows if hi < self.n_total else -(-hi // cell_rows)
        parts = {}
        if first * cell_rows > lo or last < first:
            parts[lo // cell_rows] = self.mind[:min(hi, first * cell_rows) - lo]
        if last >= first and last * cell_rows < hi:
            parts[last] = self.mind[last * cell_rows - lo:]
        last = max(last, first)
        whole = self.mind[first * cell_rows - lo:min(hi, last * cell_rows) - lo]
        sums = (np.add.reduceat(whole, np.arange(0, len(whole), cell_rows)) if len(whole)
                else np.empty(0))
        return first, sums, parts

    def cell_weights(self, cell, cell_rows):
        """The weights of the rows of ``cell`` held here."""
        lo = max(cell * cell_rows - self.offset, 0)
        return self.mind[lo:max(min((cell + 1) * cell_rows - self.offset, len(self.q)), lo)]

    def cover(self, qc, fc, sq_c, position):
        """Lower the running minimum to the distances to the new centre (in place)."""
        n = len(self.q)
        i = position - self.offset
        if 0 <= i < n:
            self.picked[i] = True
        qc64, fc64 = qc.astype(np.float64), fc.astype(np.float64)
        q, f, sq_norm = self.q, self.f, self.sq_norm
        for start in range(0, n, _UPDATE_ROWS):
            stop = min(n, start + _UPDATE_ROWS)
            if self.qT is not None:
                d = qc64 @ self.qT[:, start:stop]
                d *= fc64 @ self.fT[:, start:stop]
            else:
                d = q[start:stop].astype(np.float64) @ qc64
                d *= f[start:stop].astype(np.float64) @ fc64
            d *= -2.0
            d += sq_norm[start:stop]
            d += sq_c
            np.maximum(d, 0.0, out=d)
            # exact duplicates of the centre get exactly 0; only rows within round-off of it
            # are compared
            near = start + np.flatnonzero(d <= _NEAR * (sq_norm[start:stop] + sq_c))
            same = np.all(q[near] == qc, axis=1) & np.all(f[near] == fc, axis=1)
            d[near[same] - start] = 0.0
            np.minimum(self.mind[start:stop], d, out=self.mind[start:stop])

    # what seed_kmeans_pp asks of the candidates as a whole (here: one block holds them all)
    def add_centre(self, position):
        """:meth:`cover` with the row at ``position``, a row of this block."""
        self.cover(*self.row(position), position)

    def draw_sums(self, cell_rows):
        """The D^2 weights summed by cells of ``cell_rows`` positions, all cells."""
        return assemble_cell_sums([self.cell_sums(cell_rows)], self.n_total, cell_rows)


def assemble_cell_sums(block_sums, n_total, cell_rows):
    """All cells' sums from the blocks' :meth:`KMeansPPBlock.cell_sums`, in block order.

    A cell split between blocks is summed here from its weights, by the very
    ``np.add.reduceat`` that sums a cell held whole, so the sums are those of one block.
    """
    sums = np.zeros(-(-n_total // cell_rows))
    split = {}
    for first, whole, parts in block_sums:
        sums[first:first + len(whole)] = whole
        for cell, weights in parts.items():
            split.setdefault(cell, []).append(weights)
    for cell, pieces in split.items():
        sums[cell] = np.add.reduceat(np.concatenate(pieces), [0])[0]
    return sums


def _kmeans_pp_block(embedding, offset, n_total):
    """A block's :class:`KMeansPPBlock` (made on a worker)."""
    return KMeansPPBlock(*embedding, offset, n_total)


class _KMeansPPOnWorkers:
    """The candidates as :func:`seed_kmeans_pp` sees them, held in blocks on Dask workers.

    Each step sends the last centre to every block and brings back, in the same call, each
    block's sums of D^2 weights by cells (and the weights of the cells it holds in part); then
    the weights of the one cell the draw falls in, then the drawn row's embedding. The running
    minima stay on the workers.
    """

    def __init__(self, blocks):
        self.blocks = blocks

    def largest_norm(self):
        results = self.blocks.call("largest_norm")
        return results[int(np.argmax([r[0] for r in results]))]

    def add_centre(self, position):
        row = self.blocks.call("row", position, blocks=[self.blocks.owner(position)])[0]
        self.blocks.defer("cover", *row, position)

    def draw_sums(self, cell_rows):
        return assemble_cell_sums(self.blocks.call("cell_sums", cell_rows),
                                  self.blocks.n_total, cell_rows)

    def cell_weights(self, cell, cell_rows):
        owners = self.blocks.owners(cell * cell_rows, (cell + 1) * cell_rows)
        return np.concatenate(self.blocks.call("cell_weights", cell, cell_rows, blocks=owners))

    def unpicked(self):
        return np.concatenate(self.blocks.call("unpicked"))

    def rows(self, positions):
        held = self.blocks.call("rows", positions)
        where = np.concatenate([h[0] for h in held])
        order = np.argsort(where)[np.searchsorted(np.sort(where), positions)]
        return np.concatenate([h[1] for h in held])[order], np.concatenate(
            [h[2] for h in held])[order]


def seed_kmeans_pp(blocks, n_select, rng):
    """k-means++ seeding over ``blocks`` (a :class:`KMeansPPBlock`, or its like on the workers
    of a cluster); see :func:`kmeans_pp_seeding`."""
    indices = np.empty(n_select, dtype=np.intp)
    c = blocks.largest_norm()[1]
    for t in range(n_select):
        if t > 0:
            c = cell_weighted_index(blocks.draw_sums(DRAW_CELL_ROWS),
                                    lambda b: blocks.cell_weights(b, DRAW_CELL_ROWS),
                                    blocks.unpicked, rng.random_sample(), DRAW_CELL_ROWS)
        indices[t] = c
        if t + 1 < n_select:
            blocks.add_centre(c)
    return indices


def kmeans_pp_seeding(q, f, n_select, rng):
    """k-means++ seeding on the embeddings ``outer(q_i, f_i)``, distances factorised.

    First centre: the largest ``||g||``; each next one drawn with probability proportional to
    the squared distance to the nearest centre (one ``rng.random_sample()`` per pick, as
    :func:`skactive.utils.weighted_index` draws). Exact duplicates of a centre get weight
    exactly 0; once every unpicked weight is 0 the draw is uniform among the unpicked samples.
    Distances are computed in float64, a chunk of rows at a time; the running minimum is one
    float64 vector.

    Returns
    -------
    indices : ndarray of intp of shape (n_select,)
    """
    return seed_kmeans_pp(KMeansPPBlock(q, f), n_select, rng)
