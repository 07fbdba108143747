"""What the batch strategies add to :func:`skactive.utils.iter_chunks`: chunk sizes, candidates.

The batch strategies (CoreSet, BADGE, DAMI, IBAL, IBAL-D, RALIF) read the pool with
:func:`skactive.utils.iter_chunks` (whatever the container: a memory-mapped file, a DataFrame,
a dask array, a pool object) and call the readouts on one chunk at a time, in chunks of
:func:`chunk_rows` rows: a multiple of the model's inference batch, so that the values are
those of the whole pool. A pool smaller than one chunk is the one-chunk case of the same code.
On a Dask cluster, CoreSet, BADGE, DAMI('sampled') and RALIF read the same chunks of a dask pool
on the workers (:mod:`._distributed_batch`).
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import derive_seed, iter_chunks, num_samples

#: Rows of pool read per chunk (rounded down to a multiple of the model's inference batch, so
#: that the network sees the same batches as on the whole pool and returns the same values).
#: A number of rows, not bytes: the strategies' work per chunk (distances to the labeled set,
#: influence matrices) grows with the rows, whatever the width of the pool's rows.
POOL_CHUNK_ROWS = 2**17


def chunk_rows(classifier):
    """Rows per pool chunk for this model: a multiple of its inference batch size."""
    estimator, _ = readouts.final_estimator(classifier)
    batch = getattr(estimator, "inference_batch_size", None)
    if not isinstance(batch, numbers.Integral) or batch < 1:
        return POOL_CHUNK_ROWS
    return max(1, POOL_CHUNK_ROWS // int(batch)) * int(batch)


def stream_readout(readout, X_pool, rows, indices=None):
    """Concatenate ``readout(chunk)`` (an array or a tuple of arrays) over the pool's chunks.

    The pool is read with :func:`skactive.utils.iter_chunks` in chunks of ``rows`` rows (only
    its rows ``indices``, sorted, where given). The outputs are allocated once, at their final
    size, and filled chunk by chunk.
    """
    n = num_samples(X_pool) if indices is None else len(indices)
    out = None
    single = False
    for start, stop, chunk in iter_chunks(X_pool, rows, indices=indices, whole_blocks=False):
        values = readout(chunk)
        if out is None:
            single = not isinstance(values, tuple)
            values_t = (values,) if single else values
            out = tuple(np.empty((n,) + v.shape[1:], dtype=v.dtype) for v in values_t)
        values_t = (values,) if single else values
        for o, v in zip(out, values_t):
            o[start:stop] = v
    return out[0] if single else out


def check_max_candidates(max_candidates):
    """Validate ``max_candidates`` (None, an int >= 1 or a fraction in (0, 1])."""
    if max_candidates is None:
        return
    if isinstance(max_candidates, bool) or not isinstance(max_candidates, numbers.Real):
        raise ValueError(
            "max_candidates must be None (every pool sample is a candidate), a positive "
            f"integer or a fraction in (0, 1], got {max_candidates!r}."
        )
    if isinstance(max_candidates, numbers.Integral):
        if max_candidates < 1:
            raise ValueError(
                f"max_candidates must be at least 1 when an integer, got {max_candidates}.")
    elif not 0 < max_candidates <= 1:
        raise ValueError(
            f"max_candidates must be in (0, 1] when a fraction, got {max_candidates!r}; pass an "
            "integer for a number of candidates.")


def candidate_subsample(n_pool, n_instances, max_candidates, rng):
    """Sorted positions of a uniform candidate subsample, or None when every sample is one.

    An integer is a number of candidates, a float a fraction of the pool (rounded up); the
    subsample holds at least ``n_instances`` samples. It is drawn from ``rng`` (one seed drawn
    from it), so the same ``random_state`` gives the same candidates.
    """
    check_max_candidates(max_candidates)
    if max_candidates is None:
        return None
    if isinstance(max_candidates, numbers.Integral):
        size = int(max_candidates)
    else:
        size = int(np.ceil(max_candidates * n_pool))
    size = max(size, n_instances)
    if size >= n_pool:
        return None
    # Generator.choice draws without replacement in O(size), not a permutation of the pool.
    generator = np.random.default_rng(derive_seed(check_random_state(rng)))
    return np.sort(generator.choice(n_pool, size=size, replace=False, shuffle=False))
