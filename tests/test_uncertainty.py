"""Uncertainty strategies against hand-computed values, and the shared selection rules."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skactive.strategies import (
    EntropySampling,
    LeastConfidence,
    MarginSampling,
    entropy,
    entropy_sampling,
    least_confidence,
    margin,
    margin_sampling,
    top_n,
    uncertainty_sampling,
)

PROBA = np.array([[0.7, 0.2, 0.1], [0.4, 0.35, 0.25], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])


def test_measures_match_hand_computation():
    np.testing.assert_allclose(least_confidence(PROBA), [0.3, 0.6, 0.0, 0.5])
    np.testing.assert_allclose(margin(PROBA), [0.5, 0.05, 1.0, 0.0], atol=1e-12)
    expected = [-(0.7 * np.log(0.7) + 0.2 * np.log(0.2) + 0.1 * np.log(0.1)),
                -(0.4 * np.log(0.4) + 0.35 * np.log(0.35) + 0.25 * np.log(0.25)),
                0.0, np.log(2)]
    np.testing.assert_allclose(entropy(PROBA), expected)


class FixedProba(ClassifierMixin, BaseEstimator):
    """A fitted 'classifier' returning given probabilities."""

    classes_ = np.array([0, 1, 2])

    def __init__(self, proba):
        self.proba = proba

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        return self.proba[: len(X)]

    def __sklearn_is_fitted__(self):
        return True


@pytest.mark.parametrize(
    "strategy, order",
    [(LeastConfidence(), [1, 3, 0, 2]), (MarginSampling(), [3, 1, 0, 2]),
     (EntropySampling(), [1, 0, 3, 2])],
)
def test_strategies_rank_by_their_measure(strategy, order):
    clf = FixedProba(PROBA)
    pool = np.zeros((4, 2))
    idx, scores = strategy(clf, pool, n_instances=4)
    assert idx.tolist() == order
    assert np.all(np.diff(scores) <= 0)
    np.testing.assert_allclose(scores, strategy.score_samples(clf, pool)[idx])


def test_modal_named_functions_return_modal_metrics():
    clf, pool = FixedProba(PROBA), np.zeros((4, 2))
    idx, values = margin_sampling(clf, pool, n_instances=2)
    assert idx.tolist() == [3, 1]
    np.testing.assert_allclose(values, [0.0, 0.05], atol=1e-12)
    idx, values = uncertainty_sampling(clf, pool, n_instances=1)
    assert idx.tolist() == [1] and values.tolist() == [pytest.approx(0.6)]
    idx, _ = entropy_sampling(clf, pool, n_instances=2)
    assert idx.tolist() == [1, 0]  # H = 1.08 and 0.80 nats; the 50/50 row has ln 2 = 0.69


def test_top_n_breaks_ties_by_position_and_random_tie_break_is_seeded():
    assert top_n(np.array([1.0, 3.0, 3.0, 2.0, 3.0]), 2).tolist() == [1, 2]
    assert top_n(np.array([0.0, 0.0, 0.0]), 3).tolist() == [0, 1, 2]
    flat = FixedProba(np.full((50, 3), 1 / 3))
    pool = np.zeros((50, 2))
    a, _ = uncertainty_sampling(flat, pool, n_instances=5, random_tie_break=True, random_state=1)
    b, _ = uncertainty_sampling(flat, pool, n_instances=5, random_tie_break=True, random_state=1)
    c, _ = uncertainty_sampling(flat, pool, n_instances=5, random_tie_break=True, random_state=2)
    assert a.tolist() == b.tolist() != c.tolist()
    with pytest.raises(ValueError, match="NaN"):
        top_n(np.array([0.1, np.nan]), 1)


def test_errors_for_bad_batches_and_pools():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    clf = LogisticRegression().fit(X, y)
    for strategy in (LeastConfidence(), uncertainty_sampling):
        with pytest.raises(ValueError, match="at least 1"):
            strategy(clf, X, n_instances=0)
        with pytest.raises(ValueError, match="larger than the pool"):
            strategy(clf, X[:3], n_instances=4)
        with pytest.raises(ValueError, match="empty"):
            strategy(clf, X[:0], n_instances=1)
        with pytest.raises(ValueError, match="features"):
            strategy(clf, X[:, :3], n_instances=1)


def test_same_selection_as_modal():
    modal_uncertainty = pytest.importorskip("modAL.uncertainty")
    X, y = make_classification(n_samples=300, n_features=4, n_classes=3, n_informative=3,
                               n_redundant=0, random_state=0)
    clf = LogisticRegression().fit(X[:40], y[:40])
    pool = X[40:]
    pairs = [(uncertainty_sampling, modal_uncertainty.uncertainty_sampling),
             (margin_sampling, modal_uncertainty.margin_sampling),
             (entropy_sampling, modal_uncertainty.entropy_sampling)]
    for ours, theirs in pairs:
        idx, values = ours(clf, pool, n_instances=10)
        ref_idx, ref_values = theirs(clf, pool, n_instances=10)
        assert sorted(idx.tolist()) == sorted(ref_idx.tolist())
        np.testing.assert_allclose(np.sort(values), np.sort(ref_values), rtol=1e-6)
