"""What every strategy that runs on a Dask cluster shares: the client, the blocks, the model.

:func:`query_client` picks the ``dask.distributed`` client a query runs on (the ``client``
given to the query, else the default client dask would compute the pool with);
:func:`aligned_blocks` cuts a dask pool into row blocks that hold whole chunks of one process,
so that the workers read the very chunks, and compute the very values, of the query in one
process; :func:`scatter_view` sends the fitted model to every worker once per query. The
score-based strategies (:mod:`._streaming`) and the batch strategies
(:mod:`._distributed_batch`) both build on them.
"""

import numpy as np

from ..readouts import ModelView
from ..utils import is_dask_array

#: What the refusals of ``client=`` name: the strategies whose query runs on the workers.
WORKER_STRATEGIES = (
    "the score-based strategies with pointwise scores (LeastConfidence, MarginSampling, "
    "EntropySampling, EGL, BALD, IBAL), CoreSet, BADGE, DAMI(method='sampled') and RALIF")


def distributed_client(X_pool):
    """The ``dask.distributed`` client that dask would compute ``X_pool`` with, or None.

    That is the active default client (``distributed.get_client()``) unless dask's scheduler
    was set otherwise: within ``dask.config.set(scheduler="threads")`` (or ``"sync"``) the
    pool is streamed block by block in this process instead.
    """
    if not is_dask_array(X_pool):
        return None
    try:
        from dask.base import get_scheduler
        from distributed import Client
    except ImportError:
        return None
    client = getattr(get_scheduler(collections=[X_pool]), "__self__", None)
    return client if isinstance(client, Client) else None


def check_client(client, X_pool, name):
    """Refuse a ``client`` that is no ``dask.distributed.Client``, or a pool it cannot read.

    The workers read a dask array where its blocks live; any other pool would have to be
    shipped whole from this process, which the cluster path never does.
    """
    try:
        from distributed import Client
    except ImportError:
        Client = None
    if Client is None or not isinstance(client, Client):
        raise TypeError(
            f"client must be a dask.distributed.Client (or None for the default client), got "
            f"{type(client).__name__}.")
    if not is_dask_array(X_pool):
        raise TypeError(
            f"{name} was given a client, but X_pool is a {type(X_pool).__name__}, not a "
            "dask array: the workers read the pool where its blocks live. Wrap it with "
            "dask.array.from_array(X_pool, chunks=(rows_per_block, -1)), or load it as a dask "
            "array where the workers can read it (for example dask.array.from_zarr); or "
            "leave client unset to query it in this process.")


def query_client(X_pool, client=None, *, input_kind="table", name="The strategy"):
    """The ``dask.distributed`` client a query runs on, or None to run it in this process.

    A given ``client`` wins (checked by :func:`check_client`); else the default client dask
    would compute a dask ``X_pool`` with (:func:`distributed_client`). Text pools are read in
    this process (the text readouts sort the whole pool by length into batches), so a client
    given with a text model is refused.
    """
    if client is not None:
        check_client(client, X_pool, name)
        if input_kind == "text":
            raise ValueError(
                f"{name} reads a text pool in this process (the pool is sorted by length "
                "into batches), not on the workers: leave client unset for a text model.")
        return client
    return None if input_kind == "text" else distributed_client(X_pool)


def aligned_blocks(X_pool, chunk_rows, candidates=None):
    """The pool's row blocks, cut where one process cuts its chunks; delayed arrays.

    One process reads the pool (or its ``candidates``, sorted positions) in chunks of
    ``chunk_rows`` rows from the first, and the network's values may differ in their last bits
    when a row is read in another batch. So the blocks are re-cut (on the workers, by
    ``rechunk``) at the multiple of ``chunk_rows`` nearest each of their boundaries, counted in
    candidates; a block then holds whole chunks of one process, and its worker reads them as
    that process would. Every column goes into one block. A pool of blocks much smaller than
    ``chunk_rows`` thus gets fewer, larger blocks (a smaller
    :func:`skactive.utils.chunk_budget` keeps more of them).

    Returns ``(blocks, row_starts, starts)``: the delayed blocks, their first rows in the pool
    and their first positions among the candidates, each with the end appended.
    """
    n_pool = X_pool.shape[0]
    n_total = n_pool if candidates is None else len(candidates)
    bounds = np.cumsum(X_pool.chunks[0])[:-1]
    if candidates is not None:
        bounds = np.searchsorted(candidates, bounds)
    starts = np.unique(np.concatenate([[0], np.rint(bounds / chunk_rows) * chunk_rows,
                                       [n_total]]).astype(np.int64))
    starts = starts[starts <= n_total]
    if candidates is None:
        row_starts = starts
    else:
        row_starts = np.append(candidates[starts[:-1]], n_pool)
        row_starts[0] = 0
    sizes = tuple(int(s) for s in np.diff(row_starts))
    X_pool = X_pool.rechunk((sizes,) + tuple((int(d),) for d in X_pool.shape[1:]))
    return X_pool.to_delayed().reshape(-1), row_starts, starts


def scatter_view(client, view, keep_labeled_set=False):
    """The model view on every worker (one future), or None: the model, and the labeled set
    only where the workers read it."""
    if view is None:
        return None
    if not keep_labeled_set:
        view = ModelView(view.estimator, view.transform)
    return client.scatter(view, broadcast=True, hash=False)
