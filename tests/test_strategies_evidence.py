"""Strategies that are reliable by construction: a random share, and learning which to follow."""

import numpy as np
import pandas as pd
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


# --------------------------------------------------------------------- learning by learning
def _albl_loop(albl, n_rounds=5, batch=8, seed=0):
    """Run ``albl`` in a loop; return what a brute-force replay needs at every round."""
    from skactive import ActiveLearner

    X, y = make_classification(n_samples=260, n_features=5, flip_y=0.1, random_state=seed)
    learner = ActiveLearner(LogisticRegression(), albl, X_training=X[:20], y_training=y[:20])
    pool = np.arange(20, len(X))
    rounds = []
    for _ in range(n_rounds):
        margin_picks = MarginSampling()(learner, X[pool], n_instances=batch)[0]
        entropy_picks = EntropySampling()(learner, X[pool], n_instances=batch)[0]
        idx, _, q_chosen = learner.query(X[pool], n_instances=batch, return_metrics=True)
        predicted = learner.predict(X[pool[idx]])
        rounds.append({"advice": [margin_picks, entropy_picks], "idx": idx, "q": q_chosen,
                       "n_pool": len(pool), "predicted": predicted, "truth": y[pool[idx]],
                       "log_weights": albl.log_weights_.copy()})
        learner.teach(X[pool[idx]], y[pool[idx]])
        pool = np.delete(pool, idx)
    return rounds


def test_albl_rewards_and_weights_match_a_replay_by_hand():
    from skactive.strategies import ActiveLearningByLearning

    gamma, batch = 0.3, 8
    albl = ActiveLearningByLearning(["margin", "entropy"], exploration=gamma, random_state=1)
    rounds = _albl_loop(albl, batch=batch)
    assert albl.arm_names_ == ["margin", "entropy", "random"]
    n_arms = 3
    expected_rewards, log_weights = [], np.zeros(n_arms)
    for t, r in enumerate(rounds):
        if t >= 1:  # the labels of batch t - 1 score the model that chose it
            prev = rounds[t - 1]
            w = 1.0 / np.minimum(1.0, batch * prev["q"])
            reward = np.sum(w * (prev["predicted"] == prev["truth"])) / np.sum(w)
            expected_rewards.append(reward)
            if t >= 2:  # ... and credit the arms that chose batch t - 2
                before = rounds[t - 2]
                credit = np.empty(n_arms)
                for k, picks in enumerate(before["advice"]):
                    credit[k] = np.mean(np.isin(before["idx"], picks) / batch / before["q"])
                credit[2] = np.mean(1.0 / before["n_pool"] / before["q"])
                log_weights = log_weights + gamma / n_arms * reward * credit
                log_weights -= log_weights.max()
        np.testing.assert_allclose(r["log_weights"], log_weights, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(albl.rewards_, expected_rewards, rtol=1e-12)
    assert len(albl.rewards_) == len(rounds) - 1 and albl.n_queries_ == len(rounds)


def test_albl_draws_from_a_distribution_that_keeps_every_row_possible():
    from skactive.strategies import ActiveLearningByLearning

    albl = ActiveLearningByLearning(["margin"], exploration=0.1, random_state=0)
    rounds = _albl_loop(albl, n_rounds=3)
    p = albl.arm_probabilities_
    assert p.sum() == pytest.approx(1.0) and (p >= 0.1 / 2 - 1e-12).all()
    for r in rounds:
        # the random arm alone gives each row at least exploration / n_arms / n_pool
        assert (r["q"] >= 0.1 / 2 / r["n_pool"] - 1e-15).all()
        assert len(np.unique(r["idx"])) == len(r["idx"])


def test_albl_same_seed_same_picks_and_clone_starts_afresh():
    from sklearn.base import clone

    from skactive.strategies import ActiveLearningByLearning

    albl = ActiveLearningByLearning(["margin", "entropy"], random_state=4)
    first = [r["idx"] for r in _albl_loop(albl, n_rounds=3)]
    again = [r["idx"] for r in _albl_loop(clone(albl), n_rounds=3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not hasattr(clone(albl), "log_weights_")


@pytest.mark.parametrize("params, message", [
    ({"strategies": "margin"}, "strategies must be a list"),
    ({"strategies": []}, "strategies is empty"),
    ({"exploration": 0.0}, r"exploration must be a number in \(0, 1\]"),
    ({"exploration": 2}, r"exploration must be a number in \(0, 1\]"),
])
def test_albl_refuses_bad_parameters(params, message):
    from skactive import ActiveLearner
    from skactive.strategies import ActiveLearningByLearning

    X, y = make_classification(n_samples=60, random_state=0)
    learner = ActiveLearner(LogisticRegression(), X_training=X[:20], y_training=y[:20])
    with pytest.raises((TypeError, ValueError), match=message):
        ActiveLearningByLearning(**params)(learner, X[20:], n_instances=2)


def test_albl_needs_the_labeled_set():
    from skactive.strategies import ActiveLearningByLearning

    X, y = make_classification(n_samples=60, random_state=0)
    with pytest.raises(TypeError, match="labeled set"):
        ActiveLearningByLearning(["margin"])(LogisticRegression().fit(X, y), X, n_instances=2)


def _curves(results):
    timing = ["fit_seconds", "query_seconds"]
    return results.drop(columns=timing).sort_values(["strategy", "round"]).reset_index(drop=True)


@pytest.mark.parametrize("stateful", ["albl", "random-until-trusted"])
def test_runner_resumes_a_stateful_strategy_by_rerunning_its_curve(tmp_path, stateful):
    import json

    from skactive.datasets import make_sigmoid
    from skactive.experiment import Dataset, run_experiment
    from skactive.strategies import ActiveLearningByLearning, RandomUntilTrusted

    assert ActiveLearningByLearning.stateful and RandomUntilTrusted.stateful
    assert not RandomMixture.stateful
    X, y = make_sigmoid(300, random_state=0)
    data = Dataset("sigmoid", X, y)
    settings = dict(initial=0.1, step=0.1, model_params={"max_epochs": 3}, progress=False)
    whole = run_experiment(data, ["random", stateful], until=0.5, out=tmp_path / "whole",
                           **settings)
    # extended: the first run stops at 30%, the resumed one goes on to 50%
    run_experiment(data, ["random", stateful], until=0.3, out=tmp_path / "grown", **settings)
    grown = run_experiment(data, ["random", stateful], until=0.5, resume=True,
                           out=tmp_path / "grown", **settings)
    pd.testing.assert_frame_equal(_curves(grown), _curves(whole))
    # interrupted part way: the files hold rounds 0-2 of the stateful curve only
    cut = tmp_path / "cut"
    run_experiment(data, ["random", stateful], until=0.5, out=cut, **settings)
    rows = pd.read_csv(cut / "results.csv")
    rows[(rows["strategy"] != stateful) | (rows["round"] <= 2)].to_csv(
        cut / "results.csv", index=False)
    records = [json.loads(line) for line in (cut / "labeled.jsonl").read_text().splitlines()]
    kept = [r for r in records if r["strategy"] != stateful or r["round"] <= 2]
    (cut / "labeled.jsonl").write_text("".join(json.dumps(r) + "\n" for r in kept))
    resumed = run_experiment(data, ["random", stateful], until=0.5, resume=True, out=cut,
                             **settings)
    pd.testing.assert_frame_equal(_curves(resumed), _curves(whole))
    assert len(resumed) == len(whole)  # the rerun rounds are checked, not written twice
    assert (cut / "labeled.jsonl").read_text().count(f'"{stateful}"') == 5
    # a record the rerun does not reproduce is refused, and the files stay as they were
    records = [json.loads(line) for line in (cut / "labeled.jsonl").read_text().splitlines()]
    for r in records:
        if r["strategy"] == stateful and r["round"] == 1:
            r["added"][0] = next(i for i in range(300) if i not in r["added"])
    (cut / "labeled.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    rows = rows[(rows["strategy"] != stateful) | (rows["round"] <= 2)]
    rows.to_csv(cut / "results.csv", index=False)
    before = {p.name: p.read_bytes() for p in cut.iterdir() if p.is_file()}
    with pytest.raises(ValueError, match=f"the strategy '{stateful}', its round 1 labeled "
                                         "other samples than .*labeled.jsonl records"):
        run_experiment(data, ["random", stateful], until=0.5, resume=True, out=cut, **settings)
    assert {p.name: p.read_bytes() for p in cut.iterdir() if p.is_file()
            if p.name in before} == before


def test_albl_reward_reads_the_latest_label_of_a_row_taught_twice():
    from skactive.strategies._albl import ActiveLearningByLearning as ALBL
    from skactive.strategies._heldout import row_keys

    X_labeled = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]])
    y_labeled = np.array([0, 1, 1])  # row [1, 2] relabeled 0 -> 1
    record = {"keys": row_keys(np.array([[1, 2], [3, 4], [9, 9]])),  # ints match floats
              "predicted": np.array([1, 0, 1]), "inclusion": np.array([0.5, 0.25, 1.0])}
    # rows [1, 2] (label 1, right, weight 2) and [3, 4] (label 1, wrong, weight 4); [9, 9] unseen
    assert ALBL._importance_weighted_accuracy(record, X_labeled, y_labeled) == pytest.approx(2 / 6)


def test_auto_names_the_registry_default_everywhere():
    from skactive.strategies import (
        AUTO_STRATEGY, canonical_strategy_name, get_strategy, strategy_names,
    )

    assert AUTO_STRATEGY in strategy_names()
    assert canonical_strategy_name("AUTO") == AUTO_STRATEGY
    assert get_strategy("auto", random_state=4).get_params() == get_strategy(
        AUTO_STRATEGY, random_state=4).get_params()
    with pytest.raises(ValueError, match="choose from: auto, random"):
        canonical_strategy_name("automatic")


# ------------------------------------------------------------------ random until trusted
def _gate_loop(gate, n_rounds=5, batch=30, seed=0, n_classes=2, class_sep=1.0):
    """Run ``gate`` in a loop; keep what a replay by hand needs at every round."""
    from skactive import ActiveLearner

    X, y = make_classification(n_samples=20 + n_rounds * batch + 100, n_features=6,
                               n_informative=4, n_classes=n_classes, class_sep=class_sep,
                               flip_y=0.05, random_state=seed)
    learner = ActiveLearner(LogisticRegression(), gate, X_training=X[:20], y_training=y[:20])
    pool = np.arange(20, len(X))
    rounds = []
    for _ in range(n_rounds):
        proba = learner.predict_proba(X[pool])
        margin_picks = MarginSampling()(learner, X[pool], n_instances=batch)[0]
        idx = learner.query(X[pool], n_instances=batch)[0]
        rounds.append({"idx": idx, "proba": proba[idx], "truth": y[pool[idx]],
                       "margin": margin_picks, "trusted": gate.trusted_,
                       "auc": gate.heldout_auc_})
        learner.teach(X[pool[idx]], y[pool[idx]])
        pool = np.delete(pool, idx)
    return rounds


@pytest.mark.parametrize("class_sep, min_auc, switches", [(1.5, 0.8, True), (1.0, 0.8, False)])
def test_until_trusted_measures_the_model_on_its_random_batches_then_follows_the_strategy(
        class_sep, min_auc, switches):
    from sklearn.metrics import roc_auc_score

    from skactive.strategies import RandomUntilTrusted

    gate = RandomUntilTrusted("margin", min_auc=min_auc, min_heldout=50, random_state=0)
    rounds = _gate_loop(gate, n_rounds=6, batch=30, class_sep=class_sep)
    switched = next((t for t, r in enumerate(rounds) if r["trusted"]), len(rounds) - 1)
    assert gate.trusted_ == switches and switched >= 2  # 30 rows per batch: two make 50
    for t, r in enumerate(rounds):
        if t < 2:
            assert np.isnan(r["auc"]) and not r["trusted"]
            continue
        if t <= switched:  # the newest random batches holding 50 rows, by hand
            proba = np.concatenate([rounds[t - 1]["proba"], rounds[t - 2]["proba"]])
            truth = np.concatenate([rounds[t - 1]["truth"], rounds[t - 2]["truth"]])
            assert r["auc"] == pytest.approx(roc_auc_score(truth, proba[:, 1]), abs=1e-12)
            assert r["trusted"] == (r["auc"] >= min_auc)
        if r["trusted"]:  # from the switch on, the picks are the strategy's
            np.testing.assert_array_equal(np.sort(r["idx"]), np.sort(r["margin"]))
        else:
            assert not np.array_equal(np.sort(r["idx"]), np.sort(r["margin"]))
    assert gate.auc_history_ == [r["auc"] for r in rounds[2:switched + 1]]


def test_until_trusted_without_enough_heldout_rows_stays_random_and_draws_uniformly():
    from skactive.strategies import RandomUntilTrusted

    from scipy.stats import chi2

    n_pool, n_draws, batch = 20 * 2 + 100, 40, 20  # _gate_loop's pool for two rounds of 20
    counts = np.zeros(n_pool)
    for seed in range(n_draws):
        gate = RandomUntilTrusted("margin", min_auc=0.5, min_heldout=41, random_state=seed)
        rounds = _gate_loop(gate, n_rounds=2, batch=20, seed=1, class_sep=3.0)
        assert not gate.trusted_ and gate.auc_history_ == []  # 20 held-out rows < 41
        counts[rounds[0]["idx"]] += 1
    # a uniform first batch gives each row n_draws * batch / n_pool picks on average; a
    # margin-driven draw would pile them on a few rows (chi-square, 99.9th percentile)
    expected = n_draws * batch / n_pool
    assert ((counts - expected) ** 2 / expected).sum() < chi2.ppf(0.999, n_pool - 1)


def test_until_trusted_pools_classes_and_waits_for_every_class():
    from skactive.strategies import RandomUntilTrusted

    gate = RandomUntilTrusted("entropy", min_auc=0.5, min_heldout=40, random_state=0)
    rounds = _gate_loop(gate, n_rounds=4, batch=45, n_classes=3, class_sep=2.0)
    assert rounds[1]["trusted"]  # 45 rows of three classes: one batch is enough
    from sklearn.metrics import roc_auc_score

    expected = roc_auc_score(rounds[0]["truth"], rounds[0]["proba"], multi_class="ovr")
    assert rounds[1]["auc"] == pytest.approx(expected, abs=1e-12)
    # labels of one class only: no AUC can be believed, the queries stay random
    from skactive.strategies._until_trusted import RandomUntilTrusted as Gate

    record = {"keys": np.arange(3, dtype=np.uint64), "proba": np.full((3, 2), 0.5),
              "classes": np.array([0, 1])}
    probe = Gate(min_heldout=2)
    from skactive.strategies._heldout import row_keys

    X_labeled = np.array([[0.0], [1.0], [2.0]])
    record["keys"] = row_keys(X_labeled)
    assert probe._heldout_auc([record], X_labeled, np.array([1, 1, 1])) is None
    assert probe._heldout_auc([record], X_labeled, np.array([0, 1, 1])) == 0.5


def test_until_trusted_same_seed_same_picks_clone_starts_afresh_and_failures_leave_state():
    from sklearn.base import clone

    from skactive import ActiveLearner
    from skactive.strategies import RandomUntilTrusted

    gate = RandomUntilTrusted("margin", min_auc=0.8, min_heldout=50, random_state=3)
    first = [r["idx"] for r in _gate_loop(gate, n_rounds=4)]
    again = [r["idx"] for r in _gate_loop(clone(gate), n_rounds=4)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not hasattr(clone(gate), "trusted_")

    # a query that fails (a batch larger than the pool) changes nothing
    X, y = make_classification(n_samples=80, random_state=0)
    learner = ActiveLearner(LogisticRegression(), gate, X_training=X[:20], y_training=y[:20])
    state = (gate.n_queries_, gate.trusted_, list(gate.auc_history_), gate.strategy_)
    with pytest.raises(ValueError):
        learner.query(X[20:25], n_instances=10)
    assert (gate.n_queries_, gate.trusted_, gate.auc_history_, gate.strategy_) == state


def test_until_trusted_first_query_cross_validates_the_labeled_set():
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from skactive import ActiveLearner
    from skactive.strategies import RandomUntilTrusted

    X, y = make_classification(n_samples=1400, n_features=6, class_sep=1.5, random_state=5)
    for n_labeled, min_auc in [(120, 0.8), (1200, 0.8), (120, 0.99)]:
        gate = RandomUntilTrusted("margin", min_auc=min_auc, min_heldout=100, random_state=0)
        learner = ActiveLearner(LogisticRegression(), gate, X_training=X[:n_labeled],
                                y_training=y[:n_labeled])
        idx = learner.query(X[n_labeled:], n_instances=20)[0]
        # by hand: 3 stratified folds over the labeled rows, a fixed 1,000 of them at most
        rows = np.arange(n_labeled)
        if n_labeled > 1000:
            rows = np.sort(np.random.RandomState(0).choice(n_labeled, 1000, replace=False))
        proba = cross_val_predict(clone(LogisticRegression()), X[rows], y[rows],
                                  cv=StratifiedKFold(3, shuffle=True, random_state=0),
                                  method="predict_proba")
        expected = roc_auc_score(y[rows], proba[:, 1])
        assert gate.auc_history_ == [pytest.approx(expected, abs=1e-12)]
        assert gate.trusted_ == (expected >= min_auc)
        margin = MarginSampling()(learner, X[n_labeled:], n_instances=20)[0]
        assert np.array_equal(np.sort(idx), np.sort(margin)) == gate.trusted_
    # fewer labeled rows than min_heldout, or a class with fewer than 3: no estimate
    for y_start in (y[:99], np.r_[np.zeros(118, int), 1, 1]):
        gate = RandomUntilTrusted("margin", min_auc=0.5, min_heldout=100, random_state=0)
        learner = ActiveLearner(LogisticRegression(), gate, X_training=X[:len(y_start)],
                                y_training=y_start)
        learner.query(X[200:], n_instances=5)
        assert gate.auc_history_ == [] and not gate.trusted_


def test_until_trusted_draws_random_samplings_rows_until_the_switch():
    """Seeded per query as the experiment runner seeds every strategy: until the model is
    trusted the learning curve is random sampling's, row for row."""
    from skactive import ActiveLearner
    from skactive.strategies import RandomSampling, RandomUntilTrusted

    X, y = make_classification(n_samples=400, n_features=6, class_sep=1.5, random_state=2)
    curves = {}
    for name, strategy in [("random", RandomSampling()),
                           ("gate", RandomUntilTrusted("margin", min_auc=0.8, min_heldout=50))]:
        learner = ActiveLearner(LogisticRegression(), strategy, X_training=X[:20],
                                y_training=y[:20])
        pool, picks = np.arange(20, 400), []
        for round_ in range(4):
            strategy.set_params(random_state=100 + round_)
            idx = learner.query(X[pool], n_instances=30)[0]
            picks.append(pool[idx])
            learner.teach(X[pool[idx]], y[pool[idx]])
            pool = np.delete(pool, idx)
        curves[name] = picks
    gate = strategy
    assert gate.auc_history_[0] >= 0.8 and gate.trusted_  # switched at the third query
    for t in range(2):
        np.testing.assert_array_equal(curves["gate"][t], curves["random"][t])
    assert not np.array_equal(np.sort(curves["gate"][2]), np.sort(curves["random"][2]))


@pytest.mark.parametrize("params, message", [
    ({"min_auc": 0.3}, r"min_auc must be a number in \[0.5, 1\]"),
    ({"min_auc": "high"}, r"min_auc must be a number in \[0.5, 1\]"),
    ({"min_auc": True}, r"min_auc must be a number in \[0.5, 1\]"),
    ({"min_heldout": 0}, "min_heldout must be a positive integer"),
    ({"min_heldout": 2.5}, "min_heldout must be a positive integer"),
    ({"strategy": "entropi"}, "Unknown strategy 'entropi'"),
])
def test_until_trusted_refuses_bad_parameters(params, message):
    from skactive import ActiveLearner
    from skactive.strategies import RandomUntilTrusted

    X, y = make_classification(n_samples=60, random_state=0)
    learner = ActiveLearner(LogisticRegression(), X_training=X[:20], y_training=y[:20])
    gate = RandomUntilTrusted(**params)
    with pytest.raises((TypeError, ValueError), match=message):
        gate(learner, X[20:], n_instances=2)
    assert not hasattr(gate, "n_queries_")
