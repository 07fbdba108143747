"""The CUDA path: training, prediction, readouts and every strategy on a GPU.

Skipped where torch sees no CUDA device (CI's machines); run on a GPU machine with
``python -m pytest tests/test_cuda.py``.
"""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification

from skactive import ActiveLearner, MLPClassifier, readouts
from skactive.strategies import get_strategy, strategy_names

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=600, n_features=8, n_informative=5, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    cpu = MLPClassifier(dropout=0.2, max_epochs=20, random_state=0).fit(X[:300], y[:300])
    gpu = MLPClassifier(dropout=0.2, max_epochs=20, random_state=0,
                        device="cuda").fit(X[:300], y[:300])
    return cpu, gpu


def test_gpu_model_lives_on_gpu_and_predicts_like_a_cpu_model(data, fitted):
    X, _ = data
    cpu, gpu = fitted
    assert next(gpu.module_.parameters()).is_cuda
    assert gpu.score(X, data[1]) > 0.8
    # Same weights on both devices give the same outputs (to float32 precision).
    clone_on_cpu = MLPClassifier(dropout=0.2, max_epochs=20, random_state=0).fit(X[:300],
                                                                               data[1][:300])
    clone_on_cpu.net_.module_.load_state_dict({k: v.cpu() for k, v in
                                               gpu.module_.state_dict().items()})
    np.testing.assert_allclose(gpu.predict_proba(X), clone_on_cpu.predict_proba(X), atol=1e-5)


@pytest.mark.parametrize("readout", ["logits", "penultimate_features", "input_gradients",
                                     "expected_gradient_norms"])
def test_readouts_on_gpu_match_the_same_weights_on_cpu(data, fitted, readout):
    X, y = data
    _, gpu = fitted
    twin = MLPClassifier(dropout=0.2, max_epochs=1, random_state=0).fit(X[:300], y[:300])
    twin.net_.module_.load_state_dict({k: v.cpu() for k, v in gpu.module_.state_dict().items()})
    np.testing.assert_allclose(getattr(readouts, readout)(gpu, X),
                               getattr(readouts, readout)(twin, X), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", strategy_names())
def test_every_strategy_queries_on_gpu(data, name):
    X, y = data
    strategy = get_strategy(name, random_state=0) if "random_state" in \
        get_strategy(name).get_params() else get_strategy(name)
    if name == "egl-word":
        pytest.skip("text-only strategy")
    learner = ActiveLearner(MLPClassifier(dropout=0.2, max_epochs=10, device="cuda",
                                          random_state=0), strategy, X[:100], y[:100])
    idx, _ = learner.query(X[100:], n_instances=20)
    assert len(np.unique(idx)) == 20
    learner.teach(X[100:][idx], y[100:][idx])
    assert len(learner.y_training_) == 120
