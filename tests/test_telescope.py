"""End-to-end runs on the real Telescope data (../shared/datasets, shipped copy in the package)."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner, MLPClassifier
from skactive.datasets import load_telescope
from skactive.strategies import EntropySampling


@pytest.fixture(scope="module")
def telescope(shared_datasets):
    data = load_telescope()
    # The shipped copy is the shared file, row for row.
    raw = np.loadtxt(shared_datasets / "telescope" / "magic04.data", delimiter=",",
                     usecols=range(10))
    np.testing.assert_array_equal(data.data, raw)
    return train_test_split(data.data, data.target, test_size=0.2, stratify=data.target,
                            random_state=0)


def test_entropy_loop_on_telescope_pipeline(telescope, capsys):
    X_train, X_test, y_train, y_test = telescope
    rng = np.random.RandomState(0)
    labeled = rng.choice(len(X_train), size=200, replace=False)
    pool = np.setdiff1d(np.arange(len(X_train)), labeled)
    learner = ActiveLearner(
        make_pipeline(StandardScaler(), MLPClassifier(random_state=0)), EntropySampling(),
        X_training=X_train[labeled], y_training=y_train[labeled])
    aucs = []
    for round_ in range(10):
        auc = roc_auc_score(y_test == "h", learner.predict_proba(X_test)[:, 1])
        aucs.append(auc)
        query_idx, _ = learner.query(X_train[pool], n_instances=100)
        learner.teach(X_train[pool[query_idx]], y_train[pool[query_idx]])
        pool = np.delete(pool, query_idx)
    aucs.append(roc_auc_score(y_test == "h", learner.predict_proba(X_test)[:, 1]))
    with capsys.disabled():
        print("\nTelescope entropy loop AUC per round:", " ".join(f"{a:.3f}" for a in aucs))
    assert len(learner.y_training_) == 200 + 10 * 100
    assert len(pool) == len(X_train) - 1200
    assert aucs[0] > 0.75  # 200 random labels already train a useful model
    assert aucs[-1] > aucs[0] and aucs[-1] > 0.85


def test_grid_search_over_pipeline_on_telescope(telescope):
    X_train, _, y_train, _ = telescope
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=30, random_state=0))
    grid = GridSearchCV(
        pipe,
        {"mlpclassifier__hidden_layer_sizes": [(16, 8), (32,)],
         "mlpclassifier__learning_rate": [0.01, 0.003]},
        cv=3, scoring="roc_auc",
    ).fit(X_train[:1500], y_train[:1500])
    assert grid.cv_results_["mean_test_score"].shape == (4,)
    assert grid.best_score_ > 0.8
