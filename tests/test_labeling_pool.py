"""A labeling session on a Parquet file or a .npy array: read by row group and chunk, never
whole; the same picks as the same rows given as a CSV (or, for an array, as Parquet)."""

import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyarrow", reason="Parquet files need pyarrow (the 'parquet' extra)")

from skactive.cli import main  # noqa: E402
from skactive.datasets import ParquetPool, PoolView  # noqa: E402
from skactive.labeling import LabelingSession  # noqa: E402

FAST = {"max_epochs": 5}


def _write(folder, n=240, labeled=12, seed=0, row_group_size=37):
    """The same rows as ``rows.csv`` and ``rows.parquet``; the truth by row number.

    The features are float32 in the Parquet file and their exact float64 values in the CSV,
    so that both readers give the model the same numbers.
    """
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    frame = pd.DataFrame({"id": np.arange(n), "count": rng.randint(0, 50, size=n),
                          "x": X[:, 0], "z": X[:, 1], "w": X[:, 2],
                          "y": np.where(X[:, 0] + 0.5 * X[:, 1] > 0, "pos", "neg")})
    truth = frame["y"].to_numpy().copy()
    frame["y"] = frame["y"].astype(object)
    frame.loc[labeled:, "y"] = None
    frame.loc[labeled::7, "y"] = "  "  # blank cells are unlabeled too
    frame.to_parquet(folder / "rows.parquet", row_group_size=row_group_size)
    frame.astype({c: np.float64 for c in "xzw"}).fillna({"y": ""}).to_csv(
        folder / "rows.csv", index=False)
    return frame, truth


def _session(path, out, **params):
    params = {"target": "y", "id_column": "id", "strategy": "entropy", "batch_size": 5,
              "background": False, "model_params": FAST, **params}
    return LabelingSession(path, out, **params)


def _answer(session, truth, picks, limit=None):
    batch = session.next_batch()
    picks.append([(r["row"], r["predicted"]) for r in batch["rows"]])
    for row in batch["rows"][:limit]:
        session.label(row["key"], truth[row["row"]])


def test_parquet_session_resumes_and_exports_as_the_csv_session(tmp_path):
    frame, truth = _write(tmp_path)
    csv_picks = []
    with _session(tmp_path / "rows.csv", tmp_path / "csv") as session:
        for _ in range(4):
            _answer(session, truth, csv_picks)
        csv_status = session.status()
        session.export(model=False)
    picks, given = [], {}
    with _session(tmp_path / "rows.parquet", tmp_path / "pq", chunk_rows=16) as session:
        for _ in range(2):
            _answer(session, truth, picks)
        _answer(session, truth, picks, limit=2)  # stopped in the middle of a batch
        given = session.answers()
    assert len(given) == 12
    with _session(tmp_path / "rows.parquet", tmp_path / "pq", chunk_rows=16) as session:
        assert session.answers() == given  # every answer kept
        rest = session.next_batch()["rows"]
        assert [r["row"] for r in rest] == [row for row, _ in picks[-1][2:]]
        for row in rest:
            session.label(row["key"], truth[row["row"]])
        _answer(session, truth, picks)
        assert session.status() == {**csv_status, "training": False}
        paths = session.export(model=False)
    # the same rows chosen, in the same order, with the same predictions
    assert picks == csv_picks
    assert [p[1] for batch in picks for p in batch if p[1] is not None]  # models did choose
    exported = pd.read_parquet(paths["data"])
    from_csv = pd.read_csv(tmp_path / "csv" / "export" / "rows.csv", keep_default_na=False)
    assert exported["y"].fillna("").str.strip().tolist() == from_csv["y"].str.strip().tolist()
    pd.testing.assert_frame_equal(exported.drop(columns="y"), frame.drop(columns="y"))
    assert ParquetPool(paths["data"], columns=["x"]).n_row_groups == ParquetPool(
        tmp_path / "rows.parquet", columns=["x"]).n_row_groups == 7
    # the answered rows only changed; the rest keep their null or blank cell
    answered = {r["key"] for r in map(json.loads, open(tmp_path / "pq" / "answers.jsonl"))
                if r["op"] == "label"}
    changed = frame["y"].fillna("").to_numpy() != exported["y"].fillna("").to_numpy()
    assert set(np.flatnonzero(changed).astype(str)) == answered


@pytest.mark.parametrize("column, answers, kept", [
    (pd.array([0, 1, None, None, 1, None], dtype="Int64"), ["1", "0"], "int64"),
    ([0.0, 1.0, np.nan, None, 1.0, np.nan], ["1", "0"], "double"),
    ([True, False, None, None, True, None], ["true", "false"], "bool"),
    (pd.Categorical(["a", "b", None, "", "a", " "]), ["b", "a"], "dictionary"),
    (pd.array([0, 1, None, None, 1, None], dtype="Int64"), ["1", "maybe"], "string")])
def test_label_columns_of_every_type_are_read_and_exported(tmp_path, column, answers, kept):
    import pyarrow.parquet as pq

    pd.DataFrame({"a": np.arange(6.0), "y": column}).to_parquet(tmp_path / "p.parquet",
                                                                row_group_size=4)
    with _session(tmp_path / "p.parquet", tmp_path / "s", id_column=None, strategy="random",
                  classes=["maybe"], model_params={"max_epochs": 1}) as session:
        assert session.status()["labeled_total"] == 3  # null, NaN and blank are unlabeled
        session.label("2", answers[0])
        session.label("5", answers[1])
        paths = session.export(model=False)
    exported = pq.read_table(paths["data"])
    assert str(exported.schema.field("y").type).startswith(kept)
    cells = [None if v is None else str(v).lower() for v in exported.column("y").to_pylist()]
    original = [None if v is None else str(v).lower()
                for v in pq.read_table(tmp_path / "p.parquet").column("y").to_pylist()]
    assert cells[2] in (answers[0], answers[0] + ".0") and cells[5] in (answers[1],
                                                                         answers[1] + ".0")
    assert [c for i, c in enumerate(cells) if i not in (2, 5)] == [
        c for i, c in enumerate(original) if i not in (2, 5)]  # the others as they were


def _count_frames(monkeypatch):
    """The rows of every DataFrame the pool view makes for the model, in order."""
    framed, frame = [], PoolView._frame

    def spy_frame(self, values, sources):
        framed.append(len(values))
        return frame(self, values, sources)

    monkeypatch.setattr(PoolView, "_frame", spy_frame)
    return framed


def test_a_streaming_strategy_reads_a_row_group_or_a_chunk_at_a_time(tmp_path, monkeypatch):
    _, truth = _write(tmp_path, n=3000, labeled=40, row_group_size=400)
    read, to_array = [], ParquetPool._to_array  # rows of each Parquet read

    def spy_read(self, table):
        read.append(table.num_rows)
        return to_array(self, table)

    monkeypatch.setattr(ParquetPool, "_to_array", spy_read)
    framed = _count_frames(monkeypatch)  # rows of each DataFrame made from them
    with _session(tmp_path / "rows.parquet", tmp_path / "s", chunk_rows=128,
                  stop_set_size=50) as session:
        picks = []
        _answer(session, truth, picks)
        _answer(session, truth, picks)
        assert session.next_batch()["version"] == 3
    # three models each scored every unlabeled row, 128 at a time, never the whole file
    assert max(read) <= 400 and max(framed) == 128
    assert sum(n for n in framed if n == 128) >= 3 * (3000 - 60) // 128 * 128


def test_a_set_strategy_reads_a_small_file_whole_and_is_refused_on_a_large_one(
        tmp_path, monkeypatch, capsys):
    _write(tmp_path)
    with _session(tmp_path / "rows.parquet", tmp_path / "small", strategy="coreset") as session:
        batch = session.next_batch()
        assert batch["version"] == 1 and len(batch["rows"]) == 5
    monkeypatch.setattr("skactive.labeling._query.MEMORY_BUDGET_BYTES", 1000)
    with pytest.raises(ValueError, match="needs the whole pool in memory") as error:
        _session(tmp_path / "rows.parquet", tmp_path / "large", strategy="albl").open()
    assert "entropy" in str(error.value) and "228 rows x 4 columns" in str(error.value)
    assert sorted(p.name for p in (tmp_path / "large").iterdir()) == ["session.lock",
                                                                      "session.pid"]
    # on the command line, in its words
    assert main(["label", str(tmp_path / "rows.parquet"), "--target", "y", "--out",
                 str(tmp_path / "cli"), "--strategy", "albl"]) == 2
    err = capsys.readouterr().err
    assert "--strategy albl needs the whole pool" in err and "entropy" in err
    # the default streams: it opens the same file beyond the budget
    with _session(tmp_path / "rows.parquet", tmp_path / "auto", strategy="auto") as session:
        assert len(session.next_batch()["rows"]) == 5


def test_bad_input_is_refused_in_the_users_words(tmp_path, capsys):
    _write(tmp_path)
    parquet = str(tmp_path / "rows.parquet")
    np.save(tmp_path / "rows.npy", np.zeros((4, 2), dtype=np.float32))
    (tmp_path / "fake.parquet").write_text("a,b\n1,2\n")

    def cli(*args):
        assert main(["label", *map(str, args), "--out", str(tmp_path / "cli")]) == 2
        return capsys.readouterr().err

    assert "no target column 'nope'; its columns are ['id', 'count'" in cli(
        parquet, "--target", "nope")
    assert "no id column 'key'" in cli(parquet, "--target", "y", "--id", "key")
    assert "--target does not apply" in cli(tmp_path / "rows.npy", "--target", "y")
    assert "not a readable Parquet file" in cli(tmp_path / "fake.parquet", "--target", "y")
    assert "--text reads a file of sentences" in cli(parquet, "--text")
    assert "--sep goes with a CSV/TSV table" in cli(parquet, "--target", "y", "--sep", ";")
    assert "--chunk-rows goes with a Parquet or .npy FILE" in cli(tmp_path / "rows.csv", "--target",
                                                          "y", "--chunk-rows", "10")
    # in Python, in its parameters' words; a session that fails to open writes nothing
    for path, params, message in [
            (parquet, {"target": "nope"}, "no target column 'nope'"),
            (tmp_path / "rows.npy", {}, "target does not apply"),
            (parquet, {"text": True, "target": None}, "text=True"),
            (tmp_path / "rows.csv", {"chunk_rows": 8}, "chunk_rows goes with a Parquet"),
            (parquet, {"chunk_rows": 0}, "chunk_rows must be a positive integer")]:
        with pytest.raises(ValueError, match=message):
            _session(path, tmp_path / "py", **params).open()
        assert not (tmp_path / "py" / "answers.jsonl").exists()
        assert not (tmp_path / "py" / "settings.json").exists()
    with _session(parquet, tmp_path / "py") as session:  # the folder is usable after them
        with pytest.raises(KeyError):
            session.label("240", "pos")  # one past the last row
        with pytest.raises(KeyError):
            session.label("007", "pos")
        assert session.answers() == {}
    assert not (tmp_path / "cli").exists() or not (tmp_path / "cli" / "answers.jsonl").exists()


def test_labeling_server_on_a_parquet_file_loses_no_answer(tmp_path):
    pytest.importorskip("starlette", reason="the 'label' extra (starlette) is not installed")
    pytest.importorskip("uvicorn", reason="the 'label' extra (uvicorn) is not installed")
    httpx = pytest.importorskip("httpx", reason="httpx is not installed")
    from _labeling_server import Server, wait_for_batch

    (tmp_path / "data").mkdir()
    frame, truth = _write(tmp_path / "data")
    args = [tmp_path / "data" / "rows.parquet", "--target", "y", "--id", "id", "--strategy",
            "entropy", "--batch-size", "4", "--max-epochs", "5", "--chunk-rows", "64",
            "--out", tmp_path / "s"]
    acknowledged = {}
    server = Server(args, tmp_path)
    try:
        assert "12 labeled and 228 to go" in "".join(server.lines)
        with httpx.Client(base_url=server.base, timeout=60) as client:
            headers = {"X-Skactive-Token": server.token}
            for _ in range(2):
                batch = wait_for_batch(client, headers)
                # the page shows every column of the picked rows, as stored
                assert batch["columns"] == ["id", "count", "x", "z", "w", "y"]
                for row in batch["rows"]:
                    assert row["cells"]["id"] == row["key"] == str(row["row"])
                    assert float(row["cells"]["x"]) == frame["x"][row["row"]]
                    reply = client.post("/api/labels", headers=headers, json={
                        "answers": [{"key": row["key"], "label": truth[row["row"]]}]})
                    assert reply.status_code == 200 and reply.json()["saved"][0]["saved"]
                    acknowledged[row["key"]] = truth[row["row"]]
    finally:
        server.kill9()
        server.proc.stdout.close()
    server = Server(args, tmp_path)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            headers = {"X-Skactive-Token": server.token}
            assert client.get("/api/status", headers=headers).json()["labels"] == 8
            assert client.post("/api/export", headers=headers,
                               json={"model": False}).status_code == 200
    finally:
        server.stop()
    exported = pd.read_parquet(tmp_path / "s" / "export" / "rows.parquet")
    assert all(exported["y"][int(key)] == label for key, label in acknowledged.items())
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["rows.csv",
                                                                     "rows.parquet"]


def test_an_interrupt_while_scoring_the_file_reaches_the_caller(tmp_path, monkeypatch):
    _, truth = _write(tmp_path)

    def interrupted(self, chunk_rows):
        raise KeyboardInterrupt
        yield

    with _session(tmp_path / "rows.parquet", tmp_path / "s") as session:
        rows = session.next_batch()["rows"]
        for row in rows[:-1]:
            session.label(row["key"], truth[row["row"]])
        monkeypatch.setattr(PoolView, "iter_chunks", interrupted)
        with pytest.raises(KeyboardInterrupt):  # the last answer starts the next model
            session.label(rows[-1]["key"], truth[rows[-1]["row"]])
        assert session.next_batch()["error"] is None  # not taken for a failed training
    monkeypatch.undo()
    log = [json.loads(line) for line in open(tmp_path / "s" / "answers.jsonl")]
    assert [r["op"] for r in log] == ["batch"] + ["label"] * 5  # no batch of the cut model
    with _session(tmp_path / "rows.parquet", tmp_path / "s") as session:  # lock released
        assert len(session.answers()) == 5 and session.next_batch()["version"] == 2


def _write_npy(folder, n=240, seed=0):
    """The same unlabeled rows as ``pool.npy`` and as ``pool.parquet`` (columns x0, x1, x2 and
    an all-null label column ``y``); the truth by row number."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    np.save(folder / "pool.npy", X)
    frame = pd.DataFrame(X, columns=["x0", "x1", "x2"]).assign(y=None)  # a null-typed column
    frame.to_parquet(folder / "pool.parquet", row_group_size=37)
    return X, np.where(X[:, 0] + 0.5 * X[:, 1] > 0, "pos", "neg")


def _npy_session(path, out, **params):
    params = {"target": None, "id_column": None, "classes": ["neg", "pos"], **params}
    return _session(path, out, **params)


def test_npy_session_resumes_exports_and_picks_as_the_parquet_session(tmp_path):
    X, truth = _write_npy(tmp_path)
    pq_picks = []
    with _npy_session(tmp_path / "pool.parquet", tmp_path / "pq", target="y",
                      chunk_rows=16) as session:
        for _ in range(4):
            _answer(session, truth, pq_picks)
        pq_status = session.status()
    picks = []
    with _npy_session(tmp_path / "pool.npy", tmp_path / "npy", chunk_rows=16) as session:
        assert session.status()["unlabeled"] == 240  # every row of the array
        batch = session.next_batch()
        assert batch["columns"] == ["x0", "x1", "x2"]
        row = batch["rows"][0]  # the page shows the array's values, float32 as written
        assert row["key"] == str(row["row"])
        assert row["cells"] == {f"x{j}": str(X[row["row"], j]) for j in range(3)}
        for _ in range(2):
            _answer(session, truth, picks)
        _answer(session, truth, picks, limit=2)  # stopped in the middle of a batch
        given = session.answers()
    assert len(given) == 12
    # resumed without classes: the session folder keeps them
    with _npy_session(tmp_path / "pool.npy", tmp_path / "npy", chunk_rows=16,
                      classes=None) as session:
        assert session.answers() == given  # every answer kept
        rest = session.next_batch()["rows"]
        assert [r["row"] for r in rest] == [row for row, _ in picks[-1][2:]]
        for row in rest:
            session.label(row["key"], truth[row["row"]])
        _answer(session, truth, picks)
        assert session.status() == {**pq_status, "training": False}
        session.undo()  # the last answer taken back: not exported
        answers = session.answers()
        paths = session.export(model=False)
    assert picks == pq_picks  # the same rows, in the same order, with the same predictions
    assert [p[1] for batch in picks for p in batch if p[1] is not None]  # models did choose
    assert paths["data"] == str(tmp_path / "npy" / "export" / "pool_labels.csv")
    exported = pd.read_csv(paths["data"], dtype={"label": str})
    rows = sorted(int(k) for k in answers)
    assert exported.columns.tolist() == ["row", "label"] and len(rows) == 19
    assert exported["row"].tolist() == rows
    assert exported["label"].tolist() == [truth[r] for r in rows]
    np.testing.assert_array_equal(np.load(tmp_path / "pool.npy"), X)  # the array untouched


def test_npy_pool_is_memory_mapped_and_streamed_a_chunk_at_a_time(tmp_path, monkeypatch):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(3000, 4)).astype(np.float32)
    np.save(tmp_path / "pool.npy", X)
    truth = np.where(X[:, 0] > 0, "pos", "neg")
    loads, load = [], np.load

    def spy_load(*args, **kwargs):
        loads.append(kwargs.get("mmap_mode"))
        return load(*args, **kwargs)

    monkeypatch.setattr(np, "load", spy_load)
    framed = _count_frames(monkeypatch)
    with _npy_session(tmp_path / "pool.npy", tmp_path / "s", chunk_rows=128,
                      stop_set_size=50) as session:
        picks = []
        for _ in range(3):
            _answer(session, truth, picks)
        assert session.next_batch()["version"] == 3
    assert loads and set(loads) == {"r"}  # opened as a memory map only
    # each model scored every unlabeled row 128 at a time; nothing read the array whole
    assert max(framed) == 128
    assert sum(n for n in framed if n == 128) >= 3 * ((3000 - 15) // 128 * 128)


def test_npy_pool_bad_input_is_refused_in_the_users_words(tmp_path, capsys, monkeypatch):
    _write_npy(tmp_path)
    npy = tmp_path / "pool.npy"
    np.save(tmp_path / "flat.npy", np.zeros(5, dtype=np.float32))
    np.save(tmp_path / "cube.npy", np.zeros((2, 3, 4), dtype=np.float32))
    np.save(tmp_path / "objects.npy", np.array([["a", 1]], dtype=object))
    np.save(tmp_path / "words.npy", np.array([["a", "b"]]))
    pd.DataFrame({"a": [1.0], "y": [""]}).to_csv(tmp_path / "rows.csv", index=False)

    def cli(*args):
        assert main(["label", *map(str, args), "--out", str(tmp_path / "cli")]) == 2
        return capsys.readouterr().err

    assert "holds no labels: name the labels to offer with --classes a,b" in cli(npy)
    assert "--target does not apply" in cli(npy, "--target", "y", "--classes", "a,b")
    assert "--id does not apply" in cli(npy, "--id", "x0", "--classes", "a,b")
    assert "shape (5,); a pool is 2-D" in cli(tmp_path / "flat.npy", "--classes", "a,b")
    assert "shape (2, 3, 4); a pool is 2-D" in cli(tmp_path / "cube.npy", "--classes", "a,b")
    assert "cannot be memory-mapped as a numeric array" in cli(tmp_path / "objects.npy",
                                                               "--classes", "a,b")
    assert "holds <U1 values; a pool holds numbers only" in cli(tmp_path / "words.npy",
                                                                "--classes", "a,b")
    assert "--chunk-rows goes with a Parquet or .npy FILE" in cli(
        tmp_path / "rows.csv", "--target", "y", "--chunk-rows", "10")
    assert "--chunk-rows: expected a positive integer, got '0'" in cli(
        npy, "--classes", "a,b", "--chunk-rows", "0")
    assert not (tmp_path / "cli").exists() or not (tmp_path / "cli" / "answers.jsonl").exists()
    # in Python, in its parameters' words; a session that fails to open writes nothing
    for path, params, message in [
            (npy, {"classes": None}, r"holds no labels.*classes=\[\.\.\.\]"),
            (npy, {"classes": ["only"]}, r"at least two, not only \['only'\]"),
            (npy, {"target": "y"}, "target does not apply"),
            (npy, {"sep": ";"}, "sep does not apply"),
            (tmp_path / "flat.npy", {}, "a pool is 2-D"),
            (tmp_path / "cube.npy", {}, "a pool is 2-D"),
            (tmp_path / "objects.npy", {}, "cannot be memory-mapped"),
            (tmp_path / "words.npy", {}, "a pool holds numbers only"),
            (tmp_path / "rows.csv", {"target": "y", "chunk_rows": 8},
             "chunk_rows goes with a Parquet or .npy file"),
            (npy, {"chunk_rows": 0}, "chunk_rows must be a positive integer")]:
        with pytest.raises(ValueError, match=message):
            _npy_session(path, tmp_path / "py", **params).open()
        assert not (tmp_path / "py" / "answers.jsonl").exists()
        assert not (tmp_path / "py" / "settings.json").exists()
    # a set strategy reads the unlabeled rows whole: refused beyond the memory budget
    monkeypatch.setattr("skactive.labeling._query.MEMORY_BUDGET_BYTES", 1000)
    with pytest.raises(ValueError, match=r"needs the whole pool in memory.*240 rows x 3 "):
        _npy_session(npy, tmp_path / "py", strategy="coreset").open()
    assert "--strategy coreset needs the whole pool" in cli(npy, "--classes", "a,b",
                                                            "--strategy", "coreset")
    assert not (tmp_path / "py" / "settings.json").exists()


def test_label_command_on_a_npy_pool_says_where_export_goes(tmp_path, capsys, monkeypatch):
    pytest.importorskip("starlette", reason="the 'label' extra (starlette) is not installed")
    pytest.importorskip("uvicorn", reason="the 'label' extra (uvicorn) is not installed")
    _write_npy(tmp_path)
    served = []

    def serve(session, sock, token):  # instead of serving the page: what it would serve
        served.append(session.status())
        sock.close()

    monkeypatch.setattr("skactive.labeling.serve", serve)
    assert main(["label", str(tmp_path / "pool.npy"), "--classes", "neg,pos", "--port", "0",
                 "--out", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert "0 labeled and 240 to go" in out
    assert f"row,label to {tmp_path / 's' / 'export' / 'pool_labels.csv'}" in out
    assert served and served[0]["unlabeled"] == 240
    # resumed: the session folder remembers the classes
    assert main(["label", str(tmp_path / "pool.npy"), "--port", "0", "--out",
                 str(tmp_path / "s")]) == 0
    assert len(served) == 2 and served[1]["class_balance"] == {"neg": 0, "pos": 0}


def test_the_default_measures_the_model_on_answered_rows_and_switches_in_a_session(tmp_path):
    """``auto`` finds the answers to its random rows by value in CSV, Parquet (float32) and
    .npy sessions alike, and switches to entropy once 100 of them rank well."""
    frame, truth = _write(tmp_path)
    X, npy_truth = _write_npy(tmp_path)
    runs = {}
    for name, rows, params in [
            ("rows.csv", truth, {}), ("rows.parquet", truth, {}),
            ("pool.npy", npy_truth, {"target": None, "id_column": None,
                                     "classes": ["neg", "pos"]})]:
        picks = []
        with _session(tmp_path / name, tmp_path / name.replace(".", "-"), strategy="auto",
                      batch_size=30, **params) as session:
            for _ in range(7):  # at most 210 of the 240 rows
                _answer(session, rows, picks)
                if session._strategy.trusted_:
                    break
            runs[name] = (picks, session._strategy)
    for name, (picks, gate) in runs.items():
        # measured from the 4th batch of 30 on (>= 100 rows); switched at the first AUC >= 0.85
        assert gate.trusted_, name
        assert all(auc < 0.85 for auc in gate.auc_history_[:-1]), name
        assert 0.85 <= gate.heldout_auc_ == gate.auc_history_[-1] <= 1, name
    assert runs["rows.parquet"][0] == runs["rows.csv"][0]  # the same rows, the same switch
