"""Helpers shared across skactive's layers: row operations, checks, seeds, selection kernels.

Every part of skactive imports these from here, never from the private modules.
"""

from ._data import append_rows, num_samples, take_rows
from ._validation import check_int, check_positive, derive_seed, validate_data

__all__ = [
    "append_rows",
    "num_samples",
    "take_rows",
    "check_int",
    "check_positive",
    "derive_seed",
    "validate_data",
]
