"""The answers log of a labeling session: append-only JSON lines, fsynced before returning."""

import json
import os
from pathlib import Path


class AnswerLog:
    """An append-only JSON-lines file; each :meth:`append` is on disk when it returns.

    Every record is one line written with a single ``write``, then flushed and
    ``os.fsync``-ed, so a record that :meth:`append` acknowledged survives a crash or a
    SIGKILL of the process. A crash in the middle of a write can leave a torn last line (no
    newline, or not valid JSON): :meth:`read` drops it and truncates the file back to the
    last whole record, so the next append starts on a clean line. A bad line *before* the
    last one is damage, not a torn write, and raises ValueError.

    Parameters
    ----------
    path : str or path-like

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skactive.labeling import AnswerLog
    >>> log = AnswerLog(pathlib.Path(tempfile.mkdtemp()) / "answers.jsonl")
    >>> log.read()
    []
    >>> log.append({"op": "label", "key": "r1", "label": "cat"})
    >>> log.read()
    [{'op': 'label', 'key': 'r1', 'label': 'cat'}]
    >>> log.close()
    """

    def __init__(self, path):
        self.path = Path(path)
        self._file = None

    def read(self):
        """All whole records, in order (dropping and truncating a torn last line)."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        records, end = [], 0
        lines = data.split(b"\n")
        for number, line in enumerate(lines):
            last = number == len(lines) - 1
            if last:  # the bytes after the final newline: empty, or a torn write
                break
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError:
                    if number == len(lines) - 2 and not lines[-1]:
                        break  # a torn write that happened to end in a newline byte
                    raise ValueError(f"{self.path}, line {number + 1}, is not a JSON record; "
                                     "the answers log is damaged. Restore it from a backup "
                                     "or remove that line.") from None
            end += len(line) + 1
        if end != len(data):
            with open(self.path, "r+b") as f:
                f.truncate(end)
                f.flush()
                os.fsync(f.fileno())
        return records

    def append(self, record):
        """Write ``record`` (a JSON-serialisable dict) as one line and fsync it."""
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        if self._file is None:
            created = not self.path.exists()
            self._file = open(self.path, "ab")
            if created:  # the new directory entry must survive a crash too
                directory = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(directory)
                finally:
                    os.close(directory)
        self._file.write(line.encode("utf-8"))
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None
