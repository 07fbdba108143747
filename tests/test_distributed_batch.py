"""CoreSet, BADGE and DAMI('sampled') on a Dask cluster: the per-row work runs on the workers.

The picks must be those of the query in one process for the same seed (the blocks run the same
kernels and the client merges their reductions in the order one process would), and the pool
must never be computed in, or gathered to, the client.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_blobs
from sklearn.utils import check_random_state

from skactive import ActiveLearner, MLPClassifier
from skactive.strategies import BADGE, DAMI, CoreSet
from skactive.strategies import _badge, _coreset, _dami
from skactive.strategies._distributed_batch import WorkerBlocks

N_POOL, N_FEATURES = 3000, 6
BLOCK = 700  # row blocks of the dask pools: 5 blocks, none on a cell boundary of 1,024


@pytest.fixture(scope="module")
def data():
    X, y = make_blobs(n_samples=N_POOL + 100, n_features=N_FEATURES, centers=3,
                      cluster_std=3.0, random_state=0)
    X = X.astype(np.float32)
    return X[:100], y[:100], X[100:]


@pytest.fixture(scope="module")
def learner(data):
    X, y, _ = data
    return ActiveLearner(MLPClassifier((16, 8), max_epochs=5, random_state=0),
                         X_training=X, y_training=y)


@pytest.fixture(scope="module")
def cluster_client():
    pytest.importorskip("dask.array", reason="dask is not installed")
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _worker_only(X, start, stop):
    """A block of the pool that refuses to be computed outside a Dask worker."""
    from distributed import get_worker

    get_worker()  # raises ValueError in the client process
    return X[start:stop]


def worker_pool(X, block=BLOCK, columns=None):
    """A dask pool whose blocks can be computed on the workers only."""
    import dask
    import dask.array as da

    blocks = [da.from_delayed(dask.delayed(_worker_only)(X, a, min(a + block, len(X))),
                              shape=(min(a + block, len(X)) - a, X.shape[1]), dtype=X.dtype)
              for a in range(0, len(X), block)]
    pool = da.concatenate(blocks)
    return pool if columns is None else pool.rechunk((block, columns))


def assert_same(a, b):
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


BATCH = {
    "coreset": lambda: CoreSet(random_state=0),
    "coreset-subsample": lambda: CoreSet(max_candidates=1000, random_state=1),
    "badge": lambda: BADGE(random_state=0),
    "badge-subsample": lambda: BADGE(max_candidates=0.4, random_state=2),
    "dami-sampled": lambda: DAMI(method="sampled", sample_size=300, n_draws=3, random_state=0),
}


@pytest.mark.parametrize("name", list(BATCH))
def test_cluster_picks_are_the_picks_in_one_process(name, learner, data, cluster_client):
    import dask.array as da
    from distributed import get_task_stream

    X = data[2]
    expected = BATCH[name]()(learner, X, n_instances=20)
    pool = da.from_array(X, chunks=(BLOCK, 4))  # split in columns too
    with get_task_stream(cluster_client) as stream:
        got = BATCH[name]()(learner, pool, n_instances=20)
    assert_same(got, expected)
    built = [t for t in stream.data if str(t["key"]).startswith("_build")]
    assert len(built) == pool.numblocks[0]  # one state (or reduction) per block, on a worker
    assert len({t["worker"] for t in built}) == 2


@pytest.mark.parametrize("name", ["coreset", "badge"])
def test_cluster_finishes_a_batch_of_duplicates_as_one_process(name, cluster_client):
    """Once every unpicked row duplicates a centre the rest is drawn among the unpicked rows,
    from the same generator: the cluster gathers the unpicked positions block by block."""
    import dask.array as da

    X0, y0 = make_blobs(n_samples=60, n_features=4, centers=2, random_state=1)
    learner = ActiveLearner(MLPClassifier((8,), max_epochs=3, random_state=0),
                            X_training=X0.astype(np.float32), y_training=y0)
    X = np.repeat(X0[:4].astype(np.float32), 250, axis=0)  # 4 distinct rows, 1,000 in all
    expected = BATCH[name]()(learner, X, n_instances=12)
    got = BATCH[name]()(learner, da.from_array(X, chunks=(300, 4)), n_instances=12)
    assert_same(got, expected)
    assert len(set(got[0].tolist())) == 12


def test_clara_costs_on_the_workers_match_one_process(learner, data, cluster_client):
    """DAMI's assignment: each block's costs and sizes come back; their sums are those of one
    process up to the order of the float64 additions."""
    from skactive import readouts
    from skactive.strategies._distributed_batch import block_reductions

    X = data[2]
    view = readouts.model_view(learner)
    R = readouts.input_gradients(view, X)
    rng = np.random.default_rng(0)
    centers = [R[rng.choice(len(R), 7, replace=False)] for _ in range(3)]
    costs, sizes = _dami.assignment_costs(R, centers, "euclidean", 7)
    parts = block_reductions(cluster_client, worker_pool(X), _dami._block_assignment, view,
                             "logit", centers, "euclidean", 7)
    assert len(parts) == -(-len(X) // BLOCK)
    np.testing.assert_allclose(sum(p[0] for p in parts), costs, rtol=1e-12)
    np.testing.assert_array_equal(sum(p[1] for p in parts), sizes)


@pytest.mark.parametrize("name", list(BATCH))
def test_cluster_never_gathers_the_pool(name, learner, data, cluster_client):
    """The pool's blocks cannot be computed in the client, and what the client gathers is a
    few numbers per block and step (DAMI: its samples' rows)."""
    X = data[2]
    expected = BATCH[name]()(learner, X, n_instances=20)
    pool = worker_pool(X)
    with pytest.raises(ValueError):  # the guard works: computing a block here fails
        pool.blocks[0].compute(scheduler="sync")
    sizes = []
    original = cluster_client.gather

    def gather(futures, *args, **kwargs):
        result = original(futures, *args, **kwargs)
        stack = [result]
        while stack:
            item = stack.pop()
            if isinstance(item, (list, tuple)):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, np.ndarray):
                sizes.append(item.size)
        return result

    cluster_client.gather = gather
    try:
        got = BATCH[name]()(learner, pool, n_instances=20)
    finally:
        del cluster_client.gather
    assert_same(got, expected)
    assert sizes
    # nothing near a block of the pool (700 x 6 values) or its features came back at once
    assert max(sizes) <= (300 * N_FEATURES if name.startswith("dami") else 2 * 1024)


# ------------------------------------------------------------- the merges, without a cluster
class _Here:
    """A client that runs every task at once in this process (for the merge logic)."""

    def submit(self, fn, *args, pure=True):
        return fn(*args)

    def gather(self, futures):
        return list(futures)

    def cancel(self, futures):
        pass


def _blocks_here(states, n_total):
    blocks = WorkerBlocks.__new__(WorkerBlocks)
    blocks.client = _Here()
    blocks.states = states
    blocks.offsets = np.array([s.offset for s in states], dtype=np.int64)
    blocks.sizes = np.array([len(s.mind) for s in states], dtype=np.int64)
    blocks.n_total = n_total
    return blocks


def _cuts(draw, n):
    return sorted(set(draw(st.lists(st.integers(1, n - 1), max_size=6))))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_k_means_pp_over_blocks_draws_as_over_the_whole(draw):
    """Split anywhere (cells of 7 positions cut between blocks), BADGE's seeding draws the very
    indices of one block: the cells' sums are put together as one block sums them."""
    n = draw.draw(st.integers(2, 80))
    rng = np.random.default_rng(draw.draw(st.integers(0, 2**16)))
    distinct = draw.draw(st.integers(1, n))
    q = rng.standard_normal((distinct, 3)).astype(np.float32)[rng.integers(0, distinct, n)]
    f = rng.standard_normal((distinct, 4)).astype(np.float32)[rng.integers(0, distinct, n)]
    k = draw.draw(st.integers(1, n))
    cuts = [0] + _cuts(draw.draw, n) + [n]
    with pytest.MonkeyPatch.context() as patch:  # cells of 7 positions: many, cut by blocks
        patch.setattr(_badge, "DRAW_CELL_ROWS", 7)
        expected = _badge.kmeans_pp_seeding(q, f, k, check_random_state(3))
        states = [_badge.KMeansPPBlock(q[a:b], f[a:b], a, n)
                  for a, b in zip(cuts[:-1], cuts[1:])]
        on_blocks = _badge._KMeansPPOnWorkers(_blocks_here(states, n))
        got = _badge.seed_kmeans_pp(on_blocks, k, check_random_state(3))
    np.testing.assert_array_equal(got, expected)
    rows_q, rows_f = on_blocks.rows(got)
    np.testing.assert_array_equal(rows_q, q[got])
    np.testing.assert_array_equal(rows_f, f[got])


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_k_center_over_blocks_picks_as_over_the_whole(draw):
    n = draw.draw(st.integers(2, 80))
    rng = np.random.default_rng(draw.draw(st.integers(0, 2**16)))
    distinct = draw.draw(st.integers(1, n))
    features = rng.integers(-3, 4, (distinct, 3)).astype(np.float32)[
        rng.integers(0, distinct, n)]  # small integers: exact ties
    labeled = features[:draw.draw(st.integers(0, 3))] + 0.5
    k = draw.draw(st.integers(1, n))
    expected = _coreset.k_center_greedy(features, labeled, k, check_random_state(5))
    cuts = [0] + _cuts(draw.draw, n) + [n]
    states = [_coreset.KCenterBlock(features[a:b], labeled, a, n)
              for a, b in zip(cuts[:-1], cuts[1:])]
    got = _coreset.greedy_k_center(_coreset._KCenterOnWorkers(_blocks_here(states, n)), n,
                                   len(labeled) > 0, k, check_random_state(5))
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
