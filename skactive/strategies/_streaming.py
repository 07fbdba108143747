"""Scoring a pool chunk by chunk, in this process or on the workers of a Dask cluster.

A score-based strategy whose scores are pointwise (a sample's score depends on that sample and
the model only) never needs the whole pool at once: :func:`streamed_scores` walks it with
:func:`skactive.utils.iter_chunks` into one score vector; :func:`distributed_top_n` scores a
dask array where its blocks live and brings back only each block's best candidates.
"""

import numpy as np

from ..readouts import ModelView
from ..utils import is_dask_array, iter_chunks


def streamed_scores(scorer, view, X_pool, n_pool):
    """Scores of every pool sample, computed one chunk at a time into one vector.

    The vector takes the dtype of the scorer's output (float32 for the uncertainty family
    and EGL on a skactive network), so that the picks are those of one call on the whole pool.
    """
    scores = None
    for start, stop, block in iter_chunks(X_pool):
        part = np.asarray(scorer(view, block, start))
        if part.shape != (stop - start,):
            raise ValueError(
                f"The strategy scored rows {start}:{stop} of the pool with an array of shape "
                f"{part.shape}; score_samples must return one score per row.")
        if scores is None:
            scores = np.empty(n_pool, dtype=part.dtype)
        elif part.dtype != scores.dtype:  # a later chunk needs a wider type: widen, not round
            scores = scores.astype(np.result_type(scores, part))
        scores[start:stop] = part
    return scores


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


def _block_candidates(block, scorer, view, start, n_instances, top_n):
    """One block's best ``n_instances`` (global index, score), best first, ties to lower index."""
    scores = np.asarray(scorer(view, np.asarray(block), start))
    local = top_n(scores, min(n_instances, len(scores)))
    return local + start, scores[local]


def distributed_top_n(client, scorer, view, X_pool, n_instances, top_n, *,
                      keep_labeled_set=False):
    """Top-n of a dask pool scored on the workers, identical to ``top_n`` on all its scores.

    The model goes to every worker once (``client.scatter(..., broadcast=True)``); each block
    is scored where it lives and returns only its ``n_instances`` best candidates, which are
    merged here in the order of ``top_n`` (score, then the lower index). The global
    ``top_n`` picks are the first ``n_instances`` of that total order, and each of them is
    among the first ``n_instances`` of its own block: the merge is exact.
    """
    import dask

    if view is not None and not keep_labeled_set:  # the workers need the model only
        view = ModelView(view.estimator, view.transform)
    if X_pool.ndim > 1 and any(len(c) > 1 for c in X_pool.chunks[1:]):
        X_pool = X_pool.rechunk({axis: -1 for axis in range(1, X_pool.ndim)})
    model = None if view is None else client.scatter(view, broadcast=True, hash=False)
    starts = np.concatenate([[0], np.cumsum(X_pool.chunks[0])[:-1]]).astype(np.int64)
    blocks = X_pool.to_delayed().reshape(-1)
    score_block = dask.delayed(_block_candidates, pure=False)
    parts = [score_block(block, scorer, model, int(start), n_instances, top_n)
             for block, start in zip(blocks, starts)]
    return merge_candidates(client.compute(parts, sync=True), n_instances)


def merge_candidates(candidates, n_instances):
    """The best ``n_instances`` of per-block ``(global index, score)`` candidates.

    In ``top_n``'s order: higher score first, the lower index first among equal scores.
    """
    index = np.concatenate([c[0] for c in candidates])
    scores = np.concatenate([c[1] for c in candidates])
    order = np.lexsort((index, -scores))[:n_instances]
    return index[order].astype(np.intp), scores[order]
