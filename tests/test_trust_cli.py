"""Real files and the command line: separators, decimal commas, identifier columns, regression
targets, missing values and messy labels; messages in the user's words; no traceback; no torch
for --help."""

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skactive import cli
from skactive.datasets import DataNotice, load_table

REPO = Path(__file__).resolve().parents[1]
PYTHON_PARAMETER = r"\b(sep|resume|format|encoding|data_home|drop|keep_columns|decimal|" \
                   r"merge_label_case|target|initial|until|step|seed)=|\b(test_size|" \
                   r"validation_size|max_samples|data_home|keep_columns|merge_label_case)\b"


def notices(func, *args, **kwargs):
    """Call ``func``; return its result and the DataNotice messages it issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataNotice)
        result = func(*args, **kwargs)
    return result, [str(w.message) for w in caught if issubclass(w.category, DataNotice)]


def table(n=60, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=n).round(3)
    return pd.DataFrame({"x": x, "z": rng.normal(size=n).round(2),
                         "city": rng.choice(["Oslo", "Rome"], n),
                         "label": np.where(x > 0, "yes", "no")})


def one_error_line(capsys, argv):
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if "notice:" not in line]
    assert len(lines) == 1, err
    return lines[0]


# ----------------------------------------------------------------------------- separators
@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
@pytest.mark.parametrize("suffix", [".txt", ".csv", ".tsv", ""])
def test_every_separator_is_guessed(tmp_path, sep, suffix):
    frame = table()
    frame["city"] = frame["city"].where(frame.index % 3 > 0, "Oslo, Norway; north|x")  # quoted
    path = tmp_path / f"t{suffix}"
    frame.to_csv(path, sep=sep, index=False)
    loaded, _ = notices(load_table, path, "label")
    assert loaded.feature_names == ["x", "z", "city"]
    pd.testing.assert_frame_equal(loaded.data, frame[["x", "z", "city"]], check_dtype=False)


def test_separator_ties_go_to_the_extension(tmp_path):
    text = "a\tb,c\n1\t2,3\n4\t5,6\n"  # tab and comma both split every line in two
    for suffix, columns in ((".tsv", ["a", "b,c"]), (".csv", ["a\tb", "c"])):
        path = tmp_path / f"t{suffix}"
        path.write_text(text)
        assert list(load_table(path, columns[-1]).frame.columns) == columns


# ----------------------------------------------------------------------------- decimal commas
def test_semicolon_file_with_decimal_commas_reads_numbers(tmp_path):
    frame = table()
    path = tmp_path / "t.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False)
    loaded, said = notices(load_table, path, "label")
    assert loaded.numeric_features == ["x", "z"] and loaded.categorical_features == ["city"]
    np.testing.assert_array_equal(loaded.data["x"].to_numpy(), frame["x"].to_numpy())
    assert len(said) == 1 and "columns ['x', 'z'] hold numbers with a decimal comma" in said[0]
    assert "decimal='.'" in said[0]
    as_text, said = notices(load_table, path, "label", decimal=".", keep_columns="x")
    assert as_text.categorical_features == ["x", "z", "city"] and not said
    with pytest.raises(ValueError, match="decimal=',' and sep=',' are the same"):
        load_table(path, "label", sep=",", decimal=",")


# ----------------------------------------------------------------------------- identifiers
@pytest.mark.parametrize("name, values, is_id", [
    ("name", [f"row{i}" for i in range(60)], True),               # unique text
    ("customer_id", np.arange(5000, 5060)[::-1], True),           # named like an id
    ("row", np.arange(1, 61), True),                              # a row counter
    ("income", np.arange(60) * 37 + 1000, False),                 # unique integers, a feature
    ("score", np.linspace(0, 1, 60), False),                      # unique floats, a feature
])
def test_identifier_columns_are_left_out_with_a_notice(tmp_path, name, values, is_id):
    frame = table()
    frame.insert(0, name, values)
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    loaded, said = notices(load_table, path, "label")
    assert (name not in loaded.feature_names) == is_id
    if is_id:
        assert len(said) == 1
        assert f"column ['{name}'] has a distinct value in each of the 60 rows" in said[0]
        assert f"keep_columns=['{name}']" in said[0] and f"drop=['{name}']" in said[0]
        kept, said = notices(load_table, path, "label", keep_columns=name)
        assert name in kept.feature_names and not said
        dropped, said = notices(load_table, path, "label", drop=name)
        assert name not in dropped.feature_names and not said
    else:
        assert not said


def test_small_tables_keep_unique_columns(tmp_path):
    path = tmp_path / "t.csv"
    table(19).assign(id=range(19)).to_csv(path, index=False)
    loaded, said = notices(load_table, path, "label")
    assert "id" in loaded.feature_names and not said


# ----------------------------------------------------------------------------- targets, labels
def test_continuous_target_is_refused(tmp_path):
    frame = table(100)
    frame["price"] = np.linspace(10, 90, 100).round(2)
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"'price' .* holds 100 distinct numbers, not all whole"
                                         r".*looks like a regression target"):
        load_table(path, "price")
    frame["grade"] = np.arange(100) % 25  # many, but whole numbers: classes
    frame.to_csv(path, index=False)
    assert len(load_table(path, "grade").target_names) == 25


def test_missing_values_are_counted_per_column(tmp_path):
    frame = table()
    frame.loc[[1, 2], "x"] = np.nan
    frame.loc[3, "city"] = np.nan
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    loaded, said = notices(load_table, path, "label")
    assert len(said) == 1
    assert "3 missing values in 2 feature columns (x: 2, city: 1)" in said[0]
    assert "numeric ones become the column's median" in said[0]
    assert "categorical ones a category of their own" in said[0]
    assert loaded.data["x"].isna().sum() == 2  # the data themselves are not changed


def test_labels_lose_surrounding_spaces_and_case_variants_are_refused(tmp_path):
    frame = table()
    labels = frame["label"].to_numpy(dtype=object)
    labels[:4] = " yes"
    labels[4:6] = "yes "
    path = tmp_path / "t.csv"
    frame.assign(label=labels).to_csv(path, index=False)
    loaded, said = notices(load_table, path, "label")
    assert sorted(loaded.target_names) == ["no", "yes"]
    assert len(said) == 1 and "6 label(s) of the target column 'label' had surrounding" in said[0]
    labels[6:9] = "Yes"
    frame.assign(label=labels).to_csv(path, index=False)
    n_yes = int((np.char.strip(labels.astype(str)) == "yes").sum())
    with pytest.raises(ValueError, match=rf"differ only in case: 'yes' \({n_yes} rows\), 'Yes' "
                                         r"\(3 rows\).*merge_label_case=True"):
        notices(load_table, path, "label")
    merged, said = notices(load_table, path, "label", merge_label_case=True)
    assert sorted(merged.target_names) == ["no", "yes"]
    assert (merged.target == "yes").sum() == n_yes + 3
    assert any("were merged into their most frequent spelling" in m for m in said)


# ----------------------------------------------------------------------------- the command line
def test_run_on_a_messy_european_csv_prints_notices_and_trains(tmp_path, capsys):
    """';' separators, decimal commas, an id column, a missing number, spaced labels."""
    frame = table(120)
    frame.insert(0, "customer_id", np.arange(120) + 7000)
    frame = frame.drop(columns="city")  # numeric features only: imputed, not NaN in the net
    frame.loc[5, "z"] = np.nan
    frame["label"] = frame["label"].map({"yes": " yes", "no": "no"})
    path = tmp_path / "loans.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False)
    out = tmp_path / "run"
    status = cli.main(["run", "--data", str(path), "--target", "label", "--max-epochs", "2",
                       "--initial", "0.1", "--step", "0.1", "--until", "0.3", "--strategies",
                       "random,entropy", "--no-progress", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 0, err
    notice_lines = [line for line in err.splitlines() if line.startswith("skactive: notice: ")]
    assert len(notice_lines) == 4, err
    text = "\n".join(notice_lines)
    assert "decimal comma" in text and "--decimal ." in text
    assert "['customer_id']" in text and "--keep-columns customer_id" in text
    assert "--drop customer_id" in text and "(z: 1)" in text and "surrounding spaces" in text
    assert not any(f"{p}=" in text for p in ("decimal", "keep_columns", "drop"))
    results = pd.read_csv(out / "results.csv")
    assert len(results) == 6 and results["auc"].notna().all()


@pytest.fixture
def bad_inputs(tmp_path):
    good = tmp_path / "good.csv"
    table().to_csv(good, index=False)
    semicolons = tmp_path / "semi.csv"
    table().to_csv(semicolons, sep=";", index=False)
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("pos\tgood film\nbad film\nneg\tdull\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("x,label\n1,caf\xe9\n2,th\xe9\n".encode("latin-1"))
    cased = tmp_path / "cased.csv"
    table().assign(label=lambda f: f["label"].where(f.index > 2, "Yes")).to_csv(cased,
                                                                               index=False)
    price = tmp_path / "price.csv"
    table(50).assign(price=np.linspace(1, 9, 50).round(3)).to_csv(price, index=False)
    (tmp_path / "empty.txt").write_text("\n\n")
    held = tmp_path / "held"
    held.mkdir()
    (held / "results.csv").write_text("dataset\n")
    return {"good": good, "semi": semicolons, "mixed": mixed, "latin": latin, "cased": cased,
            "price": price, "held": held, "tmp": tmp_path,
            "empty": tmp_path / "empty.txt"}


# argv, a piece of the expected line, the flag it must name
BAD = [
    (["run", "--data", "{semi}", "--target", "label", "--sep", ","], "not found", "--sep"),
    (["run", "--data", "{mixed}", "--text"], "contain a tab", "--format tsv"),
    (["run", "--data", "{mixed}", "--text", "--format", "tsv"], "line 2: no tab found",
     "--format lines"),
    (["run", "--data", "{latin}", "--target", "label"], "Cannot decode", "--encoding latin-1"),
    (["run", "--data", "{cased}", "--target", "label"], "differ only in case",
     "--merge-label-case"),
    (["run", "--data", "{price}", "--target", "price"], "regression target", "--target"),
    (["run", "--data", "{good}", "--target", "label", "--decimal", ","],
     "are the same character", "--decimal , and --sep ,"),
    (["run", "--data", "{good}", "--target", "label", "--keep-columns", "nope"],
     "Cannot keep ['nope']", None),
    (["run", "--data", "{good}", "--target", "label", "--drop", "label"],
     "also listed in drop", None),
    (["run", "--dataset", "employee", "--data-home", "{tmp}"], "not found", "--data-home"),
    (["run", "--dataset", "sigmoid", "--out", "{held}"], "already holds results", "--resume"),
    (["run", "--data", "{good}", "--target", "label", "--format", "tsv"], "--format goes with",
     "--format"),
    (["query", "--labeled", "{good}", "--pool", "{tmp}/nope.csv", "--target", "label"],
     "nope.csv", None),
    (["run", "--data", "{tmp}", "--target", "label"], "directory", None),
    (["run", "--data", "{mixed}", "--text", "--sep", ";", "--drop", "x"],
     "--drop, --sep go with a table, not with --text", None),
    (["run", "--data", "{good}", "{empty}", "--text"], "contains no sentences", None),
    (["run", "--data", "{good}", "--target", "label", "--initial", "0.01"],
     "a classifier needs at least 2", "--initial 0.01"),
    (["run", "--data", "{good}", "--target", "label", "--initial", "0.2", "--until", "0.1"],
     "must be at least", "--until 0.1 must be at least --initial 0.2"),
    (["run", "--data", "{good}", "--target", "label", "--test-size", "0.6",
      "--validation-size", "0.5"], "must leave samples", "--test-size + --validation-size"),
    (["run", "--data", "{good}", "--target", "label", "--validation-size", "2"],
     "must be a fraction", "--validation-size"),
    (["run", "--dataset", "sigmoid", "--max-samples", "5"], "must be an integer >= 10",
     "--max-samples"),
    (["run", "--dataset", "sigmoid", "--seed", "-1"], "must be an integer >= 0", "--seed"),
    (["report", "{tmp}"], "No results file", None),
]


@pytest.mark.parametrize("argv, expected, flag", BAD, ids=[" ".join(a[:4]) for a, _, _ in BAD])
def test_bad_input_is_one_line_in_command_line_words(bad_inputs, capsys, argv, expected, flag):
    argv = [a.format(**bad_inputs) for a in argv] + ["--no-progress"] * (argv[0] == "run")
    line = one_error_line(capsys, argv)
    assert expected in line
    if flag is not None:
        assert flag in line
    assert not re.search(PYTHON_PARAMETER, line), line


def test_unexpected_errors_are_one_line_too(monkeypatch, capsys):
    def broken(args):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    monkeypatch.setitem(cli._COMMANDS, "strategies", broken)
    assert "TypeError" not in one_error_line(capsys, ["strategies"])

    def bug(args):
        raise RuntimeError("something inside")

    monkeypatch.setitem(cli._COMMANDS, "strategies", bug)
    assert cli.main(["strategies"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: something inside" in err
    monkeypatch.setenv("SKACTIVE_TRACEBACK", "1")
    with pytest.raises(RuntimeError):
        cli.main(["strategies"])


def test_interrupted_run_exits_130_saying_rounds_are_saved(monkeypatch, capsys, tmp_path):
    import skactive.experiment

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(skactive.experiment, "run_experiment", interrupted)
    assert cli.main(["run", "--dataset", "sigmoid", "--out", str(tmp_path / "r"),
                     "--no-progress"]) == 130
    err = capsys.readouterr().err
    assert "interrupted; finished rounds are saved, continue with --resume" in err


def test_query_output_neutralises_formulas(tmp_path, capsys):
    frame = table(60)
    frame["note"] = ["=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2", "ok"] * 12
    labeled, pool = tmp_path / "labeled.csv", tmp_path / "pool.csv"
    frame[:30].to_csv(labeled, index=False)
    frame[30:].drop(columns="label").to_csv(pool, index=False)
    out = tmp_path / "picks.csv"
    assert cli.main(["query", "--labeled", str(labeled), "--pool", str(pool), "--target",
                     "label", "--strategy", "random", "--n", "30", "--max-epochs", "2",
                     "--drop", "note", "--out", str(out)]) == 0
    picks = pd.read_csv(out, keep_default_na=False)
    assert set(picks["note"]) == {"'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2", "ok"}
    assert picks["x"].dtype == np.float64 and (picks["x"] < 0).any()  # numbers stay numbers
    assert sorted(picks["pool_row"]) == list(range(30))
    capsys.readouterr()
    assert cli.main(["query", "--labeled", str(labeled), "--pool", str(pool), "--target",
                     "label", "--strategy", "random", "--n", "5", "--max-epochs", "2",
                     "--drop", "note"]) == 0
    printed = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out),
                          keep_default_na=False)
    assert all(not v.startswith(("=", "+", "-", "@")) for v in printed["note"])


def test_hostile_file_name_is_escaped_in_the_report(tmp_path, capsys):
    path = tmp_path / "<img src=x onerror=alert(1)>.csv"
    table(80).to_csv(path, index=False)
    out = tmp_path / "run"
    assert cli.main(["run", "--data", str(path), "--target", "label", "--max-epochs", "2",
                     "--initial", "0.1", "--step", "0.1", "--until", "0.2", "--strategies",
                     "random", "--no-progress", "--quiet", "--out", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert "<img" not in report and "&lt;img src=x onerror=alert(1)&gt;" in report


# ----------------------------------------------------------------------------- no torch
LIGHT = """
import sys
from skactive.cli import main
status = main({argv!r})
print("TORCH", "torch" in sys.modules, "STATUS", status)
"""


@pytest.mark.parametrize("argv, status", [
    (["--help"], 0),
    (["run", "--help"], 0),
    (["run", "--initial", "7"], 2),
    (["run", "--data", "{bad}", "--target", "y"], 2),
    (["run", "--data", "{bad}", "--target", "a", "--sep", ";"], 2),
    (["run", "--data", "{mixed}", "--text"], 2),
    (["run", "--data", "{bad}", "--text", "--format", "tsv"], 2),
])
def test_help_usage_and_file_errors_do_not_import_torch(tmp_path, argv, status):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,y\n1,2,x\n3,4,5,6\n")
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("pos\tgood film\nbad film\n")
    argv = [a.format(bad=bad, mixed=mixed) for a in argv]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", LIGHT.format(argv=argv)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)
    assert f"TORCH False STATUS {status}" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_lazy_package_keeps_its_public_names():
    code = ("import sys, skactive; assert 'torch' not in sys.modules; "
            "assert set(skactive.__all__) <= set(dir(skactive)); "
            "from skactive import MLPClassifier, ActiveLearner, TextCNNClassifier; "
            "from skactive.mlp import MLPClassifier as M; assert M is MLPClassifier; "
            "print('OK', 'torch' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.stdout.strip() == "OK True", done.stderr
    import skactive

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        skactive.Nope


# ----------------------------------------------------------------------------- odd cells
def test_empty_columns_infinities_typos_and_repeated_names(tmp_path):
    frame = table()
    path = tmp_path / "t.csv"
    path.write_text(frame.to_csv(index=False).replace("\n", ",\n"))  # a trailing separator
    loaded, said = notices(load_table, path, "label")
    assert loaded.feature_names == ["x", "z", "city"]
    assert len(said) == 1 and "['Unnamed: 4'] is empty in every row" in said[0]

    frame.loc[6, "z"] = np.inf
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"Column 'z' .* holds 1 infinite value\(s\) \(data row "
                                         r"7, counting from 1 after the header, holds inf\)"):
        notices(load_table, path, "label")

    frame["z"] = frame["z"].astype(object)
    frame.loc[6, "z"] = "1.2.3"  # a typo in a column of numbers
    frame.to_csv(path, index=False)
    loaded, said = notices(load_table, path, "label")
    assert "z" in loaded.categorical_features
    assert len(said) == 1
    assert "column 'z' holds numbers except in 1 row(s) (e.g. '1.2.3' in data row 7)" in said[0]

    path.write_text("x,x,label\n" + "\n".join(f"{i},{-i},{'ab'[i % 2]}" for i in range(6)))
    loaded, said = notices(load_table, path, "label")
    assert loaded.feature_names == ["x", "x.1"]
    assert said == [f"{path}: the header names ['x'] more than once; the later columns are "
                    "called ['x.1']."]


def test_other_warnings_are_one_line_on_the_command_line(monkeypatch, capsys):
    def warns(args):
        warnings.warn("something odd\nspread over lines", RuntimeWarning)
        return 0

    monkeypatch.setitem(cli._COMMANDS, "strategies", warns)
    assert cli.main(["strategies"]) == 0
    assert capsys.readouterr().err == ("skactive: warning: RuntimeWarning: something odd spread "
                                       "over lines\n")


def test_query_skips_pool_rows_that_already_have_a_label(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 2))
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": np.where(X[:, 0] > 0, "yes", "no")})
    frame[:30].to_csv(tmp_path / "labeled.csv", index=False)
    pool = frame[30:].reset_index(drop=True).astype({"y": object})
    pool.loc[5:, "y"] = None  # rows 0-4 of the pool are labeled already
    pool.to_csv(tmp_path / "pool.csv", index=False)
    status = cli.main(["query", "--labeled", str(tmp_path / "labeled.csv"), "--pool",
                   str(tmp_path / "pool.csv"), "--target", "y", "--n", "45",
                   "--max-epochs", "3", "--out", str(tmp_path / "next.csv")])
    err = capsys.readouterr().err
    assert status == 0, err
    assert "5 of 50 rows already have a label in 'y'; they are not proposed again" in err
    picks = pd.read_csv(tmp_path / "next.csv")
    assert sorted(picks["pool_row"]) == list(range(5, 50))  # all the others, none of 0-4
    np.testing.assert_allclose(picks["a"], pool.loc[picks["pool_row"], "a"])


def test_query_takes_the_table_flags_and_refuses_them_with_one_file(tmp_path, capsys):
    rng = np.random.RandomState(1)
    frame = pd.DataFrame({"code": np.arange(100, 160), "a": rng.normal(size=60)})
    frame["y"] = np.where(frame["a"] > 0, "yes", "no")
    frame[:40].to_csv(tmp_path / "labeled.csv", index=False)
    frame[40:].drop(columns="y").to_csv(tmp_path / "pool.csv", index=False)
    args = ["query", "--labeled", str(tmp_path / "labeled.csv"), "--pool",
            str(tmp_path / "pool.csv"), "--target", "y", "--n", "3", "--max-epochs", "2"]
    assert cli.main(args) == 0
    assert "--keep-columns code" in capsys.readouterr().err  # the notice names a real flag
    assert cli.main(args + ["--keep-columns", "code"]) == 0
    assert "identifier" not in capsys.readouterr().err.lower()
    one = tmp_path / "one.csv"
    frame.assign(y=frame["y"].where(frame.index < 40)).to_csv(one, index=False)
    assert cli.main(["query", "--data", str(one), "--target", "y", "--keep-columns", "code"]) == 2
    assert "--keep-columns goes with --labeled/--pool" in capsys.readouterr().err
