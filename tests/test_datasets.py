"""Tests for skactive.datasets."""

import doctest
import gzip
import hashlib
import os
import shutil
import socket
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import multivariate_normal
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.utils import Bunch

import skactive.datasets as datasets
from skactive.datasets import (
    get_data_home,
    load_employee,
    load_mr,
    load_table,
    load_telescope,
    load_text,
    make_ibal,
    make_sigmoid,
    make_table_preprocessor,
)

SHARED = Path(
    os.environ.get("SKACTIVE_SHARED_DATASETS")
    or Path(__file__).resolve().parents[2] / "shared" / "datasets"
)
MAGIC_SHA256 = "e9314b7ebd4b4b59a3b3d65f7316663963777b16a46786877651dbbaa640b36a"
TELESCOPE_COLUMNS = [
    "fLength", "fWidth", "fSize", "fConc", "fConc1",
    "fAsym", "fM3Long", "fM3Trans", "fAlpha", "fDist",
]  # fmt: skip
EMPLOYEE_COLUMNS = [
    "RESOURCE", "MGR_ID", "ROLE_ROLLUP_1", "ROLE_ROLLUP_2", "ROLE_DEPTNAME",
    "ROLE_TITLE", "ROLE_FAMILY_DESC", "ROLE_FAMILY", "ROLE_CODE",
]  # fmt: skip


def shared_file(*parts):
    """Return a file of the shared benchmark data, or skip the test."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip(
            f"shared benchmark data not found at {path} (set SKACTIVE_SHARED_DATASETS to the "
            "folder holding telescope/, employee/ and mr/)"
        )
    return path


@pytest.fixture
def no_data_env(monkeypatch):
    monkeypatch.delenv("SKACTIVE_DATA", raising=False)


# ------------------------------------------------------------------ package API
def test_public_api():
    expected = {
        "DataNotice", "get_data_home", "load_employee", "load_mr", "load_table",
        "load_telescope",
        "load_text", "make_ibal", "make_sigmoid", "make_table_preprocessor",
        "read_text", "iter_lines", "sniff_separator", "load_named", "named_datasets", "identifier_columns",
        "open_pool", "ParquetPool", "PoolView", "is_pool_file",
    }  # fmt: skip
    assert set(datasets.__all__) == expected
    assert all(callable(getattr(datasets, name)) for name in expected)


@pytest.mark.parametrize("name", sorted(datasets.__all__))
def test_docstring_examples_run(name):
    func = getattr(datasets, name)
    tests = doctest.DocTestFinder().find(func, name, globs={})
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0, f"{name} has no runnable Examples"
    assert result.failed == 0


@pytest.mark.parametrize("name", sorted(datasets.__all__))
def test_docstring_is_valid_numpydoc(name):
    validate = pytest.importorskip("numpydoc.validate")
    errors = validate.validate(f"skactive.datasets.{name}")["errors"]
    # Extended summary and See Also are optional; everything else is checked.
    errors = [(code, msg) for code, msg in errors if code not in {"ES01", "SA01"}]
    assert errors == []


def test_loaders_never_touch_the_network(monkeypatch, tmp_path, no_data_env):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert load_telescope().data.shape == (19020, 10)
    with pytest.raises(FileNotFoundError):
        load_employee(data_home=tmp_path)
    with pytest.raises(FileNotFoundError):
        load_mr(data_home=tmp_path)


# ------------------------------------------------------------------- telescope
def test_load_telescope_bunch():
    bunch = load_telescope()
    assert isinstance(bunch, Bunch)
    assert bunch.data.shape == (19020, 10)
    assert bunch.data.dtype == np.float64
    assert bunch.target.shape == (19020,)
    assert bunch.target.dtype == object
    assert set(bunch.target) == {"g", "h"}
    assert int((bunch.target == "g").sum()) == 12332
    assert int((bunch.target == "h").sum()) == 6688
    assert bunch.target_names.tolist() == ["g", "h"]
    assert bunch.feature_names == TELESCOPE_COLUMNS
    assert bunch.frame is None
    assert "CC BY 4.0" in bunch.DESCR and "Bock" in bunch.DESCR
    # first row of magic04.data
    np.testing.assert_array_equal(
        bunch.data[0],
        [28.7967, 16.0021, 2.6449, 0.3918, 0.1982, 27.7004, 22.011, -8.2027, 40.092, 81.8828],
    )


def test_load_telescope_as_frame_and_return_X_y():
    bunch = load_telescope(as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame) and isinstance(bunch.target, pd.Series)
    assert list(bunch.frame.columns) == TELESCOPE_COLUMNS + ["class"]
    assert bunch.frame.shape == (19020, 11)
    assert bunch.target.name == "class"
    assert (bunch.data.dtypes == np.float64).all()
    # the original keeps 115 exact duplicate rows
    assert int(bunch.frame.duplicated().sum()) == 115
    X, y = load_telescope(return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data.to_numpy())
    assert y.tolist() == bunch.target.tolist()
    X_df, y_s = load_telescope(return_X_y=True, as_frame=True)
    pd.testing.assert_frame_equal(X_df, bunch.data)


def test_shipped_telescope_file_is_original_plus_header():
    # Needs no shared data: the body after the header must hash to the UCI file's sha256.
    shipped = resources.files("skactive.datasets").joinpath("data", "magic04.csv.gz")
    raw = gzip.decompress(shipped.read_bytes())
    header, body = raw.split(b"\n", 1)
    assert header.decode("ascii").split(",") == TELESCOPE_COLUMNS + ["class"]
    assert hashlib.sha256(body).hexdigest() == MAGIC_SHA256


def test_shipped_telescope_rows_equal_shared_original():
    original = shared_file("telescope", "magic04.data")
    shipped = resources.files("skactive.datasets").joinpath("data", "magic04.csv.gz")
    shipped_rows = gzip.decompress(shipped.read_bytes()).decode("ascii").splitlines()[1:]
    original_rows = original.read_text(encoding="ascii").splitlines()
    assert len(original_rows) == 19020
    assert shipped_rows == original_rows
    # and the parsed values are exactly Python's float() of each field
    fields = [row.split(",") for row in original_rows]
    expected = np.array([[float(v) for v in f[:10]] for f in fields])
    X, y = load_telescope(return_X_y=True)
    np.testing.assert_array_equal(X, expected)
    assert y.tolist() == [f[10] for f in fields]


def test_shipped_attribution_readme():
    text = resources.files("skactive.datasets").joinpath("data", "README.md").read_text("utf-8")
    assert "CC BY 4.0" in text and "Bock" in text and MAGIC_SHA256 in text


# ------------------------------------------------------------------ data home
def test_get_data_home_resolution_order(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SKACTIVE_DATA", raising=False)
    assert get_data_home() == tmp_path / "home" / "skactive_data"
    monkeypatch.setenv("SKACTIVE_DATA", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_home("~/x") == tmp_path / "home" / "x"
    assert not (tmp_path / "env").exists()  # nothing is created


def test_missing_employee_names_path_and_source(tmp_path, no_data_env):
    with pytest.raises(FileNotFoundError) as info:
        load_employee(data_home=tmp_path)
    expected = tmp_path / "employee" / "train.csv"
    assert info.value.filename == str(expected)
    message = str(info.value)
    assert str(expected) in message
    assert "Amazon.com - Employee Access Challenge" in message
    assert "kaggle.com/c/amazon-employee-access-challenge" in message
    assert "data_home argument" in message


def test_missing_data_uses_env_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SKACTIVE_DATA", str(tmp_path / "env"))
    with pytest.raises(FileNotFoundError) as info:
        load_mr()
    assert info.value.filename == str(tmp_path / "env" / "mr" / "rt-polarity.neg")
    assert "SKACTIVE_DATA environment variable" in str(info.value)
    monkeypatch.delenv("SKACTIVE_DATA")
    with pytest.raises(FileNotFoundError) as info:
        load_employee()
    expected = tmp_path / "home" / "skactive_data" / "employee" / "train.csv"
    assert info.value.filename == str(expected)


def test_missing_mr_file_names_it_and_cornell(tmp_path):
    (tmp_path / "mr").mkdir()
    (tmp_path / "mr" / "rt-polarity.pos").write_bytes(b"x\n")  # present, but neg is missing
    with pytest.raises(FileNotFoundError, match="Pang & Lee") as info:
        load_mr(data_home=tmp_path)
    assert "cs.cornell.edu/people/pabo/movie-review-data" in str(info.value)
    assert info.value.filename == str(tmp_path / "mr" / "rt-polarity.neg")


def test_checksum_mismatch_is_a_clear_value_error(tmp_path):
    (tmp_path / "employee").mkdir()
    bad = tmp_path / "employee" / "train.csv"
    bad.write_text("ACTION,RESOURCE\n1,2\n")
    with pytest.raises(ValueError, match="Checksum mismatch") as info:
        load_employee(data_home=tmp_path)
    assert str(bad) in str(info.value)
    assert hashlib.sha256(bad.read_bytes()).hexdigest() in str(info.value)
    assert "c50b119438fb8c8e84b2ddb9c0a28c76cb01afa3dc78b920cfea36eb506843a7" in str(info.value)


def test_checksum_mismatch_on_one_changed_byte(tmp_path):
    for name in ("rt-polarity.pos", "rt-polarity.neg"):
        source = shared_file("mr", name)
        (tmp_path / "mr").mkdir(exist_ok=True)
        shutil.copyfile(source, tmp_path / "mr" / name)
    pos = tmp_path / "mr" / "rt-polarity.pos"
    raw = bytearray(pos.read_bytes())
    raw[100] ^= 0x01
    pos.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"Checksum mismatch for .*rt-polarity\.pos"):
        load_mr(data_home=tmp_path)


# ------------------------------------------------------------------- employee
def test_load_employee_from_shared():
    shared_file("employee", "train.csv")
    bunch = load_employee(data_home=SHARED)
    assert bunch.data.shape == (32769, 9)
    assert bunch.data.dtype == np.int64
    assert bunch.feature_names == EMPLOYEE_COLUMNS
    assert np.bincount(bunch.target).tolist() == [1897, 30872]
    assert bunch.target_names.tolist() == ["denied", "approved"]
    assert bunch.frame is None
    # first data row of train.csv: 1,39353,85475,117961,118300,123472,117905,117906,290919,117908
    assert bunch.target[0] == 1
    assert bunch.data[0].tolist() == [39353, 85475, 117961, 118300, 123472, 117905, 117906,
                                      290919, 117908]  # fmt: skip


def test_load_employee_via_env_as_frame(monkeypatch):
    shared_file("employee", "train.csv")
    monkeypatch.setenv("SKACTIVE_DATA", str(SHARED))
    X, y = load_employee(return_X_y=True, as_frame=True)
    assert list(X.columns) == EMPLOYEE_COLUMNS and y.name == "ACTION"
    bunch = load_employee(as_frame=True)
    assert list(bunch.frame.columns) == EMPLOYEE_COLUMNS + ["ACTION"]
    assert int(bunch.target.sum()) == 30872


# ------------------------------------------------------------------------- MR
def test_load_mr_from_shared():
    shared_file("mr", "rt-polarity.pos")
    bunch = load_mr(data_home=SHARED)
    assert bunch.data.shape == (10662,) and bunch.data.dtype == object
    assert all(isinstance(s, str) for s in bunch.data)
    assert np.bincount(bunch.target).tolist() == [5331, 5331]
    assert bunch.target_names.tolist() == ["neg", "pos"]
    assert (bunch.target[:5331] == 0).all() and (bunch.target[5331:] == 1).all()
    assert bunch.data[0] == "simplistic , silly and tedious ."
    assert bunch.data[5331].startswith("the rock is destined to be the 21st century's new ")
    assert not any(s != s.rstrip(" \t") or s == "" for s in bunch.data)
    # byte 0x85 (a Windows-1252 ellipsis) ends one sentence: lines must split at \n only,
    # and stripping must not eat it.
    assert sum(s.endswith("the point is\x85") for s in bunch.data) == 1
    assert [Path(f).name for f in bunch.filenames] == ["rt-polarity.neg", "rt-polarity.pos"]


def test_load_mr_encodings():
    shared_file("mr", "rt-polarity.pos")
    sentences, _ = load_mr(data_home=SHARED, encoding="cp1252", return_X_y=True)
    assert sum(s.endswith("the point is\u2026") for s in sentences) == 1
    with pytest.raises(ValueError) as info:
        load_mr(data_home=SHARED, encoding="utf-8")
    message = str(info.value)
    assert "rt-polarity.neg" in message
    assert "byte offset 3777" in message
    assert "encoding='latin-1'" in message


def test_load_mr_as_frame_matches_load_text():
    shared_file("mr", "rt-polarity.pos")
    bunch = load_mr(data_home=SHARED, as_frame=True)
    assert list(bunch.frame.columns) == ["text", "label"]
    texts = load_text(
        {0: SHARED / "mr" / "rt-polarity.neg", 1: SHARED / "mr" / "rt-polarity.pos"},
        encoding="latin-1",
    )
    assert texts.data.tolist() == bunch.data.tolist()
    assert texts.target.tolist() == bunch.target.tolist()


# ---------------------------------------------------------------------- table
@pytest.fixture
def mixed_frame():
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "income": [20.5, 31.0, np.nan, 12.25, 50.0, 18.0],
            "city": ["Oslo", "Rome", "Oslo", "Lima", "Rome", "Oslo"],
            "age": [30, 41, 25, 37, 52, 29],
            "paid": ["yes", "no", "yes", "yes", "no", "yes"],
        }
    )


@pytest.mark.parametrize("name, sep", [("t.csv", ","), ("t.tsv", "\t"), ("t.txt", "\t"),
                                       ("t.csv.gz", ",")])  # fmt: skip
def test_load_table_round_trip(tmp_path, mixed_frame, name, sep):
    path = tmp_path / name
    mixed_frame.to_csv(path, sep=sep, index=False)
    bunch = load_table(path, "paid", drop="id")
    assert bunch.feature_names == ["income", "city", "age"]
    assert bunch.categorical_features == ["city"]
    assert bunch.numeric_features == ["income", "age"]
    assert bunch.target.tolist() == ["yes", "no", "yes", "yes", "no", "yes"]
    assert bunch.target_names.tolist() == ["no", "yes"]
    expected = mixed_frame[["income", "city", "age"]]
    pd.testing.assert_frame_equal(bunch.data, expected, check_dtype=False)
    assert bunch.data["income"].isna().sum() == 1
    assert bunch.filename == str(path)
    X, y = load_table(path, "paid", drop=["id", "age"], return_X_y=True)
    assert list(X.columns) == ["income", "city"] and y.tolist() == bunch.target.tolist()


def test_load_table_compressed_content_without_extension(tmp_path, mixed_frame):
    path = tmp_path / "t.csv"
    path.write_bytes(gzip.compress(mixed_frame.to_csv(index=False).encode()))
    assert load_table(path, "paid").data.shape == (6, 4)
    archive = tmp_path / "t.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("t.csv", "a,y\n1,x\n2,z\n")
    with pytest.raises(ValueError, match="is a zip archive"):
        load_table(archive, "y")


def test_load_table_integer_target_and_bom(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa,b,label\n1,x,0\n2,y,1\n3,x,1\n".encode("utf-8"))
    bunch = load_table(path, "label")
    assert bunch.feature_names == ["a", "b"]  # BOM removed from the first name
    assert bunch.target.tolist() == [0, 1, 1]
    assert bunch.target_names.tolist() == [0, 1]


def test_load_table_missing_target_lists_columns(tmp_path, mixed_frame):
    path = tmp_path / "t.csv"
    mixed_frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match="Target column 'label' not found") as info:
        load_table(path, "label")
    assert "['id', 'income', 'city', 'age', 'paid']" in str(info.value)


def test_load_table_wrong_separator_hint(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b;label\n1;2;x\n3;4;y\n")
    with pytest.raises(ValueError, match="pass the file's separator with sep="):
        load_table(path, "label", sep=",")
    assert load_table(path, "label").feature_names == ["a", "b"]  # ';' is guessed


@pytest.mark.parametrize("content", [b"", b"\n \n\t\n"])
def test_load_table_empty_file(tmp_path, content):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="is empty"):
        load_table(path, "y")


def test_load_table_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_table(tmp_path / "nope.csv", "y")
    with pytest.raises(IsADirectoryError):
        load_table(tmp_path, "y")


def test_load_table_header_only(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n")
    with pytest.raises(ValueError, match="header row but no data rows"):
        load_table(path, "y")


def test_load_table_malformed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n1,2,x\n3,4,5,6\n")
    with pytest.raises(ValueError, match=r"not a well-formed table with sep=','.*line 3"):
        load_table(path, "y")


def test_load_table_single_class(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,y\n1,x\n2,x\n3,x\n")
    with pytest.raises(ValueError, match=r"single class \('x'\) in all 3 rows"):
        load_table(path, "y")


def test_load_table_unlabeled_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,y\n1,x\n2,\n3,z\n4,\n")
    with pytest.raises(ValueError, match=r"2 of 4 rows .*data rows \[2, 4\]"):
        load_table(path, "y")


def test_load_table_bad_drop(tmp_path, mixed_frame):
    path = tmp_path / "t.csv"
    mixed_frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"Cannot drop \['nope'\]"):
        load_table(path, "paid", drop=["id", "nope"])
    with pytest.raises(ValueError, match="also listed in drop"):
        load_table(path, "paid", drop="paid")


def test_load_table_encoding(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("city,y\nOslo,a\nZürich,b\n".encode("latin-1"))
    with pytest.raises(ValueError) as info:
        load_table(path, "y")
    offset = len(b"city,y\nOslo,a\nZ")
    assert f"byte offset {offset}" in str(info.value)
    assert str(path) in str(info.value) and "encoding='latin-1'" in str(info.value)
    assert load_table(path, "y", encoding="latin-1").data["city"].tolist() == ["Oslo", "Zürich"]
    with pytest.raises(ValueError, match="Unknown encoding 'klingon'"):
        load_table(path, "y", encoding="klingon")


# --------------------------------------------------------------- preprocessor
def test_make_table_preprocessor(mixed_frame):
    pre = make_table_preprocessor(["city"], ["income", "age"], min_frequency=2)
    assert isinstance(pre, ColumnTransformer)
    assert [name for name, _, _ in pre.transformers] == ["numeric", "categorical"]
    Xt = pre.fit_transform(mixed_frame)
    assert isinstance(Xt, np.ndarray) and Xt.dtype == np.float64
    # Lima occurs once (< min_frequency=2) and becomes the infrequent column
    assert pre.get_feature_names_out().tolist() == [
        "numeric__income", "numeric__age",
        "categorical__city_Oslo", "categorical__city_Rome", "categorical__city_infrequent_sklearn",
    ]  # fmt: skip
    np.testing.assert_allclose(Xt[:, :2].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Xt[:, :2].std(axis=0), 1)
    # the missing income is imputed with the median (20.5), scaled like the others
    income = mixed_frame["income"].fillna(20.5)
    assert Xt[2, 0] == pytest.approx((20.5 - income.mean()) / income.std(ddof=0))
    np.testing.assert_array_equal(Xt[:, 2:].sum(axis=1), 1)
    new = pd.DataFrame({"income": [1.0], "city": ["Paris"], "age": [3]})
    np.testing.assert_array_equal(pre.transform(new)[0, 2:], [0, 0, 0])  # unknown: all zeros


def test_make_table_preprocessor_errors():
    with pytest.raises(ValueError, match="Both categorical_features and numeric_features"):
        make_table_preprocessor([], [])
    with pytest.raises(ValueError, match=r"\['a'\] are listed as both"):
        make_table_preprocessor(["a", "b"], ["a"])


def test_load_table_then_preprocess_and_fit(tmp_path, mixed_frame):
    path = tmp_path / "t.csv"
    mixed_frame.to_csv(path, index=False)
    table = load_table(path, "paid", drop="id")
    pre = make_table_preprocessor(table.categorical_features, table.numeric_features)
    Xt = pre.fit_transform(table.data)
    assert Xt.shape == (6, 3)  # 2 numeric + one infrequent column (every city < 5 times)
    clf = LogisticRegression().fit(Xt, table.target)
    assert set(clf.predict(Xt)) <= {"yes", "no"}


# ----------------------------------------------------------------------- text
def test_load_text_dict_and_list(tmp_path):
    (tmp_path / "pos.txt").write_bytes(b"great fun  \r\n\r\n  spaced start\r\nwarm\n")
    (tmp_path / "neg.txt").write_bytes(b"dull\n\n\nflat\t\n")
    by_dict = load_text({1: tmp_path / "pos.txt", 0: tmp_path / "neg.txt"})
    assert by_dict.data.tolist() == ["great fun", "  spaced start", "warm", "dull", "flat"]
    assert by_dict.target.dtype == np.int64
    assert by_dict.target.tolist() == [1, 1, 1, 0, 0]
    assert by_dict.target_names.tolist() == [0, 1]
    by_list = load_text([str(tmp_path / "neg.txt"), tmp_path / "pos.txt"])
    assert by_list.target.tolist() == ["neg", "neg", "pos", "pos", "pos"]
    assert by_list.target_names.tolist() == ["neg", "pos"]
    assert by_list.filenames == [str(tmp_path / "neg.txt"), str(tmp_path / "pos.txt")]
    X, y = load_text({"a": tmp_path / "neg.txt"}, return_X_y=True)
    assert X.tolist() == ["dull", "flat"] and y.tolist() == ["a", "a"]


def test_load_text_splits_lines_at_newlines_only(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("one\u2028still one\x85too\rtwo\n", encoding="utf-8")
    assert load_text(path).data.tolist() == ["one\u2028still one\x85too", "two"]


def test_load_text_single_file_layouts(tmp_path):
    tsv = tmp_path / "train.tsv"
    tsv.write_text("pos\tgood movie \n\nneg\tbad\tawful\n")
    bunch = load_text(tsv)
    assert bunch.data.tolist() == ["good movie", "bad\tawful"]
    assert bunch.target.tolist() == ["pos", "neg"]
    plain = tmp_path / "pool.txt"
    plain.write_text("first\nsecond\n")
    unlabeled = load_text(plain)
    assert unlabeled.target is None and unlabeled.target_names is None
    assert unlabeled.data.tolist() == ["first", "second"]
    labelled = load_text(plain, label="neg")
    assert labelled.target.tolist() == ["neg", "neg"]
    # a tab-containing plain file read as sentences on request
    assert load_text(tsv, format="lines").data.tolist() == ["pos\tgood movie", "neg\tbad\tawful"]
    both = load_text([tsv, tsv], format="tsv")
    assert both.target.tolist() == ["pos", "neg", "pos", "neg"]


def test_load_text_decode_error(tmp_path):
    path = tmp_path / "latin.txt"
    raw = "caf\u00e9 ok\n".encode("utf-8") + "na\u00efve\n".encode("latin-1")
    path.write_bytes(raw)
    with pytest.raises(ValueError) as info:
        load_text({"x": path})
    message = str(info.value)
    assert str(path) in message
    assert f"byte offset {raw.index(b'na') + 2}" in message and "line 2" in message
    assert "encoding='latin-1'" in message
    assert isinstance(info.value.__cause__, UnicodeDecodeError)
    assert load_text({"x": path}, encoding="latin-1").data[1] == "na\u00efve"


def test_load_text_suggests_utf8_when_file_is_utf8(tmp_path):
    path = tmp_path / "u.txt"
    path.write_text("na\u00efve\n", encoding="utf-8")
    with pytest.raises(ValueError, match="pass encoding='utf-8'"):
        load_text(path, encoding="ascii")


def test_load_text_errors(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("a\nb\n")
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("pos\tfine\nno tab here\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    with pytest.raises(ValueError, match=r"Unknown encoding 'nope'"):
        load_text(good, encoding="nope")
    with pytest.raises(ValueError, match=r"1 of 2 lines contain a tab \(first: line 1\).*line 2"):
        load_text(mixed)
    with pytest.raises(ValueError, match=r"mixed\.txt, line 2: no tab found"):
        load_text(mixed, format="tsv")
    with pytest.raises(ValueError, match="contains no sentences"):
        load_text(empty)
    with pytest.raises(ValueError, match=r"share the stem\(s\) \['good'\]"):
        load_text([good, tmp_path / "other" / "good.txt"])
    with pytest.raises(ValueError, match="with a dict, its keys are the labels"):
        load_text({"a": good}, label="b")
    with pytest.raises(ValueError, match="format must be one of"):
        load_text(good, format="csv")
    with pytest.raises(ValueError, match="is empty"):
        load_text([])
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        load_text(tmp_path / "missing.txt")
    bad_tsv = tmp_path / "bad.tsv"
    bad_tsv.write_text("\tno label\n")
    with pytest.raises(ValueError, match="line 1: the label before the tab is empty"):
        load_text(bad_tsv, format="tsv")


# ------------------------------------------------------------------ synthetic
def test_make_sigmoid_shapes_and_reproducibility():
    X, y = make_sigmoid(300, random_state=7)
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert y.shape == (300,) and y.dtype == np.int64 and set(y.tolist()) == {0, 1}
    assert X.min() >= -5 and X.max() <= 5
    X2, y2 = make_sigmoid(300, random_state=7)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make_sigmoid(300, random_state=np.random.RandomState(7))
    np.testing.assert_array_equal(X, X3)
    X4, _ = make_sigmoid(300, random_state=8)
    assert not np.array_equal(X, X4)
    assert make_sigmoid(random_state=0)[0].shape == (1000, 2)


def test_make_sigmoid_follows_documented_draws():
    rng = np.random.RandomState(3)
    X_ref = rng.uniform(-5, 5, size=(50, 2))
    y_ref = rng.uniform(size=50) < 1 / (1 + np.exp(-X_ref[:, 0] * X_ref[:, 1]))
    X, y = make_sigmoid(50, random_state=3)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref.astype(int))


def test_make_sigmoid_distribution():
    X, y = make_sigmoid(20000, random_state=0)
    product = X[:, 0] * X[:, 1]
    assert y[product > 2].mean() > 0.8
    assert y[product < -2].mean() < 0.2
    assert 0.47 < y.mean() < 0.53
    quadrant_counts = np.bincount(2 * (X[:, 0] > 0) + (X[:, 1] > 0), minlength=4)
    assert np.all(np.abs(quadrant_counts - 5000) < 300)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10", True])
def test_make_sigmoid_rejects_bad_n_samples(bad):
    with pytest.raises(ValueError, match="n_samples must be an integer >= 1"):
        make_sigmoid(bad)


def test_make_ibal_counts_and_reproducibility():
    X, y = make_ibal(random_state=0)
    assert X.shape == (2550, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [2000, 500, 50]
    assert not np.all(np.diff(y) >= 0)  # shuffled
    X2, y2 = make_ibal(random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make_ibal(random_state=1)[0])
    Xs, ys = make_ibal((10, 0, 5), random_state=np.random.RandomState(0), shuffle=False)
    assert ys.tolist() == [0] * 10 + [2] * 5 and Xs.shape == (15, 2)


def test_make_ibal_matches_documented_gaussians():
    centers = np.array([[0.0, 0.0], [2.5, 0.0], [1.25, 3.0]])
    stds = np.array([1.0, 1.0, 0.5])
    X, y = make_ibal((20000, 20000, 20000), random_state=1)
    for k in range(3):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=5 * stds[k] / 141)
        np.testing.assert_allclose(X[y == k].std(axis=0), stds[k], rtol=0.03)


def test_make_ibal_has_overlap_but_is_learnable():
    centers = np.array([[0.0, 0.0], [2.5, 0.0], [1.25, 3.0]])
    stds = np.array([1.0, 1.0, 0.5])
    X, y = make_ibal(random_state=0)
    priors = np.array([2000, 500, 50]) / 2550
    log_post = np.column_stack(
        [
            np.log(priors[k]) + multivariate_normal(centers[k], stds[k] ** 2).logpdf(X)
            for k in range(3)
        ]
    )
    bayes = log_post.argmax(axis=1)
    error = (bayes != y).mean()
    assert 0.05 < error < 0.12  # classes overlap, but the structure is clear
    assert (bayes[y == 2] == 2).mean() > 0.7  # the rare class is mostly separable
    assert (bayes[y == 1] != 1).mean() > 0.15  # class 1 overlaps the majority heavily


@pytest.mark.parametrize("bad", [5, (1, 2), (1, 2, 3, 4), (1, -1, 2), (0, 0, 0), (1.5, 2, 3)])
def test_make_ibal_rejects_bad_n_samples(bad):
    with pytest.raises(ValueError, match="n_samples"):
        make_ibal(bad)
