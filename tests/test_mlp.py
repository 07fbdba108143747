"""Behaviour of MLPClassifier beyond scikit-learn's generic checks."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetClassifier
from skorch.callbacks import Callback

from skactive import MLPClassifier


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=300, n_features=6, n_informative=4, random_state=0)


def test_fit_is_deterministic_and_leaves_global_rng_alone(data):
    X, y = data
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    p1 = MLPClassifier(max_epochs=5, random_state=7).fit(X, y).predict_proba(X)
    after = torch.rand(3)
    p2 = MLPClassifier(max_epochs=5, random_state=7).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(before, after)  # the global RNG stream continued untouched
    p3 = MLPClassifier(max_epochs=5, random_state=8).fit(X, y).predict_proba(X)
    assert not np.allclose(p1, p3)


def test_thread_setting_is_scoped(data):
    X, y = data
    previous = torch.get_num_threads()
    seen = []

    class Probe(Callback):
        def on_epoch_end(self, net, **kwargs):
            seen.append(torch.get_num_threads())

    MLPClassifier(max_epochs=2, n_iter_no_change=None, callbacks=[Probe()]).fit(X, y)
    assert seen == [1, 1]  # a small module trains on one thread
    assert torch.get_num_threads() == previous
    seen.clear()
    MLPClassifier(max_epochs=1, n_threads=2, callbacks=[Probe()]).fit(X, y)
    assert seen == [2]
    assert torch.get_num_threads() == previous


def test_string_labels_and_dataframe(data):
    X, y = data
    labels = np.array(["spam", "ham"])[y]
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = MLPClassifier(max_epochs=20, random_state=0).fit(frame, labels)
    assert clf.classes_.tolist() == ["ham", "spam"]
    assert clf.feature_names_in_.tolist() == list(frame.columns)
    assert set(clf.predict(frame)) <= {"ham", "spam"}
    assert clf.score(frame, labels) > 0.8


def test_predict_proba_is_softmax_of_logits_and_sums_to_one(data):
    X, y = data
    clf = MLPClassifier(max_epochs=5, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    logits = clf.logits(X)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, expected, rtol=1e-12)
    np.testing.assert_allclose(clf.decision_function(X), logits[:, 1] - logits[:, 0])
    # The float64 prediction path agrees with the float32 module to float32 precision.
    with torch.no_grad():
        direct = torch.softmax(clf.module_(torch.tensor(X, dtype=torch.float32)), 1).numpy()
    np.testing.assert_allclose(proba, direct, atol=1e-5)


def test_skorch_net_is_reachable(data):
    X, y = data
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_epochs=3, n_iter_no_change=None).fit(X, y)
    assert isinstance(clf.net_, NeuralNetClassifier)
    assert len(clf.net_.history) == clf.n_iter_ == 3
    assert clf.module_.head.in_features == 5
    assert len(clf.loss_curve_) == 3


def test_early_stopping_holds_out_validation_and_stops(data):
    X, y = data
    clf = MLPClassifier(early_stopping=True, n_iter_no_change=3, max_epochs=500,
                        random_state=0).fit(X, y)
    assert clf.n_iter_ < 500
    assert "valid_loss" in clf.net_.history[-1]
    no_split = MLPClassifier(max_epochs=2, random_state=0).fit(X, y)
    assert "valid_loss" not in no_split.net_.history[-1]  # no labels silently held out


def test_dropout_layers_only_when_asked(data):
    X, y = data
    with_dropout = MLPClassifier(dropout=0.3, max_epochs=1).fit(X, y)
    assert any(isinstance(m, torch.nn.Dropout) for m in with_dropout.module_.modules())
    plain = MLPClassifier(dropout=0.0, max_epochs=1).fit(X, y)
    assert not any(isinstance(m, torch.nn.Dropout) for m in plain.module_.modules())


@pytest.mark.parametrize(
    "params, message",
    [
        ({"hidden_layer_sizes": (16, 0)}, "hidden_layer_sizes"),
        ({"dropout": 1.0}, "dropout"),
        ({"learning_rate": -1}, "learning_rate"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"optimizer": "lbfgs-ish"}, "Unknown optimizer"),
        ({"validation_fraction": 1.5}, "validation_fraction"),
        ({"n_threads": 0}, "n_threads"),
    ],
)
def test_bad_parameters_raise_clear_errors(data, params, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        MLPClassifier(**{"max_epochs": 1, **params}).fit(X, y)


def test_bad_input_errors(data):
    X, y = data
    clf = MLPClassifier(max_epochs=1)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_nan, y)
    with pytest.raises(ValueError, match="2 classes"):
        clf.fit(X, np.zeros(len(X)))
    clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :4])
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(X_nan)
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X, np.linspace(0, 1, len(X)))


def test_pickle_and_clone_round_trip(data):
    X, y = data
    clf = MLPClassifier(max_epochs=3, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    fresh = clone(clf)
    assert not hasattr(fresh, "net_")
    assert fresh.get_params() == clf.get_params()


def test_pipeline_and_grid_search(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=10, random_state=0))
    grid = GridSearchCV(
        pipe,
        {"mlpclassifier__hidden_layer_sizes": [(4,), (16, 8)],
         "mlpclassifier__learning_rate": [0.01, 0.001]},
        cv=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_estimator_.score(X, y) > 0.8


def test_multiclass(data):
    X, y = make_classification(n_samples=300, n_features=6, n_informative=4, n_classes=3,
                               random_state=1)
    clf = MLPClassifier(random_state=0).fit(X, y)
    assert clf.predict_proba(X).shape == (300, 3)
    assert clf.decision_function(X).shape == (300, 3)
    assert clf.score(X, y) > 0.8
