"""Pools beyond memory: memory-mapped, dask and pool-object pools, chunked and on a cluster.

Every out-of-core path must give the picks of the plain in-memory query, exactly; the pool must
never be read whole.
"""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_blobs
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner, MLPClassifier, readouts
from skactive.strategies import (
    BALD, EGL, IBAL, ActiveLearningByLearning, EntropySampling, LeastConfidence, MarginSampling,
    RandomMixture, RandomSampling, RandomUntilTrusted, ScoreBasedStrategy, entropy_sampling,
    stream_scores, top_n,
)
from skactive.utils import (
    CHUNK_ROW_MULTIPLE, chunk_budget, iter_chunks, pool_chunk_rows, take_rows,
)

from _pools import ProtocolPool  # this folder is on sys.path (no package)

N_POOL, N_FEATURES = 1000, 6
CHUNK = 128  # rows per chunk in the chunked runs: 8 chunks, the last one of 104 rows
BUDGET = CHUNK * N_FEATURES * 4


@pytest.fixture(scope="module")
def data():
    X, y = make_blobs(n_samples=N_POOL + 200, n_features=N_FEATURES, centers=3,
                      cluster_std=3.0, random_state=0)
    X = (X * 20 + 5).astype(np.float32)  # far from standardised: the Pipeline's scaler matters
    return X[:200], y[:200], X[200:]


@pytest.fixture(scope="module", params=["mlp", "pipeline"])
def model(request, data):
    X, y, _ = data
    mlp = MLPClassifier((16, 8), dropout=0.3, max_epochs=15, random_state=0)
    model = mlp if request.param == "mlp" else make_pipeline(StandardScaler(), mlp)
    return model.fit(X, y)


@pytest.fixture(scope="module")
def memmap_pool(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("pool") / "pool.npy"
    np.save(path, data[2])
    return np.load(path, mmap_mode="r")


STRATEGIES = {
    "random": lambda: RandomSampling(random_state=0),
    "least_confidence": LeastConfidence,
    "margin": MarginSampling,
    "entropy": EntropySampling,
    "egl": EGL,
    "bald": lambda: BALD(n_passes=6, random_state=0),
}


def reference(strategy, model, X, n):
    """The in-memory query, and for score-based strategies top_n of the whole-pool scores."""
    idx, metrics = strategy(model, X, n_instances=n)
    if isinstance(strategy, ScoreBasedStrategy):
        scores = strategy.score_samples(model, X)  # one call on the whole pool: no chunks
        np.testing.assert_array_equal(idx, top_n(scores, n))
        np.testing.assert_array_equal(metrics, scores[idx])
    return idx, metrics


def assert_same_picks(a, b):
    np.testing.assert_array_equal(a[0], b[0])
    if a[1] is None:
        assert b[1] is None
    else:
        np.testing.assert_array_equal(a[1], b[1])
        assert a[1].dtype == b[1].dtype


# --------------------------------------------------------------------------- chunks
def test_iter_chunks_walks_every_container_in_order(data, memmap_pool):
    X = data[2]
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(N_FEATURES)])
    for pool in (X, memmap_pool, frame, ProtocolPool(X), list(X)):
        chunks = list(iter_chunks(pool, chunk_rows=300))
        assert [(a, b) for a, b, _ in chunks] == [(0, 300), (300, 600), (600, 900),
                                                 (900, 1000)]
        joined = np.concatenate([np.asarray(block) for _, _, block in chunks])
        np.testing.assert_array_equal(joined, X)
    for _, _, block in iter_chunks(memmap_pool, chunk_rows=300):
        assert type(block) is np.ndarray and block.flags.writeable  # torch reads it as is
    for _, _, block in iter_chunks(X, chunk_rows=300):
        assert np.shares_memory(block, X)  # an in-memory pool is sliced, not copied
    assert all(isinstance(b, pd.DataFrame) for _, _, b in iter_chunks(frame, chunk_rows=300))


def test_iter_chunks_computes_dask_blocks_one_at_a_time(data):
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    X = data[2]
    pool = da.from_array(X, chunks=(150, 4))  # blocks of 150 rows, split in columns too
    chunks = list(iter_chunks(pool, chunk_rows=320))  # whole blocks only: 2 per chunk
    assert [(a, b) for a, b, _ in chunks] == [(0, 300), (300, 600), (600, 900), (900, 1000)]
    assert all(type(block) is np.ndarray for _, _, block in chunks)
    np.testing.assert_array_equal(np.concatenate([b for _, _, b in chunks]), X)
    assert [(a, b) for a, b, _ in iter_chunks(pool, chunk_rows=10)][:2] == [(0, 150),
                                                                             (150, 300)]


def test_iter_chunks_cuts_a_dask_pool_at_exact_rows_when_asked(data):
    """whole_blocks=False: chunks of exactly chunk_rows rows across the blocks (the batch
    strategies' chunks, a multiple of the model's inference batch)."""
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    X = data[2]
    chunks = list(iter_chunks(da.from_array(X, chunks=(150, 4)), 320, whole_blocks=False))
    assert [(a, b) for a, b, _ in chunks] == [(0, 320), (320, 640), (640, 960), (960, 1000)]
    assert all(type(block) is np.ndarray for _, _, block in chunks)
    np.testing.assert_array_equal(np.concatenate([b for _, _, b in chunks]), X)


def test_iter_chunks_reads_only_the_given_rows(data, memmap_pool):
    X = data[2]
    idx = np.array([3, 7, 150, 151, 640, 999])
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(N_FEATURES)])
    pools = [X, memmap_pool, frame, ProtocolPool(X), list(X)]
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    pools.append(da.from_array(X, chunks=(150, 4)))
    for pool in pools:
        chunks = list(iter_chunks(pool, 4, indices=idx))
        assert [(a, b) for a, b, _ in chunks] == [(0, 4), (4, 6)]  # positions in idx
        np.testing.assert_array_equal(np.concatenate([np.asarray(b) for _, _, b in chunks]),
                                      X[idx])
    # a DataFrame's rows stay a DataFrame with its column names (a Pipeline selects by name)
    for _, _, block in iter_chunks(frame, 4, indices=idx):
        assert isinstance(block, pd.DataFrame) and list(block.columns) == list(frame.columns)
    for _, _, block in iter_chunks(memmap_pool, 4, indices=idx):
        assert type(block) is np.ndarray and block.flags.writeable
    assert list(iter_chunks(X, 4, indices=np.array([], dtype=int))) == []


def test_a_dask_pool_of_unknown_length_says_what_to_do(data):
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    pool = da.from_array(data[2], chunks=(CHUNK, N_FEATURES))
    pool = pool[pool[:, 0] > -np.inf]  # boolean selection: row chunks of unknown size
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        EntropySampling()(None, pool, n_instances=3)
    pool.compute_chunk_sizes()
    assert len(RandomSampling(random_state=0)(None, pool, n_instances=3)[0]) == 3


def test_chunk_rows_follow_the_budget():
    X = np.lib.stride_tricks.as_strided(np.zeros(1, np.float32), (10**8, 20), (0, 0))
    rows = pool_chunk_rows(X)
    assert rows % CHUNK_ROW_MULTIPLE == 0 and 0 < rows * 80 <= 64_000_000
    with chunk_budget(8000):
        assert pool_chunk_rows(X) == 100
        with chunk_budget(80):
            assert pool_chunk_rows(X) == 1
        assert pool_chunk_rows(X) == 100
    assert pool_chunk_rows(X) == rows
    assert pool_chunk_rows(X, budget_bytes=10) == 1
    with pytest.raises(ValueError, match="budget_bytes"):
        with chunk_budget(0):
            pass
    with pytest.raises(ValueError, match="chunk_rows"):
        list(iter_chunks(np.zeros((3, 2)), chunk_rows=0))


def test_take_rows_reads_only_those_rows(data, memmap_pool):
    X = data[2]
    idx = np.array([7, 3, 900])
    for pool in (memmap_pool, ProtocolPool(X)):
        rows = take_rows(pool, idx)
        assert type(rows) is np.ndarray
        np.testing.assert_array_equal(rows, X[idx])
    frame = pd.DataFrame(X)
    pd.testing.assert_frame_equal(take_rows(frame, idx), frame.iloc[idx])
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    rows = take_rows(da.from_array(X, chunks=(100, N_FEATURES)), idx)
    assert type(rows) is np.ndarray
    np.testing.assert_array_equal(rows, X[idx])


# --------------------------------------------------------------------------- readouts
READOUTS = {
    "logits": lambda m, X: readouts.logits(m, X),
    "predict_proba": lambda m, X: readouts.predict_proba(m, X),
    "features": lambda m, X: readouts.penultimate_features(m, X),
    "input_gradients": lambda m, X: readouts.input_gradients(m, X),
    "egl": lambda m, X: readouts.expected_gradient_norms(m, X),
    "mc_dropout": lambda m, X: readouts.mc_dropout_probas(m, X, n_passes=4, random_state=3),
}


@pytest.mark.parametrize("name", READOUTS)
def test_readouts_stream_memmap_and_pool_objects_exactly(name, model, data, memmap_pool):
    X = data[2]
    fn = READOUTS[name]
    expected = fn(model, X)
    pool = ProtocolPool(X)
    with chunk_budget(BUDGET):
        np.testing.assert_array_equal(fn(model, memmap_pool), expected)
        np.testing.assert_array_equal(fn(model, pool), expected)
    assert pool.chunk_sizes == [CHUNK] * 7 + [N_POOL - 7 * CHUNK]


def test_readouts_stream_dask_arrays(model, data):
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    X = data[2]
    pool = da.from_array(X, chunks=(CHUNK, N_FEATURES))
    for name, fn in READOUTS.items():
        np.testing.assert_array_equal(fn(model, pool), fn(model, X), err_msg=name)


def test_mc_dropout_masks_follow_the_row_not_the_chunk(model, data):
    X = data[2]
    whole = readouts.mc_dropout_probas(model, X, n_passes=5, random_state=0)
    parts = [readouts.mc_dropout_probas(model, X[a:b], n_passes=5, random_state=0,
                                        row_offset=a, batch_size=b - a)
             for a, b in ((0, 333), (333, 640), (640, N_POOL))]
    np.testing.assert_array_equal(np.concatenate(parts, axis=1), whole)
    # the same rows elsewhere in the pool get other masks
    shifted = readouts.mc_dropout_probas(model, X[:333], n_passes=5, random_state=0,
                                         row_offset=1)
    assert not np.array_equal(shifted, whole[:, :333])
    with pytest.raises(ValueError, match="row_offset"):
        readouts.mc_dropout_probas(model, X, row_offset=-1)


def test_scoring_a_memmapped_pool_never_copies_it(data, tmp_path):
    X, y, _ = data
    model = make_pipeline(StandardScaler(), MLPClassifier((16, 8), dropout=0.3, max_epochs=2,
                                                          random_state=0)).fit(X, y)
    big = np.random.RandomState(0).standard_normal((200_000, N_FEATURES)).astype(np.float32)
    np.save(tmp_path / "big.npy", big)
    pool = np.load(tmp_path / "big.npy", mmap_mode="r")
    expected = LeastConfidence()(model, big, n_instances=10)
    del big
    pool_bytes = pool.nbytes  # 4.8 MB; one float32 score per row is 0.8 MB
    for run in (lambda: LeastConfidence()(model, pool, n_instances=10),
                lambda: readouts.expected_gradient_norms(model, pool)):
        with chunk_budget(100_000):
            tracemalloc.start()
            try:
                result = run()
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        # the (n,) scores, top_n's partitioned copy of them and a chunk: never an (n, d) copy
        assert peak < pool_bytes / 2
    assert_same_picks(LeastConfidence()(model, pool, n_instances=10), expected)
    assert result.shape == (len(pool),)


# --------------------------------------------------------------------------- strategies
@pytest.mark.parametrize("name", STRATEGIES)
def test_memmap_and_chunked_pools_give_the_in_memory_picks(name, model, data, memmap_pool):
    X = data[2]
    strategy = STRATEGIES[name]()
    expected = reference(strategy, model, X, 25)
    assert_same_picks(strategy(model, memmap_pool, n_instances=25), expected)
    pool = ProtocolPool(X)
    with chunk_budget(BUDGET):
        assert_same_picks(strategy(model, X, n_instances=25), expected)
        assert_same_picks(strategy(model, memmap_pool, n_instances=25), expected)
        assert_same_picks(strategy(model, pool, n_instances=25), expected)
    if name != "random":
        assert len(pool.chunk_sizes) >= 8  # the pool object was scored chunk by chunk


@pytest.mark.parametrize("name", STRATEGIES)
def test_dask_pool_in_process_gives_the_in_memory_picks(name, model, data):
    da = pytest.importorskip("dask.array", reason="dask is not installed")
    X = data[2]
    strategy = STRATEGIES[name]()
    expected = strategy(model, X, n_instances=25)
    pool = da.from_array(X, chunks=(CHUNK, N_FEATURES))
    assert_same_picks(strategy(model, pool, n_instances=25), expected)


def test_ties_across_chunks_go_to_the_lower_index(data, memmap_pool):
    class FirstFeatureRounded(ScoreBasedStrategy):
        pointwise_scores = True

        def score_samples(self, classifier, X_pool):
            return np.floor(np.asarray(X_pool)[:, 0] / 50).astype(np.float32)  # many ties

    X = data[2]
    scores = np.floor(X[:, 0] / 50).astype(np.float32)
    with chunk_budget(BUDGET):
        idx, metrics = FirstFeatureRounded()(None, memmap_pool, n_instances=40)
    np.testing.assert_array_equal(idx, top_n(scores, 40))
    order = np.lexsort((np.arange(len(scores)), -scores))[:40]  # brute force: score, index
    np.testing.assert_array_equal(idx, order)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=60), st.data())
def test_merging_block_candidates_is_top_n_of_all_scores(values, draw):
    """The cluster's merge: each block's top n, merged, is top_n of the whole (ties included)."""
    from skactive.strategies._streaming import _block_candidates, merge_candidates

    scores = np.asarray(values, dtype=np.float32)  # few distinct values: many ties
    n = draw.draw(st.integers(1, len(scores)))
    cuts = sorted(draw.draw(st.sets(st.integers(1, len(scores) - 1))) if len(scores) > 1
                  else set())
    bounds = [0, *cuts, len(scores)]
    parts = [_block_candidates(scores[a:b], lambda view, block, start: block, None, a, n, top_n,
                               chunk_rows=4)
             for a, b in zip(bounds[:-1], bounds[1:])]
    idx, best = merge_candidates(parts, n)
    np.testing.assert_array_equal(idx, top_n(scores, n))
    np.testing.assert_array_equal(best, scores[idx])


def test_a_strategy_that_scores_the_wrong_rows_is_refused(data):
    class Broken(ScoreBasedStrategy):
        pointwise_scores = True

        def score_samples(self, classifier, X_pool):
            return np.zeros(3)

    with pytest.raises(ValueError, match="one score per row"):
        Broken()(None, data[2], n_instances=2)


def test_learner_queries_an_unmaterialisable_pool(data):
    X, y, X_pool = data
    pool = ProtocolPool(X_pool)
    for strategy in (EntropySampling(), EGL(), BALD(n_passes=4, random_state=0), None):
        learner = ActiveLearner(MLPClassifier(dropout=0.3, max_epochs=5, random_state=0),
                                strategy, X_training=X, y_training=y)
        idx, rows = learner.query(pool, n_instances=10)
        ref_idx, ref_rows = learner.query(X_pool, n_instances=10)
        np.testing.assert_array_equal(idx, ref_idx)
        np.testing.assert_array_equal(rows, ref_rows)
        learner.teach(rows, y[:10])  # the rows taken from the pool teach as any others


def test_learner_query_on_a_memmap_takes_only_the_picked_rows(data, memmap_pool):
    X, y, X_pool = data
    learner = ActiveLearner(MLPClassifier(max_epochs=5, random_state=0), EntropySampling(),
                            X_training=X, y_training=y)
    idx, rows = learner.query(memmap_pool, n_instances=5)
    assert type(rows) is np.ndarray and not np.shares_memory(rows, memmap_pool)
    np.testing.assert_array_equal(rows, X_pool[idx])
    idx_default, _ = entropy_sampling(learner, memmap_pool, n_instances=5)
    np.testing.assert_array_equal(np.sort(idx_default), np.sort(idx))


# --------------------------------------------------------------------------- composites
MIXTURES = {
    "entropy": lambda: RandomMixture("entropy", random_share=0.3, random_state=0),
    "bald": lambda: RandomMixture(BALD(n_passes=4), random_share=0.5, random_state=1),
    "all-random": lambda: RandomMixture("margin", random_share=1.0, random_state=2),
}


@pytest.mark.parametrize("name", MIXTURES)
def test_random_mixture_streams_memmap_and_pool_objects(name, model, data, memmap_pool):
    X = data[2]
    expected = MIXTURES[name]()(model, X, n_instances=25)
    assert MIXTURES[name]().streams_pool
    assert_same_picks(MIXTURES[name]()(model, memmap_pool, n_instances=25), expected)
    pool = ProtocolPool(X)  # refuses np.asarray: the random part reads the size alone
    with chunk_budget(BUDGET):
        assert_same_picks(MIXTURES[name]()(model, pool, n_instances=25), expected)
    # the strategy's part was scored chunk by chunk; random picks read no row
    assert len(pool.chunk_sizes) == (0 if name == "all-random" else 8)


def test_albl_streams_when_its_arms_do(data, memmap_pool):
    X, y, X_pool = data
    assert ActiveLearningByLearning(["margin", "entropy"]).streams_pool
    assert not ActiveLearningByLearning().streams_pool  # coreset and badge read the pool whole
    assert not RandomMixture("coreset").streams_pool

    def loop(pool):
        """Three queries, each batch taught: the bandit's rewards and weights come into play."""
        albl = ActiveLearningByLearning(["margin", "entropy"], random_state=0)
        learner = ActiveLearner(MLPClassifier(max_epochs=5, random_state=0), albl,
                                X_training=X[:60], y_training=y[:60])
        picks = []
        for _ in range(3):
            with chunk_budget(BUDGET):
                idx, rows, metrics = learner.query(pool, n_instances=10, return_metrics=True)
            picks.append((idx, metrics))
            learner.teach(rows, y[60 + np.arange(10)])
        return picks, albl

    expected, albl = loop(X_pool)
    assert len(albl.rewards_) == 2
    protocol = ProtocolPool(X_pool)  # refuses np.asarray
    for pool in (memmap_pool, protocol):
        picks, streamed = loop(pool)
        for a, b in zip(picks, expected):
            assert_same_picks(a, b)
        np.testing.assert_array_equal(streamed.log_weights_, albl.log_weights_)
    assert len(protocol.chunk_sizes) == 3 * 2 * 8  # 3 queries, 2 arms, 8 chunks each


def test_until_trusted_streams_when_its_strategy_does(data, memmap_pool):
    X, y, X_pool = data
    y_pool = make_blobs(n_samples=N_POOL + 200, n_features=N_FEATURES, centers=3,
                        cluster_std=3.0, random_state=0)[1][200:]  # the data fixture's pool
    assert RandomUntilTrusted("entropy").streams_pool
    assert not RandomUntilTrusted("coreset").streams_pool

    def loop(pool):
        """Four queries of 40, each batch taught: random ones, then entropy once trusted."""
        # 61 rows: more than the 60 labeled ones (no cross-validation) and than one batch
        gate = RandomUntilTrusted("entropy", min_auc=0.5, min_heldout=61, random_state=0)
        learner = ActiveLearner(MLPClassifier(max_epochs=5, random_state=0), gate,
                                X_training=X[:60], y_training=y[:60])
        picks, trusted = [], []
        for _ in range(4):
            with chunk_budget(BUDGET):
                idx, rows, metrics = learner.query(pool, n_instances=40, return_metrics=True)
            picks.append((idx, metrics))
            trusted.append(gate.trusted_)
            learner.teach(rows, y_pool[idx])
        return picks, trusted

    expected, trusted = loop(X_pool)
    assert trusted == [False, False, True, True]
    protocol = ProtocolPool(X_pool)  # refuses np.asarray
    for pool in (memmap_pool, protocol):
        picks, _ = loop(pool)
        for a, b in zip(picks, expected):
            assert_same_picks(a, b)
    # the random batches read their 40 rows alone; the entropy queries streamed 8 chunks each
    assert len(protocol.chunk_sizes) == 2 * 8


def test_stream_scores_are_the_whole_pool_scores(data, memmap_pool):
    X, y, X_pool = data
    learner = ActiveLearner(MLPClassifier(max_epochs=5, random_state=0), X_training=X,
                            y_training=y)
    for strategy in (EntropySampling(), EGL(), IBAL()):  # IBAL reads the labeled set too
        whole = strategy.score_samples(learner, X_pool)
        pool = ProtocolPool(X_pool)
        with chunk_budget(BUDGET):
            np.testing.assert_array_equal(stream_scores(strategy, learner, pool), whole)
            np.testing.assert_array_equal(stream_scores(strategy, learner, memmap_pool), whole)
        assert len(pool.chunk_sizes) == 8
        idx, metrics = strategy(learner, pool, n_instances=10)
        np.testing.assert_array_equal(idx, top_n(whole, 10))


def test_a_named_pool_reaches_a_pipeline_that_selects_columns_by_name(data, memmap_pool):
    """A model fitted on a DataFrame (a ColumnTransformer selecting columns by name) scores
    a memory-mapped pool through a PoolView: DataFrame chunks, the in-memory picks."""
    from sklearn.compose import ColumnTransformer

    from skactive.datasets import PoolView

    X, y, X_pool = data
    names = [f"f{j}" for j in range(N_FEATURES)]
    scaler = ColumnTransformer([("scaled", StandardScaler(), names[::-1])])  # by name, reordered
    model = make_pipeline(scaler, MLPClassifier((16,), max_epochs=10, random_state=0))
    model.fit(pd.DataFrame(X.astype(np.float64), columns=names), y)
    in_memory = pd.DataFrame(X_pool.astype(np.float64), columns=names)
    rows = np.arange(0, N_POOL, 3)  # some rows only, as for a pool's unlabeled rows
    for make in (EntropySampling, EGL, lambda: RandomMixture("margin", random_state=0)):
        expected = make()(model, in_memory.iloc[rows].reset_index(drop=True), n_instances=20)
        with chunk_budget(CHUNK * N_FEATURES * 8):  # float64 rows: 3 chunks
            view = PoolView(memmap_pool, names, rows=rows)
            assert_same_picks(make()(model, view, n_instances=20), expected)
    # a learner takes the picked rows from the view as a DataFrame, which it can learn from
    learner = ActiveLearner(clone(model), EntropySampling(),
                            X_training=pd.DataFrame(X.astype(np.float64), columns=names),
                            y_training=y)
    idx, picked = learner.query(PoolView(memmap_pool, names), n_instances=5)
    pd.testing.assert_frame_equal(picked, in_memory.iloc[idx].reset_index(drop=True))
    learner.teach(picked, y[:5])


# --------------------------------------------------------------------------- Dask cluster
SCORE_BASED = ["least_confidence", "margin", "entropy", "egl", "bald"]


@pytest.mark.parametrize("name", SCORE_BASED)
def test_cluster_scores_where_the_blocks_live_with_identical_picks(name, model, data,
                                                                   cluster_client):
    import dask
    import dask.array as da

    X = data[2]
    strategy = STRATEGIES[name]()
    expected = strategy(model, X, n_instances=25)
    from distributed import get_task_stream

    pool = da.from_array(X, chunks=(CHUNK, 4))
    with get_task_stream(cluster_client) as stream, chunk_budget(BUDGET):  # chunks of CHUNK
        assert_same_picks(strategy(model, pool, n_instances=25), expected)
    scored = [t for t in stream.data if str(t["key"]).startswith("_block_candidates")]
    assert len(scored) == pool.numblocks[0]  # one scoring task per block, on the workers
    assert len({t["worker"] for t in scored}) == 2
    with get_task_stream(cluster_client) as stream, dask.config.set(scheduler="threads"):
        assert_same_picks(strategy(model, pool, n_instances=25), expected)  # the opt-out
    assert not stream.data  # scored in this process


def test_cluster_never_gathers_the_pool(model, data, cluster_client):
    import dask.array as da

    X = data[2]
    pool = da.from_array(X, chunks=(CHUNK, N_FEATURES)).persist()
    expected = EGL()(model, X, n_instances=7)
    seen = []
    original = cluster_client.gather

    def gather(futures, *args, **kwargs):
        result = original(futures, *args, **kwargs)
        seen.append(result)
        return result

    cluster_client.gather = gather
    try:
        idx, metrics = EGL()(model, pool, n_instances=7)
    finally:
        del cluster_client.gather
    assert_same_picks((idx, metrics), expected)
    assert seen
    for result in seen:  # only (index, score) candidates came back: 7 per block at most
        for part in result if isinstance(result, list) else [result]:
            assert all(len(a) <= 7 for a in part)


class BatchRoundedClassifier(ClassifierMixin, BaseEstimator):
    """Probabilities whose last bits depend on the rows computed with them, as a network's
    may (another batch, another kernel): a row's logit is rounded to a grid set by its chunk.
    Many rows of a chunk round to the same value, so the scores tie too."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        z = np.asarray(X, dtype=np.float32)[:, :1] / np.float32(20)
        shift = np.abs(z).sum(dtype=np.float32) * np.float32(2**12)  # set by the whole chunk
        z = (z + shift) - shift
        p = np.float32(1) / (np.float32(1) + np.exp(-z))
        return np.hstack([p, np.float32(1) - p])


def test_cluster_reads_the_chunks_of_one_process_whatever_the_blocks(data, cluster_client):
    """Blocks of 100 rows, chunks of 128: the workers re-cut the blocks at the chunks, and the
    scores (ties included) are bit for bit those of one process."""
    import dask.array as da

    X = data[2]
    model = BatchRoundedClassifier().fit(X[:10], [0, 1] * 5)
    pool = da.from_array(X, chunks=(100, N_FEATURES))
    with chunk_budget(BUDGET):
        assert pool_chunk_rows(X) == CHUNK
        expected = EntropySampling()(model, X, n_instances=40)
        got = EntropySampling()(model, pool, n_instances=40)
    assert_same_picks(got, expected)
    # the test can fail: scoring the blocks as they are gives other scores and other picks
    by_block = np.concatenate([EntropySampling().score_samples(model, X[a:a + 100])
                               for a in range(0, N_POOL, 100)])
    assert not np.array_equal(top_n(by_block, 40), expected[0])
