"""Batch selection on the workers of a Dask cluster: per-block state stays where it is computed.

The batch strategies keep, for every pool row, a value a greedy step reads and updates (the
running minimum distance of CoreSet's k-center and BADGE's k-means++) or reduce every row to a
few sums (DAMI's CLARA assignment). :class:`WorkerBlocks` computes such a state for each row
block of a dask array on the worker that holds the block, keeps it there (as futures), calls its
methods and brings back only what they return: a block's farthest row, its sums of D^2 weights,
its costs. The strategies' own kernels (:class:`~._coreset.KCenterBlock`,
:class:`~._badge.KMeansPPBlock`) do the work, in one process as on the workers.
"""

import numpy as np

from ..readouts import ModelView


def _row_blocks(X_pool):
    """The pool's row blocks as delayed arrays (every column in one block) and their starts."""
    if X_pool.ndim > 1 and any(len(c) > 1 for c in X_pool.chunks[1:]):
        X_pool = X_pool.rechunk({axis: -1 for axis in range(1, X_pool.ndim)})
    starts = np.concatenate([[0], np.cumsum(X_pool.chunks[0])]).astype(np.int64)
    return X_pool.to_delayed().reshape(-1), starts


def _worker_view(view):
    """What the workers need of a model view: the model, not the labeled set."""
    return None if view is None else ModelView(view.estimator, view.transform)


def _build(block, local, make, view, offset, n_total, args):
    rows = np.asarray(block)
    if local is not None:
        rows = rows[local]
    return make(view, rows, offset, n_total, *args)


def _call(state, method, args):
    return getattr(state, method)(*args)


class WorkerBlocks:
    """One state per row block of a dask pool, built and kept on the workers.

    ``make(view, rows, offset, n_total, *args)`` runs on the worker holding each block:
    ``rows`` are the block's rows (only its ``candidates``, where given: sorted positions in
    the pool), ``offset`` the position of its first row among the ``n_total`` candidates. The
    model view goes to every worker once (``client.scatter(..., broadcast=True)``). Blocks
    without candidates get no state. The pool itself never comes to this process.
    """

    def __init__(self, client, X_pool, make, view, *args, candidates=None):
        import dask

        self.client = client
        blocks, starts = _row_blocks(X_pool)
        model = None if view is None else client.scatter(_worker_view(view), broadcast=True,
                                                          hash=False)
        build = dask.delayed(_build, pure=False)
        n_total = int(starts[-1]) if candidates is None else len(candidates)
        parts, offsets, sizes = [], [], []
        for block, lo, hi in zip(blocks, starts[:-1], starts[1:]):
            if candidates is None:
                local, offset, size = None, int(lo), int(hi - lo)
            else:
                first, last = np.searchsorted(candidates, [lo, hi])
                local, offset, size = candidates[first:last] - lo, int(first), int(last - first)
            if size == 0:
                continue
            parts.append(build(block, local, make, model, offset, n_total, args))
            offsets.append(offset)
            sizes.append(size)
        self.states = client.compute(parts)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.sizes = np.asarray(sizes, dtype=np.int64)
        self.n_total = n_total

    def submit(self, method, *args, blocks=None):
        """``state.method(*args)`` on each state (or the states ``blocks``), as futures."""
        chosen = range(len(self.states)) if blocks is None else blocks
        return [self.client.submit(_call, self.states[b], method, args, pure=False)
                for b in chosen]

    def gather(self, method, *args, blocks=None):
        """``state.method(*args)`` of each state (or the states ``blocks``), in block order."""
        return self.client.gather(self.submit(method, *args, blocks=blocks))

    def update(self, method, *args):
        """Replace every state by ``state.method(*args)`` (its next state), on its worker."""
        self.states = self.submit(method, *args)

    def owner(self, position):
        """The block holding the candidate at ``position``."""
        return int(np.searchsorted(self.offsets, position, side="right") - 1)

    def owners(self, lo, hi):
        """The blocks holding candidates in ``lo:hi``."""
        return [b for b in range(len(self.states))
                if self.offsets[b] < hi and self.offsets[b] + self.sizes[b] > lo]

    def release(self):
        """Let the workers drop the states."""
        self.client.cancel(self.states)
        self.states = []


def block_reductions(client, X_pool, reduce, view, *args):
    """``reduce(view, rows, *args)`` of every row block of a dask pool, on its worker.

    The results (small: sums, counts) come back in block order; the model view goes to every
    worker once.
    """
    blocks = WorkerBlocks(client, X_pool, _reduction, view, reduce, *args)
    try:
        return client.gather(blocks.states)
    finally:
        blocks.release()


def _reduction(view, rows, offset, n_total, reduce, *args):
    return reduce(view, rows, *args)
