"""skactive inside modAL's own loop, and modAL's strategies on skactive's learner.

modAL-python 0.4.2.1 (its last release) needs scikit-learn < 1.6; CI runs this file in a second
environment with scikit-learn 1.5 and modAL installed with ``--no-deps``.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skactive
from skactive import MLPClassifier
from skactive.strategies import (
    EntropySampling,
    LeastConfidence,
    MarginSampling,
    RandomSampling,
    entropy_sampling,
    margin_sampling,
    uncertainty_sampling,
)

modal_models = pytest.importorskip("modAL.models", reason="modAL-python is not installed")
modal_uncertainty = pytest.importorskip("modAL.uncertainty")
modal_batch = pytest.importorskip("modAL.batch")


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=400, n_features=6, n_informative=4, random_state=0)


STRATEGIES = [EntropySampling(), LeastConfidence(), MarginSampling(), RandomSampling(random_state=0),
              uncertainty_sampling, margin_sampling, entropy_sampling]


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: getattr(s, "__name__", repr(s)))
def test_skactive_strategies_in_modal_learner(data, strategy):
    X, y = data
    learner = modal_models.ActiveLearner(
        estimator=make_pipeline(StandardScaler(), MLPClassifier(max_epochs=5, random_state=0)),
        query_strategy=strategy, X_training=X[:20], y_training=y[:20])
    pool_idx = np.arange(20, 400)
    for _ in range(3):
        query_idx, query_rows = learner.query(X[pool_idx], n_instances=5)
        assert len(set(np.asarray(query_idx).tolist())) == 5
        np.testing.assert_array_equal(query_rows, X[pool_idx][query_idx])
        learner.teach(X[pool_idx][query_idx], y[pool_idx][query_idx])
        pool_idx = np.delete(pool_idx, query_idx)
    assert learner.X_training.shape == (35, 6)
    # modAL's query unpacks (idx, metrics); our metrics arrive intact, not misread as indices.
    _, _, metrics = learner.query(X[pool_idx], n_instances=2, return_metrics=True)
    assert metrics is None or len(metrics) == 2


def test_modal_strategies_on_skactive_learner(data):
    X, y = data
    for strategy in (modal_uncertainty.uncertainty_sampling, modal_uncertainty.entropy_sampling,
                     modal_batch.uncertainty_batch_sampling):
        learner = skactive.ActiveLearner(MLPClassifier(max_epochs=5, random_state=0), strategy,
                                         X_training=X[:20], y_training=y[:20])
        query_idx, _ = learner.query(X[20:], n_instances=4)
        assert len(set(np.asarray(query_idx).tolist())) == 4
        learner.teach(X[20:][query_idx], y[20:][query_idx])
        assert len(learner.y_training_) == 24


def test_modal_and_skactive_learners_pick_the_same_samples(data):
    X, y = data
    make = lambda: MLPClassifier(max_epochs=5, random_state=0)  # noqa: E731
    theirs = modal_models.ActiveLearner(make(), modal_uncertainty.entropy_sampling, X[:20], y[:20])
    ours = skactive.ActiveLearner(make(), EntropySampling(), X[:20], y[:20])
    idx_theirs, _ = theirs.query(X[20:], n_instances=8)
    idx_ours, _ = ours.query(X[20:], n_instances=8)
    assert sorted(np.asarray(idx_theirs).tolist()) == sorted(idx_ours.tolist())
