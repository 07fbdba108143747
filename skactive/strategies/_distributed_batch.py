"""Batch selection on the workers of a Dask cluster: per-block state stays where it is computed.

The batch strategies keep, for every pool row, a value a greedy step reads and updates (the
running minimum distance of CoreSet's k-center and BADGE's k-means++) or reduce every row to a
few numbers (DAMI's CLARA assignment, RALIF's pool-loss gradient and candidates).
:class:`WorkerBlocks` computes such a state for each row block of a dask array on the worker
that holds the block and keeps it there (one :class:`BlockHolder` actor per worker), calls its
methods and brings back only what they return: a block's farthest row, its sums of D^2 weights;
:func:`block_reductions` brings back each chunk's sums. The blocks are re-cut at the chunks of
one process (:func:`~._cluster.aligned_blocks`, which the score-based strategies share), so the
workers compute the very values of one process, with the strategies' own kernels
(:class:`~._coreset.KCenterBlock`, :class:`~._badge.KMeansPPBlock`).
"""

import functools

import numpy as np

from ..utils import iter_chunks
from ._cluster import aligned_blocks, scatter_view
from ._pool import stream_readout


def _build(block, local, view, chunk_rows, readout, make, offset, n_total, args):
    """A block's state: ``make`` of the block's readout, read in one process's chunks."""
    rows = np.asarray(block)
    values = stream_readout(functools.partial(readout, view), rows, chunk_rows, local)
    return make(values, offset, n_total, *args)


def _reduce(block, view, chunk_rows, reduce, args):
    """``reduce(view, chunk, *args)`` of each of one process's chunks of a block."""
    return [reduce(view, chunk, *args)
            for _, _, chunk in iter_chunks(np.asarray(block), chunk_rows, whole_blocks=False)]


def block_reductions(client, X_pool, reduce, view, *args, chunk_rows):
    """``reduce(view, chunk, *args)`` of every chunk of ``chunk_rows`` rows of a dask pool,
    on the workers, in the pool's order: the chunks of one process, with their very values.

    The results (small: sums, counts) come back; the model goes to every worker once.
    """
    import dask

    blocks, _, _ = aligned_blocks(X_pool, chunk_rows)
    model = scatter_view(client, view)
    task = dask.delayed(_reduce, pure=False)
    parts = client.compute([task(block, model, chunk_rows, reduce, args) for block in blocks],
                           sync=True)
    return [result for part in parts for result in part]


class BlockHolder:
    """The states of the blocks that one worker holds, kept in its memory: a Dask actor.

    A greedy step calls a method of every block; an actor answers such a call directly, a
    few milliseconds, where a task per block and step would go through the scheduler.
    """

    def __init__(self, ids, *states):
        self.states = dict(zip(ids, states))

    def call(self, ops):
        """Run ``(method, args, block ids)`` in order; the last one's results, by block."""
        out = None
        for method, args, ids in ops:
            out = [getattr(self.states[b], method)(*args) for b in ids]
        return out


class WorkerBlocks:
    """One state per row block of a dask pool, built and kept on the workers.

    On the worker holding each block (cut by :func:`~._cluster.aligned_blocks`),
    ``readout(view, chunk)`` reads the block's rows (only its ``candidates``, where given:
    sorted positions in the pool) in chunks of ``chunk_rows`` rows, as
    :func:`~._pool.stream_readout` does in one process, and
    ``make(values, offset, n_total, *args)`` makes the state: ``offset`` is the position of the
    block's first row among the ``n_total`` candidates. The model view goes to every worker once
    (``client.scatter(..., broadcast=True)``). Blocks without candidates get no state. The pool
    itself never comes to this process.

    :attr:`states` are the states' futures; :meth:`call` runs a method of every state where it
    lives (one :class:`BlockHolder` actor per worker, made on the first call) and brings back
    only what it returns; :meth:`defer` queues an in-place update that goes with the next call.
    """

    def __init__(self, client, X_pool, readout, make, view, *args, chunk_rows,
                 candidates=None):
        import dask

        self.client = client
        blocks, row_starts, starts = aligned_blocks(X_pool, chunk_rows, candidates)
        model = scatter_view(client, view)
        build = dask.delayed(_build, pure=False)
        n_total = int(starts[-1])
        parts, offsets, sizes = [], [], []
        for b, block in enumerate(blocks):
            offset, size = int(starts[b]), int(starts[b + 1] - starts[b])
            if size == 0:
                continue
            local = None if candidates is None else (
                candidates[starts[b]:starts[b + 1]] - row_starts[b])
            parts.append(build(block, local, model, chunk_rows, readout, make, offset, n_total,
                               args))
            offsets.append(offset)
            sizes.append(size)
        self.states = client.compute(parts)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.sizes = np.asarray(sizes, dtype=np.int64)
        self.n_total = n_total
        self._holders = None
        self._actors = []
        self._pending = []

    def _hold(self):
        """One :class:`BlockHolder` per worker, holding the states already in its memory."""
        from distributed import wait

        wait(self.states)
        who_has = self.client.who_has(self.states)
        by_worker = {}
        for b, state in enumerate(self.states):
            by_worker.setdefault(who_has[state.key][0], []).append(b)
        self._actors = [self.client.submit(BlockHolder, ids, *[self.states[b] for b in ids],
                                           workers=[worker], allow_other_workers=False,
                                           actor=True, pure=False)
                        for worker, ids in by_worker.items()]
        self._holders = [(actor.result(), ids) for actor, ids in zip(self._actors,
                                                                     by_worker.values())]

    def defer(self, method, *args):
        """Queue ``state.method(*args)`` (an update in place) for every state."""
        self._pending.append((method, args))

    def call(self, method, *args, blocks=None):
        """``state.method(*args)`` of each state (or the states ``blocks``), in block order,
        after the queued updates."""
        if self._holders is None:
            self._hold()
        wanted = list(range(len(self.states))) if blocks is None else list(blocks)
        pending, self._pending = self._pending, []
        calls = []
        for holder, ids in self._holders:
            mine = [b for b in wanted if b in ids]
            if mine or pending:
                ops = [(m, a, ids) for m, a in pending] + [(method, args, mine)]
                calls.append((mine, holder.call(ops)))
        results = {}
        for mine, answer in calls:
            results.update(zip(mine, answer.result()))
        return [results[b] for b in wanted]

    def owner(self, position):
        """The block holding the candidate at ``position``."""
        return int(np.searchsorted(self.offsets, position, side="right") - 1)

    def owners(self, lo, hi):
        """The blocks holding candidates in ``lo:hi``."""
        return [b for b in range(len(self.states))
                if self.offsets[b] < hi and self.offsets[b] + self.sizes[b] > lo]

    def release(self):
        """Let the workers drop the states."""
        self.client.cancel(self.states + self._actors)
        self.states, self._actors, self._holders = [], [], None

