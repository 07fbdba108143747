"""Writing files users keep: atomically, durably, and safe to open in a spreadsheet.

A file written with :func:`atomic_write_text` (or :func:`atomic_save_figure`) is either the
old version or the complete new one, never a truncated mix, even if the process is killed or
the machine loses power mid-write: the content goes to a temporary file in the same folder,
which is flushed to disk and then renamed over the target (``os.replace`` is atomic on POSIX
and Windows when both names are on one file system).
"""

import io
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def atomic_write(path):
    """Yield a binary file handle whose content replaces ``path`` when the block ends cleanly.

    The content goes to a temporary file in the same folder, flushed to disk and renamed over
    ``path``; if the block raises (an error, ``KeyboardInterrupt``), ``path`` stays as it was
    and the temporary file is removed.

    Parameters
    ----------
    path : str or path-like

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skactive.utils import atomic_write
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels.csv"
    >>> with atomic_write(path) as fh:
    ...     _ = fh.write(b"row,label\\n3,cat\\n")
    >>> path.read_text()
    'row,label\\n3,cat\\n'
    >>> try:
    ...     with atomic_write(path) as fh:
    ...         _ = fh.write(b"half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> path.read_text(), sorted(p.name for p in path.parent.iterdir())
    ('row,label\\n3,cat\\n', ['labels.csv'])
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:  # the target stays as it was; no temporary file left behind
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder):
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def atomic_write_text(path, text, encoding="utf-8"):
    """Replace ``path`` with ``text`` atomically (temporary file, fsync, rename)."""
    with atomic_write(path) as fh:
        fh.write(text.encode(encoding))


def atomic_save_figure(fig, path, **kwargs):
    """``fig.savefig`` into a temporary file, then rename it over ``path``."""
    path = Path(path)
    kwargs.setdefault("format", path.suffix.lstrip(".") or "png")
    with atomic_write(path) as fh:
        fig.savefig(fh, **kwargs)


def append_durably(path, text):
    """Append ``text`` with one write and fsync it (a round boundary is on disk after this)."""
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def neutralise_formula(value):
    """Prefix a string that a spreadsheet would run as a formula with ``'`` (OWASP).

    Only ``str`` values change; numbers and missing values are returned as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_frame(frame):
    """A copy of ``frame`` whose string cells cannot start a spreadsheet formula.

    String cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
    leading single quote, as OWASP recommends against CSV injection; numeric columns, and
    numbers inside object columns, stay numbers. Column names are treated the same way.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        try:
            risky = series.str.startswith(FORMULA_PREFIXES, na=False)  # non-str cells: False
        except AttributeError:  # no string cell at all
            continue
        risky = risky.to_numpy(dtype=bool)
        if risky.any():
            values = series.to_numpy(dtype=object, copy=True)
            values[risky] = "'" + values[risky].astype(str)
            out[column] = pd.Series(values, index=out.index, dtype=object)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def write_csv(frame, path_or_buffer):
    """Write ``frame`` as CSV without its index, formula-safe; a path is written atomically."""
    safe = csv_safe_frame(frame)
    if isinstance(path_or_buffer, (str, os.PathLike)):
        buffer = io.StringIO()
        safe.to_csv(buffer, index=False)
        atomic_write_text(path_or_buffer, buffer.getvalue())
    else:
        safe.to_csv(path_or_buffer, index=False)
