"""Helpers shared across skactive's layers: row operations, checks, seeds, selection kernels.

Every part of skactive imports these from here, never from the private modules.
"""

from ._chunks import (
    CHUNK_ROW_MULTIPLE, POOL_CHUNK_BYTES, chunk_budget, is_dask_array, is_pool_object, iter_chunks,
    pool_chunk_rows,
)
from ._data import append_rows, num_samples, take_rows
from ._distances import (
    DISTANCE_BLOCK_ELEMENTS, MEMORY_BUDGET_BYTES, MIN_BLOCK_ROWS, ROUND_OFF, block_rows, budget_rows,
    nearest_sq_distances,
)
from ._files import (
    FORMULA_PREFIXES, append_durably, atomic_save_figure, atomic_write, atomic_write_text, csv_safe_frame,
    neutralise_formula, write_csv,
)
from ._selection import DRAW_CELL_ROWS, cell_weighted_index, d2_sampling, weighted_index
from ._threads import SMALL_MODULE_PARAMETERS, resolve_n_threads, torch_threads
from ._validation import check_int, check_positive, derive_seed, validate_data

__all__ = [
    "append_rows",
    "num_samples",
    "take_rows",
    "CHUNK_ROW_MULTIPLE",
    "POOL_CHUNK_BYTES",
    "chunk_budget",
    "is_dask_array",
    "is_pool_object",
    "iter_chunks",
    "pool_chunk_rows",
    "check_int",
    "check_positive",
    "derive_seed",
    "validate_data",
    "SMALL_MODULE_PARAMETERS",
    "resolve_n_threads",
    "torch_threads",
    "DISTANCE_BLOCK_ELEMENTS",
    "MEMORY_BUDGET_BYTES",
    "MIN_BLOCK_ROWS",
    "ROUND_OFF",
    "block_rows",
    "budget_rows",
    "nearest_sq_distances",
    "DRAW_CELL_ROWS",
    "cell_weighted_index",
    "d2_sampling",
    "weighted_index",
    "FORMULA_PREFIXES",
    "append_durably",
    "atomic_save_figure",
    "atomic_write",
    "atomic_write_text",
    "csv_safe_frame",
    "neutralise_formula",
    "write_csv",
]
