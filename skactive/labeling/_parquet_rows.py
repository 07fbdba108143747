"""A Parquet file of rows to label, read a row group or a chunk at a time, never whole.

The label column is read once, chunk by chunk, into the positions and labels of the rows
already labeled (dictionary-encoded: a few bytes per labeled row, nothing per unlabeled row).
Features are the file's numeric columns besides the label and id columns, read by row through
:class:`skactive.datasets.ParquetPool` (only the row groups that hold the rows asked for) or
streamed as DataFrames through :class:`skactive.datasets.PoolView`. Rows are keyed by their
row number in the file (``'0'``, ``'1'``, ...).
"""

import os
import warnings
from pathlib import Path

import numpy as np

from ..datasets import DataNotice, ParquetPool, PoolView
from ..utils import atomic_write
from ._pool_rows import PoolRows

#: Rows of the label column converted at a time when the file is opened.
LABEL_CHUNK_ROWS = 1 << 20


def _label_strings(column, pa, pc):
    """The label cells as trimmed strings; null where not labeled (null, NaN or blank)."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_floating(column.type):  # NaN is 'not labeled', as a blank cell
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
    strings = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
    return pc.if_else(pc.equal(strings, ""), pa.scalar(None, pa.string()), strings)


class ParquetRows(PoolRows):
    """The rows of one Parquet file to label, for :class:`LabelingSession`.

    Parameters
    ----------
    path : str or path-like
        A Parquet file (``.parquet``, ``.pq``).
    target : str
        The label column: null, NaN or blank (only spaces) where a row is not labeled yet.
    id_column : str, default=None
        A column left out of the features (it is shown on the page); rows are keyed by row
        number all the same.

    Attributes
    ----------
    kind : 'table'
    columns : list of str
        Every column of the file (the page shows them all).
    features : list of str
        The numeric columns besides ``target`` and ``id_column``: the model's input.
    keys, index
        Row keys (``str(row number)``) and ``key -> row number``, computed on demand.
    labeled_positions : ndarray of int64
        The rows labeled in the file, increasing.
    labeled_values : ndarray of object
        Their labels, as strings.
    """

    def __init__(self, path, *, target=None, id_column=None):
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        self.path = Path(path)
        self.target = target
        self.id_column = id_column
        if not self.path.is_file():
            raise ValueError(f"{self.path} is not a file; give the file of rows to label.")
        if not target:
            raise ValueError("A table needs target=COLUMN (--target), the label column, "
                             "empty where a row is not labeled yet.")
        try:
            file = pq.ParquetFile(os.fspath(self.path), pre_buffer=False)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise ValueError(f"{self.path} is not a readable Parquet file: {exc}") from None
        with file:
            schema = file.schema_arrow
            self.columns = [str(c) for c in schema.names]
            for name, what in ((target, "target"), (id_column, "id")):
                if name is not None and name not in self.columns:
                    raise ValueError(f"{self.path} has no {what} column {name!r}; its columns "
                                     f"are {self.columns}.")
            label_type = schema.field(target).type
            if pa.types.is_dictionary(label_type):
                label_type = label_type.value_type
            if not (pa.types.is_string(label_type) or pa.types.is_large_string(label_type)
                    or pa.types.is_integer(label_type) or pa.types.is_floating(label_type)
                    or pa.types.is_boolean(label_type)
                    or pa.types.is_null(label_type)):  # pandas writes an all-None column so
                raise ValueError(f"{self.path}: the target column {target!r} holds {label_type} "
                                 "values; labels are text, integers or booleans.")
            numeric = [c for c in self.columns if c not in (target, id_column)
                       and _is_number(schema.field(c).type, pa)]
            others = [c for c in self.columns if c not in (target, id_column)
                      and c not in numeric]
            if not numeric:
                raise ValueError(f"{self.path} has no numeric feature columns besides "
                                 f"{target!r}; a Parquet file's features are its numeric "
                                 f"columns (it has {self.columns}).")
            if others:
                warnings.warn(
                    f"{self.path}: column{'s' if len(others) > 1 else ''} {others} "
                    f"{'are' if len(others) > 1 else 'is'} not numeric: shown on the page but "
                    f"not used by the model (encode {'them' if len(others) > 1 else 'it'} as "
                    "numbers to use it).", DataNotice,
                    stacklevel=3)
            positions, values, offset = [], [], 0
            for batch in file.iter_batches(batch_size=LABEL_CHUNK_ROWS, columns=[target],
                                           use_threads=False):
                labels = _label_strings(batch.column(0), pa, pc)
                filled = np.flatnonzero(pc.is_valid(labels).to_numpy(zero_copy_only=False))
                if len(filled):
                    positions.append(filled + offset)
                    values.append(labels.take(pa.array(filled)))
                offset += batch.num_rows
        if offset == 0:
            raise ValueError(f"{self.path} has no rows to label.")
        self.features = numeric
        try:
            self._pool = ParquetPool(self.path, columns=numeric)
        except ValueError as exc:  # its advice names a parameter this reader does not have
            raise ValueError(str(exc).replace(
                ", or leave those columns out with columns=[...]", "")) from None
        self.labeled_positions = (np.concatenate(positions) if positions
                                  else np.empty(0, dtype=np.int64))
        if values:  # dictionary-encoded: each distinct label is one Python string
            encoded = pa.chunked_array(values).combine_chunks().dictionary_encode()
            names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
            self.labeled_values = names[encoded.indices.to_numpy(zero_copy_only=False)]
        else:
            self.labeled_values = np.empty(0, dtype=object)
        self._start(len(self._pool), PoolView(self._pool, numeric))

    def _reader(self):
        return ParquetPool(self.path, columns=self.features)

    def _display_frame(self, positions):
        return self._pool.frame(positions)

    def write(self, path, answers, index=None):
        """Write the file again, row group by row group, with ``answers`` in the label column.

        Every other column, the row groups and the schema stay as they were. The label column
        keeps its type when every answer converts to it (``'1'`` into an integer column);
        otherwise it is written as text. One row group is held in memory at a time; the file
        is written beside ``path`` and renamed into place.
        """
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        positions = np.array([self.index[k] for k in answers if k in self.index],
                             dtype=np.int64)
        labels = np.array([str(answers[k]) for k in answers if k in self.index], dtype=object)
        order = np.argsort(positions, kind="stable")
        positions, labels = positions[order], labels[order]
        path = Path(path)
        with pq.ParquetFile(os.fspath(self.path), pre_buffer=False) as file:
            schema = file.schema_arrow
            field = schema.field(self.target)
            label_type = field.type
            if pa.types.is_dictionary(label_type):
                label_type = label_type.value_type
            try:
                pa.array(labels.tolist(), pa.string()).cast(label_type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                label_type = pa.string()
            stored = field.type if label_type == getattr(field.type, "value_type", None) \
                else label_type  # a dictionary-encoded column stays one
            if stored != field.type:
                # the pandas metadata would describe the column's old dtype: dropped
                metadata = {k: v for k, v in (schema.metadata or {}).items() if k != b"pandas"}
                schema = pa.schema(
                    [field.with_type(stored) if f.name == self.target else f
                     for f in schema], metadata=metadata or None)
            where = schema.get_field_index(self.target)
            offsets = np.concatenate([[0], np.cumsum(
                [file.metadata.row_group(g).num_rows for g in range(file.num_row_groups)])])
            # an interrupted export leaves the old file
            with atomic_write(path) as fh, pq.ParquetWriter(fh, schema) as writer:
                for g in range(file.num_row_groups):
                    table = file.read_row_group(g, use_threads=False)
                    column = table.column(where).combine_chunks()
                    if pa.types.is_dictionary(column.type):
                        column = column.cast(column.type.value_type)
                    column = column.cast(label_type)
                    lo, hi = np.searchsorted(positions, offsets[g:g + 2])
                    if hi > lo:
                        mask = np.zeros(len(column), dtype=bool)
                        mask[positions[lo:hi] - offsets[g]] = True
                        new = pa.array(labels[lo:hi].tolist(), pa.string()).cast(label_type)
                        column = pc.replace_with_mask(column, pa.array(mask), new)
                    table = table.set_column(where, schema.field(where),
                                             column.cast(stored))
                    writer.write_table(table.cast(schema),
                                       row_group_size=max(1, table.num_rows))
        return path

    def close(self):
        self._pool.close()


def _is_number(arrow_type, pa):
    return (pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type)
            or pa.types.is_boolean(arrow_type))
