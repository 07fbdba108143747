"""Data sets for skactive: shipped, user-provided, and synthetic.

- :func:`load_telescope` reads the MAGIC Gamma Telescope data shipped with the
  package (UCI, CC BY 4.0).
- :func:`load_employee` and :func:`load_mr` read benchmark data that may not be
  shipped from a folder you fill (see :func:`get_data_home`), after checking
  their sha256 checksums.
- :func:`load_table`, :func:`make_table_preprocessor` and :func:`load_text` read
  the tables and sentence files you bring.
- :func:`make_sigmoid` and :func:`make_ibal` generate the synthetic data of the
  DAMI and IBAL papers.
- :func:`read_text`, :func:`iter_lines` and :func:`sniff_separator` are the file
  readers the loaders share, for code that reads the same files (the labeling path).

Nothing in this subpackage accesses the network.
"""

from ._base import get_data_home, iter_lines, read_text
from ._external import load_employee, load_mr
from ._shipped import load_telescope
from ._synthetic import make_ibal, make_sigmoid
from ._table import load_table, make_table_preprocessor, sniff_separator
from ._text import load_text

__all__ = [
    "get_data_home",
    "iter_lines",
    "load_employee",
    "load_mr",
    "load_table",
    "load_telescope",
    "load_text",
    "make_ibal",
    "make_sigmoid",
    "make_table_preprocessor",
    "read_text",
    "sniff_separator",
]
