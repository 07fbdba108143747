"""Strategies that are reliable by construction: a random share, and learning which to follow."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skactive.strategies import EntropySampling, MarginSampling, RandomMixture, entropy


@pytest.fixture(scope="module")
def model_and_pool():
    X, y = make_classification(n_samples=400, n_features=6, random_state=0)
    return LogisticRegression().fit(X[:40], y[:40]), X[40:]


def test_mixture_without_random_share_is_the_strategy(model_and_pool):
    model, pool = model_and_pool
    idx, _ = RandomMixture(MarginSampling(), random_share=0.0, random_state=0)(model, pool, 15)
    expected, _ = MarginSampling()(model, pool, n_instances=15)
    np.testing.assert_array_equal(idx, expected)


def test_mixture_puts_the_strategy_first_then_random_rows(model_and_pool):
    model, pool = model_and_pool
    idx, _ = RandomMixture("entropy", random_share=0.4, random_state=3)(model, pool, 10)
    top, _ = EntropySampling()(model, pool, n_instances=6)
    np.testing.assert_array_equal(idx[:6], top)  # 0.4 * 10 is whole: exactly 4 random
    assert len(np.unique(idx)) == 10 and not set(idx[6:]) & set(top)
    # The random part is not the strategy's continuation: its rows score lower on average.
    scores = entropy(model.predict_proba(pool))
    assert scores[idx[6:]].mean() < np.sort(scores)[::-1][6:10].mean()


def test_mixture_share_holds_on_average_for_batches_of_one(model_and_pool):
    model, pool = model_and_pool
    top = EntropySampling()(model, pool, n_instances=1)[0][0]
    picks = [RandomMixture(random_share=0.3, random_state=seed)(model, pool, 1)[0][0]
             for seed in range(300)]
    share = np.mean(np.asarray(picks) != top)
    assert 0.22 < share < 0.38  # Binomial(300, 0.3 * (1 - 1/360)): 5 standard deviations


def test_mixture_is_seeded_and_leaves_its_strategy_untouched(model_and_pool):
    model, pool = model_and_pool
    inner = RandomMixture("random", random_state=None)
    first = RandomMixture(inner, random_share=0.5, random_state=7)(model, pool, 9)[0]
    again = RandomMixture(inner, random_share=0.5, random_state=7)(model, pool, 9)[0]
    np.testing.assert_array_equal(first, again)
    assert inner.get_params()["random_state"] is None


@pytest.mark.parametrize("share", [-0.1, 1.5, "half", True])
def test_mixture_refuses_a_bad_share(model_and_pool, share):
    model, pool = model_and_pool
    with pytest.raises(ValueError, match="random_share must be a number in"):
        RandomMixture(random_share=share)(model, pool, 2)


def test_mixture_refuses_a_bad_strategy(model_and_pool):
    model, pool = model_and_pool
    with pytest.raises(TypeError, match="strategy must be a strategy name"):
        RandomMixture(strategy=3)(model, pool, 2)
    with pytest.raises(ValueError, match="Unknown strategy 'entropi'"):
        RandomMixture(strategy="entropi")(model, pool, 2)
