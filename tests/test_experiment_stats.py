"""Paired comparisons with the baseline: checked against scipy's own tests computed by hand."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skactive.experiment import (
    compare_to_baseline, curve_area, pairwise_intervals, pairwise_matrix, round_differences,
)


def _results(effects, n_repeats=5, n_rounds=6, noise=0.004, seed=0):
    """A results table: strategy ``s`` scores ``effects[s] * round`` above a noisy base curve."""
    rng = np.random.RandomState(seed)
    rows = []
    for repeat in range(n_repeats):
        base = 0.7 + 0.02 * np.arange(n_rounds) + rng.normal(0, noise, n_rounds)
        for strategy, effect in effects.items():
            own = rng.normal(0, noise, n_rounds)
            for k in range(n_rounds):
                score = base[k] if k == 0 else base[k] + effect * k + own[k]
                rows.append({"dataset": "d", "model": "mlp", "strategy": strategy,
                             "repeat": repeat, "round": k, "labeled_fraction": 0.1 + 0.05 * k,
                             "n_labeled": 10 * (k + 1), "auc": score, "accuracy": score - 0.1,
                             "f1_macro": score - 0.2})
    return pd.DataFrame(rows)


def test_round_differences_match_a_paired_t_interval_by_hand():
    table = _results({"random": 0.0, "good": 0.004, "bad": -0.004})
    out = round_differences(table, confidence=0.9)
    for (strategy, round_), row in out.set_index(["strategy", "round"]).iterrows():
        mine = table[(table["strategy"] == strategy) & (table["round"] == round_)]
        base = table[(table["strategy"] == "random") & (table["round"] == round_)]
        d = mine.sort_values("repeat")["auc"].to_numpy() - base.sort_values("repeat")["auc"].to_numpy()
        half = stats.t.ppf(0.95, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
        assert row["diff_mean"] == pytest.approx(d.mean(), abs=1e-12)
        if round_ == 0:  # the shared start: identical scores, a zero difference
            assert row["diff_mean"] == 0 and row["p_value"] == 1.0
            continue
        assert row["ci_low"] == pytest.approx(d.mean() - half, abs=1e-12)
        assert row["ci_high"] == pytest.approx(d.mean() + half, abs=1e-12)
        assert row["p_value"] == pytest.approx(stats.ttest_rel(mine.sort_values("repeat")["auc"],
                                                               base.sort_values("repeat")["auc"]).pvalue)
    assert set(out["strategy"]) == {"good", "bad"}


def test_compare_to_baseline_agrees_with_scipy_and_decides():
    table = _results({"random": 0.0, "good": 0.006, "bad": -0.006, "same": 0.0})
    out = compare_to_baseline(table).set_index("strategy")
    areas = curve_area(table, per_repeat=True)
    for strategy in ("good", "bad", "same"):
        a = areas[areas["strategy"] == strategy].sort_values("repeat")["area"].to_numpy()
        b = areas[areas["strategy"] == "random"].sort_values("repeat")["area"].to_numpy()
        assert out.loc[strategy, "area_diff"] == pytest.approx((a - b).mean(), abs=1e-12)
        assert out.loc[strategy, "p_value"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
        cells_a = table[(table["strategy"] == strategy) & (table["round"] > 0)].sort_values(
            ["repeat", "round"])["auc"].to_numpy()
        cells_b = table[(table["strategy"] == "random") & (table["round"] > 0)].sort_values(
            ["repeat", "round"])["auc"].to_numpy()
        assert out.loc[strategy, "cells_p_value"] == pytest.approx(
            stats.wilcoxon(cells_a - cells_b).pvalue)
        assert out.loc[strategy, "cells_win_share"] == pytest.approx(np.mean(cells_a > cells_b))
        assert out.loc[strategy, "cells_tie_share"] == pytest.approx(np.mean(cells_a == cells_b))
        assert out.loc[strategy, "n_rounds"] == 5 and out.loc[strategy, "n_repeats"] == 5
    assert out.loc["good", "verdict"] == "better" and out.loc["good", "rounds_worse"] == 0
    assert out.loc["bad", "verdict"] == "worse" and out.loc["bad", "rounds_better"] == 0
    assert out.loc["bad", "rounds_worse"] >= 3


def test_a_strategy_equal_to_the_baseline_is_reported_as_no_difference():
    # Many seeds: the verdict errs at about the test's level (5%), never systematically.
    verdicts = [compare_to_baseline(_results({"random": 0.0, "same": 0.0}, seed=seed))
                .iloc[0]["verdict"] for seed in range(40)]
    assert verdicts.count("no significant difference") >= 34


def test_single_repeat_gives_no_interval_and_no_verdict_of_difference():
    out = compare_to_baseline(_results({"random": 0.0, "good": 0.01}, n_repeats=1))
    assert np.isnan(out.iloc[0]["ci_low"]) and np.isnan(out.iloc[0]["p_value"])
    assert out.iloc[0]["verdict"] == "no significant difference"


def test_pairwise_intervals_are_t_intervals_over_the_curves_win_shares():
    table = _results({"random": 0.0, "good": 0.004, "bad": -0.004}, n_repeats=6)
    out = pairwise_intervals(table, confidence=0.9).set_index(["strategy", "compared_with"])
    assert len(out) == 6  # every ordered pair
    matrix = pairwise_matrix(table)
    for (a, b), row in out.iterrows():
        shares = []
        for repeat in range(6):  # one share per curve, rounds after the shared start
            mine = table[(table.strategy == a) & (table.repeat == repeat) & (table["round"] > 0)]
            other = table[(table.strategy == b) & (table.repeat == repeat) & (table["round"] > 0)]
            shares.append(np.mean(mine.sort_values("round")["auc"].to_numpy()
                                  > other.sort_values("round")["auc"].to_numpy()))
        half = stats.t.ppf(0.95, 5) * np.std(shares, ddof=1) / np.sqrt(6)
        assert row["win_share"] == pytest.approx(np.mean(shares), abs=1e-12)
        assert row["win_share"] == pytest.approx(matrix.loc[a, b], abs=1e-12)  # equal rounds
        assert row["ci_low"] == pytest.approx(np.mean(shares) - half, abs=1e-12)
        assert row["ci_high"] == pytest.approx(np.mean(shares) + half, abs=1e-12)
        assert row["n_curves"] == 6
    assert out.loc[("good", "bad"), "ci_low"] > 0.5  # the clear ordering is resolved


def test_bad_arguments_say_what_to_pass():
    table = _results({"random": 0.0, "good": 0.01})
    with pytest.raises(ValueError, match="baseline strategy 'uniform' is not in the results"):
        compare_to_baseline(table, baseline="uniform")
    with pytest.raises(ValueError, match="confidence must be a number between 0 and 1"):
        round_differences(table, confidence=95)


def test_report_states_the_comparison_with_random(tmp_path):
    from skactive.experiment import COLUMNS, write_report

    table = _results({"random": 0.0, "good": 0.006, "same": 0.0})
    for column in COLUMNS:
        if column not in table:
            table[column] = 0 if column in ("seed", "n_train") else 0.5
    table[list(COLUMNS)].to_csv(tmp_path / "results.csv", index=False)
    text = write_report(tmp_path).read_text(encoding="utf-8")
    section = text.split("## Compared with random")[1].split("## Time")[0]
    lines = {line.split("|")[3].strip(): line for line in section.splitlines()
             if line.startswith("| d ")}
    assert set(lines) == {"good", "same"}
    assert lines["good"].rstrip(" |").endswith("better")
    expected = compare_to_baseline(table).set_index("strategy").loc["good", "area_diff"]
    assert f"{expected:+.4f}" in lines["good"]
    # the win matrix gives each share with its interval over curves
    pairwise = text.split("## Pairwise comparison")[1].split("## Compared with random")[0]
    row = next(line for line in pairwise.splitlines() if line.startswith("| good |"))
    good_vs_random = pairwise_intervals(table).set_index(["strategy", "compared_with"]).loc[
        ("good", "random")]
    assert (f"{good_vs_random['win_share']:.2f} [{good_vs_random['ci_low']:.2f}, "
            f"{min(good_vs_random['ci_high'], 1.0):.2f}]") in row.replace("\\", "")
