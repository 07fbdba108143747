"""modAL's helpers: selection with modAL's tie-breaking, row operations on any container,
committee class checks and strategy combinators (``skactive.modal.utils``).

Examples
--------
>>> import numpy as np
>>> from skactive.modal.utils import multi_argmax
>>> multi_argmax(np.array([0.2, 0.8, 0.5]))[0].tolist()
[1]
"""

from .combination import make_linear_combination, make_product, make_query_strategy
from .data import data_vstack
from .selection import multi_argmax, weighted_random
from .validation import check_class_labels, check_class_proba

__all__ = [
    "make_linear_combination", "make_product", "make_query_strategy",
    "data_vstack",
    "multi_argmax", "weighted_random",
    "check_class_labels", "check_class_proba",
]
