"""The results folder: a tidy CSV, the labeled indices of every round, and the settings.

``results.csv`` gets one row per (dataset, model, strategy, repeat, round), appended and flushed
as soon as the round is evaluated. ``labeled.jsonl`` gets one JSON line per round with the
training-set positions labeled in that round, written just before the CSV row, so the labeled
set of any finished round can be rebuilt and a run resumed exactly where it stopped.
``config.json`` holds the protocol settings a resumed run must share. Only text formats: no
pickle.
"""

import csv
import io
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..utils import FORMULA_PREFIXES, atomic_write_text

try:  # POSIX: serialise appends from parallel workers
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

RESULTS_FILE = "results.csv"
LABELED_FILE = "labeled.jsonl"
CONFIG_FILE = "config.json"

#: Identify one simulation run (a learning curve).
RUN_KEY = ("dataset", "model", "strategy", "repeat")
#: Columns of ``results.csv``, in order.
COLUMNS = (
    "dataset", "model", "strategy", "repeat", "seed", "round", "n_labeled", "n_train",
    "labeled_fraction", "auc", "accuracy", "f1_macro", "val_auc", "val_accuracy",
    "val_f1_macro", "fit_seconds", "query_seconds",
)  # fmt: skip
#: Columns that depend on the machine, not on the seed.
TIMING_COLUMNS = ("fit_seconds", "query_seconds")
_INT_COLUMNS = ("repeat", "seed", "round", "n_labeled", "n_train")
_STR_COLUMNS = ("dataset", "model", "strategy")
# pandas < 3 needs the round-trip parser to read back exactly the floats written.
_EXACT_FLOATS = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _format(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))  # shortest string that reads back to the same float
    if isinstance(value, np.integer):
        return str(int(value))
    value = str(value)
    # a spreadsheet runs a cell starting like a formula (OWASP): quote it, and double a
    # leading quote so that reading strips exactly one (see _unquote)
    if value.startswith(FORMULA_PREFIXES + ("'",)):
        return "'" + value
    return value


def _unquote(series):
    """Undo :func:`_format`'s formula quoting of a text column."""
    return series.where(~series.str.startswith("'", na=False), series.str[1:])


def _append_text(path, text):
    """Append ``text`` with one write, under an exclusive lock where the OS offers one."""
    with open(path, "a", encoding="utf-8", newline="") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # the round is on disk before the next one starts
        finally:
            if fcntl is not None:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _drop_partial_last_line(path):
    """Cut a line left half-written by a killed process (no final newline)."""
    path = Path(path)
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as fh:
            fh.truncate(data.rfind(b"\n") + 1)


def read_results(path):
    """Read a ``results.csv`` (or the folder holding it) as a DataFrame.

    A half-written last line (from an interrupted run) is ignored.

    Parameters
    ----------
    path : str or path-like
        The CSV file, or a folder with a ``results.csv``.

    Returns
    -------
    results : DataFrame
        One row per (dataset, model, strategy, repeat, round), columns :data:`COLUMNS`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skactive.experiment import read_results, COLUMNS
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "results.csv"
    >>> _ = path.write_text(",".join(COLUMNS) + "\\n")
    >>> read_results(path).shape
    (0, 17)
    """
    path = Path(path)
    if path.is_dir() and path.name != RESULTS_FILE:  # a folder named results.csv is damage
        path = path / RESULTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"No results file at {path}; run an experiment into that folder "
                                "first (skactive run --out FOLDER).")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text (byte {exc.start}: {exc.reason}); it is not a "
                         "skactive results file, or it is damaged.") from None
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype={c: str for c in _STR_COLUMNS},
                            keep_default_na=False, na_values=[""], **_EXACT_FLOATS)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path} is empty; it is not a skactive results file.") from None
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path} is not a well-formed results CSV: {exc}") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path} is not a skactive results file: columns {missing} are missing.")
    for column in COLUMNS:
        if column in _STR_COLUMNS:
            frame[column] = _unquote(frame[column])
        else:
            frame[column] = _check_numbers(frame[column], column in _INT_COLUMNS, path)
    return frame[list(COLUMNS)]


def _check_numbers(column, integral, path):
    """The column as int64 or float64, or a ValueError naming the first bad cell's line."""
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if integral:
        bad |= values.isna() | (values != values.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        cell = column.iloc[row]
        shown = ("an empty cell" if pd.isna(cell)
                 else repr(cell) if isinstance(cell, str) else repr(float(cell)))
        raise ValueError(
            f"{path}, line {row + 2}: column {column.name!r} holds {shown}, not "
            f"{'an integer' if integral else 'a number'}; the file is damaged (edited or "
            "written by something else)."
        )
    return values.astype(np.int64 if integral else np.float64)


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number",
               float: "a number", bool: "a boolean", type(None): "null"}

#: Entries of ``config.json`` a run relies on, with their JSON types.
_CONFIG_TYPES = {"protocol": dict, "datasets": dict, "strategies": list, "models": list,
                 "repeats": int}


def read_config(path):
    """Read and check a results folder's ``config.json``; a damaged one is a ValueError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text ({exc.reason}); the file is damaged.") from None
    if not text.strip():
        raise ValueError(f"{path} is empty (a run was cut off while writing it?); restore it, "
                         "or start afresh in another output folder.")
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}); it is truncated or was edited. "
                         "Restore it, or start afresh in another output folder.") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path} holds {_JSON_TYPES.get(type(config), 'a value')}, not the "
                         "settings of a run (an object); the file is damaged.")
    for key, kind in _CONFIG_TYPES.items():
        if key not in config:
            raise ValueError(f"{path} lacks the entry {key!r}; it is not a skactive run's "
                             "config.json, or it was edited.")
        if not isinstance(config[key], kind) or isinstance(config[key], bool):
            raise ValueError(f"{path}: entry {key!r} is {_JSON_TYPES.get(type(config[key]))}, "
                             f"expected {_JSON_TYPES[kind]}; the file was edited or is damaged.")
    return config


class ResultsStore:
    """Append-only access to a results folder, safe across parallel worker processes.

    Parameters
    ----------
    folder : str or path-like
    """

    def __init__(self, folder):
        self.folder = Path(folder)

    @property
    def results_path(self):
        return self.folder / RESULTS_FILE

    @property
    def labeled_path(self):
        return self.folder / LABELED_FILE

    @property
    def config_path(self):
        return self.folder / CONFIG_FILE

    def exists(self):
        return self.results_path.exists() or self.labeled_path.exists()

    # ----------------------------------------------------------------- writing (any process)
    def prepare(self):
        """Create the folder and header; cut half-written lines of an interrupted run."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _drop_partial_last_line(self.results_path)
        _drop_partial_last_line(self.labeled_path)
        if not self.results_path.exists() or self.results_path.stat().st_size == 0:
            with open(self.results_path, "w", encoding="utf-8", newline="") as fh:
                fh.write(",".join(COLUMNS) + "\n")
        self.labeled_path.touch()

    def append_round(self, row, added):
        """Record a finished round: its newly labeled positions, then its results row."""
        record = {key: row[key] for key in RUN_KEY + ("round",)}
        record["added"] = [int(i) for i in added]
        _append_text(self.labeled_path, json.dumps(record, separators=(",", ":")) + "\n")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([_format(row[c]) for c in COLUMNS])
        _append_text(self.results_path, buffer.getvalue())

    # ----------------------------------------------------------------- reading (main process)
    def read(self):
        """All finished rounds, as a DataFrame (empty when nothing has run)."""
        if not self.results_path.exists():
            return pd.DataFrame(columns=list(COLUMNS))
        return read_results(self.results_path)

    def labeled_records(self):
        """``{(dataset, model, strategy, repeat, round): added positions}`` (last record wins)."""
        records = {}
        if not self.labeled_path.exists():
            return records
        with open(self.labeled_path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.endswith("\n"):
                    break  # half-written by an interrupted run
                try:
                    rec = json.loads(line)
                    key = (str(rec["dataset"]), str(rec["model"]), str(rec["strategy"]),
                           int(rec["repeat"]), int(rec["round"]))
                    added = rec["added"]
                    if not isinstance(added, list) or not all(
                            isinstance(i, int) and not isinstance(i, bool) for i in added):
                        raise ValueError(f"'added' must be a list of integers, got {added!r}"[:200])
                    records[key] = np.asarray(added, dtype=np.intp)
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    raise ValueError(
                        f"{self.labeled_path}, line {number} is not a labeled-set record "
                        f"({exc}); the folder is damaged."
                    ) from None
        return records

    def finish(self, order):
        """Rewrite ``results.csv`` sorted into ``order`` (a DataFrame sort key), atomically.

        Parallel workers append rows as they finish; sorting makes the file of a seeded run
        the same whatever ``n_jobs`` was.
        """
        frame = self.read()
        frame = order(frame)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for values in frame[list(COLUMNS)].itertuples(index=False, name=None):
            writer.writerow([_format(v) for v in values])
        atomic_write_text(self.results_path, buffer.getvalue())

    # ----------------------------------------------------------------- settings
    def read_config(self):
        """The stored settings, or None when there is no ``config.json``.

        A damaged file (empty, truncated, not JSON, or not the settings of a run) is a
        ValueError naming the file and the problem.
        """
        if not self.config_path.exists():
            return None
        return read_config(self.config_path)

    def write_config(self, config):
        atomic_write_text(self.config_path,
                          json.dumps(config, indent=2, sort_keys=True) + "\n")
