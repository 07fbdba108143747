"""Scoring a pool chunk by chunk, in this process or on the workers of a Dask cluster.

A score-based strategy whose scores are pointwise (a sample's score depends on that sample and
the model only) never needs the whole pool at once: :func:`streamed_scores` walks it with
:func:`skactive.utils.iter_chunks` into one score vector; :func:`distributed_top_n` scores a
dask array where its blocks live, in the chunks of one process, and brings back only each
block's best candidates.
"""

import numpy as np

from ..utils import iter_chunks
from ._cluster import aligned_blocks, scatter_view


def streamed_scores(scorer, view, X_pool, n_pool, chunk_rows=None, offset=0):
    """Scores of every pool sample, computed one chunk at a time into one vector.

    The pool is read in chunks of ``chunk_rows`` rows (by default those of the memory budget,
    :func:`skactive.utils.pool_chunk_rows`); ``offset`` is the position of its first row in
    the whole pool (a block on a worker), which the scorer is told with each chunk. The vector
    takes the dtype of the scorer's output (float32 for the uncertainty family and EGL on a
    skactive network), so that the picks are those of one call on the whole pool.
    """
    scores = None
    for start, stop, block in iter_chunks(X_pool, chunk_rows):
        part = np.asarray(scorer(view, block, offset + start))
        if part.shape != (stop - start,):
            raise ValueError(
                f"The strategy scored rows {offset + start}:{offset + stop} of the pool with "
                f"an array of shape {part.shape}; score_samples must return one score per row.")
        if scores is None:
            scores = np.empty(n_pool, dtype=part.dtype)
        elif part.dtype != scores.dtype:  # a later chunk needs a wider type: widen, not round
            scores = scores.astype(np.result_type(scores, part))
        scores[start:stop] = part
    return scores


def _block_candidates(block, scorer, view, start, n_instances, top_n, chunk_rows):
    """One block's best ``n_instances`` (global index, score), best first, ties to lower index.

    The block is scored in chunks of ``chunk_rows`` rows: those of one process, since the
    block starts at one of its chunk boundaries.
    """
    rows = np.asarray(block)
    scores = streamed_scores(scorer, view, rows, len(rows), chunk_rows, offset=start)
    local = top_n(scores, min(n_instances, len(scores)))
    return local + start, scores[local]


def distributed_top_n(client, scorer, view, X_pool, n_instances, top_n, *, chunk_rows,
                      keep_labeled_set=False):
    """Top-n of a dask pool scored on the workers, identical to ``top_n`` on all its scores.

    The pool's blocks are re-cut at the chunks of ``chunk_rows`` rows one process reads
    (:func:`~._cluster.aligned_blocks`) and each is scored in those chunks, so every score is
    bit for bit the in-process one, whatever the network's values owe to the rows computed
    with them. The model goes to every worker once (``client.scatter(..., broadcast=True)``);
    each block is scored where it lives and returns only its ``n_instances`` best candidates,
    which are merged here in the order of ``top_n`` (score, then the lower index). The global
    ``top_n`` picks are the first ``n_instances`` of that total order, and each of them is
    among the first ``n_instances`` of its own block: the merge is exact.
    """
    import dask

    blocks, starts, _ = aligned_blocks(X_pool, chunk_rows)
    model = scatter_view(client, view, keep_labeled_set)
    score_block = dask.delayed(_block_candidates, pure=False)
    parts = [score_block(block, scorer, model, int(start), n_instances, top_n, chunk_rows)
             for block, start in zip(blocks, starts[:-1])]
    return merge_candidates(client.compute(parts, sync=True), n_instances)


def merge_candidates(candidates, n_instances):
    """The best ``n_instances`` of per-block ``(global index, score)`` candidates.

    In ``top_n``'s order: higher score first, the lower index first among equal scores.
    """
    index = np.concatenate([c[0] for c in candidates])
    scores = np.concatenate([c[1] for c in candidates])
    order = np.lexsort((index, -scores))[:n_instances]
    return index[order].astype(np.intp), scores[order]
