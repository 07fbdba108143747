"""The practitioner's path: a labeled file and a pool file in, the rows to label next out.

:func:`query_pool` trains a model on the labeled rows and asks a query strategy which rows of
the pool to label next (what ``skactive query`` does). It sits beside :mod:`skactive.experiment`
(which simulates labeling on data that is already labeled) and uses its model factory.
"""

from ._query import query_pool

__all__ = ["query_pool"]
