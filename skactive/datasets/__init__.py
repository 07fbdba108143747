"""Data sets for skactive: shipped, user-provided, and synthetic.

- :func:`load_telescope` reads the MAGIC Gamma Telescope data shipped with the
  package (UCI, CC BY 4.0).
- :func:`load_employee` and :func:`load_mr` read benchmark data that may not be
  shipped from a folder you fill (see :func:`get_data_home`), after checking
  their sha256 checksums.
- :func:`load_table`, :func:`make_table_preprocessor` and :func:`load_text` read
  the tables and sentence files you bring; what they guess or repair is reported as a
  :class:`DataNotice` warning.
- :func:`make_sigmoid` and :func:`make_ibal` generate the synthetic data of the
  DAMI and IBAL papers.
- :func:`open_pool` opens a pool kept on disk without reading it: a ``.npy`` array
  memory-mapped, or a Parquet file as a :class:`ParquetPool` read a few row groups at a
  time (:func:`is_pool_file` tells the two apart from other files by their ending).
- :func:`read_text`, :func:`iter_lines` and :func:`sniff_separator` are the file
  readers the loaders share, for code that reads the same files (the labeling path).

Nothing in this subpackage accesses the network.
"""

import importlib

from ._base import DataNotice, get_data_home, iter_lines, read_text

# Public name -> submodule, imported on first access (PEP 562): the command line reads a
# user's table, or reports why it cannot, without importing scikit-learn's estimators.
_LAZY = {
    "load_employee": "._external",
    "load_mr": "._external",
    "load_telescope": "._shipped",
    "make_ibal": "._synthetic",
    "make_sigmoid": "._synthetic",
    "load_table": "._table",
    "identifier_columns": "._table",
    "make_table_preprocessor": "._table",
    "sniff_separator": "._table",
    "load_text": "._text",
    "load_named": "._named",
    "named_datasets": "._named",
    "ParquetPool": "._pool",
    "PoolView": "._pool",
    "is_pool_file": "._pool",
    "open_pool": "._pool",
}

__all__ = [
    "DataNotice",
    "ParquetPool",
    "PoolView",
    "identifier_columns",
    "get_data_home",
    "is_pool_file",
    "iter_lines",
    "load_employee",
    "load_mr",
    "load_named",
    "named_datasets",
    "load_table",
    "load_telescope",
    "load_text",
    "make_ibal",
    "make_sigmoid",
    "make_table_preprocessor",
    "open_pool",
    "read_text",
    "sniff_separator",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
