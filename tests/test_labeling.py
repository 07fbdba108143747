"""The one-file query path, the answers log and the labeling session (no HTTP)."""

import json
import os
import pathlib

import numpy as np
import pandas as pd
import pytest

from skactive.labeling import (AnswerLog, LabelingSession, RowsFile, SessionLockedError,
                               agreement_kappa, query_file, stop_signal, wilson_interval)
from skactive.strategies import AUTO_STRATEGY

FAST = {"max_epochs": 5}


def _table(path, n=120, labeled=20, seed=0, categorical=True):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    frame = pd.DataFrame({
        "id": np.arange(1000, 1000 + n),          # integers must stay integers
        "count": rng.randint(0, 50, size=n),
        "x": X[:, 0].round(3), "z": X[:, 1].round(3),
        "colour": rng.choice(["red", "blue"], size=n),
        "y": np.where(X[:, 0] > 0, "pos", "neg"),
    })
    if not categorical:
        frame = frame.drop(columns="colour")
    truth = frame["y"].copy()
    frame.loc[labeled:, "y"] = ""
    frame.to_csv(path, index=False)
    return truth


# ------------------------------------------------------------------------------ store
def test_log_appends_and_fsyncs_before_returning(tmp_path, monkeypatch):
    calls = []
    real = os.fsync

    def recording(fd):
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", recording)
    log = AnswerLog(tmp_path / "a.jsonl")
    log.append({"op": "label", "key": "k1", "label": "x"})
    n_after_first = len(calls)
    assert n_after_first >= 1
    # the record is on disk when append returns: another reader sees it
    assert json.loads((tmp_path / "a.jsonl").read_text().splitlines()[0])["key"] == "k1"
    log.append({"op": "label", "key": "k2", "label": "y"})
    assert len(calls) == n_after_first + 1
    log.close()
    assert [r["key"] for r in AnswerLog(tmp_path / "a.jsonl").read()] == ["k1", "k2"]


def test_log_drops_a_torn_last_line_and_appends_cleanly(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"op":"label","key":"k1","label":"x"}\n{"op":"lab')
    log = AnswerLog(path)
    assert log.read() == [{"op": "label", "key": "k1", "label": "x"}]
    log.append({"op": "skip", "key": "k2"})
    log.close()
    assert [r["op"] for r in AnswerLog(path).read()] == ["label", "skip"]


def test_log_damage_before_the_last_line_is_an_error(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"op":"label"\n{"op":"skip","key":"a"}\n')
    with pytest.raises(ValueError, match="line 1"):
        AnswerLog(path).read()


# ------------------------------------------------------------------------------ helpers
def test_wilson_interval_matches_the_formula():
    low, high = wilson_interval(8, 10)
    z = 1.959964
    p, n = 0.8, 10
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert low == pytest.approx(centre - half) and high == pytest.approx(centre + half)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_kappa_and_stop_signal():
    # hand-computed: observed agreement 0.75, expected 0.5 -> kappa 0.5
    assert agreement_kappa(list("abab"), list("abbb")) == pytest.approx(0.5)
    assert agreement_kappa(list("aaaa"), list("aaaa")) == 1.0
    assert stop_signal([0.5, 0.991, 0.995, 1.0])
    assert not stop_signal([0.991, 0.995])
    assert not stop_signal([0.991, 0.98, 0.995, 1.0])


# ------------------------------------------------------------------------------ rows / query
def test_rows_keys_survive_label_edits_and_reordering(tmp_path):
    path = tmp_path / "t.csv"
    _table(path)
    before = RowsFile(path, target="y")
    frame = pd.read_csv(path, keep_default_na=False)
    frame.loc[25, "y"] = "pos"
    frame = frame.iloc[::-1]
    frame.to_csv(path, index=False)
    after = RowsFile(path, target="y")
    assert sorted(before.keys) == sorted(after.keys)
    assert len(set(before.keys)) == len(before.keys)
    position = list(after.keys).index(before.keys[25])
    assert after.labels[position] == "pos"
    assert before.unlabeled().tolist() == list(range(20, 120))


def test_rows_duplicate_rows_get_distinct_keys(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,y\n1,x\n1,\n2,\n")
    rows = RowsFile(path, target="y")
    assert rows.keys[0] != rows.keys[1] and rows.keys[1].startswith(rows.keys[0])


def test_rows_bad_input_errors(tmp_path):
    path = tmp_path / "t.csv"
    _table(path)
    with pytest.raises(ValueError, match="no target column 'label'"):
        RowsFile(path, target="label")
    with pytest.raises(ValueError, match="unique"):
        RowsFile(path, target="y", id_column="colour")
    with pytest.raises(ValueError, match="target=COLUMN"):
        RowsFile(path)


def test_query_file_types_ids_and_continuation(tmp_path):
    path = tmp_path / "t.csv"
    truth = _table(path)
    picks = query_file(path, target="y", id_column="id", n=5, model_params=FAST,
                       strategy="entropy")  # ranks rows by a score ('auto' chooses a set)
    assert picks.columns.tolist() == ["rank", "row", "key", "score", "predicted", "confidence",
                                      "id", "count", "x", "z", "colour", "y"]
    assert str(picks["id"].dtype) == "Int64" and str(picks["count"].dtype) == "Int64"
    assert picks["key"].tolist() == picks["id"].astype(str).tolist()
    assert (picks["row"] >= 20).all() and (picks["y"] == "").all()
    # entropy: the score is the entropy of the model's probabilities, highest first
    assert np.all(np.diff(picks["score"]) <= 0)
    conf = picks["confidence"].to_numpy()
    entropy = -(conf * np.log(conf) + (1 - conf) * np.log(1 - conf))
    np.testing.assert_allclose(picks["score"], entropy, rtol=1e-4)
    # the user fills the picks' labels in and runs again: those rows are not picked again
    frame = pd.read_csv(path, keep_default_na=False)
    frame.loc[picks["row"], "y"] = truth[picks["row"]].to_numpy()
    frame.to_csv(path, index=False)
    again = query_file(path, target="y", id_column="id", n=5, model_params=FAST)
    assert not set(again["key"]) & set(picks["key"])
    # a strategy that chooses a set has no per-row score
    assert query_file(path, target="y", n=3, strategy="random",
                      model_params=FAST)["score"].isna().all()


def test_query_file_needs_two_classes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,y\n1,x\n2,\n3,\n")
    with pytest.raises(ValueError, match="two classes"):
        query_file(path, target="y")


def test_query_file_text(tmp_path):
    path = tmp_path / "s.txt"
    lines = [f"pos\tgood film {i}" if i % 2 else f"neg\tdull film {i}" for i in range(10)]
    lines += [f"a fine film {i}" for i in range(10)] + ["\tdull again"]
    path.write_text("\n".join(lines) + "\n")
    picks = query_file(path, text=True, n=4, model_params={"max_epochs": 2})
    assert picks.columns.tolist()[-1] == "text" and (picks["row"] >= 10).all()


# ------------------------------------------------------------------------------ session
def _session(path, out, **kw):
    params = dict(target="y", classes=["neg", "pos"], batch_size=5, model_params=FAST,
                  seed=0, background=False)
    params.update(kw)
    return LabelingSession(path, out, **params)


def _answer_batch(session, truth, rows_file):
    index = {k: i for i, k in enumerate(rows_file.keys)}
    for row in session.next_batch()["rows"]:
        session.label(row["key"], truth[index[row["key"]]])


def test_session_resume_equals_uninterrupted(tmp_path):
    # a stateless strategy: the default (auto, a bandit) starts its learning afresh on resume
    path = tmp_path / "t.csv"
    truth = _table(path, labeled=0)
    rows = RowsFile(path, target="y")
    with _session(path, tmp_path / "a", strategy="entropy") as full:
        for _ in range(4):
            _answer_batch(full, truth, rows)
        full_answers, full_next = full.answers(), full.next_batch()
    with _session(path, tmp_path / "b", strategy="entropy") as part:
        for _ in range(2):
            _answer_batch(part, truth, rows)
        first = part.next_batch()["rows"][0]
        part.label(first["key"], truth[list(rows.keys).index(first["key"])])
    with _session(path, tmp_path / "b", strategy="entropy") as resumed:  # log replayed
        assert resumed.next_batch()["rows"][0]["key"] != first["key"]
        for row in resumed.next_batch()["rows"]:
            resumed.label(row["key"], truth[list(rows.keys).index(row["key"])])
        _answer_batch(resumed, truth, rows)
        assert resumed.answers() == full_answers
        again = resumed.next_batch()
    assert [r["key"] for r in again["rows"]] == [r["key"] for r in full_next["rows"]]
    assert again["version"] == full_next["version"] >= 2
    assert [r["predicted"] for r in again["rows"]] == [r["predicted"] for r in full_next["rows"]]


def test_session_undo_skip_and_status(tmp_path):
    path = tmp_path / "t.csv"
    truth = _table(path, labeled=10)
    with _session(path, tmp_path / "s") as session:
        batch = session.next_batch()
        assert batch["version"] == 1 and len(batch["rows"]) == 5
        assert all(r["predicted"] in ("neg", "pos") for r in batch["rows"])
        keys = [r["key"] for r in batch["rows"]]
        session.label(keys[0], "pos")
        session.skip(keys[1])
        assert [r["key"] for r in session.next_batch()["rows"]] == keys[2:]
        assert session.undo()["undone"] == "skip"
        assert [r["key"] for r in session.next_batch()["rows"]] == [keys[1]] + keys[2:]
        assert session.undo()["key"] == keys[0]
        assert session.answers() == {}
        with pytest.raises(ValueError, match="Nothing to undo"):
            session.undo()
        with pytest.raises(ValueError, match="Unknown label"):
            session.label(keys[0], "maybe")
        with pytest.raises(KeyError):
            session.label("nope", "pos")
        index = {k: i for i, k in enumerate(RowsFile(path, target="y").keys)}
        predicted = {r["key"]: r["predicted"] for r in batch["rows"]}
        for key in keys:
            session.label(key, truth[index[key]])
        status = session.status()
        correct = sum(predicted[k] == truth[index[k]] for k in keys)
        assert status["labels"] == 5 and status["labeled_total"] == 15
        assert status["accuracy"]["estimate"] == pytest.approx(correct / 5)
        assert status["accuracy"]["low"] <= correct / 5 <= status["accuracy"]["high"]
        assert status["curve"][0]["n_labels"] == 10
        assert sum(status["class_balance"].values()) == 15
    log = [json.loads(line) for line in (tmp_path / "s" / "answers.jsonl").read_text().splitlines()]
    assert [r["op"] for r in log][:5] == ["batch", "label", "skip", "undo", "undo"]
    assert {"key", "label", "time", "version"} <= set(log[1])


def test_two_sessions_on_one_folder_are_refused(tmp_path):
    path = tmp_path / "t.csv"
    _table(path)
    with _session(path, tmp_path / "s"):
        with pytest.raises(SessionLockedError, match=f"pid {os.getpid()}"):
            _session(path, tmp_path / "s").open()
    with _session(path, tmp_path / "s"):  # released on close
        pass


def test_resume_with_other_settings_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    _table(path)
    with _session(path, tmp_path / "s"):
        pass
    with pytest.raises(ValueError, match=f"strategy='{AUTO_STRATEGY}'"):  # the default
        _session(path, tmp_path / "s", strategy="margin").open()
    with _session(path, tmp_path / "s"):  # the refused call left the folder usable
        pass


def test_background_training_and_export(tmp_path):
    path = tmp_path / "t.csv"
    truth = _table(path, labeled=10)
    original = path.read_text().splitlines()
    with _session(path, tmp_path / "s", background=True) as session:
        assert session.wait(60)
        rows = RowsFile(path, target="y")
        _answer_batch(session, truth, rows)
        assert session.wait(60)
        assert session.next_batch()["version"] == 2
        answers = session.answers()
        paths = session.export(model=False)
    exported = (tmp_path / "s" / "export" / "t.csv").read_text().splitlines()
    assert len(exported) == len(original)
    changed = [i for i, (a, b) in enumerate(zip(original, exported)) if a != b]
    assert len(changed) == len(answers) == 5
    for i in changed:  # only the label cell changed; ids and counts as written
        assert exported[i].rsplit(",", 1)[0] == original[i].rsplit(",", 1)[0]
        assert exported[i].rsplit(",", 1)[1] == answers[rows.keys[i - 1]]
    assert paths["model"] is None


def test_an_interrupted_export_leaves_the_last_export_whole(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    truth = _table(path, labeled=10)
    with _session(path, tmp_path / "s", background=False) as session:
        rows = RowsFile(path, target="y")
        _answer_batch(session, truth, rows)
        first = pathlib.Path(session.export(model=False)["data"])
        before = first.read_bytes()
        _answer_batch(session, truth, rows)

        write_csv = pd.DataFrame.to_csv

        def interrupted(self, target, *args, **kwargs):  # half the file written, then Ctrl-C
            half = write_csv(self, None, *args, **kwargs)[:len(before) // 2]
            if hasattr(target, "write"):
                target.write(half.encode())
            else:
                pathlib.Path(target).write_text(half)
            raise KeyboardInterrupt

        monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
        with pytest.raises(KeyboardInterrupt):
            session.export(model=False)
        monkeypatch.undo()
        assert first.read_bytes() == before  # the earlier export, whole
        assert sorted(p.name for p in first.parent.iterdir()) == ["t.csv"]  # no temporary file
        again = session.export(model=False)
    assert pathlib.Path(again["data"]).read_bytes() != before  # the later answers are in


def test_export_model_in_the_saving_format(tmp_path):
    skio = pytest.importorskip("skactive.io")
    path = tmp_path / "t.csv"
    _table(path, labeled=20)
    with _session(path, tmp_path / "s") as session:
        paths = session.export()
    model = skio.load(paths["model"])
    assert list(model.classes_) == ["neg", "pos"]


# ------------------------------------------------------------------------------ command line
def test_cli_query_data_writes_typed_picks_and_continues(tmp_path, capsys):
    from skactive.cli import main

    path = tmp_path / "t.csv"
    truth = _table(path)
    out = tmp_path / "picks.csv"
    assert main(["query", "--data", str(path), "--target", "y", "--id", "id", "--n", "4",
                 "--max-epochs", "5", "--out", str(out)]) == 0
    text = out.read_text().splitlines()
    assert text[0] == "rank,row,key,score,predicted,confidence,id,count,x,z,colour,y"
    first = pd.read_csv(out, keep_default_na=False)
    assert first["id"].dtype == np.int64 and first["count"].dtype == np.int64
    assert all(line.split(",")[6] == line.split(",")[2] for line in text[1:])  # id == key
    frame = pd.read_csv(path, keep_default_na=False)
    frame.loc[first["row"], "y"] = truth[first["row"]].to_numpy()
    frame.to_csv(path, index=False)
    assert main(["query", "--data", str(path), "--target", "y", "--id", "id", "--n", "4",
                 "--max-epochs", "5", "--out", str(out)]) == 0
    assert not set(pd.read_csv(out)["id"]) & set(first["id"])


def test_cli_query_data_usage_errors(tmp_path, capsys):
    from skactive.cli import main

    path = tmp_path / "t.csv"
    _table(path)
    assert main(["query", "--data", str(path), "--labeled", str(path), "--target", "y"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["query", "--target", "y"]) == 2
    assert "--data FILE alone" in capsys.readouterr().err
    assert main(["query", "--data", str(path), "--target", "nope"]) == 2
    assert "no target column 'nope'" in capsys.readouterr().err


def test_cli_label_names_the_extra_when_missing(tmp_path, capsys, monkeypatch):
    import sys

    from skactive.cli import main

    path = tmp_path / "t.csv"
    _table(path)
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    assert main(["label", str(path), "--target", "y", "--out", str(tmp_path / "s")]) == 2
    assert "pip install 'skactive[label]'" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("name", [n for n in __import__("skactive.strategies", fromlist=["x"])
                                  .strategy_names() if n != "egl-word"])
def test_query_file_score_is_what_the_help_says_for_every_strategy(tmp_path, name):
    """Row-ranking strategies: score = the strategy's score_samples on the pool (higher first),
    and the picks are its top scores; set strategies: no score."""
    from skactive.labeling._engine import fit_learner, has_row_scores, make_strategy
    from skactive.strategies import get_strategy

    try:
        get_strategy(name)
    except NotImplementedError:
        pytest.skip(f"{name} is not available in this installation")
    path = tmp_path / "t.csv"
    # numbers only: IBAL-D's autoencoder reads the raw columns, not the model's encoding
    _table(path, n=80, labeled=20, categorical=False)
    picks = query_file(path, target="y", id_column="id", n=4, strategy=name,
                       model_params=FAST)
    strategy = make_strategy(name, 0)
    if not has_row_scores(strategy):
        assert picks["score"].isna().all()
        return
    rows = RowsFile(path, target="y", id_column="id")
    labeled, pool = rows.labeled(), rows.unlabeled()
    learner = fit_learner(rows, labeled, rows.labels[labeled], model="auto",
                          model_params=FAST, strategy=strategy,
                          seed=0)
    scores = strategy.score_samples(learner, rows.take_X(pool))
    expected = np.sort(scores)[::-1][:4]
    np.testing.assert_allclose(picks["score"], expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(scores[np.searchsorted(pool, picks["row"])], picks["score"],
                               rtol=1e-5, atol=1e-7)


def test_resume_after_the_file_was_edited(tmp_path):
    path = tmp_path / "t.csv"
    _table(path, labeled=10)
    with _session(path, tmp_path / "s") as session:
        keys = [r["key"] for r in session.next_batch()["rows"]]
        session.label(keys[0], "pos")
    frame = pd.read_csv(path, keep_default_na=False)
    rows = RowsFile(path, target="y")
    position = {k: i for i, k in enumerate(rows.keys)}
    frame.loc[position[keys[1]], "y"] = "neg"         # labeled in an editor meanwhile
    frame = frame.drop(index=position[keys[2]])        # and a row deleted
    frame.to_csv(path, index=False)
    with _session(path, tmp_path / "s") as session:
        assert [r["key"] for r in session.next_batch()["rows"]] == keys[3:]
        assert session.answers() == {keys[0]: "pos"}
        assert session.status()["labeled_total"] == 12
        session.label(keys[3], "pos")
        session.label(keys[4], "neg")
        assert session.next_batch()["version"] == 2  # the queue emptied: a new model chose
        paths = session.export(model=False)
    exported = pd.read_csv(paths["data"], keep_default_na=False)
    assert len(exported) == 119 and (exported["y"] != "").sum() == 14


def test_one_file_reader_names_an_identifier_column_and_the_flag(tmp_path):
    import warnings

    from skactive.datasets import DataNotice
    from skactive.labeling import RowsFile

    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"event": np.arange(1000, 1040), "a": rng.normal(size=40),
                          "kind": ["x", "y"] * 10 + [None] * 20})
    frame.to_csv(tmp_path / "t.csv", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RowsFile(tmp_path / "t.csv", target="kind")
    notices = [str(w.message) for w in caught if issubclass(w.category, DataNotice)]
    assert len(notices) == 1 and "['event']" in notices[0] and "--id event" in notices[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataNotice)  # with --id: no notice
        rows = RowsFile(tmp_path / "t.csv", target="kind", id_column="event")
    assert "event" not in rows.X.columns
