"""Labeling your own data: the rows to label next, labeling sessions and their local web page.

:func:`query_pool` trains a model on a labeled file and asks a query strategy which rows of a
pool file to label next; :func:`query_file` does the same with one file whose blank labels are
the pool (both are what ``skactive query`` does). :class:`LabelingSession` drives a session
without a browser: batches, answers written to an append-only log before they are
acknowledged, undo, status, a model retrained in the background and export. :func:`make_app`
and :func:`serve` put the session behind a small token-protected JSON API and page (the
``label`` extra: starlette and uvicorn). This package sits beside :mod:`skactive.experiment`
(which simulates labeling on data that is already labeled) and uses its model factory.
"""

from ._app import bind, make_app, serve
from ._query import query_pool
from ._query_file import query_file
from ._rows import RowsFile
from ._session import LabelingSession, SessionLockedError
from ._stopping import agreement_kappa, stop_signal, wilson_interval
from ._store import AnswerLog

__all__ = ["AnswerLog", "LabelingSession", "RowsFile", "SessionLockedError",
           "agreement_kappa", "bind", "make_app", "query_file", "query_pool", "serve",
           "stop_signal", "wilson_interval"]
