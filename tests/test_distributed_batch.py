"""CoreSet, BADGE and DAMI('sampled') on a Dask cluster: the per-row work runs on the workers.

The picks must be those of the query in one process for the same seed (the blocks run the same
kernels and the client merges their reductions in the order one process would), and the pool
must never be computed in, or gathered to, the client.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_blobs
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from skactive import ActiveLearner, MLPClassifier
from skactive.strategies import (
    BADGE, BALD, DAMI, IBALD, RALIF, ActiveLearningByLearning, CoreSet, EntropySampling,
    RandomMixture, RandomSampling,
)
from skactive.strategies import _badge, _coreset, _dami
from skactive.strategies._distributed_batch import BlockHolder, WorkerBlocks

N_POOL, N_FEATURES = 3000, 6
BLOCK = 700  # row blocks of the dask pools
#: Rows per chunk in one process (and so where the cluster's blocks are re-cut: 0, 500, 1500,
#: 2000, 3000), and the network's forward batch: small, so that a small pool has many.
CHUNK, FORWARD_BATCH = 500, 100


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    from skactive.strategies import _pool

    monkeypatch.setattr(_pool, "POOL_CHUNK_ROWS", CHUNK)


@pytest.fixture(scope="module")
def data():
    X, y = make_blobs(n_samples=N_POOL + 100, n_features=N_FEATURES, centers=3,
                      cluster_std=3.0, random_state=0)
    X = X.astype(np.float32)
    return X[:100], y[:100], X[100:]


@pytest.fixture(scope="module")
def learner(data):
    X, y, _ = data
    learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=5, random_state=0),
                            X_training=X, y_training=y)
    learner.estimator._inference_batch_size = FORWARD_BATCH
    return learner


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
    "ralif": lambda: RALIF(random_state=0),
}
#: The most values one gathered array may hold: a cell of D^2 weights and the sums of a block's
#: cells (BADGE); DAMI's sample of 300 rows; RALIF's 300 candidates (10% of the pool: positions,
#: scores, then their 8 features).
GATHER_LIMIT = {"coreset": 2 * 1024, "badge": 2 * 1024, "dami": 300 * N_FEATURES,
                "ralif": 300 * 8}


@pytest.mark.parametrize("name", list(BATCH))
def test_cluster_picks_are_the_picks_in_one_process(name, learner, data, cluster_client):
    import dask
    import dask.array as da
    from distributed import get_task_stream

    X = data[2]
    expected = BATCH[name]()(learner, X, n_instances=20)
    pool = da.from_array(X, chunks=(BLOCK, 4))  # split in columns too
    with get_task_stream(cluster_client) as stream:
        got = BATCH[name]()(learner, pool, n_instances=20)
    assert_same(got, expected)
    # the blocks, re-cut at the chunks of one process, are read by tasks on the workers
    built = [t for t in stream.data if str(t["key"]).startswith(("_build", "_reduce"))]
    assert built and all(t["worker"] in cluster_client.scheduler_info()["workers"]
                         for t in built)
    with get_task_stream(cluster_client) as stream, dask.config.set(scheduler="threads"):
        assert_same(BATCH[name]()(learner, pool, n_instances=20), expected)  # the opt-out
    assert not stream.data  # read in this process


@pytest.mark.parametrize("name", ["coreset", "badge", "ralif"])
def test_cluster_applies_a_pipelines_first_steps_on_the_workers(name, data, cluster_client):
    """Far from standardised rows: the workers must scale each chunk as the Pipeline does."""
    import dask.array as da

    X, y, X_pool = data
    model = make_pipeline(StandardScaler(), MLPClassifier((16, 8), max_epochs=5,
                                                          random_state=0))
    learner = ActiveLearner(model, X_training=X * 20 + 5, y_training=y)
    learner.estimator[-1]._inference_batch_size = FORWARD_BATCH
    pool = X_pool * 20 + 5
    expected = BATCH[name]()(learner, pool, n_instances=15)
    assert_same(BATCH[name]()(learner, da.from_array(pool, chunks=(BLOCK, 6)), n_instances=15),
                expected)


@pytest.mark.parametrize("name", ["coreset", "badge"])
def test_cluster_finishes_a_batch_of_duplicates_as_one_process(name, cluster_client):
    """Once every unpicked row duplicates a centre the rest is drawn among the unpicked rows,
    from the same generator: the cluster gathers the unpicked positions block by block."""
    import dask.array as da

    X0, y0 = make_blobs(n_samples=60, n_features=4, centers=2, random_state=1)
    learner = ActiveLearner(MLPClassifier((8,), max_epochs=3, random_state=0),
                            X_training=X0.astype(np.float32), y_training=y0)
    learner.estimator._inference_batch_size = FORWARD_BATCH  # two blocks of 500 rows
    X = np.repeat(X0[:4].astype(np.float32), 250, axis=0)  # 4 distinct rows, 1,000 in all
    expected = BATCH[name]()(learner, X, n_instances=12)
    got = BATCH[name]()(learner, da.from_array(X, chunks=(300, 4)), n_instances=12)
    assert_same(got, expected)
    assert len(set(got[0].tolist())) == 12


def test_chunk_reductions_on_the_workers_are_one_process_chunks(learner, data, cluster_client):
    """DAMI's assignment and RALIF's pool-loss gradient: the workers read the chunks of one
    process, so each chunk's sums are bit for bit those of one process, in its order."""
    from skactive import readouts
    from skactive.strategies._cluster import aligned_blocks
    from skactive.strategies._distributed_batch import block_reductions
    from skactive.utils import iter_chunks

    X = data[2]
    view = readouts.model_view(learner)
    R = readouts.input_gradients(view, X)
    rng = np.random.default_rng(0)
    centers = [R[rng.choice(len(R), 7, replace=False)] for _ in range(3)]
    here = [_dami._block_assignment(view, chunk, "logit", centers, "euclidean", 7)
            for _, _, chunk in iter_chunks(X, CHUNK, whole_blocks=False)]
    pool = worker_pool(X)
    there = block_reductions(cluster_client, pool, _dami._block_assignment, view, "logit",
                             centers, "euclidean", 7, chunk_rows=CHUNK)
    assert len(there) == len(here) == N_POOL // CHUNK
    for a, b in zip(there, here):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    _, row_starts, _ = aligned_blocks(pool, CHUNK)
    np.testing.assert_array_equal(row_starts, [0, 500, 1500, 2000, 3000])
    candidates = np.arange(0, N_POOL, 3)  # 1,000 candidates: cut at 0, 500 and 1,000 of them
    _, row_starts, starts = aligned_blocks(pool, CHUNK, candidates)
    np.testing.assert_array_equal(starts, [0, 500, 1000])
    np.testing.assert_array_equal(row_starts, [0, 1500, 3000])


@pytest.mark.parametrize("name", list(BATCH))
def test_cluster_never_gathers_the_pool(name, learner, data, cluster_client, monkeypatch):
    """The pool's blocks cannot be computed in the client, and what comes back to the client
    (gathered results and the block holders' answers) is a few numbers per block and step
    (DAMI: its samples' rows; RALIF: its candidates)."""
    X = data[2]
    expected = BATCH[name]()(learner, X, n_instances=20)
    pool = worker_pool(X)
    with pytest.raises(ValueError):  # the guard works: computing a block here fails
        pool.blocks[0].compute(scheduler="sync")
    sizes = []

    def record(result):
        stack = [result]
        while stack:
            item = stack.pop()
            if isinstance(item, (list, tuple)):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, np.ndarray):
                sizes.append(item.size)
            else:  # a number, or a state object: none may come back
                assert item is None or np.isscalar(item), type(item)
        return result

    gather, call = cluster_client.gather, WorkerBlocks.call
    monkeypatch.setattr(cluster_client, "gather", lambda *a, **k: record(gather(*a, **k)))
    monkeypatch.setattr(WorkerBlocks, "call", lambda *a, **k: record(call(*a, **k)))
    got = BATCH[name]()(learner, pool, n_instances=20)
    monkeypatch.undo()
    assert_same(got, expected)
    assert sizes
    # nothing near a block of the pool (500 x 6 values) or its features came back at once
    assert max(sizes) <= GATHER_LIMIT[name.split("-")[0]]


# ------------------------------------------------------------------ a client given to the call
#: Every strategy whose query runs on the workers: the batch strategies and the score-based.
ON_WORKERS = {**BATCH, "entropy": EntropySampling, "bald": lambda: BALD(n_passes=4,
                                                                          random_state=0)}


@pytest.fixture(scope="module")
def other_client(cluster_client):
    """A second client of the same cluster that is not the default client."""
    from distributed import Client

    client = Client(cluster_client.cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()


@pytest.mark.parametrize("name", list(ON_WORKERS))
def test_a_given_client_runs_the_query_on_its_workers(name, learner, data, other_client):
    """With dask's scheduler set to this process (no default client in effect), the client
    given to the call still runs the query on the workers, with one process's picks."""
    import dask
    import dask.array as da
    from distributed import get_task_stream

    X = data[2]
    expected = ON_WORKERS[name]()(learner, X, n_instances=20)
    pool = da.from_array(X, chunks=(BLOCK, N_FEATURES))
    with dask.config.set(scheduler="sync"):
        with get_task_stream(other_client) as stream:
            assert_same(ON_WORKERS[name]()(learner, pool, n_instances=20,
                                           client=other_client), expected)
        assert stream.data and all(t["worker"] in other_client.scheduler_info()["workers"]
                                   for t in stream.data)
        with get_task_stream(other_client) as stream:
            assert_same(ON_WORKERS[name]()(learner, pool, n_instances=20), expected)
        assert not stream.data  # client=None: the configured scheduler, in this process


def test_a_learner_forwards_the_client_and_reads_the_picked_rows_with_it(data, other_client):
    """The pool's blocks can be computed on the workers only: the picks and their rows come
    from the given client."""
    import dask

    X_train, y_train, X = data
    learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=5, random_state=0),
                            query_strategy=EntropySampling(), X_training=X_train,
                            y_training=y_train)
    expected = learner.query(X, n_instances=10, return_metrics=True)
    with dask.config.set(scheduler="sync"):
        got = learner.query(worker_pool(X), n_instances=10, return_metrics=True,
                            client=other_client)
    with pytest.raises(TypeError, match="uncertainty_sampling runs in this process"):
        learner.set_params(query_strategy=None).query(X, n_instances=10, client=other_client)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", list(ON_WORKERS))
def test_a_given_client_refuses_a_pool_that_is_not_a_dask_array(name, learner, data,
                                                                 other_client):
    X = data[2]
    rng = np.random.RandomState(0)
    strategy = ON_WORKERS[name]()
    if "random_state" in strategy.get_params():
        strategy.set_params(random_state=rng)
    before = rng.get_state()[1].copy()
    with pytest.raises(TypeError, match=r"not a dask array.*dask\.array\.from_array"):
        strategy(learner, X, n_instances=5, client=other_client)
    np.testing.assert_array_equal(rng.get_state()[1], before)  # no draw before the refusal


@pytest.mark.parametrize("strategy", [
    RandomSampling(random_state=0), IBALD(), RandomMixture("entropy", random_state=0),
    ActiveLearningByLearning(["margin", "coreset"], random_state=0),
    DAMI(method="alternate", random_state=0)], ids=lambda s: type(s).__name__)
def test_strategies_that_run_here_refuse_a_client_and_take_none(strategy, learner, data,
                                                                other_client):
    import dask.array as da

    pool = da.from_array(data[2], chunks=(BLOCK, N_FEATURES))
    with pytest.raises(TypeError, match="runs in this process and takes no client.*CoreSet, "
                                        "BADGE, DAMI\\(method='sampled'\\) and RALIF"):
        strategy(learner, pool, n_instances=5, client=other_client)
    if not isinstance(strategy, ActiveLearningByLearning):  # stateful: one query is enough
        assert_same(strategy(learner, data[2], n_instances=5, client=None),
                    strategy(learner, data[2], n_instances=5))


def test_a_client_must_be_a_client_and_dami_must_sample_with_it(learner, data, other_client):
    import dask.array as da

    pool = da.from_array(data[2], chunks=(BLOCK, N_FEATURES))
    with pytest.raises(TypeError, match="client must be a dask.distributed.Client"):
        EntropySampling()(learner, pool, n_instances=5, client=other_client.scheduler.address)
    with pytest.raises(ValueError, match="only method='sampled' runs on the workers"):
        DAMI()(learner, pool, n_instances=5, client=other_client)  # 'auto': 'alternate' here
    with pytest.raises(ValueError, match="text pool in this process.*leave client unset"):
        EntropySampling()(_TextModel(), pool, n_instances=5, client=other_client)


class _TextModel(ClassifierMixin, BaseEstimator):
    """A model that reads strings (its tags say so); never fitted: the refusal comes first."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags


# ------------------------------------------------------------- the merges, without a cluster
class _Answer:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _HolderHere(BlockHolder):
    """A block holder answering in this process (for the merge logic, without a cluster)."""

    def call(self, ops):
        return _Answer(super().call(ops))


def _blocks_here(states, n_total):
    """The states as WorkerBlocks would hold them on two workers, every other block each."""
    blocks = WorkerBlocks.__new__(WorkerBlocks)
    blocks.states = states
    blocks.offsets = np.array([s.offset for s in states], dtype=np.int64)
    blocks.sizes = np.array([len(s.mind) for s in states], dtype=np.int64)
    blocks.n_total = n_total
    groups = [ids for ids in (list(range(len(states)))[w::2] for w in range(2)) if ids]
    blocks._holders = [(_HolderHere(ids, *[states[b] for b in ids]), ids) for ids in groups]
    blocks._pending, blocks._actors = [], []
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
