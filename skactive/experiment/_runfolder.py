"""Guarding a results folder: one run at a time, and a resume only onto the same data.

A run holds an exclusive lock on its folder (:mod:`filelock`, released by the operating system
if the process dies) and writes who holds it next to the lock, so a second run into the same
folder fails at once and says which process to wait for. ``config.json`` stores a content
fingerprint of every data set, so a resume onto data that changed (relabelled rows of the same
size, other features) is refused, naming what changed.
"""

import datetime
import functools
import hashlib
import inspect
import json
import os
import socket
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from ..utils import atomic_write_text

LOCK_FILE = ".skactive.lock"
HOLDER_FILE = ".skactive.lock.json"


class RunFolderLockedError(BlockingIOError):
    """Another run holds the results folder."""

    def __str__(self):
        return str(self.args[0]) if self.args else "the results folder is in use"


def _holder_text(folder):
    try:
        holder = json.loads((folder / HOLDER_FILE).read_text(encoding="utf-8"))
        return (f"process {holder['pid']} on {holder['host']}, started "
                f"{holder['started']}")
    except (OSError, ValueError, KeyError, TypeError):  # written a moment later, or gone
        return "another process"


@contextmanager
def lock_run_folder(folder):
    """Hold ``folder`` exclusively for the duration of the block.

    Creates the folder when needed and removes it again on exit when this call created it and
    nothing but the lock was written into it, so a run that fails its checks leaves no trace.

    Raises
    ------
    RunFolderLockedError
        If another run (any process, this one included) holds the folder.
    """
    folder = Path(folder)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_FILE, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RunFolderLockedError(
            f"{folder} is in use by another skactive run ({_holder_text(folder)}); wait for it "
            "to finish, or choose another output folder."
        ) from None
    try:
        started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        atomic_write_text(folder / HOLDER_FILE, json.dumps(
            {"pid": os.getpid(), "host": socket.gethostname(), "started": started}) + "\n")
        yield folder
    finally:
        try:
            (folder / HOLDER_FILE).unlink()
        except FileNotFoundError:
            pass
        lock.release()
        if created and {p.name for p in folder.iterdir()} <= {LOCK_FILE}:
            (folder / LOCK_FILE).unlink(missing_ok=True)
            try:
                folder.rmdir()
            except OSError:  # someone wrote into it meanwhile: keep it
                pass


def holds_out_folder(func):
    """Decorate a function with an ``out`` folder parameter to run it under the folder's lock."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        with lock_run_folder(bound.arguments["out"]):
            return func(*args, **kwargs)

    return wrapper


# ----------------------------------------------------------------------------- fingerprints
_CHUNK = 1 << 18  # values hashed at a time
def _update(digest, values):
    """Feed ``values`` to ``digest`` in a form independent of dtype width and memory order."""
    if isinstance(values, pd.DataFrame):
        digest.update(b"frame%d" % values.shape[1])
        for name in values.columns:
            digest.update(str(name).encode("utf-8", "surrogatepass") + b"\x1e")
            _update(digest, values[name])
        return
    if isinstance(values, pd.Series):
        extension = isinstance(values.dtype, pd.api.extensions.ExtensionDtype)
        values = values.to_numpy(dtype=object) if extension else values.to_numpy()
    array = np.asarray(values)
    digest.update(repr(array.shape).encode())
    numeric = array.dtype.kind in "biuf"
    digest.update(b"n" if numeric else b"s")
    if array.ndim != 2:
        array = array.reshape(len(array), -1) if array.ndim and array.size else \
            array.reshape(-1, 1)
    rows = max(1, _CHUNK // max(array.shape[1], 1))
    for start in range(0, len(array), rows):  # bounded memory on large data
        part = array[start:start + rows].reshape(-1)  # C order, whatever the memory layout
        if numeric:  # the same values hash alike, int or float, 32 or 64 bits
            part = part.astype("<f8")
            part[np.isnan(part)] = np.nan  # one NaN bit pattern
            digest.update(part.tobytes())
        else:
            part = part.astype(object)
            digest.update(np.packbits(pd.isna(part)).tobytes())
            digest.update(("\x1f".join(part.astype(str).tolist()) + "\x1e").encode(
                "utf-8", "surrogatepass"))


def data_fingerprint(X, y):
    """``{'X': hex digest, 'y': hex digest}``: sha256 of the samples' and labels' contents."""
    out = {}
    for key, values in (("X", X), ("y", y)):
        digest = hashlib.sha256()
        _update(digest, values)
        out[key] = digest.hexdigest()
    return out


def check_data_fingerprints(stored, config, folder):
    """Refuse to resume onto data whose contents differ from the recorded run's."""
    recorded = stored.get("data_fingerprints")
    if recorded is None:  # a folder written before fingerprints existed: sizes were checked
        return
    for name, now in config["data_fingerprints"].items():
        before = recorded.get(name)
        if before is None or before == now:
            continue
        what = " and ".join(part for key, part in (("X", "the samples (features or texts)"),
                                                   ("y", "the labels"))
                            if before.get(key) != now.get(key))
        sizes = ("match" if stored["datasets"].get(name) == config["datasets"].get(name)
                 else "differ")
        raise ValueError(
            f"Cannot resume the run in {folder}: {what} of data set {name!r} differ from those "
            f"the run was started with (content fingerprints differ, sizes {sizes}). Resume "
            "with the same data, or choose another output folder."
        )


def check_config_present(stored, store):
    """Refuse to resume a folder whose results are damaged or lost their settings.

    Reads ``results.csv`` and ``labeled.jsonl`` whole first, so a damaged file is reported
    before anything (a half-written last line) is cut from it.
    """
    n_rows = len(store.read()) if store.results_path.exists() else 0
    n_records = len(store.labeled_records())
    if stored is not None:
        return
    if n_rows or n_records:
        raise ValueError(
            f"Cannot resume the run in {store.folder}: {store.config_path} is missing although "
            f"the folder holds {n_rows} finished rounds, so the data and settings they were made "
            "with cannot be checked. Restore config.json, or start afresh in another output "
            "folder."
        )


def check_replayed_positions(labeled, n_train, key, path):
    """Refuse labeled positions outside the training set, or repeated ones."""
    labeled = np.asarray(labeled)
    bad = labeled[(labeled < 0) | (labeled >= n_train)]
    if bad.size:
        raise ValueError(
            f"{path}: the labeled set of {'/'.join(map(str, key))} holds position {int(bad[0])}, "
            f"outside the training set's 0..{n_train - 1}; the file is damaged or belongs to "
            "other data."
        )
    if len(np.unique(labeled)) != len(labeled):
        raise ValueError(
            f"{path}: the labeled set of {'/'.join(map(str, key))} holds a position twice; the "
            "file is damaged."
        )
