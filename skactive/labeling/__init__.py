"""Labeling your own data: the file path, labeling sessions and their local web page.

:func:`query_file` picks the rows of one file (blank labels are the pool) to label next.
:class:`LabelingSession` drives a session without a browser: batches, answers written to an
append-only log before they are acknowledged, undo, status, a model retrained in the
background and export. :func:`make_app` and :func:`serve` put the session behind a small
token-protected JSON API and page (the ``label`` extra: starlette and uvicorn).
"""

from ._app import bind, make_app, serve
from ._query_file import query_file
from ._rows import RowsFile
from ._session import LabelingSession, SessionLockedError
from ._stopping import agreement_kappa, stop_signal, wilson_interval
from ._store import AnswerLog

__all__ = ["AnswerLog", "LabelingSession", "RowsFile", "SessionLockedError",
           "agreement_kappa", "bind", "make_app", "query_file", "serve", "stop_signal",
           "wilson_interval"]
