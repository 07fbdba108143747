"""A labeling session: batches from a model retrained as you go, answers that are never lost."""

import contextlib
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import numpy as np

from ..datasets import is_pool_file
from ..utils import atomic_write_text, chunk_budget
from ._engine import (check_strategy, choose, fit_learner, make_strategy,
                      predict, text_embedding)
from ._npy_rows import NpyRows
from ._parquet_rows import ParquetRows
from ._pool_rows import PoolRows
from ._query import DEFAULT_CHUNK_ROWS, check_whole_pool_fits
from ._rows import RowsFile
from ._stopping import agreement_kappa, stop_signal, wilson_interval
from ._store import AnswerLog

#: Settings a resumed session must share with the one it continues.
_RESUME_KEYS = ("target", "text", "id_column", "strategy", "model", "model_params",
                "batch_size", "seed")


class SessionLockedError(OSError):
    """Another labeling session holds the session folder.

    Its message names the holder's process id. A subclass of OSError, so the command line
    reports it as one line.

    Examples
    --------
    >>> from skactive.labeling import SessionLockedError
    >>> issubclass(SessionLockedError, OSError)
    True
    """


class _State:
    """What the answers log says so far; every change goes through :meth:`apply`."""

    def __init__(self):
        self.answers = {}    # key -> label given in this session
        self.skipped = set()
        self.history = []    # (op, key, previous label) of answers not undone
        self.queue = []      # keys to show, in order
        self.batches = []    # the 'batch' records
        self.shown = {}      # key -> (predicted, confidence, version) when a batch showed it
        self.n_records = 0

    def apply(self, record):
        op, key = record["op"], record.get("key")
        if op == "label":
            self.history.append(("label", key, self.answers.get(key)))
            self.answers[key] = record["label"]
            self.skipped.discard(key)
            self._unqueue(key)
        elif op == "skip":
            self.history.append(("skip", key, None))
            self.skipped.add(key)
            self._unqueue(key)
        elif op == "undo":
            if self.history:
                what, key, previous = self.history.pop()
                if what == "label":
                    if previous is None:
                        del self.answers[key]
                    else:
                        self.answers[key] = previous
                else:
                    self.skipped.discard(key)
                if key not in self.queue:
                    self.queue.insert(0, key)
        elif op == "batch":
            self.batches.append(record)
            for i, key in enumerate(record["keys"]):
                predicted = record["predicted"][i] if record["predicted"] else None
                confidence = record["confidence"][i] if record["confidence"] else None
                self.shown[key] = (predicted, confidence, record["version"])
                if key not in self.queue:
                    self.queue.append(key)
        self.n_records += 1

    def _unqueue(self, key):
        if key in self.queue:
            self.queue.remove(key)


def _replay(records):
    state = _State()
    for record in records:
        state.apply(record)
    return state


def _open_rows(path, *, target, text, id_column, sep, encoding, chunk_rows):
    """The file's rows: a CSV/TSV table or sentences (:class:`RowsFile`), a Parquet file
    read a row group at a time (:class:`ParquetRows`) or a memory-mapped ``.npy`` array
    (:class:`NpyRows`)."""
    if not is_pool_file(path):
        if chunk_rows is not None:
            raise ValueError(f"chunk_rows goes with a Parquet or .npy file; {path} is read "
                             "whole.")
        return RowsFile(path, target=target, text=text, id_column=id_column, sep=sep,
                        encoding=encoding)
    if Path(path).suffix.lower() == ".npy":
        for name, value in (("target", target), ("text", text), ("id_column", id_column),
                            ("sep", sep)):
            if value:
                raise ValueError(
                    f"{path} is a .npy array: numbers only, no label or id column and no "
                    f"text, so {name} does not apply; leave it out. Every row is unlabeled "
                    "(rows that have labels go in a Parquet file with a label column).")
        return NpyRows(path)
    if text:
        raise ValueError(f"{path} is a Parquet table; text=True (--text) reads a file of "
                         "sentences, one per line.")
    if sep is not None:
        raise ValueError(f"sep is for CSV/TSV tables; {path} is a Parquet file.")
    return ParquetRows(path, target=target, id_column=id_column)


def _fingerprint(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class LabelingSession:
    """Label the rows of one file in batches chosen by a model that retrains as you go.

    The session folder ``out`` is the truth. ``answers.jsonl`` is an append-only log: every
    answer (label, skip, undo) is one JSON line with the row key, the label, the time and the
    model version that chose the row, written, flushed and ``os.fsync``-ed before the method
    that gives it returns. Each batch is logged too (its rows, the model's predictions and
    confidences, the agreement on the stop set), so opening a session on the same folder
    replays the log and resumes exactly where it stopped, with the same next batch. One
    session per folder: a second one is refused (a file lock) with the holder's pid.

    After the last row of a batch is answered, the next model is trained in a background
    thread (one at a time) on every label so far, and chooses the next batch;
    :meth:`next_batch` says ``pending`` meanwhile and answers stay possible (undo, or the rows
    an undo brought back). Each model is fitted from scratch with the same seed, not warm
    started: a warm-started model would depend on the order of the batches and the moment of
    a restart, so a resumed session would not reproduce the uninterrupted one; the labeled set
    is small, and at large pools choosing the batch (scoring every unlabeled row) costs more
    than the fit. Until rows of two classes are labeled there is no model (version 0): those
    batches are drawn at random.

    Parameters
    ----------
    path : str or path-like
        The file to label: a CSV/TSV table whose ``target`` column is blank where not labeled,
        or with ``text=True`` a sentence file (see :class:`RowsFile`); or a Parquet file
        (``.parquet``, ``.pq``) whose ``target`` column is null, NaN or blank where not
        labeled, read a row group or ``chunk_rows`` rows at a time and never whole: its rows
        are keyed by row number, its numeric columns besides ``target`` and ``id_column``
        are the features; or a ``.npy`` array (2-D, numeric), opened with
        ``np.load(path, mmap_mode='r')`` and never read whole: every row unlabeled, keyed by
        row number, every column a feature (``x0``, ``x1``, ... on the page). An array holds
        no labels, so ``classes`` is needed and ``target``, ``text``, ``id_column`` and
        ``sep`` do not apply; rows already labeled go in a Parquet file instead.
    out : str or path-like
        The session folder (created if needed). Nothing is written outside it.
    target : str, default=None
    text : bool, default=False
    id_column : str, default=None
    classes : list of str, default=None
        The labels to offer, besides those already in the file (needed when the file has
        none yet, as a ``.npy`` array).
    strategy : str, default='auto'
        A short name of :func:`skactive.strategies.get_strategy`; ``'auto'`` is
        :data:`skactive.strategies.AUTO_STRATEGY`.
    model : str, default='auto'
    model_params : dict, default=None
        For example ``{'max_epochs': 20}``.
    batch_size : int, default=10
    seed : int, default=0
        Seeds the models, the strategy, the random first batches and the stop set.
    stop_set_size : int, default=1000
        Rows (drawn at random once) on which successive models' predictions are compared.
    stop_threshold : float, default=0.99
    stop_window : int, default=3
        Stop signal: Cohen's kappa between successive models' predictions on the stop set is
        at least ``stop_threshold`` for ``stop_window`` successive models.
    background : bool, default=True
        Train in a background thread; False trains inside the call that finished a batch.
    sep, encoding : str
        CSV/TSV and sentence files only.
    chunk_rows : int, default=None
        Parquet and ``.npy`` only: rows scored at a time when a strategy streams the file
        (65,536 by default; above 8,192, rounded down to a multiple of it). A strategy that
        does not stream (``streams_pool`` false, such as ``'auto'``) reads the unlabeled rows
        whole, which is refused beyond :data:`skactive.utils.MEMORY_BUDGET_BYTES` of float64
        features.

    Notes
    -----
    The accuracy estimate is the share of rows each model predicted correctly among those it
    chose itself, labeled afterwards, before any model was trained on them: held-out answers,
    pooled over the last ``stop_window`` models, with a 95% Wilson interval. It is honest about
    data the model has not seen, but pessimistic: an uncertainty strategy chooses the rows the
    model finds hardest, so accuracy on the whole file is usually higher (with random
    sampling the estimate is unbiased).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np, pandas as pd
    >>> from skactive.labeling import LabelingSession
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(80, 2))
    >>> table = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": ""})
    >>> table.to_csv(folder / "rows.csv", index=False)
    >>> with LabelingSession(folder / "rows.csv", folder / "session", target="y",
    ...                      classes=["no", "yes"], batch_size=4, background=False,
    ...                      model_params={"max_epochs": 10}) as session:
    ...     for row in session.next_batch()["rows"]:
    ...         _ = session.label(row["key"], "yes" if row["cells"]["a"][0] != "-" else "no")
    ...     batch, status = session.next_batch(), session.status()
    >>> batch["version"], len(batch["rows"]), status["labels"]
    (1, 4, 4)

    The same rows as a Parquet file, its label column null where not labeled: rows are keyed
    by row number, and entropy scores the unlabeled rows 16 at a time.

    >>> table["y"] = np.where(X[:, 0] > 0, "yes", "no").astype(object)
    >>> table.loc[10:, "y"] = None
    >>> table.to_parquet(folder / "rows.parquet", row_group_size=20)
    >>> with LabelingSession(folder / "rows.parquet", folder / "pq", target="y",
    ...                      strategy="entropy", chunk_rows=16, batch_size=4,
    ...                      background=False, model_params={"max_epochs": 10}) as session:
    ...     rows = session.next_batch()["rows"]
    ...     status = session.status()
    >>> [row["key"] == str(row["row"]) for row in rows], status["labeled_total"]
    ([True, True, True, True], 10)

    A ``.npy`` array is a pool with every label blank: name the classes; export writes the
    answers beside it as ``rows_labels.csv``.

    >>> np.save(folder / "rows.npy", X.astype(np.float32))
    >>> with LabelingSession(folder / "rows.npy", folder / "npy", classes=["no", "yes"],
    ...                      batch_size=4, background=False) as session:
    ...     row = session.next_batch()["rows"][0]
    ...     _ = session.label(row["key"], "yes")
    ...     data = session.export(model=False)["data"]
    >>> sorted(row["cells"]), pathlib.Path(data).name
    (['x0', 'x1'], 'rows_labels.csv')
    """

    def __init__(self, path, out, *, target=None, text=False, id_column=None, classes=None,
                 strategy="auto", model="auto", model_params=None, batch_size=10, seed=0,
                 stop_set_size=1000, stop_threshold=0.99, stop_window=3, background=True,
                 sep=None, encoding="utf-8", chunk_rows=None):
        self.path = path
        self.out = out
        self.target = target
        self.text = text
        self.id_column = id_column
        self.classes = classes
        self.strategy = strategy
        self.model = model
        self.model_params = model_params
        self.batch_size = batch_size
        self.seed = seed
        self.stop_set_size = stop_set_size
        self.stop_threshold = stop_threshold
        self.stop_window = stop_window
        self.background = background
        self.sep = sep
        self.encoding = encoding
        self.chunk_rows = chunk_rows
        self._lock_file = None
        self._opened = False

    # ------------------------------------------------------------------ opening and closing
    def open(self):
        """Take the folder's lock, read the file, replay the log and start the first training.

        Returns
        -------
        self : LabelingSession
        """
        if self._opened:
            return self
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}.")
        if self.chunk_rows is not None and (not isinstance(self.chunk_rows, int)
                                            or isinstance(self.chunk_rows, bool)
                                            or self.chunk_rows < 1):
            raise ValueError(f"chunk_rows must be a positive integer, got {self.chunk_rows!r}.")
        strategy = check_strategy(self.strategy)
        out = Path(self.out)
        out.mkdir(parents=True, exist_ok=True)
        self._acquire(out)
        try:
            self._open(out, strategy)
        except BaseException:
            self._release()
            raise
        self._opened = True
        return self

    def _acquire(self, out):
        from filelock import FileLock, Timeout

        lock = FileLock(out / "session.lock", timeout=0, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            try:
                pid = (out / "session.pid").read_text().strip()
            except OSError:
                pid = "unknown"
            raise SessionLockedError(
                f"{out} is in use by another labeling session (pid {pid}); stop that one "
                "first, or choose another session folder.") from None
        (out / "session.pid").write_text(f"{os.getpid()}\n")
        self._lock_file = lock

    def _release(self):
        if self._lock_file is not None:
            self._lock_file.release()
            self._lock_file = None

    def _open(self, out, strategy):
        self._dir = out
        rows = _open_rows(self.path, target=self.target, text=self.text,
                          id_column=self.id_column, sep=self.sep, encoding=self.encoding,
                          chunk_rows=self.chunk_rows)
        try:
            self._open_rows(out, strategy, rows)
        except BaseException:
            if isinstance(rows, PoolRows):
                rows.close()
            raise

    def _open_rows(self, out, strategy, rows):
        self._rows = rows
        if isinstance(rows, PoolRows):
            self._index = rows.index
            # a strategy that reads the pool whole is refused on a file beyond the budget,
            # before the settings or the answers log are written
            self._streams = check_whole_pool_fits(
                make_strategy(strategy, self.seed), strategy,
                len(rows) - len(rows.labeled_positions), rows.n_features, self.path)
            self._file_labeled = rows.labeled_positions, rows.labeled_values
        else:
            self._index = {k: i for i, k in enumerate(rows.keys)}
            self._streams = None
            labeled = rows.labeled()
            self._file_labeled = labeled, rows.labels[labeled]
        self._settings = {
            "file": str(Path(self.path).resolve()), "target": self.target, "text": self.text,
            "id_column": self.id_column, "strategy": strategy, "model": self.model,
            "model_params": self.model_params or {}, "batch_size": self.batch_size,
            "seed": self.seed, "classes": [str(c) for c in (self.classes or [])],
            "fingerprint": _fingerprint(self.path)}
        settings_path = out / "settings.json"
        if settings_path.exists():
            stored = json.loads(settings_path.read_text())
            for key in _RESUME_KEYS:
                if stored.get(key) != self._settings[key]:
                    raise ValueError(
                        f"{out} holds a session with {key}={stored.get(key)!r}, not "
                        f"{self._settings[key]!r}; resume with the same settings, or choose "
                        "another session folder.")
            extra = [c for c in self._settings["classes"] if c not in stored["classes"]]
            self._settings["classes"] = stored["classes"] + extra
        self._class_list = self._rows.classes(self._settings["classes"])
        if len(self._class_list) < 2 and isinstance(self._rows, NpyRows):
            got = f", not only {self._class_list}" if self._class_list else ""
            raise ValueError(
                f"{self.path} is a .npy array, which holds no labels, so the classes cannot "
                "be read from it: name the labels to offer with classes=[...] (--classes "
                f"a,b), at least two{got}.")
        if len(self._class_list) < 2:
            raise ValueError(
                f"{self.path} has labels of {len(self._class_list)} class(es) "
                f"({self._class_list}); name the classes to offer (classes=..., --classes "
                "a,b), at least two.")
        if len(self._class_list) > 50:
            raise ValueError(f"{len(self._class_list)} classes: is {self.target!r} really the "
                             "label column?")
        atomic_write_text(settings_path, json.dumps(self._settings, indent=1))
        rng = np.random.RandomState(self.seed)
        n_stop = min(self.stop_set_size, len(self._rows))
        self._stop_set = np.sort(rng.choice(len(self._rows), n_stop, replace=False))
        self._strategy = make_strategy(strategy, self.seed)
        self._model_params = dict(self.model_params or {})
        self._embedding = text_embedding(self._rows, self.model, self.model_params, self.seed)
        self._log = AnswerLog(out / "answers.jsonl")
        self._records = self._log.read()
        self._state = _replay(self._records)
        # The file may have been edited since: rows gone, or labeled in the file, leave the queue.
        queued = [k for k in self._state.queue if k in self._index]
        in_file = np.isin([self._index[k] for k in queued], self._file_labeled[0])
        self._state.queue = [k for k, labeled in zip(queued, in_file) if not labeled]
        self._mutex = threading.RLock()
        self._trainer = None
        self._training = False
        self._error = None
        self._maybe_train()

    def close(self):
        """Wait for a running training, close the log and release the folder."""
        if not self._opened:
            return
        trainer = self._trainer
        if trainer is not None:
            trainer.join()
        self._log.close()
        if isinstance(self._rows, PoolRows):
            self._rows.close()
        self._release()
        self._opened = False

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()

    def _check_open(self):
        if not self._opened:
            raise RuntimeError("The session is not open; call open() or use it in a with "
                               "block.")

    # ------------------------------------------------------------------ training
    def _labeled(self, answers):
        """``(positions, labels)`` of every labeled row, increasing: the file's labels with
        this session's ``answers`` (``{key: label}``) over them. Memory grows with the labeled
        rows, not with the file."""
        given = [(self._index[k], label) for k, label in answers.items() if k in self._index]
        positions = np.array([p for p, _ in given], dtype=np.int64)
        labels = np.array([label for _, label in given], dtype=object)
        in_file, file_labels = self._file_labeled
        keep = ~np.isin(in_file, positions)
        positions = np.concatenate([in_file[keep], positions])
        labels = np.concatenate([file_labels[keep], labels])
        order = np.argsort(positions, kind="stable")
        return positions[order], labels[order]

    @contextlib.contextmanager
    def _pool_X(self, positions):
        """The rows at ``positions`` as the strategy reads them, within the chunk budget."""
        if self._streams is None:  # a CSV/TSV or sentence file: in memory
            yield self._rows.take_X(positions)
            return
        with self._rows.pool_view(positions) as view:
            if not self._streams:  # checked at open to fit the memory budget
                yield view[:]
                return
            chunk_rows = self.chunk_rows or DEFAULT_CHUNK_ROWS
            with chunk_budget(chunk_rows * view.shape[1] * view.dtype.itemsize):
                yield view

    def _maybe_train(self):
        """Start the next model when the queue is empty (call with the mutex held)."""
        state = self._state
        if state.queue or self._training or self._error is not None:
            return
        snapshot = state.n_records
        self._training = True
        if self.background:
            self._trainer = threading.Thread(target=self._train, args=(snapshot,),
                                             name="skactive-labeling-train", daemon=True)
            self._trainer.start()
        else:
            self._train(snapshot)

    def _train(self, snapshot):
        try:
            record = self._next_batch_record(snapshot)
            with self._mutex:
                if record is not None:
                    record["time"] = time.time()
                    self._log.append(record)
                    self._records.append(record)
                    self._state.apply(record)
        except Exception as exc:  # shown by status() and next_batch(), not lost in a thread
            self._error = f"{type(exc).__name__}: {exc}"
        finally:
            self._training = False

    def _next_batch_record(self, snapshot):
        with self._mutex:
            state = _replay(self._records[:snapshot])
        labeled, y = self._labeled(state.answers)
        available = np.ones(len(self._rows), dtype=bool)
        available[labeled] = False
        available[[self._index[k] for k in state.skipped | set(state.queue)
                   if k in self._index]] = False
        pool = np.flatnonzero(available)
        del available
        if len(pool) == 0:
            return None
        n = min(self.batch_size, len(pool))
        version = 1 + max([b["version"] for b in state.batches] + [0])
        record = {"op": "batch", "trained_on": snapshot, "n_labels": int(len(labeled)),
                  "predicted": None, "confidence": None, "score": None, "kappa": None,
                  "stop_predicted": None}
        if len(set(y)) < 2:
            rng = np.random.RandomState(self.seed + len(state.batches))
            chosen = np.sort(rng.choice(pool, n, replace=False))
            record.update(version=0, keys=self._rows.keys[chosen].tolist())
            self._prefetch(chosen)
            return record
        learner = fit_learner(self._rows, labeled, y, model=self.model,
                              model_params=self._model_params, strategy=self._strategy,
                              seed=self.seed, embedding=self._embedding)
        with self._pool_X(pool) as X_pool:
            idx, score = choose(learner, self._strategy, X_pool, n)
        chosen = pool[idx]
        self._prefetch(chosen)
        predicted, confidence = predict(learner, self._rows.take_X(chosen))
        stop_predicted = np.asarray(learner.predict(self._rows.take_X(self._stop_set)),
                                    dtype=str)
        previous = next((b["stop_predicted"] for b in reversed(state.batches)
                         if b["stop_predicted"] is not None), None)
        kappa = None if previous is None or len(previous) != len(stop_predicted) else \
            agreement_kappa(previous, stop_predicted)
        record.update(
            version=version, keys=self._rows.keys[chosen].tolist(),
            predicted=[str(p) for p in predicted],
            confidence=[round(float(c), 6) for c in confidence],
            score=[None if np.isnan(s) else float(s) for s in score], kappa=kappa,
            stop_predicted=stop_predicted.tolist())
        return record

    def _prefetch(self, positions):
        """Read a Parquet or .npy file's cells of the batch here, in the training thread, so
        that the page's next request finds them in memory instead of reading the file."""
        if isinstance(self._rows, PoolRows):
            self._rows.rows_for_display(positions)

    def wait(self, timeout=None):
        """Wait until no model is training; return True unless ``timeout`` ran out."""
        trainer = self._trainer
        if trainer is not None:
            trainer.join(timeout)
            return not trainer.is_alive()
        return True

    # ------------------------------------------------------------------ answers
    def _write(self, record):
        """Log ``record`` (fsynced), then apply it; a failed write changes nothing."""
        with self._mutex:
            record["time"] = time.time()
            self._log.append(record)
            self._records.append(record)
            self._state.apply(record)
            self._maybe_train()

    def _check_key(self, key):
        if key not in self._index:
            raise KeyError(f"No row with key {key!r} in {self.path}.")

    def label(self, key, label):
        """Give ``key``'s row the label ``label``; on disk (fsynced) when this returns.

        Returns
        -------
        ack : dict
            ``{'saved': True, 'key', 'label', 'version'}``.
        """
        self._check_open()
        self._check_key(key)
        label = str(label)
        if label not in self._class_list:
            raise ValueError(f"Unknown label {label!r}; the classes are {self._class_list}.")
        version = self._state.shown.get(key, (None, None, None))[2]
        self._write({"op": "label", "key": key, "label": label, "version": version})
        return {"saved": True, "key": key, "label": label, "version": version}

    def skip(self, key):
        """Leave ``key``'s row unlabeled and out of later batches (undo brings it back)."""
        self._check_open()
        self._check_key(key)
        version = self._state.shown.get(key, (None, None, None))[2]
        self._write({"op": "skip", "key": key, "version": version})
        return {"saved": True, "key": key, "skipped": True, "version": version}

    def undo(self):
        """Take back the last label or skip; the row comes back first in the queue."""
        self._check_open()
        with self._mutex:
            if not self._state.history:
                raise ValueError("Nothing to undo.")
            what, key, previous = self._state.history[-1]
            self._write({"op": "undo"})
        return {"saved": True, "undone": what, "key": key}

    # ------------------------------------------------------------------ reading
    def next_batch(self):
        """The rows to label now, with the model's prediction and the version that chose them.

        Returns
        -------
        batch : dict
            ``rows``: a list of ``{'key', 'row', 'cells'`` (tables: each column as written)
            or ``'text'``, ``'predicted', 'confidence', 'version'}``; ``version``: the model
            version that chose the first row (0: at random, no model yet); ``pending``: a
            model is training for the next batch; ``done``: no unlabeled rows remain;
            ``error``: why training failed, or None; ``classes``.
        """
        self._check_open()
        with self._mutex:
            queue = list(self._state.queue)
            shown = dict(self._state.shown)
        rows = []
        positions = [self._index[k] for k in queue if k in self._index]
        display = self._rows.rows_for_display(positions)
        for key, position, cells in zip([k for k in queue if k in self._index], positions,
                                        display):
            predicted, confidence, version = shown.get(key, (None, None, None))
            row = {"key": key, "row": int(position), "predicted": predicted,
                   "confidence": confidence, "version": version}
            row["text" if self._rows.kind == "text" else "cells"] = cells
            rows.append(row)
        return {"rows": rows, "version": rows[0]["version"] if rows else None,
                "pending": not rows and self._training, "done": not rows and not
                self._training and self._error is None, "error": self._error,
                "classes": list(self._class_list), "columns": self._rows.columns,
                "kind": self._rows.kind}

    def status(self):
        """Progress: labels, model version, accuracy estimate, learning curve, stop signal.

        Returns
        -------
        status : dict
            ``labels`` (answers given in this session), ``skipped``, ``labeled_total``
            (including labels already in the file), ``unlabeled``, ``version`` (the newest
            model), ``training``, ``accuracy`` (``estimate``, ``low``, ``high``: 95% Wilson
            interval, ``n``: answers it rests on; None before any), ``curve`` (per model
            version: labels it was trained on, its accuracy on the rows it chose, how many),
            ``class_balance`` (labels per class, file and session), ``stop`` (``signal``,
            ``kappas``, ``threshold``, ``window``), ``error``.
        """
        self._check_open()
        with self._mutex:
            answers = dict(self._state.answers)
            batches = list(self._state.batches)
            skipped = len(self._state.skipped)
        labeled, labels = self._labeled(answers)
        curve = []
        for batch in batches:
            if batch["version"] == 0 or batch["predicted"] is None:
                continue
            given = [(answers[k], p) for k, p in zip(batch["keys"], batch["predicted"])
                     if k in answers]
            if given:
                correct = sum(a == p for a, p in given)
                curve.append({"version": batch["version"], "n_labels": batch["n_labels"],
                              "accuracy": correct / len(given), "correct": correct,
                              "n": len(given)})
        accuracy = None
        recent = curve[-self.stop_window:]
        if recent:
            correct, n = sum(c["correct"] for c in recent), sum(c["n"] for c in recent)
            low, high = wilson_interval(correct, n)
            accuracy = {"estimate": correct / n, "low": low, "high": high, "n": n,
                        "versions": [c["version"] for c in recent]}
        kappas = [b["kappa"] for b in batches if b["kappa"] is not None]
        balance = {c: int(np.sum(labels == c)) for c in self._class_list}
        return {"labels": len(answers), "skipped": skipped,
                "labeled_total": len(labeled),
                "unlabeled": len(self._rows) - len(labeled) - skipped,
                "version": max([b["version"] for b in batches] + [0]),
                "training": self._training, "accuracy": accuracy, "curve": curve,
                "class_balance": balance,
                "stop": {"signal": stop_signal(kappas, self.stop_threshold, self.stop_window),
                         "kappas": kappas, "threshold": self.stop_threshold,
                         "window": self.stop_window},
                "error": self._error}

    def answers(self):
        """``{key: label}`` of the labels given in this session (not undone)."""
        self._check_open()
        with self._mutex:
            return dict(self._state.answers)

    # ------------------------------------------------------------------ export
    def export(self, model=True):
        """Write the file with the labels filled in and the model trained on all labels.

        Both go to ``out/export/``: the file under its own name (columns, separator and
        every other cell as they were; for a ``.npy`` array, which cannot hold labels,
        ``STEM_labels.csv``: a table ``row,label`` of the answers by row number), the model
        (fitted from scratch on every label, with the session's seed) with
        :func:`skactive.io.dump` as ``model``.

        Returns
        -------
        paths : dict
            ``{'data': path, 'model': path or None, 'model_error': None or why the model
            could not be saved}``.
        """
        self._check_open()
        folder = self._dir / "export"
        folder.mkdir(exist_ok=True)
        with self._mutex:
            answers = dict(self._state.answers)
        name = self._rows.export_name if isinstance(self._rows, PoolRows) else \
            Path(self.path).name
        data = self._rows.write(folder / name, answers)
        model_path = None
        labeled, labels = self._labeled(answers)
        model_error = None
        if model and len(set(labels)) >= 2:
            try:
                from .. import io as skio  # the saving format: no pickle
            except ImportError as exc:  # the labels are exported all the same
                skio, model_error = None, f"the model was not saved: {exc}"
        if model_error is None and model and len(set(labels)) >= 2:
            learner = fit_learner(self._rows, labeled, labels, model=self.model,
                                  model_params=self._model_params, strategy=self._strategy,
                                  seed=self.seed, embedding=self._embedding)
            model_path = folder / "model"
            skio.dump(learner.estimator_, model_path)
        return {"data": str(data), "model": None if model_path is None else str(model_path),
                "model_error": model_error}
