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

Nothing in this subpackage accesses the network.
"""

from ._base import DataNotice, get_data_home
from ._external import load_employee, load_mr
from ._shipped import load_telescope
from ._synthetic import make_ibal, make_sigmoid
from ._table import load_table, make_table_preprocessor
from ._text import load_text

__all__ = [
    "DataNotice",
    "get_data_home",
    "load_employee",
    "load_mr",
    "load_table",
    "load_telescope",
    "load_text",
    "make_ibal",
    "make_sigmoid",
    "make_table_preprocessor",
]
