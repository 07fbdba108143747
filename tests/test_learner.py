"""ActiveLearner: modAL's loop and semantics, scikit-learn's meta-estimator conventions."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner, MLPClassifier
from skactive.strategies import EntropySampling, RandomSampling, uncertainty_sampling


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=400, n_features=5, n_informative=3, random_state=0)
    return X, y


def test_modal_documented_pool_loop_runs_unchanged(data):
    # modAL's "pool-based sampling" tutorial loop, with only the import changed.
    X_raw, y_raw = data
    rng = np.random.RandomState(0)
    training_indices = rng.randint(low=0, high=X_raw.shape[0], size=5)
    X_train, y_train = X_raw[training_indices], y_raw[training_indices]
    X_pool = np.delete(X_raw, training_indices, axis=0)
    y_pool = np.delete(y_raw, training_indices, axis=0)
    learner = ActiveLearner(estimator=KNeighborsClassifier(n_neighbors=3),
                            X_training=X_train, y_training=y_train)
    predictions = learner.predict(X_raw)
    assert predictions.shape == y_raw.shape
    performance_history = [learner.score(X_raw, y_raw)]
    for index in range(20):
        query_index, query_instance = learner.query(X_pool)
        X, y = X_pool[query_index].reshape(1, -1), y_pool[query_index].reshape(1, )
        learner.teach(X=X, y=y)
        X_pool, y_pool = np.delete(X_pool, query_index, axis=0), np.delete(y_pool, query_index)
        performance_history.append(learner.score(X_raw, y_raw))
    assert len(learner.y_training_) == 25
    assert max(performance_history) > performance_history[0]


def test_labels_are_the_union_of_what_was_taught_in_order(data):
    X, y = data
    learner = ActiveLearner(LogisticRegression(), X_training=X[:4], y_training=y[:4])
    for start in (4, 10, 30):
        learner.teach(X[start:start + 6], y[start:start + 6])
    expected = np.r_[0:4, 4:10, 10:16, 30:36]
    np.testing.assert_array_equal(learner.X_training_, X[expected])
    np.testing.assert_array_equal(learner.y_training_, y[expected])
    np.testing.assert_array_equal(learner.X_training, X[:4])  # the parameter is untouched


def test_labels_kept_with_dataframes_and_lists(data):
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcde"))
    labels = pd.Series(np.array(["no", "yes"])[y])
    learner = ActiveLearner(LogisticRegression(), X_training=frame.iloc[:6],
                            y_training=labels.iloc[:6])
    learner.teach(frame.iloc[50:53], labels.iloc[50:53])
    learner.teach(X[60:62], ["yes", "no"])  # plain arrays join a DataFrame labeled set
    assert list(learner.X_training_.columns) == list("abcde")
    np.testing.assert_array_equal(learner.X_training_.to_numpy(), X[np.r_[0:6, 50:53, 60:62]])
    assert learner.y_training_.tolist() == labels.iloc[:6].tolist() + \
        labels.iloc[50:53].tolist() + ["yes", "no"]
    idx, rows = learner.query(frame.iloc[100:150], n_instances=3)
    assert isinstance(rows, pd.DataFrame) and len(rows) == 3

    lst = ActiveLearner(LogisticRegression(), X_training=X[:6].tolist(), y_training=y[:6].tolist())
    lst.teach(X[6:8].tolist(), y[6:8].tolist())
    assert lst.X_training_ == X[:8].tolist() and lst.y_training_ == y[:8].tolist()


def test_labels_survive_a_failed_fit_on_one_class(data):
    X, y = data
    first = np.flatnonzero(y == 0)[:3]
    other = np.flatnonzero(y == 1)[:2]
    learner = ActiveLearner(MLPClassifier(max_epochs=2))
    with pytest.raises(ValueError, match="at least 2 classes"):
        learner.teach(X[first], y[first])
    assert len(learner.y_training_) == 3  # kept despite the failed fit
    learner.teach(X[other], y[other])
    np.testing.assert_array_equal(learner.y_training_, y[np.r_[first, other]])
    assert learner.estimator_.classes_.tolist() == [0, 1]


def test_lazy_fit_and_not_fitted_errors(data):
    X, y = data
    learner = ActiveLearner(LogisticRegression(), X_training=X[:10], y_training=y[:10])
    assert not hasattr(learner, "estimator_")
    learner.predict(X[:2])
    assert hasattr(learner, "estimator_")
    empty = ActiveLearner(LogisticRegression())
    for call in (lambda: empty.query(X), lambda: empty.predict(X), lambda: empty.score(X, y)):
        with pytest.raises(NotFittedError, match="no labeled data"):
            call()
    with pytest.raises(ValueError, match="without y_training"):
        ActiveLearner(LogisticRegression(), X_training=X[:10]).predict(X)
    with pytest.raises(ValueError, match="samples but y has"):
        learner.teach(X[:3], y[:2])


def test_teach_only_new_and_bootstrap(data):
    X, y = data
    learner = ActiveLearner(LogisticRegression(), X_training=X[:20], y_training=y[:20])
    learner.teach(X[20:40], y[20:40], only_new=True)
    only_new = LogisticRegression().fit(X[20:40], y[20:40])
    np.testing.assert_allclose(learner.estimator_.coef_, only_new.coef_)
    assert len(learner.y_training_) == 40
    boot = ActiveLearner(LogisticRegression(), X_training=X[:50], y_training=y[:50],
                         bootstrap_init=True, random_state=0)
    boot.predict(X[:1])
    full = LogisticRegression().fit(X[:50], y[:50])
    assert not np.allclose(boot.estimator_.coef_, full.coef_)


def test_query_return_metrics_and_strategy_output_checks(data):
    X, y = data
    learner = ActiveLearner(LogisticRegression(), EntropySampling(), X[:20], y[:20])
    idx, rows, metrics = learner.query(X[20:], n_instances=4, return_metrics=True)
    np.testing.assert_array_equal(rows, X[20:][idx])
    np.testing.assert_allclose(metrics, EntropySampling().score_samples(learner, X[20:])[idx])
    bare = ActiveLearner(LogisticRegression(), lambda clf, pool, n_instances=1: [3, 3], X[:20],
                         y[:20])
    with pytest.raises(ValueError, match="repeated"):
        bare.query(X[20:])
    outside = ActiveLearner(LogisticRegression(), lambda c, p, n_instances=1: ([500], None),
                            X[:20], y[:20])
    with pytest.raises(ValueError, match="outside the pool"):
        outside.query(X[20:40])
    floats = ActiveLearner(LogisticRegression(), lambda c, p, n_instances=1: (np.array([0.5]), 1),
                           X[:20], y[:20])
    with pytest.raises(TypeError, match="integer"):
        floats.query(X[20:40])


def test_default_strategy_is_least_confidence(data):
    X, y = data
    learner = ActiveLearner(LogisticRegression(), X_training=X[:20], y_training=y[:20])
    idx, _ = learner.query(X[20:], n_instances=5)
    expected, _ = uncertainty_sampling(learner, X[20:], n_instances=5)
    np.testing.assert_array_equal(idx, expected)


def test_random_state_forwarded_to_estimator(data):
    X, y = data
    a = ActiveLearner(MLPClassifier(max_epochs=3), X_training=X[:30], y_training=y[:30],
                      random_state=5)
    b = clone(a)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.estimator_.random_state == 5
    assert a.estimator.random_state is None  # the parameter is untouched
    explicit = ActiveLearner(MLPClassifier(max_epochs=3, random_state=1), X_training=X[:30],
                             y_training=y[:30], random_state=5)
    assert explicit.fit(X[:30], y[:30]).estimator_.random_state == 1


def test_pipeline_estimator_and_transform_without_estimating(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=5, random_state=0))
    learner = ActiveLearner(pipe, EntropySampling(), X_training=X[:30], y_training=y[:30])
    idx, _ = learner.query(X[30:], n_instances=3)
    assert len(idx) == 3
    scaler = StandardScaler().fit(X[:30])
    np.testing.assert_allclose(learner.transform_without_estimating(X[:5]), scaler.transform(X[:5]))


def test_meta_estimator_params_clone_and_grid_search(data):
    X, y = data
    learner = ActiveLearner(MLPClassifier(max_epochs=5), RandomSampling(random_state=0),
                            random_state=0)
    params = learner.get_params()
    assert params["estimator__max_epochs"] == 5
    assert params["query_strategy__random_state"] == 0
    cloned = clone(learner)
    assert cloned.query_strategy is not learner.query_strategy
    grid = GridSearchCV(learner, {"estimator__hidden_layer_sizes": [(4,), (8,)]}, cv=2)
    grid.fit(X[:200], y[:200])
    assert grid.best_estimator_.estimator_.hidden_layer_sizes in [(4,), (8,)]
    assert len(grid.best_estimator_.y_training_) == 200
