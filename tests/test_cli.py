"""Tests for the ``skactive`` command line (run, report, query, demo, strategies)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import skactive
from skactive import cli
from skactive.experiment import COLUMNS, read_results
from skactive.experiment.report import REPORT_FILES

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(
    os.environ.get("SKACTIVE_SHARED_DATASETS")
    or Path(__file__).resolve().parents[2] / "shared" / "datasets"
)
QUICK = ["--max-epochs", "3", "--initial", "0.05", "--step", "0.1", "--until", "0.25",
         "--no-progress"]


def shared_folder(name):
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"shared benchmark data not found at {path} (set SKACTIVE_SHARED_DATASETS "
                    "to the folder holding telescope/, employee/ and mr/)")
    return SHARED


def error_line(capsys, argv):
    """Run the CLI expecting a usage error; return its single stderr line."""
    status = cli.main(argv)
    captured = capsys.readouterr()
    assert status == 2, captured
    lines = [line for line in captured.err.strip().splitlines()
             if not line.startswith("skactive: notice: ")]  # what the loader repaired
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.fixture
def loans(tmp_path):
    """A table the CLI has never seen: a categorical column, an id column, string labels."""
    rng = np.random.RandomState(0)
    n = 240
    income = rng.normal(50, 15, n).round(1)
    city = rng.choice(["Oslo", "Rome", "Lima"], n)
    score = income / 10 + np.where(city == "Rome", 2.0, 0.0) + rng.normal(0, 1, n)
    frame = pd.DataFrame({"id": np.arange(n), "income": income, "city": city,
                          "paid": np.where(score > 6, "yes", "no")})
    path = tmp_path / "loans.csv"
    frame.to_csv(path, index=False)
    return path, frame


# ----------------------------------------------------------------------------- run and report
def test_run_on_shipped_telescope(tmp_path, capsys):
    out = tmp_path / "tel"
    status = cli.main(["run", "--dataset", "telescope,ibal", "--max-samples", "600",
                       "--strategies", "Random,ENTROPY", "--out", str(out), *QUICK])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    results = read_results(out)
    assert tuple(results.columns) == COLUMNS
    assert results["dataset"].unique().tolist() == ["telescope", "ibal"]
    assert results["strategy"].unique().tolist() == ["random", "entropy"]
    assert results.groupby(["dataset", "strategy"])["round"].max().tolist() == [2, 2, 2, 2]
    # one printed line per round, with the score: AUC for two classes, accuracy for three
    assert captured.out.count("] round ") == len(results) == 12
    assert "auc 0." in captured.out and "accuracy 0." in captured.out
    for name in REPORT_FILES:
        assert (out / name).is_file()
    assert "telescope (auc), ibal (accuracy)" in (out / "report.md").read_text()
    # an existing folder is not overwritten; --resume finds nothing left to do
    assert "already holds results" in error_line(
        capsys, ["run", "--dataset", "telescope", "--max-samples", "600", "--out", str(out),
                 *QUICK])
    assert cli.main(["run", "--dataset", "telescope,ibal", "--max-samples", "600",
                     "--strategies", "random,entropy", "--out", str(out), "--resume",
                     *QUICK]) == 0
    assert capsys.readouterr().out.count("] round ") == 0
    # the report command rewrites the report elsewhere
    assert cli.main(["report", str(out), "--out", str(tmp_path / "rep"),
                     "--metric", "accuracy"]) == 0
    assert "report:" in capsys.readouterr().out
    assert "telescope (accuracy)" in (tmp_path / "rep" / "report.md").read_text()


def test_run_and_query_on_a_new_csv(loans, tmp_path, capsys):
    path, frame = loans
    out = tmp_path / "loans_run"
    status = cli.main(["run", "--data", str(path), "--target", "paid", "--drop", "id",
                       "--strategies", "margin,random", "--out", str(out), "--quiet", *QUICK])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    results = read_results(out)
    assert results["dataset"].unique().tolist() == ["loans"]
    assert results["n_train"].iloc[0] == 240 - 48 - 24
    assert results["auc"].notna().all()

    labeled = frame.iloc[:60]
    pool = frame.iloc[60:].drop(columns="paid")
    labeled.to_csv(tmp_path / "labeled.csv", index=False)
    pool.to_csv(tmp_path / "pool.csv", index=False)
    picks_path = tmp_path / "picks.csv"
    status = cli.main(["query", "--labeled", str(tmp_path / "labeled.csv"), "--pool",
                       str(tmp_path / "pool.csv"), "--target", "paid", "--drop", "id",
                       "--strategy", "Entropy", "--n", "7", "--max-epochs", "20",
                       "--out", str(picks_path)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "7 rows to label next" in captured.err
    picks = pd.read_csv(picks_path)
    assert picks.columns.tolist() == ["rank", "pool_row", "score", "predicted", "id",
                                      "income", "city"]
    assert picks["rank"].tolist() == list(range(1, 8))
    assert picks["pool_row"].is_unique and picks["pool_row"].between(0, 179).all()
    # the listed rows are the pool's rows at those positions
    assert picks["id"].tolist() == pool["id"].iloc[picks["pool_row"]].tolist()
    assert picks["score"].is_monotonic_decreasing
    assert set(picks["predicted"]) <= {"yes", "no"}
    # entropy of two classes is at most log 2
    assert picks["score"].between(0, np.log(2) + 1e-12).all()
    # stdout when no --out; the same seed gives the same rows
    assert cli.main(["query", "--labeled", str(tmp_path / "labeled.csv"), "--pool",
                     str(tmp_path / "pool.csv"), "--target", "paid", "--drop", "id",
                     "--strategy", "entropy", "--n", "7", "--max-epochs", "20"]) == 0
    again = pd.read_csv(io.StringIO(capsys.readouterr().out))
    pd.testing.assert_frame_equal(again, picks)


def test_query_random_has_no_scores(loans, tmp_path, capsys):
    path, frame = loans
    frame.iloc[:40].to_csv(tmp_path / "l.csv", index=False)
    frame.iloc[40:50].to_csv(tmp_path / "p.csv", index=False)  # the pool may keep its labels
    assert cli.main(["query", "--include-labeled", "--labeled", str(tmp_path / "l.csv"), "--pool",
                     str(tmp_path / "p.csv"), "--target", "paid", "--strategy", "random",
                     "--n", "10", "--max-epochs", "2"]) == 0
    picks = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert sorted(picks["pool_row"]) == list(range(10))
    assert picks["score"].isna().all()
    assert "paid" not in picks.columns


def test_demo_with_a_short_schedule(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_DEMO_SCHEDULE", {"initial": 0.02, "step": 0.02, "until": 0.04})
    monkeypatch.setattr(cli, "_DEMO_MAX_EPOCHS", 2)
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out), "--strategies", "random,margin",
                     "--no-progress"]) == 0
    captured = capsys.readouterr().out
    assert "round 1/1: 4.0% labeled (533), auc" in captured
    assert (out / "report.md").is_file()
    results = read_results(out)
    assert results["n_train"].iloc[0] == 13314  # the full shipped Telescope data
    # running it again reuses the finished rounds
    assert cli.main(["demo", "--out", str(out), "--strategies", "random,margin",
                     "--no-progress"]) == 0
    assert "] round " not in capsys.readouterr().out


def test_text_run_or_clear_error(tmp_path, capsys):
    rng = np.random.RandomState(0)
    good, bad = ["warm", "funny", "moving", "great"], ["dull", "boring", "awful", "flat"]
    lines = []
    for i in range(120):
        label = i % 2
        words = rng.choice(good if label else bad, 3).tolist() + ["film"]
        lines.append(f"{'pos' if label else 'neg'}\t{' '.join(words)}")
    data = tmp_path / "sentences.tsv"
    data.write_text("\n".join(lines) + "\n")
    argv = ["run", "--data", str(data), "--text", "--strategies", "random,entropy",
            "--out", str(tmp_path / "text"), "--initial", "0.1", "--step", "0.2", "--until",
            "0.3", "--max-epochs", "2", "--no-progress", "--quiet", "--no-report"]
    if not hasattr(skactive, "TextCNNClassifier"):
        assert "TextCNNClassifier" in error_line(capsys, argv)
        return
    status = cli.main(argv)
    assert status == 0, capsys.readouterr().err
    capsys.readouterr()
    results = read_results(tmp_path / "text")
    assert results["model"].unique().tolist() == ["textcnn"]
    assert results["n_labeled"].tolist() == [8, 25] * 2
    pool = tmp_path / "pool.txt"
    pool.write_text("a warm film\n\nso dull\nflat and boring film\n")
    status = cli.main(["query", "--labeled", str(data), "--pool", str(pool), "--text",
                       "--n", "2", "--max-epochs", "2"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    picks = pd.read_csv(io.StringIO(captured.out))
    assert picks.columns.tolist() == ["rank", "pool_row", "score", "predicted", "line", "text"]
    line_of_row = {0: 1, 1: 3, 2: 4}  # the blank line 2 is not a pool row
    assert [line_of_row[r] for r in picks["pool_row"]] == picks["line"].tolist()


def test_employee_from_data_home(tmp_path, capsys):
    data_home = shared_folder("employee")
    status = cli.main(["run", "--dataset", "employee", "--data-home", str(data_home),
                       "--max-samples", "800", "--strategies", "random", "--out",
                       str(tmp_path / "emp"), "--quiet", "--no-report", *QUICK])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    results = read_results(tmp_path / "emp")
    assert results["dataset"].unique().tolist() == ["employee"]
    assert len(results) == 3


# ----------------------------------------------------------------------------- errors
def test_input_errors_are_one_line_with_status_2(loans, tmp_path, capsys):
    path, frame = loans
    out = str(tmp_path / "o")
    missing = error_line(capsys, ["run", "--data", str(tmp_path / "nope.csv"), "--target",
                                  "paid", "--out", out])
    assert "nope.csv" in missing
    assert "Target column 'label' not found" in error_line(
        capsys, ["run", "--data", str(path), "--target", "label", "--out", out])
    single = tmp_path / "single.csv"
    frame.assign(paid="yes").to_csv(single, index=False)
    assert "single class" in error_line(
        capsys, ["run", "--data", str(single), "--target", "paid", "--out", out])
    ragged = tmp_path / "ragged.csv"
    ragged.write_text('a,b,paid\n1,2,yes\n3,4,no,5,6\n"unclosed,1,no\n')
    assert "not a well-formed table" in error_line(
        capsys, ["run", "--data", str(ragged), "--target", "paid", "--out", out])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage\x00\n")
    assert "Cannot decode" in error_line(
        capsys, ["run", "--data", str(binary), "--target", "paid", "--out", out])
    unknown = error_line(capsys, ["run", "--dataset", "telescope", "--strategies",
                                  "random,wizard", "--out", out])
    assert "Unknown strategy 'wizard'" in unknown and "entropy" in unknown
    assert "no data" in error_line(capsys, ["run", "--out", out])
    assert "--target" in error_line(capsys, ["run", "--data", str(path), "--out", out])
    assert "fraction" in error_line(capsys, ["run", "--dataset", "telescope", "--step", "2"])
    assert "invalid choice" in error_line(capsys, ["frobnicate"])
    assert not Path(out).exists()


def test_query_errors_are_one_line_with_status_2(loans, tmp_path, capsys):
    path, frame = loans
    frame.iloc[:40].to_csv(tmp_path / "l.csv", index=False)
    base = ["query", "--labeled", str(tmp_path / "l.csv"), "--target", "paid"]
    empty = tmp_path / "empty.csv"
    empty.write_text("id,income,city\n")
    assert "no rows" in error_line(capsys, base + ["--pool", str(empty)])
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n")
    assert "is empty" in error_line(capsys, base + ["--pool", str(blank)])
    other = tmp_path / "other.csv"
    other.write_text("id,salary\n1,2\n")
    assert "lacks the feature column(s) ['income', 'city']" in error_line(
        capsys, base + ["--pool", str(other)])
    frame.iloc[40:43].drop(columns="paid").to_csv(tmp_path / "small.csv", index=False)
    assert "only 3" in error_line(capsys, base + ["--pool", str(tmp_path / "small.csv"),
                                                  "--n", "5"])
    assert "Unknown strategy" in error_line(
        capsys, base + ["--pool", str(tmp_path / "small.csv"), "--strategy", "best"])
    frame.iloc[:40].assign(paid="no").to_csv(tmp_path / "one.csv", index=False)
    assert "single class" in error_line(
        capsys, ["query", "--labeled", str(tmp_path / "one.csv"), "--target", "paid",
                 "--pool", str(tmp_path / "small.csv")])
    assert "required" in error_line(capsys, ["query", "--pool", str(empty)])


def test_report_error_and_strategies_listing(tmp_path, capsys):
    assert "No results file" in error_line(capsys, ["report", str(tmp_path)])
    assert cli.main(["strategies"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing][:4] == ["random", "least-confidence",
                                                         "margin", "entropy"]


# ----------------------------------------------------------------------------- entry points
def test_python_m_skactive_error_is_one_line():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "skactive", "query", "--labeled", "x.csv",
                           "--pool", "y.csv", "--target", "t"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "x.csv" in done.stderr


def test_run_help(capsys):
    assert cli.main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "--strategies" in out
    assert "--resume" in out and "skactive run --dataset telescope" in out


def test_help_texts_have_examples():
    parser = cli.build_parser()
    helps = parser.format_help()
    assert "skactive demo" in helps
    sub = {a.dest: a for a in parser._actions}["command"].choices
    for name in ("run", "query", "report"):
        assert "examples:" in sub[name].format_help()
    assert "Telescope" in sub["demo"].format_help()


def test_query_keeps_pool_columns_that_clash_with_its_own(loans, tmp_path, capsys):
    """A pool column named like an output column (score, rank, ...) is kept, renamed."""
    path, frame = loans
    frame = frame.rename(columns={"id": "score"})
    frame["score_pool"] = -frame["score"]  # already holds the first new name
    frame.iloc[:40].to_csv(tmp_path / "l.csv", index=False)
    frame.iloc[40:60].to_csv(tmp_path / "p.csv", index=False)
    assert cli.main(["query", "--include-labeled", "--labeled", str(tmp_path / "l.csv"), "--pool",
                     str(tmp_path / "p.csv"), "--target", "paid", "--drop", "score,score_pool",
                     "--strategy", "margin", "--n", "5", "--max-epochs", "2"]) == 0
    picks = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(picks.columns[:4]) == ["rank", "pool_row", "score", "predicted"]
    assert sorted(picks.columns[4:]) == ["city", "income", "score_pool", "score_pool_pool"]
    # the renamed columns still hold the pool rows' own values, row for row
    rows = 40 + picks["pool_row"].to_numpy()
    assert (picks["score_pool_pool"].to_numpy() == frame["score"].to_numpy()[rows]).all()
    assert (picks["score_pool"].to_numpy() == frame["score_pool"].to_numpy()[rows]).all()
    assert (picks["score"].diff().dropna() <= 0).all()  # most informative first


# ----------------------------------------------------------------------------- pool files
@pytest.fixture
def numeric_pool(tmp_path):
    """A labeled CSV and one pool written three ways: CSV, Parquet (odd row groups) and .npy."""
    pytest.importorskip("pyarrow", reason="Parquet pools need pyarrow (the 'parquet' extra)")
    rng = np.random.RandomState(3)
    n_labeled, n_pool = 80, 450
    X = rng.normal(size=(n_labeled + n_pool, 4)).astype(np.float32)
    features = [f"f{j}" for j in range(4)]
    y = np.where(X[:, 0] + 0.5 * X[:, 1] + rng.normal(0, 0.5, len(X)) > 0, "yes", "no")
    labeled = pd.DataFrame(X[:n_labeled].astype(np.float64), columns=features)
    labeled["id"], labeled["paid"] = np.arange(n_labeled), y[:n_labeled]
    labeled.to_csv(tmp_path / "labeled.csv", index=False, float_format="%.17g")
    pool = pd.DataFrame(X[n_labeled:], columns=features)
    pool["id"] = np.arange(n_pool) + 1000
    pool["note"] = [f"row {i}" for i in range(n_pool)]
    # float64 cells written in full: the CSV holds exactly the float32 values
    pool.astype({f: np.float64 for f in features}).to_csv(tmp_path / "pool.csv", index=False,
                                                           float_format="%.17g")
    pool.to_parquet(tmp_path / "pool.parquet", row_group_size=97)
    np.save(tmp_path / "pool.npy", X[n_labeled:])
    return tmp_path, pool


def _same_picks(left, right):
    """The same picks, scores and predictions; the same rows shown (as float32 values: a file
    pool shows its float32 cells as written, a CSV pool its float64 reading of them)."""
    picked = ["rank", "pool_row", "score", "predicted"]
    pd.testing.assert_frame_equal(left[picked], right[picked], check_exact=True)
    features = [f"f{j}" for j in range(4)]
    pd.testing.assert_frame_equal(left[features].astype(np.float32),
                                  right[features].astype(np.float32), check_exact=True)
    others = [c for c in left.columns if c not in picked + features]
    pd.testing.assert_frame_equal(left[others], right[others])


def _query(capsys, folder, pool, *extra):
    status = cli.main(["query", "--labeled", str(folder / "labeled.csv"), "--pool", str(pool),
                       "--target", "paid", "--drop", "id", "--n", "12", "--max-epochs", "5",
                       *extra])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return pd.read_csv(io.StringIO(captured.out)), captured.err


# the strategies that stream (the row-wise ones, random, the default 'auto' and the mixture
# behind it) and those read whole (coreset; albl, whose default arms include set strategies)
@pytest.mark.parametrize("strategy", ["entropy", "margin", "least-confidence", "egl", "ibal",
                                      "random", "auto", "mixture", "coreset", "albl"])
def test_query_parquet_pool_picks_as_the_same_pool_in_csv(numeric_pool, capsys, strategy):
    folder, pool = numeric_pool
    as_csv, _ = _query(capsys, folder, folder / "pool.csv", "--strategy", strategy)
    as_parquet, _ = _query(capsys, folder, folder / "pool.parquet", "--strategy", strategy,
                           "--chunk-rows", "50")  # chunks cut across the 97-row groups
    _same_picks(as_parquet, as_csv)
    # the shown rows are the pool's rows at those positions, every column of the file
    assert as_parquet.columns.tolist()[4:] == ["f0", "f1", "f2", "f3", "id", "note"]
    assert as_parquet["note"].tolist() == pool["note"].iloc[as_parquet["pool_row"]].tolist()


@pytest.mark.parametrize("chunk_rows, layout, strategy", [
    (None, "C", "auto"), ("7", "C", "auto"), ("450", "C", "entropy"), ("64", "F", "mixture"),
    ("64", ">f8", "entropy"), ("33", "C", "albl"), ("16", "C", "margin")])
def test_query_npy_pool_picks_as_the_same_pool_in_csv(numeric_pool, capsys, chunk_rows,
                                                       layout, strategy):
    folder, pool = numeric_pool
    as_csv, _ = _query(capsys, folder, folder / "pool.csv", "--strategy", strategy)
    X = np.load(folder / "pool.npy")
    # column-major and big-endian files read as well as the usual layout
    np.save(folder / "pool.npy", np.asfortranarray(X) if layout == "F"
            else X.astype(layout) if layout != "C" else X)
    extra = ["--chunk-rows", chunk_rows] if chunk_rows else []
    as_npy, _ = _query(capsys, folder, folder / "pool.npy", "--strategy", strategy, *extra)
    shared = ["rank", "pool_row", "score", "predicted", "f0", "f1", "f2", "f3"]
    assert as_npy.columns.tolist() == shared  # a .npy pool has its features only
    _same_picks(as_npy, as_csv[shared])
    assert as_npy["pool_row"].is_unique
    # a strategy ranking rows shows their scores, best first; a mixture chooses a set
    ranks = strategy in ("entropy", "margin")
    assert as_npy["score"].notna().all() == ranks and as_npy["score"].isna().all() != ranks
    if ranks:
        assert as_npy["score"].is_monotonic_decreasing


def test_query_parquet_pool_leaves_out_rows_already_labeled(numeric_pool, capsys):
    folder, pool = numeric_pool
    pool = pool.assign(paid=[("yes" if i % 2 else "no") if i < 300 else None
                             for i in range(len(pool))])
    pool.to_parquet(folder / "pool.parquet", row_group_size=64)
    pool.astype({f"f{j}": np.float64 for j in range(4)}).to_csv(
        folder / "pool.csv", index=False, float_format="%.17g")
    as_csv, csv_err = _query(capsys, folder, folder / "pool.csv")
    as_parquet, parquet_err = _query(capsys, folder, folder / "pool.parquet", "--chunk-rows", "33")
    _same_picks(as_parquet, as_csv)
    assert (as_parquet["pool_row"] >= 300).all() and "paid" not in as_parquet.columns
    assert "300 of 450 rows already have a label in 'paid'" in parquet_err
    assert "--include-labeled" in parquet_err
    every, _ = _query(capsys, folder, folder / "pool.parquet", "--include-labeled")
    assert every["pool_row"].tolist() != as_parquet["pool_row"].tolist()


def test_query_pool_file_errors_name_the_flags(numeric_pool, loans, capsys, monkeypatch):
    folder, pool = numeric_pool
    base = ["query", "--labeled", str(folder / "labeled.csv"), "--target", "paid",
            "--max-epochs", "2"]
    # a feature column holding text, and one with gaps
    pool.assign(f2="x").to_parquet(folder / "text.parquet")
    line = error_line(capsys, base + ["--pool", str(folder / "text.parquet")])
    assert "f2 (text) are not numeric" in line
    assert "leave them out of the labeled table with --drop COLS" in line
    pool.assign(f1=np.where(np.arange(len(pool)) == 5, np.nan, pool["f1"])).to_parquet(
        folder / "gaps.parquet")
    line = error_line(capsys, base + ["--pool", str(folder / "gaps.parquet")])
    assert "f1 (1 missing)" in line and "out of the labeled table with --drop COLS" in line
    pool.drop(columns="f3").to_parquet(folder / "short.parquet")
    assert "lacks the feature column(s) ['f3']" in error_line(
        capsys, base + ["--pool", str(folder / "short.parquet")])
    # .npy: the labeled table's feature columns, in order; finite values
    np.save(folder / "wide.npy", np.zeros((10, 5), dtype=np.float32))
    line = error_line(capsys, base + ["--pool", str(folder / "wide.npy")])
    assert "has 5 columns" in line and "['f0', 'f1', 'f2', 'f3']" in line  # id is left out
    bad = np.zeros((100, 4), dtype=np.float32)
    bad[61, 2] = np.inf
    np.save(folder / "inf.npy", bad)
    # (a strategy that scores every row reads row 61; random picks read their rows alone)
    line = error_line(capsys, base + ["--pool", str(folder / "inf.npy"), "--chunk-rows", "25",
                                      "--strategy", "entropy"])
    assert "inf in row 61 (0-based), column 'f2'" in line
    # a categorical feature cannot come from a numbers-only pool
    loans_path, _ = loans
    assert "--drop COLS" in error_line(capsys, ["query", "--labeled", str(loans_path),
                                                "--target", "paid", "--pool",
                                                str(folder / "pool.npy")])
    # the flags that do not fit
    assert "give the .npy/Parquet file" in error_line(
        capsys, ["query", "--data", str(folder / "pool.parquet"), "--target", "paid"])
    assert "--chunk-rows goes with a .parquet or .npy --pool" in error_line(
        capsys, base + ["--pool", str(folder / "pool.csv"), "--chunk-rows", "10"])
    assert "holds numbers" in error_line(
        capsys, ["query", "--labeled", str(folder / "labeled.csv"), "--text", "--pool",
                 str(folder / "pool.npy")])
    # the Python parameter is checked as the flag is
    from skactive.labeling import query_pool

    for bad_value in (0, 2.5, True):
        with pytest.raises(ValueError, match="chunk_rows must be a positive integer"):
            query_pool(folder / "labeled.csv", folder / "pool.npy", target="paid",
                       chunk_rows=bad_value)
    # a set strategy on a pool beyond its in-memory budget: refused, naming what streams
    import skactive.labeling._query as query_module

    monkeypatch.setattr(query_module, "MEMORY_BUDGET_BYTES", 1000)
    line = error_line(capsys, base + ["--drop", "id", "--pool", str(folder / "pool.parquet"),
                                      "--strategy", "coreset"])
    assert "--strategy coreset needs the whole pool in memory" in line and "entropy" in line
    assert "mixture" in line  # the streaming choices are named, the default only if it streams


def test_query_a_pool_file_beyond_the_budget_streams_with_a_streaming_strategy(
        numeric_pool, capsys, monkeypatch):
    """Over the in-memory budget the mixture reads the file in chunks and takes its picked rows
    alone, with the picks of the CSV pool; a set strategy, the default 'auto' included, is
    refused with the strategies that stream."""
    import skactive.labeling._query as query_module
    from skactive.datasets import PoolView

    folder, pool = numeric_pool
    as_csv, _ = _query(capsys, folder, folder / "pool.csv", "--strategy", "mixture")
    monkeypatch.setattr(query_module, "MEMORY_BUDGET_BYTES", 1000)  # the pool: 14,400 bytes
    reads, chunks = [], []
    getitem, iter_chunks = PoolView.__getitem__, PoolView.iter_chunks

    def counted_getitem(self, key):
        rows = getitem(self, key)
        reads.append(len(rows))
        return rows

    def counted_chunks(self, chunk_rows):
        for start, stop, frame in iter_chunks(self, chunk_rows):
            assert list(frame.columns) == ["f0", "f1", "f2", "f3"]  # named, as the model reads
            chunks.append(stop - start)
            yield start, stop, frame

    monkeypatch.setattr(PoolView, "__getitem__", counted_getitem)
    monkeypatch.setattr(PoolView, "iter_chunks", counted_chunks)
    for name in ("pool.parquet", "pool.npy"):
        reads.clear()
        chunks.clear()
        streamed, _ = _query(capsys, folder, folder / name, "--strategy", "mixture",
                             "--chunk-rows", "50")
        shown = streamed.columns.tolist()
        _same_picks(streamed, as_csv[shown])
        # the entropy part scored the 450 rows in one pass of 50-row chunks; rows read whole:
        # only the 12 picks
        assert chunks == [50] * 9 and reads == [12]
    line = error_line(capsys, ["query", "--labeled", str(folder / "labeled.csv"), "--target",
                               "paid", "--drop", "id", "--pool", str(folder / "pool.npy"),
                               "--strategy", "badge"])
    assert "--strategy badge needs the whole pool in memory" in line
    assert "mixture" in line and "entropy" in line
    from skactive.strategies import AUTO_STRATEGY, get_strategy

    if not get_strategy(AUTO_STRATEGY).streams_pool:  # the default is refused the same way
        line = error_line(capsys, ["query", "--labeled", str(folder / "labeled.csv"),
                                   "--target", "paid", "--drop", "id", "--pool",
                                   str(folder / "pool.npy")])
        assert "needs the whole pool in memory" in line and "mixture" in line


def test_query_a_pool_file_refusal_names_auto_only_when_the_default_streams(
        numeric_pool, capsys, monkeypatch):
    import skactive.labeling._query as query_module

    folder, _ = numeric_pool
    monkeypatch.setattr(query_module, "MEMORY_BUDGET_BYTES", 1000)
    args = ["query", "--labeled", str(folder / "labeled.csv"), "--target", "paid", "--drop",
            "id", "--pool", str(folder / "pool.npy"), "--strategy", "badge"]
    monkeypatch.setattr(query_module, "AUTO_STRATEGY", "coreset")  # a default that does not
    line = error_line(capsys, args)
    assert "--strategy badge needs the whole pool in memory" in line
    assert "entropy" in line and "auto" not in line and "coreset" not in line


def test_query_parquet_pool_without_pyarrow_says_what_to_install(numeric_pool, capsys,
                                                                  monkeypatch):
    folder, _ = numeric_pool
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if not installed
    line = error_line(capsys, ["query", "--labeled", str(folder / "labeled.csv"), "--target",
                               "paid", "--pool", str(folder / "pool.parquet")])
    assert "needs pyarrow: pip install 'skactive[parquet]'" in line


def test_query_defaults_to_auto_which_is_the_chosen_strategy(loans, tmp_path, capsys):
    from skactive.strategies import AUTO_STRATEGY

    path, frame = loans
    frame.iloc[:60].to_csv(tmp_path / "labeled.csv", index=False)
    frame.iloc[60:].drop(columns="paid").to_csv(tmp_path / "pool.csv", index=False)
    common = ["query", "--labeled", str(tmp_path / "labeled.csv"), "--pool",
              str(tmp_path / "pool.csv"), "--target", "paid", "--drop", "id", "--n", "9",
              "--max-epochs", "10"]
    outputs = []
    for extra in ([], ["--strategy", "auto"], ["--strategy", AUTO_STRATEGY]):
        assert cli.main(common + extra) == 0
        outputs.append(pd.read_csv(io.StringIO(capsys.readouterr().out)))
    pd.testing.assert_frame_equal(outputs[0], outputs[1])
    pd.testing.assert_frame_equal(outputs[0], outputs[2])
    assert cli.main(["strategies"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[-1].split()[:4] == ["auto", "the", "default:", f"{AUTO_STRATEGY},"]
