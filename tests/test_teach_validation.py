"""ActiveLearner.teach and fit: bad samples are refused before they touch the labeled set.

Each bad input of the issue is a case; a property test (hypothesis) drives random sequences of
good and bad teach calls and checks the labeled set is always exactly the concatenation of the
calls that were accepted.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skactive import ActiveLearner, MLPClassifier, TextCNNClassifier
from skactive.exceptions import RefitError
from skactive.strategies import EntropySampling

X_ALL, Y_ALL = make_classification(n_samples=200, n_features=4, random_state=0)


def with_nan(X):
    X = X.astype(float).copy()
    X[0, 1] = np.nan
    return X


def with_inf(X):
    X = X.astype(float).copy()
    X[-1, 0] = np.inf
    return X


def with_string(X):
    X = X.astype(object).copy()
    X[0, 2] = "abc"
    return X


# (name, make bad (X, y) from good (X, y), error type, message fragment)
BAD = [
    ("nan in X", lambda X, y: (with_nan(X), y), ValueError, "NaN"),
    ("inf in X", lambda X, y: (with_inf(X), y), ValueError, "infinity"),
    ("string in X", lambda X, y: (with_string(X), y), ValueError, "finite number"),
    ("wrong width", lambda X, y: (X[:, :3], y), ValueError, "3 features"),
    ("1-D X", lambda X, y: (X[0], y[:1]), ValueError, "2-D"),
    ("nan label", lambda X, y: (X, np.r_[y[:-1], np.nan]), ValueError, "needs a label"),
    ("None label", lambda X, y: (X, [*y[:-1].tolist(), None]), ValueError, "needs a label"),
    ("string labels", lambda X, y: (X, y.astype(str)), TypeError, "same type"),
    ("mixed labels", lambda X, y: (X, [*y[:-1].tolist(), "a"]), TypeError, "mixes"),
    ("continuous labels", lambda X, y: (X, y + 0.5), ValueError, "continuous"),
    ("2-D y", lambda X, y: (X, np.c_[y, y]), ValueError, "1-D"),
    ("short y", lambda X, y: (X, y[:-1]), ValueError, "one label per sample"),
    ("no y", lambda X, y: (X, None), ValueError, "y is None"),
    ("no X", lambda X, y: (None, y), ValueError, "X is None"),
]


def snapshot(learner):
    return np.array(learner.X_training_, copy=True), np.array(learner.y_training_, copy=True)


@pytest.mark.parametrize("name, corrupt, error, match", BAD, ids=[b[0] for b in BAD])
def test_bad_teach_is_refused_and_changes_nothing(name, corrupt, error, match):
    learner = ActiveLearner(LogisticRegression(), EntropySampling(), X_training=X_ALL[:10],
                            y_training=Y_ALL[:10])
    learner.teach(X_ALL[10:14], Y_ALL[10:14])
    X_before, y_before = snapshot(learner)
    model = learner.estimator_
    with pytest.raises(error, match=match):
        learner.teach(*corrupt(X_ALL[20:23], Y_ALL[20:23]))
    assert_array_equal(learner.X_training_, X_before)
    assert_array_equal(learner.y_training_, y_before)
    assert learner.y_training_.dtype == Y_ALL.dtype
    assert learner.estimator_ is model
    learner.teach(X_ALL[30:32], Y_ALL[30:32])  # still usable
    assert learner.classes_.tolist() == [0, 1]
    assert len(learner.query(X_ALL[100:], n_instances=2)[0]) == 2


def test_bad_first_teach_on_constructor_data_changes_nothing():
    learner = ActiveLearner(LogisticRegression(), X_training=X_ALL[:10], y_training=Y_ALL[:10])
    with pytest.raises(ValueError, match="3 features"):
        learner.teach(X_ALL[10:12, :3], Y_ALL[10:12])
    assert "X_training_" not in learner.__dict__
    bad_init = ActiveLearner(LogisticRegression(), X_training=with_nan(X_ALL[:10]),
                             y_training=Y_ALL[:10])
    with pytest.raises(ValueError, match="X_training/y_training given to ActiveLearner"):
        bad_init.teach(X_ALL[10:12], Y_ALL[10:12])
    with pytest.raises(ValueError, match="X_training/y_training given to ActiveLearner"):
        bad_init.predict(X_ALL[:2])
    assert "X_training_" not in bad_init.__dict__


def test_column_vector_y_is_raveled_with_a_warning():
    from sklearn.exceptions import DataConversionWarning

    learner = ActiveLearner(LogisticRegression(), X_training=X_ALL[:10], y_training=Y_ALL[:10])
    with pytest.warns(DataConversionWarning):
        learner.teach(X_ALL[10:13], Y_ALL[10:13].reshape(-1, 1))
    assert_array_equal(learner.y_training_, Y_ALL[:13])


def test_integral_float_labels_keep_integer_classes():
    learner = ActiveLearner(LogisticRegression(), X_training=X_ALL[:10], y_training=Y_ALL[:10])
    learner.teach(X_ALL[10:12], Y_ALL[10:12].astype(float))
    assert learner.y_training_.dtype == Y_ALL.dtype
    assert learner.classes_.dtype == Y_ALL.dtype


def test_dataframe_columns_and_missing_values_allowed_by_the_estimator():
    frame = pd.DataFrame(X_ALL, columns=list("abcd"))
    learner = ActiveLearner(LogisticRegression(), X_training=frame.iloc[:10],
                            y_training=Y_ALL[:10])
    with pytest.raises(ValueError, match="columns"):
        learner.teach(frame.iloc[10:12][list("abdc")], Y_ALL[10:12])
    assert "X_training_" not in learner.__dict__
    # HistGradientBoosting accepts NaN (its tags say so): missing values are not refused
    from sklearn.ensemble import HistGradientBoostingClassifier

    hgb = ActiveLearner(HistGradientBoostingClassifier(max_iter=5), X_training=X_ALL[:20],
                        y_training=Y_ALL[:20])
    hgb.teach(with_nan(X_ALL[20:22]), Y_ALL[20:22])
    assert len(hgb.y_training_) == 22


class DuckClassifier:
    """A classifier with scikit-learn's methods but none of its tags (as modAL users may have)."""

    def get_params(self, deep=True):
        return {}

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))

    def predict(self, X):
        return self.classes_[np.zeros(len(X), dtype=int)]


def test_duck_typed_estimator_without_tags():
    learner = ActiveLearner(DuckClassifier(), X_training=X_ALL[:4], y_training=Y_ALL[:4])
    learner.teach(X_ALL[4:6], Y_ALL[4:6])
    with pytest.raises(ValueError, match="NaN"):
        learner.teach(with_nan(X_ALL[6:8]), Y_ALL[6:8])
    assert len(learner.y_training_) == 6


def test_text_learner_refuses_none_and_non_texts():
    texts = np.array(["good fun film", "bad dull plot", "fun and good", "dull bad acting"] * 3,
                     dtype=object)
    y = np.array([1, 0, 1, 0] * 3)
    learner = ActiveLearner(make_pipeline(TfidfVectorizer(), LogisticRegression()),
                            X_training=texts[:4], y_training=y[:4])
    learner.teach(texts[4:6], y[4:6])
    before = list(learner.X_training_)
    for bad in (["fine film", None], ["fine", np.nan], [["two", "d"], ["x", "y"]], "one text"):
        with pytest.raises(ValueError, match="text"):
            learner.teach(bad, [1, 0])
        assert list(learner.X_training_) == before
    cnn = ActiveLearner(TextCNNClassifier(embedding="random", embedding_dim=4, n_filters=2,
                                          filter_sizes=(2,), max_epochs=1, random_state=0))
    with pytest.raises(ValueError, match="not a text"):
        cnn.teach(["good", None], [1, 0])
    assert "X_training_" not in cnn.__dict__
    cnn.teach(texts[:4], y[:4])
    assert list(cnn.X_training_) == list(texts[:4])


def test_failed_refit_keeps_labels_says_so_and_recovers():
    learner = ActiveLearner(LogisticRegression())
    zeros = np.flatnonzero(Y_ALL == 0)[:3]
    with pytest.raises(RefitError, match="3 new labels were added") as info:
        learner.teach(X_ALL[zeros], Y_ALL[zeros])
    assert isinstance(info.value.__cause__, ValueError)
    assert "estimator_" not in learner.__dict__
    assert_array_equal(learner.y_training_, Y_ALL[zeros])
    ones = np.flatnonzero(Y_ALL == 1)[:2]
    learner.teach(X_ALL[ones], Y_ALL[ones])
    assert_array_equal(learner.y_training_, Y_ALL[np.r_[zeros, ones]])


def test_query_after_failed_refit_refits_on_the_whole_labeled_set():
    learner = ActiveLearner(LogisticRegression(), X_training=X_ALL[:10], y_training=Y_ALL[:10])
    learner.predict(X_ALL[:1])
    learner.estimator = LogisticRegression(C=-1.0)  # invalid: every refit fails
    with pytest.raises(RefitError):
        learner.teach(X_ALL[10:15], Y_ALL[10:15])
    assert len(learner.y_training_) == 15
    learner.estimator = LogisticRegression()
    learner.query(X_ALL[50:])
    assert_array_equal(learner.estimator_.coef_,
                       LogisticRegression().fit(X_ALL[:15], Y_ALL[:15]).coef_)


def test_failed_learner_fit_keeps_previous_state():
    learner = ActiveLearner(LogisticRegression()).fit(X_ALL[:10], Y_ALL[:10])
    model = learner.estimator_
    with pytest.raises(ValueError, match="NaN"):
        learner.fit(with_nan(X_ALL[10:20]), Y_ALL[10:20])
    zeros = np.flatnonzero(Y_ALL == 0)[:4]
    with pytest.raises(ValueError, match="class"):
        learner.fit(X_ALL[zeros], Y_ALL[zeros])  # valid samples, but fitting fails
    assert learner.estimator_ is model
    assert_array_equal(learner.y_training_, Y_ALL[:10])


# ---------------------------------------------------------------- property test
KINDS = [b[0] for b in BAD] + ["good"] * 6


def run_sequence(learner, calls):
    """Applies (kind, start, size) teach calls to a learner fitted on rows 190-199; returns the
    rows that must be in the labeled set."""
    kept = list(range(190, 200))
    learner.fit(X_ALL[kept], Y_ALL[kept])
    for kind, start, size in calls:
        rows = np.arange(start, start + size)
        X, y = X_ALL[rows], Y_ALL[rows]
        if kind != "good":
            X, y = dict((b[0], b[1]) for b in BAD)[kind](X, y)
        try:
            learner.teach(X, y)
        except RefitError:
            kept.extend(rows)  # valid labels stay even though the model could not be refitted
        except (ValueError, TypeError):
            assert kind != "good"
        else:
            assert kind == "good"
            kept.extend(rows)
        assert_array_equal(learner.X_training_, X_ALL[kept])
        assert_array_equal(learner.y_training_, Y_ALL[kept])
        assert learner.y_training_.dtype == Y_ALL.dtype
    return kept


calls = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 184), st.integers(1, 6)),
                 min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls)
def test_labeled_set_is_the_concatenation_of_accepted_teaches(calls):
    learner = ActiveLearner(LogisticRegression())
    run_sequence(learner, calls)
    assert len(learner.query(X_ALL, n_instances=1)[0]) == 1  # usable after any sequence


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls)
def test_labeled_set_property_with_mlp(calls):
    run_sequence(ActiveLearner(MLPClassifier(max_epochs=2, random_state=0)), calls)
