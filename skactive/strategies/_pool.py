"""Reading a pool one row chunk at a time, whatever the container.

The batch strategies (CoreSet, BADGE, DAMI, IBAL, IBAL-D, RALIF) touch the pool only through
``len`` and row slices or index arrays, and call the readouts on one chunk at a time: a numpy
array, a memory-mapped ``.npy`` file, a DataFrame, a list of sentences or a ``dask.array`` is
never copied whole. A pool smaller than one chunk is the one-chunk case of the same code.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import derive_seed, num_samples, take_rows

#: Rows of pool read per chunk (rounded down to a multiple of the model's inference batch, so
#: that the network sees the same batches as on the whole pool and returns the same values).
POOL_CHUNK_ROWS = 2**17


def chunk_rows(classifier):
    """Rows per pool chunk for this model: a multiple of its inference batch size."""
    estimator, _ = readouts.final_estimator(classifier)
    batch = getattr(estimator, "inference_batch_size", None)
    if not isinstance(batch, numbers.Integral) or batch < 1:
        return POOL_CHUNK_ROWS
    return max(1, POOL_CHUNK_ROWS // int(batch)) * int(batch)


def _materialise(chunk):
    # A dask slice is still lazy; the readouts want the values of this chunk only.
    if type(chunk).__module__.partition(".")[0] == "dask":
        return np.asarray(chunk)
    if isinstance(chunk, np.memmap):  # a read-only map would reach torch as shared memory
        return np.array(chunk)
    return chunk


def pool_rows(X_pool, start, stop):
    """Rows ``start:stop`` of the pool, in its container (values for a dask array)."""
    if hasattr(X_pool, "iloc"):
        return X_pool.iloc[start:stop]
    return _materialise(X_pool[start:stop])


def iter_pool(X_pool, rows, indices=None):
    """Yield ``(positions, chunk)`` over the pool, or over its rows ``indices`` (sorted).

    ``positions`` is the slice of the output (of length ``len(X_pool)``, or ``len(indices)``)
    the chunk fills.
    """
    n = num_samples(X_pool) if indices is None else len(indices)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        if indices is None:
            chunk = pool_rows(X_pool, start, stop)
        else:
            chunk = _materialise(take_rows(X_pool, indices[start:stop]))
        yield slice(start, stop), chunk


def stream_readout(readout, X_pool, rows, indices=None):
    """Concatenate ``readout(chunk)`` (an array or a tuple of arrays) over the pool's chunks.

    The outputs are allocated once, at their final size, and filled chunk by chunk.
    """
    n = num_samples(X_pool) if indices is None else len(indices)
    out = None
    single = False
    for positions, chunk in iter_pool(X_pool, rows, indices):
        values = readout(chunk)
        if out is None:
            single = not isinstance(values, tuple)
            values_t = (values,) if single else values
            out = tuple(np.empty((n,) + v.shape[1:], dtype=v.dtype) for v in values_t)
        values_t = (values,) if single else values
        for o, v in zip(out, values_t):
            o[positions] = v
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
