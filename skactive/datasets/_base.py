"""Shared helpers for the dataset loaders: data folder, checksums, text decoding.

Nothing in this package touches the network.
"""

import bz2
import codecs
import errno
import gzip
import hashlib
import lzma
import os
from importlib import resources
from pathlib import Path

__all__ = ["DataNotice", "get_data_home"]

#: Environment variable that names the data folder (second in the resolution order).
DATA_HOME_ENV = "SKACTIVE_DATA"

#: Folder used when neither ``data_home`` nor ``SKACTIVE_DATA`` is given.
DEFAULT_DATA_HOME = Path("~") / "skactive_data"

# Whitespace removed from the end of lines.  Only ASCII: latin-1 decodes the
# Windows-1252 ellipsis byte 0x85 to U+0085, which ``str.isspace`` counts as
# whitespace, and a sentence may legitimately end with it.
_TRAILING_WHITESPACE = " \t\r\n\f\v"

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


class DataNotice(UserWarning):
    """What a loader did to your data that changes what the model sees.

    Issued with :func:`warnings.warn` when a loader guesses or repairs something instead of
    refusing: a decimal comma read as a number, an identifier column left out of the
    features, missing values to be imputed, labels stripped of surrounding spaces.  Each
    message names the column(s), the count, and the parameter that changes the behaviour.
    The ``skactive`` command prints them as ``skactive: notice: ...`` lines.  Silence them
    with :func:`warnings.filterwarnings` (``"ignore", category=DataNotice``), or turn them
    into errors with ``"error"``.

    Examples
    --------
    >>> import pathlib, tempfile, warnings
    >>> from skactive.datasets import DataNotice, load_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("size,kind\\n1.0,cat\\n,dog\\n2.0,cat\\n")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", DataNotice)
    ...     table = load_table(path, "kind")
    >>> print(str(caught[0].message).split(": ", 1)[1])  # after the file name
    ... # doctest: +ELLIPSIS
    1 missing value in 1 feature column (size: 1); numeric ones become the column's median ...
    """


def get_data_home(data_home=None):
    """Return the folder in which skactive looks for data it may not ship.

    The folder is resolved in this order: the ``data_home`` argument, then the
    ``SKACTIVE_DATA`` environment variable, then ``~/skactive_data``.  A leading
    ``~`` is expanded.  Nothing is created or downloaded.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to use.  If None, use ``SKACTIVE_DATA`` when it is set and
        not empty, else ``~/skactive_data``.

    Returns
    -------
    pathlib.Path
        The resolved folder (it need not exist).

    See Also
    --------
    load_employee : Read the Amazon.com Employee Access data from this folder.
    load_mr : Read the MR sentence polarity data from this folder.

    Examples
    --------
    >>> from skactive.datasets import get_data_home
    >>> get_data_home("/srv/data").as_posix()
    '/srv/data'
    >>> from pathlib import Path
    >>> get_data_home("~/my_data") == Path.home() / "my_data"
    True
    """
    return _resolve_data_home(data_home)[0]


def _resolve_data_home(data_home=None):
    """Return ``(path, how)``, where ``how`` says which rule chose the path."""
    if data_home is not None:
        if not isinstance(data_home, (str, os.PathLike)):
            raise TypeError(
                f"data_home must be a str or path-like object, got {type(data_home).__name__}."
            )
        return Path(data_home).expanduser(), "the data_home argument"
    env = os.environ.get(DATA_HOME_ENV, "")
    if env.strip():
        return Path(env).expanduser(), f"the {DATA_HOME_ENV} environment variable"
    return DEFAULT_DATA_HOME.expanduser(), (
        f"the default ~/skactive_data (neither data_home nor {DATA_HOME_ENV} was given)"
    )


def _sha256(path, chunk_size=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


class DataFileNotFoundError(FileNotFoundError):
    """A FileNotFoundError whose message is the explanation alone.

    ``errno`` and ``filename`` are set as for any FileNotFoundError.
    """

    def __str__(self):
        return str(self.strerror)


def _missing_file_error(path, what, how_to_obtain, how_resolved):
    """Build a FileNotFoundError that names the path and where to get the file."""
    return DataFileNotFoundError(
        errno.ENOENT,
        f"{what} not found: {path} does not exist (the data folder came from "
        f"{how_resolved}). {how_to_obtain} Then pass data_home=<folder> or set "
        f"{DATA_HOME_ENV}=<folder>. skactive never downloads it for you.",
        str(path),
    )


def _check_file(path, expected_sha256, what, how_to_obtain, how_resolved):
    """Raise FileNotFoundError when ``path`` is missing, ValueError on a checksum mismatch."""
    path = Path(path)
    if not path.is_file():
        raise _missing_file_error(path, what, how_to_obtain, how_resolved)
    actual = _sha256(path)
    if actual != expected_sha256:
        raise ValueError(
            f"Checksum mismatch for {path}: its sha256 is {actual}, but skactive expects "
            f"{expected_sha256} for {what}. The file is truncated, edited or a different "
            f"release. {how_to_obtain}"
        )
    return path


def _check_encoding(encoding):
    """Return the canonical codec name, or raise ValueError for an unknown one."""
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str such as 'utf-8', got {type(encoding).__name__}.")
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(
            f"Unknown encoding {encoding!r}. Pass a Python codec name such as 'utf-8', "
            "'latin-1' or 'cp1252' (see the 'codecs' module documentation)."
        ) from None


def _read_bytes(path):
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Expected a file, got a directory", str(path))
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "No such file", str(path))
    opener = _OPENERS.get(path.suffix.lower(), open)
    with opener(path, "rb") as fh:
        raw = fh.read()
    if opener is open and raw.startswith(b"\x1f\x8b"):  # gzip data without a .gz name
        raw = gzip.decompress(raw)
    if raw.startswith(b"PK\x03\x04"):
        raise ValueError(
            f"{path} is a zip archive, which skactive does not unpack; extract it and pass "
            "the path of the file inside."
        )
    return raw


def _suggest_encoding(raw):
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "latin-1"


def read_text(path, encoding="utf-8"):
    """Read and decode a whole (optionally .gz/.bz2/.xz compressed) file.

    A decoding failure becomes a ValueError that names the file, the byte
    offset and line of the first bad byte, and the encoding to try instead.
    A UTF-8 byte-order mark is removed.

    Parameters
    ----------
    path : str or path-like
        The file; a ``.gz``, ``.bz2`` or ``.xz`` suffix is decompressed.
    encoding : str, default="utf-8"
        Text encoding.

    Returns
    -------
    str
        The decoded text, without a byte-order mark.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skactive.datasets import read_text
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = path.write_bytes(b"\\xef\\xbb\\xbfcaf\\xc3\\xa9\\n")
    >>> read_text(path)
    'café\\n'
    """
    codec = _check_encoding(encoding)
    raw = _read_bytes(path)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        suggestion = _suggest_encoding(raw)
        if suggestion == codec:  # e.g. broken UTF-8; latin-1 decodes any byte
            suggestion = "latin-1"
        bad = raw[exc.start : exc.start + 1].hex()
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"Cannot decode {path} as {encoding!r}: byte 0x{bad} at byte offset {exc.start} "
            f"(line {line}): {exc.reason}. The file is not {encoding!r}; pass "
            f"encoding={suggestion!r} (or the file's actual encoding, e.g. 'cp1252' for "
            "Windows text)."
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def iter_lines(text):
    """Yield ``(line_number, line)`` for each non-empty line of ``text``.

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` only -- not at the other
    boundaries ``str.splitlines`` knows (U+0085, U+2028, ...), which occur
    inside sentences of latin-1 decoded text.  Trailing ASCII whitespace is
    stripped; lines that are then empty are skipped.

    Parameters
    ----------
    text : str
        Decoded file content, for example from :func:`read_text`.

    Yields
    ------
    line_number : int
        1-based.
    line : str

    Examples
    --------
    >>> from skactive.datasets import iter_lines
    >>> list(iter_lines("first\\r\\n\\n  \\nsecond  "))
    [(1, 'first'), (4, 'second')]
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip(_TRAILING_WHITESPACE)
        if line.strip(_TRAILING_WHITESPACE):
            yield number, line


def _load_descr(name):
    """Return the text of ``skactive/datasets/data/<name>``."""
    return resources.files("skactive.datasets").joinpath("data", name).read_text(encoding="utf-8")


def _data_path(name):
    """Return a traversable for the shipped file ``skactive/datasets/data/<name>``."""
    return resources.files("skactive.datasets").joinpath("data", name)
