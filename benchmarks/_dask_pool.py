"""A ``.npy`` pool held by the workers of a 2-worker ``LocalCluster``, for the cluster benchmarks.

Each worker reads its own blocks of the memory-mapped file, so the pool never passes through
the benchmark's process. Imports dask only when called (the other environments of
``side_by_side.py`` import this folder's modules without it).
"""

import time

import numpy as np


def _load_block(path, start, stop):
    return np.array(np.load(path, mmap_mode="r")[start:stop])


def local_cluster():
    """A 2-worker ``LocalCluster`` (worker processes, one thread each) and its client."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                           dashboard_address=None)
    return cluster, Client(cluster)


def persisted_npy_pool(path, rows, block_rows):
    """The first ``rows`` rows of the ``.npy`` file at ``path`` as a dask array of
    ``block_rows``-row blocks, loaded on the workers; returns ``(pool, seconds to load)``."""
    import dask
    import dask.array as da
    from distributed import wait

    n_features = np.load(path, mmap_mode="r").shape[1]
    blocks = [da.from_delayed(dask.delayed(_load_block)(path, a, min(a + block_rows, rows)),
                              shape=(min(a + block_rows, rows) - a, n_features),
                              dtype=np.float32)
              for a in range(0, rows, block_rows)]
    t0 = time.perf_counter()
    pool = da.concatenate(blocks).persist()
    wait(pool)
    return pool, time.perf_counter() - t0
