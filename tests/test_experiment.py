"""Tests for skactive.experiment: protocol, runner, resume, results files, summaries, report."""

import doctest
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import skactive
import skactive.experiment as experiment
from skactive.datasets import make_ibal, make_sigmoid
from skactive.experiment import (
    COLUMNS,
    TIMING_COLUMNS,
    Dataset,
    curve_area,
    evaluate,
    initial_labeled,
    labeling_schedule,
    learning_curves,
    make_model,
    pairwise_matrix,
    query_times,
    read_results,
    run_experiment,
    split_indices,
    write_report,
)
from skactive.experiment import _execute, _plan, _simulate
from skactive.experiment._protocol import initial_seed, split_seed
from skactive.experiment.report import REPORT_FILES

FAST = {"max_epochs": 3}
SCHEDULE = {"initial": 0.05, "step": 0.05, "until": 0.2}


def sigmoid_data(n=400):
    X, y = make_sigmoid(n, random_state=0)
    return Dataset("sigmoid", X, y)


def run(out, **kwargs):
    datasets = kwargs.pop("datasets", None) or sigmoid_data()
    params = dict(strategies=["random", "entropy", "margin"], model_params=FAST, repeats=2,
                  out=out, progress=False, **SCHEDULE)
    params.update(kwargs)
    return run_experiment(datasets, **params)


def without_timing(frame):
    return frame.drop(columns=list(TIMING_COLUMNS))


def labeled_records(folder):
    lines = (folder / "labeled.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """One uninterrupted run (sigmoid, 3 strategies, 2 repeats, 4 rounds) shared by tests."""
    out = tmp_path_factory.mktemp("reference") / "run"
    return out, run(out)


# ----------------------------------------------------------------------------- protocol
def test_split_is_stratified_70_10_20():
    y = np.repeat([0, 1, 2], [600, 300, 100])
    train, val, test = split_indices(y, random_state=0)
    assert (len(train), len(val), len(test)) == (700, 100, 200)
    assert np.intersect1d(train, val).size == np.intersect1d(train, test).size == 0
    assert np.intersect1d(val, test).size == 0
    assert np.array_equal(np.sort(np.concatenate([train, val, test])), np.arange(1000))
    for part, size in ((train, 700), (val, 100), (test, 200)):
        # class shares of each part equal the whole's (60/30/10%) up to one sample
        expected = np.array([0.6, 0.3, 0.1]) * size
        assert np.all(np.abs(np.bincount(y[part], minlength=3) - expected) <= 1)
    again = split_indices(y, random_state=0)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    other = split_indices(y, random_state=1)
    assert not np.array_equal(train, other[0])


def test_split_without_validation_and_bad_sizes():
    y = np.repeat([0, 1], 50)
    train, val, test = split_indices(y, validation_size=0, random_state=0)
    assert (len(train), len(val), len(test)) == (80, 0, 20)
    with pytest.raises(ValueError, match="leave samples to train"):
        split_indices(y, test_size=0.5, validation_size=0.5)
    with pytest.raises(ValueError, match="at least 2 samples"):
        split_indices(np.array([0] * 10 + [1]))


def test_labeling_schedule():
    counts = labeling_schedule(1000)
    assert counts.tolist() == list(range(20, 501, 20))  # 2%, 4%, ..., 50%
    assert labeling_schedule(13314).tolist()[:3] == [266, 533, 799]  # 266.28, 532.56, 798.84
    assert labeling_schedule(13314)[-1] == 6657
    assert labeling_schedule(100, initial=0.1, step=0.3, until=0.5).tolist() == [10, 40]
    assert labeling_schedule(10, initial=0.2, step=0.01, until=0.25).tolist() == [2]
    with pytest.raises(ValueError, match="at least 2"):
        labeling_schedule(50)  # 2% of 50 is 1 sample
    with pytest.raises(ValueError, match="until"):
        labeling_schedule(1000, initial=0.3, until=0.2)
    with pytest.raises(ValueError, match="step"):
        labeling_schedule(1000, step=0)


def test_initial_labeled_has_two_classes_and_repeats():
    y = np.array([0] * 990 + [1] * 10)
    idx = initial_labeled(y, 20, random_state=0)
    assert len(idx) == len(set(idx.tolist())) == 20
    assert set(y[idx].tolist()) == {0, 1}
    assert np.array_equal(idx, initial_labeled(y, 20, random_state=0))
    with pytest.raises(ValueError, match="single class"):
        initial_labeled(np.zeros(10), 3, random_state=0)


# ----------------------------------------------------------------------------- runner
def test_results_schema_and_rows(reference_run):
    out, results = reference_run
    assert tuple(results.columns) == COLUMNS
    on_disk = read_results(out)
    pd.testing.assert_frame_equal(on_disk, results)
    header = (out / "results.csv").read_text().splitlines()[0]
    assert header == ",".join(COLUMNS)
    n_train = 400 - 80 - 40
    counts = labeling_schedule(n_train, **SCHEDULE).tolist()
    assert counts == [14, 28, 42, 56]
    assert len(results) == 3 * 2 * len(counts)
    assert list(results["strategy"].unique()) == ["random", "entropy", "margin"]
    for _, curve in results.groupby(["strategy", "repeat"]):
        assert curve["round"].tolist() == [0, 1, 2, 3]
        assert curve["n_labeled"].tolist() == counts
        assert np.allclose(curve["labeled_fraction"], np.array(counts) / n_train)
        assert (curve["n_train"] == n_train).all()
        assert np.isnan(curve["query_seconds"].iloc[0])
        assert (curve["query_seconds"].iloc[1:] >= 0).all()
        assert (curve["fit_seconds"] > 0).all()
    assert results["seed"].tolist() == (results["repeat"] + 0).tolist()  # seed + repeat
    for column in ("auc", "accuracy", "f1_macro", "val_auc", "val_accuracy", "val_f1_macro"):
        assert results[column].between(0, 1).all()
    config = json.loads((out / "config.json").read_text())
    assert config["protocol"]["until"] == 0.2 and config["repeats"] == 2


def test_initial_set_and_first_model_shared_across_strategies(reference_run):
    out, results = reference_run
    records = labeled_records(out)
    first = {(r["strategy"], r["repeat"]): r["added"] for r in records if r["round"] == 0}
    for repeat in (0, 1):
        sets = [first[(s, repeat)] for s in ("random", "entropy", "margin")]
        assert sets[0] == sets[1] == sets[2]
    assert first[("random", 0)] != first[("random", 1)]
    # the initial set is the protocol's draw from the repeat's training split
    y = sigmoid_data().y
    train, _, _ = split_indices(y, random_state=split_seed(0))
    expected = initial_labeled(y[train], 14, random_state=initial_seed(0))
    assert first[("random", 0)] == expected.tolist()
    # the same labeled set and model seed give the same round-0 scores for every strategy
    round0 = results[results["round"] == 0]
    assert round0.groupby("repeat")["auc"].nunique().eq(1).all()


def test_labeled_sets_grow_without_repeats(reference_run):
    out, results = reference_run
    n_train = int(results["n_train"].iloc[0])
    by_run = {}
    for r in labeled_records(out):
        by_run.setdefault((r["strategy"], r["repeat"]), []).append(r["added"])
    for key, parts in by_run.items():
        sizes = [len(p) for p in parts]
        assert sizes == [14, 14, 14, 14]
        labeled = np.concatenate(parts)
        assert len(np.unique(labeled)) == len(labeled) == 56
        assert labeled.min() >= 0 and labeled.max() < n_train
    assert by_run[("entropy", 0)][1] != by_run[("random", 0)][1]


def test_same_seed_same_results_and_other_seed_differs(reference_run, tmp_path):
    _, results = reference_run
    again = run(tmp_path / "again", strategies=["random", "entropy"], repeats=1)
    expected = results[(results["strategy"] != "margin") & (results["repeat"] == 0)]
    pd.testing.assert_frame_equal(without_timing(again),
                                  without_timing(expected.reset_index(drop=True)))
    other = run(tmp_path / "other", strategies=["random"], repeats=1, seed=5)
    assert not np.allclose(other["auc"], expected[expected["strategy"] == "random"]["auc"])


def test_resume_after_interrupt_equals_uninterrupted(reference_run, tmp_path, monkeypatch):
    _, expected = reference_run
    out = tmp_path / "interrupted"
    calls = {"n": 0}
    real_evaluate = _simulate.evaluate

    def flaky_evaluate(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2 * 9 + 1:  # two scores per round: dies in round 9 of 24
            raise KeyboardInterrupt
        return real_evaluate(*args, **kwargs)

    monkeypatch.setattr(_simulate, "evaluate", flaky_evaluate)
    with pytest.raises(KeyboardInterrupt):
        run(out)
    monkeypatch.setattr(_simulate, "evaluate", real_evaluate)
    partial = read_results(out)
    assert len(partial) == 9  # random r0 (4 rounds), entropy r0 (4 rounds), margin r0 round 0
    resumed = run(out, resume=True)
    pd.testing.assert_frame_equal(without_timing(resumed), without_timing(expected))
    # the rounds recorded before the interrupt were kept, not recomputed
    pd.testing.assert_frame_equal(read_results(out).iloc[:4], expected.iloc[:4].assign(
        fit_seconds=partial["fit_seconds"].iloc[:4].to_numpy(),
        query_seconds=partial["query_seconds"].iloc[:4].to_numpy()))


def test_resume_after_kill_mid_line(reference_run, tmp_path):
    """A process killed while writing leaves half a line; resume cuts it and goes on."""
    ref_out, expected = reference_run
    out = tmp_path / "killed"
    out.mkdir()
    (out / "config.json").write_text((ref_out / "config.json").read_text())
    rows = (ref_out / "results.csv").read_text().splitlines(keepends=True)
    # rows sorted by strategy: keep random (both repeats) and entropy repeat 0 rounds 0-1
    kept = rows[:1] + [r for r in rows[1:] if r.split(",")[2] == "random"] + \
        [r for r in rows[1:] if r.split(",")[2] == "entropy" and r.split(",")[3] == "0"][:2]
    (out / "results.csv").write_text("".join(kept) + rows[-1][:25])
    records = (ref_out / "labeled.jsonl").read_text().splitlines(keepends=True)
    keep_rec = [r for r in records if '"strategy":"random"' in r] + \
        [r for r in records if '"strategy":"entropy","repeat":0,"round":0' in r
         or '"strategy":"entropy","repeat":0,"round":1' in r]
    (out / "labeled.jsonl").write_text("".join(keep_rec) + records[-1][:30])
    resumed = run(out, resume=True)
    pd.testing.assert_frame_equal(without_timing(resumed), without_timing(expected))
    assert (out / "results.csv").read_text().count("\n") == len(expected) + 1


def test_resume_refuses_other_settings_and_overwrite(reference_run, tmp_path):
    out, _ = reference_run
    with pytest.raises(FileExistsError, match="resume"):
        run(out)
    with pytest.raises(ValueError, match="until=0.2 before, until=0.15 now"):
        run(out, resume=True, until=0.15)
    with pytest.raises(ValueError, match="step=0.05 before, step=0.1 now"):
        run(out, resume=True, until=0.3, step=0.1)
    # resuming a finished run does nothing and returns the same table
    before = (out / "results.csv").read_text()
    run(out, resume=True)
    assert (out / "results.csv").read_text() == before


def test_resume_with_larger_until_extends_the_curves(reference_run, tmp_path):
    ref_out, expected = reference_run
    out = tmp_path / "extended"
    out.mkdir()
    for name in ("config.json", "results.csv", "labeled.jsonl"):
        (out / name).write_text((ref_out / name).read_text())
    extended = run(out, resume=True, until=0.3)
    fresh = run(tmp_path / "fresh", until=0.3)
    pd.testing.assert_frame_equal(without_timing(extended), without_timing(fresh))
    assert extended["round"].max() == 5 and expected["round"].max() == 3
    assert json.loads((out / "config.json").read_text())["protocol"]["until"] == 0.3
    # the recorded rounds were kept, not recomputed
    pd.testing.assert_frame_equal(read_results(out).iloc[:4], expected.iloc[:4])


def test_resume_with_missing_labeled_record_is_an_error(reference_run, tmp_path):
    ref_out, _ = reference_run
    out = tmp_path / "damaged"
    out.mkdir()
    (out / "config.json").write_text((ref_out / "config.json").read_text())
    rows = (ref_out / "results.csv").read_text().splitlines(keepends=True)
    (out / "results.csv").write_text("".join(rows[:-1]))  # margin, repeat 1 stopped at round 2
    (out / "labeled.jsonl").write_text("")
    with pytest.raises(ValueError, match="no labeled-set record for round 0"):
        run(out, resume=True)


def test_parallel_runs_match_sequential(reference_run, tmp_path):
    _, expected = reference_run
    parallel = run(tmp_path / "parallel", n_jobs=2)
    pd.testing.assert_frame_equal(without_timing(parallel), without_timing(expected))
    # the rewritten file is sorted like the sequential one
    assert read_results(tmp_path / "parallel")["strategy"].tolist() == \
        expected["strategy"].tolist()


def test_multiclass_table_with_categorical_column(tmp_path):
    X, y = make_ibal((120, 60, 30), random_state=0)
    frame = pd.DataFrame({"x0": X[:, 0], "x1": X[:, 1],
                          "side": np.where(X[:, 0] > 1, "right", "left")})
    ds = Dataset("ibal_table", frame, y, categorical_features=["side"],
                 numeric_features=["x0", "x1"])
    results = run(tmp_path / "multi", datasets=ds, strategies=["random", "LEAST_confidence"],
                  repeats=1, initial=0.1, step=0.1, until=0.3)
    assert results["auc"].isna().all()
    assert results["accuracy"].between(0, 1).all()
    assert sorted(results["strategy"].unique()) == ["least-confidence", "random"]
    assert results["n_train"].iloc[0] == 210 - 42 - 21


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="Unknown strategy"):
        run(tmp_path / "a", strategies=["nope"])
    with pytest.raises(ValueError, match="Unknown data set"):
        run_experiment("nope", out=tmp_path / "b", progress=False)
    with pytest.raises(ValueError, match="repeats"):
        run(tmp_path / "c", repeats=0)
    with pytest.raises(ValueError, match="at least 2"):
        run(tmp_path / "d", initial=0.001)
    with pytest.raises(ValueError, match="reads texts"):
        run(tmp_path / "e", model="textcnn")
    assert not (tmp_path / "a").exists() and not (tmp_path / "d").exists()


# ----------------------------------------------------------------------------- models, metrics
def test_make_model_pipelines():
    ds = sigmoid_data(50)
    est = make_model("auto", ds, random_state=3, params={"max_epochs": 7})
    assert isinstance(est, Pipeline) and isinstance(est[0], StandardScaler)
    assert isinstance(est[-1], skactive.MLPClassifier)
    assert (est[-1].random_state, est[-1].max_epochs) == (3, 7)
    frame = pd.DataFrame({"a": np.arange(4.0), "c": list("xyxy")})
    cat = Dataset("t", frame, [0, 1, 0, 1], categorical_features=["c"], numeric_features=["a"])
    assert isinstance(make_model("mlp", cat)[0], ColumnTransformer)
    with pytest.raises(ValueError, match="no parameter"):
        make_model("mlp", ds, params={"epochs": 3})
    with pytest.raises(ValueError, match="Unknown model"):
        make_model("svm", ds)
    assert make_model(lambda random_state: LogisticRegression(random_state=random_state), ds,
                      random_state=4).random_state == 4


def test_make_model_text_or_clear_error():
    texts = Dataset("words", ["good film", "bad film", "fine", "awful"], [1, 0, 1, 0],
                    input_kind="text")
    assert isinstance(make_model("auto", texts), skactive.TextCNNClassifier)
    assert isinstance(make_model("bilstm", texts), skactive.BiLSTMClassifier)
    with pytest.raises(ValueError, match="reads tables"):
        make_model("mlp", texts)


def test_evaluate_matches_sklearn():
    X, y = make_ibal((60, 40, 20), random_state=1)
    clf = LogisticRegression().fit(X, y)
    scores = evaluate(clf, X, y)
    pred = clf.predict(X)
    assert np.isnan(scores["auc"])
    assert scores["accuracy"] == accuracy_score(y, pred)
    assert scores["f1_macro"] == f1_score(y, pred, average="macro")
    binary = y < 2
    clf2 = LogisticRegression().fit(X[binary], np.where(y[binary] == 1, "b", "a"))
    labels = np.where(y[binary] == 1, "b", "a")
    s2 = evaluate(clf2, X[binary], labels)
    assert s2["auc"] == roc_auc_score(labels == "b", clf2.predict_proba(X[binary])[:, 1])


# ----------------------------------------------------------------------------- summaries
def tiny_results():
    """Two strategies, one data set, two repeats, rounds 0-2, hand-made scores."""
    rows = []
    auc = {("a", 0): [0.5, 0.7, 0.8], ("b", 0): [0.5, 0.6, 0.9],
           ("a", 1): [0.4, 0.6, 0.6], ("b", 1): [0.4, 0.5, 0.6]}
    for (strategy, repeat), values in auc.items():
        for round_, value in enumerate(values):
            rows.append({"dataset": "d", "model": "mlp", "strategy": strategy,
                         "repeat": repeat, "seed": repeat, "round": round_,
                         "n_labeled": 10 * (round_ + 1), "n_train": 100,
                         "labeled_fraction": [0.1, 0.2, 0.4][round_], "auc": value,
                         "accuracy": 1 - value, "f1_macro": 0.5, "val_auc": value,
                         "val_accuracy": 0.5, "val_f1_macro": 0.5,
                         "fit_seconds": 1.0 + round_,
                         "query_seconds": np.nan if round_ == 0 else 0.1 * round_})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_pairwise_matrix_by_hand():
    table = tiny_results()
    matrix = pairwise_matrix(table)
    # cells (repeat, round) for rounds 1-2: (0,1) a .7>.6 ; (0,2) b .9>.8 ; (1,1) a .6>.5 ;
    # (1,2) tie .6=.6 -> a beats b in 2 of 4, b beats a in 1 of 4
    assert matrix.loc["a", "b"] == 0.5 and matrix.loc["b", "a"] == 0.25
    assert np.isnan(matrix.loc["a", "a"])
    with_initial = pairwise_matrix(table, include_initial=True)
    assert with_initial.loc["a", "b"] == 2 / 6 and with_initial.loc["b", "a"] == 1 / 6
    # accuracy = 1 - auc reverses every comparison
    flipped = pairwise_matrix(table, metric="accuracy")
    assert flipped.loc["a", "b"] == 0.25 and flipped.loc["b", "a"] == 0.5


def test_curve_area_by_hand():
    areas = curve_area(tiny_results())
    # trapezoids over x = 0.1, 0.2, 0.4 divided by the range 0.3
    expected = {("a", 0): (0.1 * 0.6 + 0.2 * 0.75) / 0.3, ("b", 0): (0.1 * 0.55 + 0.2 * 0.75) / 0.3,
                ("a", 1): (0.1 * 0.5 + 0.2 * 0.6) / 0.3, ("b", 1): (0.1 * 0.45 + 0.2 * 0.55) / 0.3}
    per = curve_area(tiny_results(), per_repeat=True)
    for row in per.itertuples():
        assert row.area == pytest.approx(expected[(row.strategy, row.repeat)], abs=1e-12)
    a = areas.set_index("strategy").loc["a"]
    assert a["area_mean"] == pytest.approx((expected[("a", 0)] + expected[("a", 1)]) / 2)
    assert a["area_std"] == pytest.approx(np.std([expected[("a", 0)], expected[("a", 1)]],
                                                 ddof=1))
    assert a["n_repeats"] == 2 and a["metric"] == "auc"


def test_learning_curves_and_query_times_by_hand():
    curves = learning_curves(tiny_results())
    a2 = curves[(curves["strategy"] == "a") & (curves["round"] == 2)].iloc[0]
    assert a2["mean"] == pytest.approx(0.7) and a2["std"] == pytest.approx(np.std([0.8, 0.6],
                                                                                  ddof=1))
    assert a2["labeled_fraction"] == 0.4 and a2["n_repeats"] == 2
    times = query_times(tiny_results()).set_index("strategy")
    assert times.loc["a", "query_seconds_mean"] == pytest.approx(0.15)
    assert times.loc["a", "query_seconds_total"] == pytest.approx(0.6)
    assert times.loc["a", "fit_seconds_mean"] == pytest.approx(2.0)
    assert times.loc["a", "n_queries"] == 4


def test_report_writes_figures_and_markdown(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    tiny_results().to_csv(folder / "results.csv", index=False)
    path = write_report(folder)
    assert path == folder / "report.md"
    for name in REPORT_FILES:
        assert (folder / name).stat().st_size > 0
        if name.endswith(".png"):
            assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = path.read_text()
    for name in REPORT_FILES[1:]:
        assert f"]({name})" in text
    # the area table holds the hand-computed means, the best in bold
    assert "**0.6333 ± 0.0943**" in text  # strategy a: mean of 0.7 and 0.5667
    assert "| 0.6000 ± 0.1179 |" in text  # strategy b: mean of 0.6833 and 0.5167
    # the win share of a over b, with its interval over the two curves
    assert "| a | | 0.50 \\[" in text.replace("  ", " ")
    other = write_report(folder, out=tmp_path / "elsewhere", metric="accuracy")
    assert other.parent == tmp_path / "elsewhere" and (other.parent / "query_times.png").exists()


def test_report_of_real_run(reference_run, tmp_path):
    out, _ = reference_run
    path = write_report(out, out=tmp_path / "report")
    text = path.read_text()
    assert "sigmoid (auc)" in text and "random, entropy, margin" in text
    assert "Repeats per curve: 2" in text


def test_report_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No results file"):
        write_report(tmp_path)
    (tmp_path / "results.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a skactive results file"):
        write_report(tmp_path)


# ----------------------------------------------------------------------------- docs
@pytest.mark.parametrize("name", sorted(n for n in experiment.__all__ if n[0].islower()))
def test_public_functions_have_runnable_examples(name):
    obj = getattr(experiment, name)
    tests = doctest.DocTestFinder().find(obj, name, globs={})
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0, f"{name} has no runnable Examples"
    assert result.failed == 0


def test_strategies_that_cannot_run_are_refused_before_any_work(tmp_path, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("a model was trained before the refusal")

    monkeypatch.setattr(_execute, "simulate", no_training)
    with pytest.raises(ValueError, match="egl-word reads text only"):
        run(tmp_path / "egl-word", strategies=["random", "egl-word"])
    with pytest.raises(ValueError, match="dropout"):
        run(tmp_path / "bald", strategies=["bald"], model_params={**FAST, "dropout": 0.0})
    assert not (tmp_path / "egl-word").exists() and not (tmp_path / "bald").exists()


def test_bald_runs_on_the_default_mlp_and_is_refused_without_dropout():
    # the default MLP has dropout, so BALD samples it as the user's model has it
    assert experiment.model_has_dropout("mlp", sigmoid_data(), {}) is True
    assert experiment.model_has_dropout("mlp", sigmoid_data(), {"dropout": 0.0}) is False


def test_planning_lists_the_curves_without_training(monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("planning trained a model")

    monkeypatch.setattr(skactive.MLPClassifier, "fit", no_training)
    settings = dict(model="mlp", model_params=FAST, initial=0.05, step=0.05, until=0.2,
                    test_size=0.2, validation_size=0.1)
    datasets, strategies, model_names, (repeats, seed, _) = _plan.check_settings(
        sigmoid_data(), "random,entropy", repeats=2, seed=3, metric="auto", max_samples=None,
        data_home=None, **settings)
    tasks, total, finished = _plan.plan_tasks(datasets, strategies, model_names,
                                              repeats=repeats, seed=seed, **settings)
    assert [(t.strategy_name, t.repeat) for t in tasks] == [
        ("random", 0), ("entropy", 0), ("random", 1), ("entropy", 1)]
    assert total == 4 * 4 and finished == 0  # 5%, 10%, 15%, 20% labeled: four rounds each
    for task in tasks:
        assert len(task.initial) == task.counts[0] == round(0.05 * len(task.train))
        assert not set(task.train) & set(task.val) and not set(task.train) & set(task.test)
        assert task.strategy is not strategies[task.strategy_name]  # the runner's own clone
    np.testing.assert_array_equal(tasks[0].train, tasks[1].train)  # strategies share a split
    assert not np.array_equal(tasks[0].train, tasks[2].train)  # repeats do not
    # resume: a curve whose rounds are all recorded is not planned again
    done = {("sigmoid", "mlp", "random", 0): 3}
    resumed, _, finished = _plan.plan_tasks(datasets, strategies, model_names, repeats=2,
                                            seed=3, done_rounds=done, **settings)
    assert len(resumed) == 3 and finished == 4


def test_split_seed_rebuilds_a_runs_test_set_and_scores(tmp_path):
    """Outside the runner, split_seed and labeled.jsonl give back each round's exact score."""
    from skactive.experiment import repeat_seed, split_indices
    from skactive.experiment import split_seed as public_split_seed

    X, y = make_sigmoid(400, random_state=3)
    data = Dataset("sigmoid", X, y)
    results = run_experiment(data, ["random"], model=lambda random_state: LogisticRegression(),
                             repeats=2, seed=7, initial=0.1, step=0.1, until=0.3,
                             out=tmp_path / "run", progress=False)
    records = [json.loads(line) for line in (tmp_path / "run" / "labeled.jsonl").open()]
    for repeat in (0, 1):
        train, _, test = split_indices(y, random_state=public_split_seed(repeat_seed(7, repeat)))
        added = {r["round"]: r["added"] for r in records if r["repeat"] == repeat}
        for round_ in sorted(added):
            rows = train[np.concatenate([added[k] for k in range(round_ + 1)]).astype(int)]
            auc = roc_auc_score(y[test], LogisticRegression().fit(X[rows], y[rows])
                                .predict_proba(X[test])[:, 1])
            recorded = results.set_index(["repeat", "round"]).loc[(repeat, round_), "auc"]
            assert auc == pytest.approx(recorded, abs=1e-12)
