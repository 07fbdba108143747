"""Text models on real data (MR): accuracy bar and every strategy in a 10-round loop.

Slow: the accuracy tests train on 8,529 MR sentences (one to three minutes per model on two
cores); each loop trains 11 small models and runs 10 queries on a 1,000-sentence subsample.
"""

import time

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from skactive import ActiveLearner, BiLSTMClassifier, TextCNNClassifier
from skactive.datasets import load_mr
from skactive.text import Word2VecEmbedding

pytestmark = pytest.mark.slow

MODELS = [TextCNNClassifier, BiLSTMClassifier]


@pytest.fixture(scope="module")
def mr(shared_datasets):
    return load_mr(shared_datasets, return_X_y=True)


@pytest.fixture(scope="module")
def mr_split(mr):
    X, y = mr
    # the fixed split the accuracy figures are reported on: stratified 80/20, random_state 0
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)


@pytest.mark.parametrize("Model", MODELS, ids=["textcnn", "bilstm"])
def test_mr_accuracy(mr_split, Model):
    """>= 75% test accuracy, word2vec trained (by the classifier) on the training texts only."""
    X_train, X_test, y_train, y_test = mr_split
    start = time.perf_counter()
    clf = Model(random_state=0).fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    accuracy = clf.score(X_test, y_test)
    print(f"{Model.__name__}: MR test accuracy {accuracy:.4f} after {clf.n_iter_} epochs, "
          f"fit {fit_time:.0f} s (word2vec included)")
    assert accuracy >= 0.75


STRATEGIES = ["RandomSampling", "LeastConfidence", "MarginSampling", "EntropySampling", "EGL",
              "EGLWord", "BALD", "CoreSet", "BADGE", "DAMI", "IBAL", "IBALD", "RALIF"]
N_SUBSAMPLE, N_ROUNDS = 1000, 10
BATCH = N_SUBSAMPLE * 2 // 100  # 2% of the subsample, as the DAMI paper's rounds
#: cheaper settings than the defaults, to keep 20 loops of 10 rounds within a few minutes
FAST_PARAMS = {"BALD": {"n_passes": 5}}


@pytest.fixture(scope="module")
def mr_subsample(mr):
    X, y = mr
    X_sub, _, y_sub, _ = train_test_split(X, y, train_size=N_SUBSAMPLE, stratify=y,
                                          random_state=0)
    # word2vec fitted once on every text of the experiment, reused by every round's model
    embedding = Word2VecEmbedding(random_state=0).fit(X_sub)
    return X_sub, y_sub, embedding


@pytest.mark.parametrize("Model", MODELS, ids=["textcnn", "bilstm"])
@pytest.mark.parametrize("strategy_name", STRATEGIES)
def test_ten_round_loop_on_mr(mr_subsample, Model, strategy_name):
    import skactive.strategies as strategies

    cls = getattr(strategies, strategy_name)
    X, y, embedding = mr_subsample
    params = {"random_state": 0} if "random_state" in cls().get_params() else {}
    params.update(FAST_PARAMS.get(strategy_name, {}))
    model = Model(embedding=embedding, max_epochs=2, target_loss=None, random_state=0)
    learner = ActiveLearner(model, cls(**params), X_training=X[:BATCH], y_training=y[:BATCH])
    pool = np.arange(BATCH, len(X))
    chosen, query_time = [], 0.0
    for _ in range(N_ROUNDS):
        start = time.perf_counter()
        idx, rows = learner.query(X[pool], n_instances=BATCH)
        query_time += time.perf_counter() - start
        assert len(np.unique(idx)) == BATCH and list(rows) == list(X[pool[idx]])
        learner.teach(X[pool[idx]], y[pool[idx]])
        chosen.extend(pool[idx])
        pool = np.delete(pool, idx)
    assert len(set(chosen)) == N_ROUNDS * BATCH  # never the same sentence twice
    assert len(learner.y_training_) == (N_ROUNDS + 1) * BATCH
    print(f"{strategy_name} / {Model.__name__}: {N_ROUNDS} queries {query_time:.1f} s, "
          f"accuracy on the remaining pool {learner.score(X[pool], y[pool]):.3f}")
