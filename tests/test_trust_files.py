"""Run folders that can be trusted: one run at a time, resumes onto the same data only,
damaged files named in one line, atomic and durable writes, injection-safe outputs."""

import json
import os
import socket

import numpy as np
import pandas as pd
import pytest

from skactive import cli
from skactive.datasets import make_sigmoid
from skactive.experiment import Dataset, read_results, run_experiment, write_report
from skactive.experiment import _results
from skactive.experiment._runfolder import (HOLDER_FILE, LOCK_FILE, RunFolderLockedError,
                                            data_fingerprint, lock_run_folder)
from skactive.utils import _files

QUICK = dict(strategies=["random"], model_params={"max_epochs": 2}, initial=0.1, step=0.1,
             until=0.3, progress=False)


def sigmoid(n=200, name="sigmoid"):
    X, y = make_sigmoid(n, random_state=0)
    return Dataset(name, X, y)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished run's folder contents: {file name: text}."""
    out = tmp_path_factory.mktemp("finished") / "run"
    run_experiment(sigmoid(), out=out, **QUICK)
    return {name: (out / name).read_text() for name in ("config.json", "results.csv",
                                                        "labeled.jsonl")}


def copy_run(finished, folder, **replace):
    folder.mkdir()
    for name, text in {**finished, **replace}.items():
        if text is not None:
            (folder / name).write_text(text)
    return folder


def one_error_line(capsys, argv):
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ----------------------------------------------------------------------------- lock
def test_second_run_into_a_held_folder_fails_naming_the_holder(tmp_path):
    out = tmp_path / "run"
    with lock_run_folder(out):
        holder = json.loads((out / HOLDER_FILE).read_text())
        assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
        with pytest.raises(RunFolderLockedError, match=f"process {os.getpid()} on "):
            run_experiment(sigmoid(), out=out, **QUICK)
        assert not (out / "results.csv").exists()  # refused before anything was written
    assert not out.exists()  # the lock's own folder is cleaned up: nothing was run
    results = run_experiment(sigmoid(), out=out, **QUICK)  # free again
    assert len(results) == 3 and not (out / HOLDER_FILE).exists()


def test_cli_run_into_a_held_folder_is_one_line(tmp_path, capsys):
    out = tmp_path / "run"
    with lock_run_folder(out):
        line = one_error_line(capsys, ["run", "--dataset", "sigmoid", "--max-samples", "200",
                                       "--max-epochs", "2", "--until", "0.1", "--no-progress",
                                       "--out", str(out)])
    assert f"is in use by another skactive run (process {os.getpid()}" in line


def test_failed_run_leaves_no_new_folder(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(ValueError, match="initial"):
        run_experiment(sigmoid(), out=out, **{**QUICK, "initial": 0.9, "until": 0.3})
    assert not out.exists()


# ----------------------------------------------------------------------------- fingerprint
def test_fingerprint_is_about_contents_not_layout():
    X = np.arange(12.0).reshape(4, 3)
    y = np.array(["a", "b", "a", "b"], dtype=object)
    base = data_fingerprint(X, y)
    assert data_fingerprint(np.asfortranarray(X.astype(np.float32)), y.astype(str)) == base
    assert data_fingerprint(X.astype(int), list(y)) == base
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    assert data_fingerprint(frame, y) == data_fingerprint(frame.copy(), y)
    assert data_fingerprint(frame, y) != data_fingerprint(frame.rename(columns={"c": "d"}), y)
    flipped = y.copy()
    flipped[0] = "b"
    assert data_fingerprint(X, flipped)["X"] == base["X"]
    assert data_fingerprint(X, flipped)["y"] != base["y"]
    X2 = X.copy()
    X2[3, 2] = np.nan
    assert data_fingerprint(X2, y)["X"] != base["X"]
    texts = np.array(["a good film", "dull", None, "x"], dtype=object)
    assert data_fingerprint(texts, y)["X"] != data_fingerprint(texts[[1, 0, 2, 3]], y)["X"]


def test_resume_onto_relabelled_data_of_the_same_size_is_refused(finished, tmp_path):
    out = copy_run(finished, tmp_path / "run")
    ds = sigmoid()
    relabelled = Dataset("sigmoid", ds.X, np.where(np.arange(200) == 7, 1 - ds.y, ds.y))
    with pytest.raises(ValueError, match=r"the labels of data set 'sigmoid' differ.*sizes match"):
        run_experiment(relabelled, out=out, resume=True, **QUICK)
    moved = Dataset("sigmoid", ds.X + 1e-9, ds.y)
    with pytest.raises(ValueError, match=r"the samples \(features or texts\) of data set"):
        run_experiment(moved, out=out, resume=True, **QUICK)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != LOCK_FILE}
    run_experiment(ds, out=out, resume=True, **QUICK)  # the same data resumes (nothing to do)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != LOCK_FILE}
    assert after == before


def test_resume_without_config_is_refused(finished, tmp_path, capsys):
    out = copy_run(finished, tmp_path / "run", **{"config.json": None})
    with pytest.raises(ValueError, match=r"config.json is missing although the folder holds 3 "):
        run_experiment(sigmoid(), out=out, resume=True, **QUICK)
    assert not (out / "config.json").exists()  # refused, nothing rewritten


@pytest.mark.parametrize("text, problem", [
    ("", "is empty"),
    ('{"protocol": {"seed": 0, "init', "is not valid JSON"),
    ("[1, 2]", "holds an array, not the settings of a run"),
    ("null", "holds null, not the settings of a run"),
    ('{"protocol": [], "datasets": {}, "strategies": [], "models": [], "repeats": 1}',
     "entry 'protocol' is an array, expected an object"),
    ('{"protocol": {}, "datasets": {}, "strategies": [], "models": []}',
     "lacks the entry 'repeats'"),
    ("\udcff", "is not UTF-8 text"),
])
def test_damaged_config_is_one_line_naming_file_and_problem(finished, tmp_path, capsys, text,
                                                           problem):
    out = copy_run(finished, tmp_path / "run")
    (out / "config.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    line = one_error_line(capsys, ["run", "--dataset", "sigmoid", "--out", str(out), "--resume",
                                   "--no-progress"])
    assert str(out / "config.json") in line and problem in line
    line = one_error_line(capsys, ["report", str(out)])
    assert str(out / "config.json") in line and problem in line


def test_results_that_are_not_text_are_one_line(finished, tmp_path, capsys):
    out = copy_run(finished, tmp_path / "run")
    (out / "results.csv").write_bytes(b"\xec\x00\xff" * 50)
    line = one_error_line(capsys, ["report", str(out)])
    assert f"{out / 'results.csv'} is not UTF-8 text (byte 0:" in line


@pytest.mark.parametrize("column, value, expected", [
    ("auc", "0.7x", "column 'auc' holds '0.7x', not a number"),
    ("round", "1.5", "column 'round' holds 1.5, not an integer"),
    ("n_labeled", "", "column 'n_labeled' holds an empty cell, not an integer"),
])
def test_corrupt_number_in_results_is_one_line(finished, tmp_path, capsys, column, value,
                                               expected):
    frame = pd.read_csv(pd.io.common.StringIO(finished["results.csv"]), dtype=str,
                        keep_default_na=False)
    frame.loc[1, column] = value
    out = copy_run(finished, tmp_path / "run", **{"results.csv": frame.to_csv(index=False)})
    with pytest.raises(ValueError, match="line 3: " + expected.replace("(", r"\(")):
        read_results(out)
    line = one_error_line(capsys, ["report", str(out)])
    assert line.endswith("(edited or written by something else).")
    assert f"{out / 'results.csv'}, line 3: {expected}" in line


@pytest.mark.parametrize("added, expected", [([10**6], "holds position 1000000, outside"),
                                             ([-3], "holds position -3, outside"),
                                             (None, "holds a position twice")])
def test_bad_index_in_labeled_records_is_one_line(finished, tmp_path, capsys, added, expected):
    records = [json.loads(line) for line in finished["labeled.jsonl"].splitlines()]
    if added is None:
        added = records[0]["added"][:1]
    records[1]["added"] = added + records[1]["added"][len(added):]
    text = "".join(json.dumps(r) + "\n" for r in records)
    rows = finished["results.csv"].splitlines(keepends=True)
    out = copy_run(finished, tmp_path / "run", **{"labeled.jsonl": text,
                                                 "results.csv": "".join(rows[:3])})
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != LOCK_FILE}
    with pytest.raises(ValueError) as info:
        run_experiment(sigmoid(), out=out, resume=True, **QUICK)
    message = str(info.value)
    assert message.startswith(f"{out / 'labeled.jsonl'}: ") and expected in message
    assert "\n" not in message
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != LOCK_FILE}
    assert after == before


# ----------------------------------------------------------------------------- atomic writes
def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "config.json"
    path.write_text("old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(_files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        _files.atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]  # no temporary left


def test_config_report_and_figures_are_written_atomically(tmp_path, monkeypatch):
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(_files.os, "replace",
                        lambda src, dst: (replaced.append(os.path.basename(dst)),
                                          real_replace(src, dst)))
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    out = tmp_path / "run"
    run_experiment(sigmoid(), out=out, **QUICK)
    assert {"config.json", "results.csv"} <= set(replaced)
    # 3 rounds: labeled record and results row are each fsync'ed at the round's end
    assert len(synced) >= 2 * 3
    replaced.clear()
    write_report(out)
    assert set(replaced) >= {"report.md", "learning_curves.png", "pairwise_matrix.png",
                             "query_times.png"}
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# ----------------------------------------------------------------------------- injection
def test_hostile_names_are_escaped_in_the_report_and_quoted_in_results(tmp_path):
    name = "<img src=x onerror=alert(1)>"
    out = tmp_path / "run"
    run_experiment(sigmoid(name=name), out=out, **QUICK)
    report = write_report(out).read_text()
    assert "<img" not in report and "&lt;img src=x onerror=alert(1)&gt;" in report
    formula = "=cmd|' /C calc'!A0"
    out2 = tmp_path / "run2"
    run_experiment(sigmoid(name=formula), out=out2, **QUICK)
    rows = (out2 / "results.csv").read_text().splitlines()[1:]
    assert all(row.startswith("'=cmd|") for row in rows)
    assert read_results(out2)["dataset"].unique().tolist() == [formula]  # reads back exactly
    report = write_report(out2).read_text()
    assert "=cmd\\|' /C calc'!A0" in report  # the pipe cannot open a table cell


def test_results_text_cells_round_trip(tmp_path):
    names = ["'quoted", "''=x", "+1", "@a", "-b", "plain"]
    rows = [{**{c: 0 for c in _results.COLUMNS}, "dataset": n, "model": "m", "strategy": "s"}
            for n in names]
    store = _results.ResultsStore(tmp_path)
    store.prepare()
    for row in rows:
        store.append_round(row, [])
    assert read_results(tmp_path)["dataset"].tolist() == names


def test_csv_safe_frame_quotes_only_string_cells():
    frame = pd.DataFrame({"text": ["=1+2", "+x", "-y", "@z", "\tt", "\rr", "ok", None],
                          "number": [-1.5, 2, -3, 4, 5, 6, 7, 8],
                          "=col": ["a"] * 8})
    safe = _files.csv_safe_frame(frame)
    assert safe["text"].tolist()[:7] == ["'=1+2", "'+x", "'-y", "'@z", "'\tt", "'\rr", "ok"]
    assert safe["text"].isna().tolist()[-1]
    assert safe["number"].tolist() == frame["number"].tolist()
    assert list(safe.columns) == ["text", "number", "'=col"]
    assert frame["text"].iloc[0] == "=1+2"  # the caller's frame is untouched


@pytest.mark.parametrize("line", ['{"dataset": "sigmoid", "added": [1]}', "[1, 2]",
                                  '{"dataset":"sigmoid","model":"mlp","strategy":"random",'
                                  '"repeat":0,"round":1,"added":[1.5, 2]}',
                                  '{"dataset":"sigmoid","model":"mlp","strategy":"random",'
                                  '"repeat":0,"round":1,"added":7}',
                                  '{"dataset":"sigmoid","model":"mlp","strategy":"random",'
                                  '"repeat":0,"round":1,"added":[true]}'])
def test_malformed_labeled_record_is_one_line(finished, tmp_path, line):
    records = finished["labeled.jsonl"].splitlines(keepends=True)
    text = records[0] + line + "\n" + "".join(records[2:])
    out = copy_run(finished, tmp_path / "run", **{"labeled.jsonl": text})
    with pytest.raises(ValueError, match=r"labeled.jsonl, line 2 is not a labeled-set record "
                                         r"\(.*\); the folder is damaged") as info:
        _results.ResultsStore(out).labeled_records()
    assert "\n" not in str(info.value)


def test_a_second_process_is_refused_while_a_run_holds_the_folder(tmp_path, capsys):
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path / "run"
    code = ("import sys, time\n"
            "from skactive.experiment._runfolder import lock_run_folder\n"
            f"with lock_run_folder({str(out)!r}):\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.readline()\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "held"
        line = one_error_line(capsys, ["run", "--dataset", "sigmoid", "--no-progress", "--out",
                                       str(out)])
        assert f"is in use by another skactive run (process {holder.pid} on " in line
        assert "choose another output folder" in line
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    with lock_run_folder(out):  # released with the process
        pass


def test_interrupt_between_a_rounds_two_records_leaves_no_partial_row(finished, tmp_path,
                                                                      monkeypatch):
    """Ctrl-C after a round's labeled record but before its results row: resume redoes it."""
    out = tmp_path / "run"
    real_append = _results._append_text
    calls = {"n": 0}

    def interrupted_append(path, text):
        calls["n"] += 1
        if calls["n"] == 4:  # round 1's results row (labeled r0, row r0, labeled r1, row r1)
            raise KeyboardInterrupt
        real_append(path, text)

    monkeypatch.setattr(_results, "_append_text", interrupted_append)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(sigmoid(), out=out, **QUICK)
    monkeypatch.setattr(_results, "_append_text", real_append)
    assert len(read_results(out)) == 1  # only the finished round 0
    assert (out / "results.csv").read_text().endswith("\n")
    resumed = run_experiment(sigmoid(), out=out, resume=True, **QUICK)
    expected = read_results_text(finished["results.csv"], tmp_path)
    timing = ["fit_seconds", "query_seconds"]
    pd.testing.assert_frame_equal(resumed.drop(columns=timing), expected.drop(columns=timing))


def read_results_text(text, tmp_path):
    path = tmp_path / "expected.csv"
    path.write_text(text)
    return read_results(path)


def test_folder_from_before_fingerprints_still_resumes(finished, tmp_path):
    config = json.loads(finished["config.json"])
    del config["data_fingerprints"]
    out = copy_run(finished, tmp_path / "run", **{"config.json": json.dumps(config)})
    run_experiment(sigmoid(), out=out, resume=True, **{**QUICK, "until": 0.4})
    assert len(read_results(out)) == 4
    assert "sigmoid" in json.loads((out / "config.json").read_text())["data_fingerprints"]


# ----------------------------------------------------------------------------- properties
hypothesis = pytest.importorskip("hypothesis", reason="property tests need hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

from skactive.experiment.report import _md  # noqa: E402

names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=',"\n\r'),
                min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(st.lists(names, min_size=1, max_size=5))
def test_results_text_cells_round_trip_and_never_start_a_formula(tmp_path_factory, values):
    folder = tmp_path_factory.mktemp("prop")
    store = _results.ResultsStore(folder)
    store.prepare()
    for value in values:
        store.append_round({**{c: 0 for c in _results.COLUMNS}, "dataset": value,
                            "model": "m", "strategy": "s"}, [])
    text = (folder / "results.csv").read_text()
    cells = [line.split(",")[0] for line in text.split("\n")[:-1]]  # only \n ends a row
    assert not any(c.startswith(_files.FORMULA_PREFIXES) for c in cells[1:])
    assert read_results(folder)["dataset"].tolist() == values


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_markdown_escaping_leaves_no_markup(text):
    escaped = _md(text)
    assert "<" not in escaped and ">" not in escaped and "\n" not in escaped
    unescaped = escaped.replace("\\\\", "")
    for ch in "|*_`[]~":
        assert ch not in unescaped.replace("\\" + ch, "")


@pytest.mark.parametrize("garbage", [b"\xec\x00\xff" * 50, b"no newline at all, not a csv",
                                     b"a,b\n1,2\n3"])
def test_resume_reports_a_damaged_results_file_before_cutting_anything(finished, tmp_path,
                                                                       garbage):
    out = copy_run(finished, tmp_path / "run")
    (out / "results.csv").write_bytes(garbage)
    with pytest.raises(ValueError, match="results.csv"):
        run_experiment(sigmoid(), out=out, resume=True, **QUICK)
    assert (out / "results.csv").read_bytes() == garbage  # nothing was cut or rewritten
