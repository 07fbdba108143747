"""One file of rows to label: a table whose target is blank where unlabeled, or sentences.

The file is read twice over the same text: once as strings exactly as written (so an export
writes every cell back as it was: integers stay integers, ``1.50`` stays ``1.50``), and once
with pandas' type inference (nullable dtypes, so an integer column with a gap stays integer)
for the model. Each row gets a stable key: the ``id`` column's value, or a hash of the row's
feature cells as written, so that keys survive edits of the label column, reordering and
appended rows.
"""

import csv
import hashlib
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from ..datasets import DataNotice, identifier_columns
from ..utils import atomic_write, atomic_write_text


def _decode(path, encoding):
    raw = Path(path).read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"Cannot decode {path} as {encoding!r} (line {line}); pass the file's "
                         "encoding, e.g. --encoding latin-1.") from None
    return text[1:] if text.startswith("\ufeff") else text


def _sniff(path, text):
    header = next((line for line in text.splitlines() if line.strip()), "")
    tabs, commas = header.count("\t"), header.count(",")
    if tabs != commas:
        return "\t" if tabs > commas else ","
    return "\t" if Path(path).suffix.lower() in (".tsv", ".tab") else ","


def _hash_keys(parts):
    """``sha1`` of each row's parts (first 16 hex digits); repeats get ``#2``, ``#3``...

    A cryptographic hash of the cells as written, not pandas' row hashing: the keys are
    stored in session logs and must not change with the pandas version or the inferred dtypes.
    """
    keys, seen = [], {}
    for row in parts:
        digest = hashlib.sha1("\x1f".join(row).encode("utf-8")).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(digest if seen[digest] == 1 else f"{digest}#{seen[digest]}")
    return np.array(keys, dtype=object)


def _sort_classes(values):
    values = sorted(set(values))
    try:
        return sorted(values, key=float)
    except ValueError:
        return values


class RowsFile:
    """The rows of one file, their keys, and which are labeled.

    Parameters
    ----------
    path : str or path-like
        A CSV/TSV table with a header row, or with ``text=True`` a file of sentences, one per
        line, optionally as ``label<TAB>sentence`` (a line without a tab, or with an empty
        label, is unlabeled).
    target : str, default=None
        The label column of a table; an empty cell (or only spaces) means unlabeled.
    text : bool, default=False
    id_column : str, default=None
        A column of unique row identifiers used as the row keys. Without it a row's key is a
        hash of its feature cells as written (the ``target`` column left out), so the key of a
        row stays the same when its label is filled in or rows are moved; rows with the same
        cells get ``#2``, ``#3``... in file order.
    sep : str, default=None
        Field separator, guessed from the header line by default.
    encoding : str, default='utf-8'

    Attributes
    ----------
    kind : {'table', 'text'}
    raw : DataFrame
        Every cell as written (tables); for text, columns ``label`` and ``text``.
    keys : ndarray of str
    labels : ndarray of object
        The label as written, or '' where unlabeled.
    X : DataFrame or ndarray of str
        The model's input: typed feature columns, or the sentences.
    categorical_features, numeric_features : list of str or None

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skactive.labeling import RowsFile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pets.csv"
    >>> _ = path.write_text("n,size,kind\\n1,2.50,cat\\n2,1.0,\\n")
    >>> rows = RowsFile(path, target="kind", id_column="n")
    >>> rows.keys.tolist(), rows.labels.tolist(), rows.unlabeled().tolist()
    (['1', '2'], ['cat', ''], [1])
    """

    def __init__(self, path, *, target=None, text=False, id_column=None, sep=None,
                 encoding="utf-8"):
        self.path = Path(path)
        self.target = target
        self.text = text
        self.id_column = id_column
        self.encoding = encoding
        if not self.path.is_file():
            raise ValueError(f"{self.path} is not a file; give the file of rows to label.")
        content = _decode(self.path, encoding)
        if not content.strip():
            raise ValueError(f"{self.path} is empty: expected rows to label.")
        if text:
            if target is not None:
                raise ValueError("target is for tables; with text, labels are written as "
                                 "'label<TAB>sentence' lines.")
            if id_column is not None:
                raise ValueError("id_column is for tables; sentences are keyed by their text.")
            self._read_text(content)
        else:
            if not target:
                raise ValueError("A table needs target=COLUMN (--target), the label column, "
                                 "empty where a row is not labeled yet.")
            self.sep = _sniff(self.path, content) if sep is None else sep
            self._read_table(content)

    # ------------------------------------------------------------------ reading
    def _read_text(self, content):
        self.kind = "text"
        self.sep = "\t"
        self._lines = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        positions, labels, texts = [], [], []
        for number, line in enumerate(self._lines):
            if not line.strip():
                continue
            label, tab, sentence = line.partition("\t")
            if not tab:
                label, sentence = "", line
            positions.append(number)
            labels.append(label.strip())
            texts.append(sentence)
        if not texts:
            raise ValueError(f"{self.path} has no sentences.")
        self._positions = np.array(positions)
        self.raw = pd.DataFrame({"label": labels, "text": texts}, dtype=object)
        self.labels = np.array(labels, dtype=object)
        self.X = np.array(texts, dtype=object)
        self.keys = _hash_keys([[t] for t in texts])
        self.categorical_features = self.numeric_features = None
        self.columns = ["text"]

    def _read_table(self, content):
        self.kind = "table"
        try:
            self.raw = pd.read_csv(io.StringIO(content), sep=self.sep, dtype=str,
                                   keep_default_na=False, na_filter=False)
            try:  # nullable dtypes: an integer column with a gap stays integer
                typed = pd.read_csv(io.StringIO(content), sep=self.sep,
                                    dtype_backend="numpy_nullable")
            except TypeError:  # pandas < 2
                typed = pd.read_csv(io.StringIO(content), sep=self.sep,
                                    use_nullable_dtypes=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ValueError(f"{self.path} is not a well-formed table with "
                             f"sep={self.sep!r}: {exc}") from None
        self.raw.columns = [str(c) for c in self.raw.columns]
        typed.columns = self.raw.columns
        if self.raw.empty:
            raise ValueError(f"{self.path} has a header but no rows.")
        for name, what in ((self.target, "target"), (self.id_column, "id")):
            if name is not None and name not in self.raw.columns:
                raise ValueError(f"{self.path} has no {what} column {name!r}; its columns are "
                                 f"{list(self.raw.columns)}.")
        self.labels = self.raw[self.target].str.strip().to_numpy(dtype=object)
        features = [c for c in self.raw.columns if c not in (self.target, self.id_column)]
        if not features:
            raise ValueError(f"{self.path} has no feature columns besides {self.target!r}.")
        self.columns = list(self.raw.columns)
        X = typed[features].copy()
        if self.id_column is None:
            ids = identifier_columns(X)
            if ids:  # a row id as a feature teaches the model nothing; say so, with the flag
                warnings.warn(
                    f"{self.path}: column{'s' if len(ids) > 1 else ''} {ids} "
                    f"{'have' if len(ids) > 1 else 'has'} a distinct value in every row, like "
                    f"an identifier, and {'are' if len(ids) > 1 else 'is'} used as a feature; "
                    f"pass --id {ids[0]} to key rows by it and leave it out of the features.",
                    DataNotice, stacklevel=2)
        categorical = []
        for column in features:
            if is_bool_dtype(X[column]) or not is_numeric_dtype(X[column]):
                categorical.append(column)
                X[column] = X[column].astype(object).where(X[column].notna(), None)
            else:
                X[column] = X[column].astype("float64")
        self.X = X
        self.categorical_features = categorical or None
        self.numeric_features = [c for c in features if c not in categorical] or None
        if categorical and not self.numeric_features:
            self.numeric_features = []
        self.typed = typed
        if self.id_column is not None:
            ids = self.raw[self.id_column].str.strip()
            duplicated = ids[ids.duplicated()].unique()[:3].tolist()
            if len(duplicated) or (ids == "").any():
                raise ValueError(f"The id column {self.id_column!r} must hold a unique, "
                                 f"non-empty value in every row; repeated: {duplicated}.")
            self.keys = ids.to_numpy(dtype=object)
        else:
            self.keys = _hash_keys(self.raw[features].itertuples(index=False, name=None))

    # ------------------------------------------------------------------ queries
    def __len__(self):
        return len(self.keys)

    def labeled(self):
        """Positions of the labeled rows."""
        return np.flatnonzero(self.labels != "")

    def unlabeled(self):
        """Positions of the rows with a blank label."""
        return np.flatnonzero(self.labels == "")

    def classes(self, extra=()):
        """The labels present in the file plus ``extra``, sorted (numerically if all numbers)."""
        return _sort_classes([str(c) for c in extra] + [v for v in self.labels if v != ""])

    def rows_for_display(self, positions):
        """Each row as ``{column: text as written}`` (tables) or its sentence (text)."""
        if self.kind == "text":
            return [str(self.X[i]) for i in positions]
        return self.raw.iloc[list(positions)].to_dict(orient="records")

    def take_X(self, positions):
        positions = np.asarray(positions, dtype=np.intp)
        if self.kind == "text":
            return self.X[positions]
        return self.X.iloc[positions].reset_index(drop=True)

    def write(self, path, answers):
        """Write the file with ``answers`` (``{key: label}``) filled in, as it was otherwise.

        Labels already in the file are kept unless ``answers`` gives another one. A table
        keeps its columns, separator and every other cell as written; a sentence file keeps
        its line order and blank lines and writes labeled lines as ``label<TAB>sentence``.
        """
        index = {k: i for i, k in enumerate(self.keys)}
        changed = {index[k]: str(v) for k, v in answers.items() if k in index}
        path = Path(path)
        if self.kind == "text":
            lines = list(self._lines)
            for i, label in changed.items():
                lines[self._positions[i]] = f"{label}\t{self.X[i]}"
            atomic_write_text(path, "\n".join(lines), encoding=self.encoding)
            return path
        out = self.raw.copy()
        values = out[self.target].to_numpy(dtype=object).copy()
        for i, label in changed.items():
            values[i] = label
        out[self.target] = values
        with atomic_write(path) as fh:  # an interrupted export leaves the old file
            out.to_csv(fh, sep=self.sep, index=False, encoding=self.encoding,
                       quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        return path
