"""The practitioner's path: a labeled file and a pool file in, the rows to label next out."""

import io
import numbers
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..datasets import DataNotice, PoolView, is_pool_file, open_pool
from ..datasets import iter_lines as _iter_lines
from ..datasets import read_text as _read_text
from ..datasets import sniff_separator as _sniff_sep
from ..experiment import dataset_from_table, dataset_from_text, make_model
from ..experiment import fit_text_embedding, model_has_dropout, resolve_model_name
from ..learner import ActiveLearner
from ..strategies import AUTO_STRATEGY, ScoreBasedStrategy, canonical_strategy_name
from ..strategies import check_strategy_applicable, get_strategy, strategy_names
from ..strategies import seeded_strategy as _seed_strategy
from ..utils import MEMORY_BUDGET_BYTES, chunk_budget

#: Rows of a pool file read and scored at a time: a multiple of the networks' inference batch
#: (8,192 rows), so that the forward passes see the same batches as over the whole pool.
DEFAULT_CHUNK_ROWS = 65_536


def _unlabeled_rows(pool, target, path):
    """Positions of the pool rows without a label: a filled target cell is not asked again."""
    if target not in pool.columns:
        return np.arange(len(pool))
    cells = pool[target]
    labeled = (cells.notna() & (cells.astype(str).str.strip() != "")).to_numpy()
    if labeled.all():
        raise ValueError(f"Every row of the pool file {path} already has a label in its "
                         f"{target!r} column: there is nothing left to choose from. Pass "
                         "include_labeled=True to choose among them anyway.")
    if labeled.any():
        warnings.warn(
            f"{path}: {int(labeled.sum())} of {len(pool)} rows already have a label in "
            f"{target!r}; they are not proposed again (move them to the labeled file to train "
            "on them, or pass include_labeled=True to propose them).", DataNotice,
            stacklevel=3)
    return np.flatnonzero(~labeled)


def _read_pool_table(path, columns, *, target, sep, encoding, decimal=None):
    """The pool table's rows, checked to hold the labeled table's feature columns."""
    text = _read_text(path, encoding)
    if not text.strip():
        raise ValueError(f"The pool file {path} is empty: expected a header row and rows to "
                         "choose from.")
    sep = _sniff_sep(path, text) if sep is None else sep
    try:
        pool = pd.read_csv(io.StringIO(text), sep=sep, skip_blank_lines=True,
                           decimal=decimal or ".")
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path} is not a well-formed table with sep={sep!r}: {exc}") from None
    pool.columns = [str(c) for c in pool.columns]
    missing = [c for c in columns if c not in pool.columns]
    if missing:
        raise ValueError(f"The pool file {path} lacks the feature column(s) {missing} of the "
                         f"labeled file; its columns are {list(pool.columns)}.")
    if pool.empty:
        raise ValueError(f"The pool file {path} has a header but no rows: there is nothing to "
                         "choose from.")
    return pool


def _read_pool_text(path, encoding):
    numbered = list(_iter_lines(_read_text(path, encoding)))
    if not numbered:
        raise ValueError(f"The pool file {path} has no sentences: there is nothing to choose "
                         "from.")
    lines = np.array([n for n, _ in numbered], dtype=np.int64)
    sentences = np.empty(len(numbered), dtype=object)
    sentences[:] = [s for _, s in numbered]
    return lines, sentences


def _is_labeled(cells):
    return (cells.notna() & (cells.astype(str).str.strip() != "")).to_numpy()


def _file_candidates(pool, opened, target, include_labeled, chunk_rows):
    """Positions of the pool file's rows without a label (None: every row), as for a table."""
    if include_labeled or not hasattr(opened, "column_chunks") or \
            target not in opened.file_columns:
        return None
    labeled = np.concatenate([_is_labeled(cells)
                              for cells in opened.column_chunks(target, chunk_rows)])
    if labeled.all():
        raise ValueError(f"Every row of the pool file {pool} already has a label in its "
                         f"{target!r} column: there is nothing left to choose from. Pass "
                         "include_labeled=True to choose among them anyway.")
    if not labeled.any():
        return None
    warnings.warn(
        f"{pool}: {int(labeled.sum())} of {len(labeled)} rows already have a label in "
        f"{target!r}; they are not proposed again (move them to the labeled file to train on "
        "them, or pass include_labeled=True to propose them).", DataNotice, stacklevel=4)
    return np.flatnonzero(~labeled)


def _open_pool_file(pool, dataset):
    """The pool file opened on the labeled table's feature columns, checked to fit them."""
    columns = [str(c) for c in dataset.X.columns] if hasattr(dataset.X, "columns") else None
    if dataset.categorical_features:
        raise ValueError(
            f"The labeled table's column(s) {dataset.categorical_features} hold categories "
            f"(text), but a pool file ({pool}) holds numbers only. Leave them out with "
            "drop=[...], or give the pool as a CSV/TSV table.")
    if Path(pool).suffix.lower() == ".npy":
        opened = open_pool(pool)
        if opened.shape[1] != len(columns):
            raise ValueError(
                f"The pool file {pool} has {opened.shape[1]} columns, but the labeled table has "
                f"{len(columns)} feature columns {columns}: a .npy pool holds those columns, in "
                "that order (leave others out of the labeled table with drop=[...]).")
        return opened, columns
    import pyarrow.parquet as pq

    names = list(pq.read_schema(pool).names)
    missing = [c for c in columns if c not in names]
    if missing:
        raise ValueError(f"The pool file {pool} lacks the feature column(s) {missing} of the "
                         f"labeled file; its columns are {names}. Leave them out of the labeled "
                         "table with drop=[...], or add them to the pool.")
    try:
        return open_pool(pool, columns=columns), columns
    except ValueError as exc:
        # open_pool names its own parameter; here the features are the labeled table's
        raise ValueError(str(exc).replace("leave them out with columns=[...]",
                                          "leave them out of the labeled table with drop=[...]")
                         .replace("leave those columns out with columns=[...]",
                                  "leave those columns out of the labeled table with "
                                  "drop=[...]")) from None


def _streaming_strategies():
    """The registry's names of the strategies that read a pool one chunk at a time."""
    return [name for name in strategy_names()
            if getattr(get_strategy(name), "streams_pool", False)]


def _streaming_choices():
    """The strategies to suggest for a pool file: 'auto' only where the default streams."""
    names = ", ".join(_streaming_strategies())
    if getattr(get_strategy(AUTO_STRATEGY), "streams_pool", False):
        return f"strategy='auto' (the default, {AUTO_STRATEGY}) or one of {names}"
    return f"one of {names}"


def check_whole_pool_fits(chooser, strategy, n_rows, n_columns, pool):
    """Refuse a strategy that reads a pool file whole when the file exceeds the memory budget.

    Returns whether ``chooser`` streams the pool (True) or will read it whole (False, within
    :data:`skactive.utils.MEMORY_BUDGET_BYTES` of float64 features); the refusal names the
    strategies that stream.
    """
    if getattr(chooser, "streams_pool", False):
        return True
    size = n_rows * n_columns * 8
    if size > MEMORY_BUDGET_BYTES:
        raise ValueError(
            f"strategy={strategy!r} needs the whole pool in memory (it chooses the batch "
            f"from all rows at once), but the pool file {pool} ({n_rows:,} rows x "
            f"{n_columns} columns, {size / 1e6:,.0f} MB as float64) exceeds the "
            f"{MEMORY_BUDGET_BYTES / 1e6:,.0f} MB a pool file may take in memory. Use a "
            f"strategy that streams the file: {_streaming_choices()}; or a smaller pool.")
    return False


def _query_file_pool(learner, chooser, strategy, X_pool, n, pool, chunk_rows):
    """``(positions in X_pool, their rows, metrics)``: a strategy that streams reads the pool
    file ``chunk_rows`` rows at a time; any other reads it whole, within the memory budget."""
    row_bytes = X_pool.shape[1] * X_pool.dtype.itemsize
    if not check_whole_pool_fits(chooser, strategy, len(X_pool), X_pool.shape[1], pool):
        X_pool = X_pool[:]
    with chunk_budget(chunk_rows * row_bytes):  # chunk_rows rows of the view per chunk
        return learner.query(X_pool, n_instances=n, return_metrics=True)


def _shown_file_rows(opened, positions, columns, target):
    """The picked rows as the output shows them: a Parquet file's own columns (identifiers and
    text included, the label column left out), or a .npy pool's features under their names."""
    if hasattr(opened, "frame"):  # the file's own cells (identifiers, text) of the picks alone
        return opened.frame(positions, columns=[c for c in opened.file_columns if c != target])
    return pd.DataFrame(np.asarray(opened[positions]), columns=columns)


def query_pool(labeled, pool, *, target=None, text=False, drop=None, strategy="auto", n=10,
               model="auto", model_params=None, seed=0, sep=None, encoding="utf-8",
               keep_columns=None, decimal=None, merge_label_case=False, include_labeled=False,
               chunk_rows=None):
    """Train on a labeled file and pick the ``n`` rows of a pool file to label next.

    Parameters
    ----------
    labeled : str, path-like or list of them
        A CSV/TSV table with a header row and the ``target`` column; with ``text=True``, a file
        of ``label<TAB>sentence`` lines, or one sentence file per class named after it.
    pool : str or path-like
        The unlabeled rows: a table with the same feature columns (a ``target`` column, if
        present, is ignored), or with ``text=True`` one sentence per line. A pool too large
        for memory can be a Parquet file (``.parquet``, ``.pq``; the labeled table's feature
        columns are read from it by name) or a ``.npy`` array (its columns are the labeled
        table's feature columns, in order), opened with :func:`skactive.datasets.open_pool`
        and read ``chunk_rows`` rows at a time, as DataFrames of the feature columns
        (:class:`skactive.datasets.PoolView`): every strategy that streams a pool
        (``streams_pool``: least-confidence, margin, entropy, egl, bald, ibal, random, and
        the mixtures of them) reads it chunk by chunk and holds one float per row; the
        strategies that choose the batch as a set (coreset, badge, dami, ibal-d, ralif, and
        albl, which is ``'auto'``) read it whole, which is refused beyond
        :data:`skactive.utils.MEMORY_BUDGET_BYTES` of float64 features. The labeled
        table's features must then all be numeric.
    target : str, default=None
        The label column (tables only).
    text : bool, default=False
        The files hold sentences.
    drop : list of str, default=None
        Table columns to ignore.
    strategy : str, default='auto'
        A short name of :func:`skactive.strategies.get_strategy`; ``'auto'`` is the default
        chosen on the benchmark (:data:`skactive.strategies.AUTO_STRATEGY`).
    n : int, default=10
        Number of rows to pick.
    model : str, default='auto'
        See :func:`skactive.experiment.make_model`.
    model_params : dict, default=None
        Classifier parameters, e.g. ``{'max_epochs': 50}``.
    seed : int, default=0
        Seeds the model's training and the strategy.
    sep, encoding : str
        Field separator (guessed by default) and text encoding.
    keep_columns, decimal, merge_label_case
        How the labeled table is read (see :func:`skactive.datasets.load_table`).
    include_labeled : bool, default=False
        Also propose pool rows whose ``target`` cell is filled.
    chunk_rows : int, default=None
        Rows of a ``.npy`` or Parquet pool read and scored at a time (65,536 by default);
        above 8,192, rounded down to a multiple of it (the networks' inference batch, so that
        the picks are those of the whole pool).

    Returns
    -------
    picks : DataFrame
        One row per pick, most informative first: ``rank`` (from 1), ``pool_row`` (0-based
        position among the pool's data rows or sentences; header and blank lines not counted),
        ``score`` (the strategy's score, higher is more informative, for strategies that rank
        rows one by one; NaN for those that choose the batch as a set: random, CoreSet,
        BADGE, DAMI, RALIF), ``predicted`` (the model's label), then the pool row's own
        columns (for text: ``line``, the 1-based line number in the file, and ``text``; for
        a Parquet pool every column of the file but ``target``, as stored; for a ``.npy`` pool
        the features under the labeled table's column names); a pool column named like one
        of the first four gets the suffix ``_pool``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np, pandas as pd
    >>> from skactive.labeling import query_pool
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 2))
    >>> table = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": (X[:, 0] > 0).astype(int)})
    >>> table[:20].to_csv(folder / "labeled.csv", index=False)
    >>> table[20:].drop(columns="y").to_csv(folder / "pool.csv", index=False)
    >>> picks = query_pool(folder / "labeled.csv", folder / "pool.csv", target="y", n=3,
    ...                    model_params={"max_epochs": 20})
    >>> picks.columns.tolist()
    ['rank', 'pool_row', 'score', 'predicted', 'a', 'b']

    The same pool as a ``.npy`` array, read in chunks of 16 rows, gives the same picks:

    >>> np.save(folder / "pool.npy", X[20:])
    >>> from_file = query_pool(folder / "labeled.csv", folder / "pool.npy", target="y", n=3,
    ...                        model_params={"max_epochs": 20}, chunk_rows=16)
    >>> from_file["pool_row"].tolist() == picks["pool_row"].tolist()
    True
    """
    if isinstance(labeled, (list, tuple)) and len(labeled) == 1:
        labeled = labeled[0]
    strategy = canonical_strategy_name(strategy)  # before reading data: fail fast on a typo
    if chunk_rows is not None and (not isinstance(chunk_rows, numbers.Integral)
                                   or isinstance(chunk_rows, bool) or chunk_rows < 1):
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}.")
    opened = None
    if text:
        if is_pool_file(pool):
            raise ValueError(f"The pool file {pool} holds numbers (a .npy or Parquet pool); "
                             "with text, the pool is a file of sentences, one per line.")
        if target:
            raise ValueError("target is for tables; with text the labels come from the files.")
        dataset = dataset_from_text(labeled, encoding=encoding)
        lines, X_pool = _read_pool_text(pool, encoding)
        shown = pd.DataFrame({"line": lines, "text": X_pool})
        candidates = np.arange(len(X_pool))
    else:
        if not target:
            raise ValueError("A labeled table needs target=COLUMN (--target), the label column.")
        if isinstance(labeled, (list, tuple)):
            raise ValueError("Give one labeled table (several files only with text).")
        dataset = dataset_from_table(labeled, target, drop=drop, sep=sep, encoding=encoding,
                                     keep_columns=keep_columns, decimal=decimal,
                                     merge_label_case=merge_label_case)
        columns = list(dataset.X.columns)
        if is_pool_file(pool):
            opened, columns = _open_pool_file(pool, dataset)
            # the rows without a label, as DataFrames the model fitted on the table reads
            X_pool = PoolView(opened, columns, rows=_file_candidates(
                pool, opened, target, include_labeled, chunk_rows or DEFAULT_CHUNK_ROWS))
        else:
            shown = _read_pool_table(Path(pool), columns, target=target, sep=sep,
                                     encoding=encoding, decimal=decimal)
            candidates = (np.arange(len(shown)) if include_labeled
                          else _unlabeled_rows(shown, target, pool))
            X_pool = shown[columns].iloc[candidates]
            shown = shown.drop(columns=[c for c in [target] if c in shown.columns])
    check_strategy_applicable(  # before training: a strategy that cannot run here is refused
        get_strategy(strategy), input_kind="text" if text else "table", name=strategy,
        has_dropout=model_has_dropout(model, dataset, model_params or {}))
    n_pool = len(X_pool)
    if n > n_pool:
        raise ValueError(f"Asked for {n} rows but the pool has only {n_pool}; ask for at most "
                         f"{n_pool}.")
    chooser = _seed_strategy(get_strategy(strategy), seed)
    embedding = None
    if text and resolve_model_name(model, "text") in ("textcnn", "bilstm"):
        # Word vectors from every sentence at hand, labeled and pool, as in the runner.
        embedding = fit_text_embedding(np.concatenate([dataset.X, X_pool]),
                                       params=model_params, random_state=seed)
    estimator = make_model(model, dataset, random_state=seed, params=model_params,
                           embedding=embedding)
    learner = ActiveLearner(estimator, query_strategy=chooser)
    learner.fit(dataset.X, dataset.y)
    # Only a strategy that ranks rows by score_samples has a per-row score that means
    # "higher = more informative"; the metrics of set strategies (cluster sizes, norms, RALIF's
    # lower-is-better value) would read as one and mislead.
    ranks_rows = (isinstance(chooser, ScoreBasedStrategy)
                  and type(chooser).query is ScoreBasedStrategy.query)
    if opened is None:
        idx, rows, metrics = learner.query(X_pool, n_instances=n, return_metrics=True)
        pool_rows = candidates[idx]
        shown = shown.iloc[pool_rows].reset_index(drop=True)
    else:
        idx, rows, metrics = _query_file_pool(learner, chooser, strategy, X_pool, n, pool,
                                              chunk_rows or DEFAULT_CHUNK_ROWS)
        pool_rows = X_pool.pool_rows(idx)
        shown = _shown_file_rows(opened, pool_rows, columns, target)  # the picks alone
    score = (np.asarray(metrics, dtype=float) if ranks_rows and metrics is not None
             else np.full(len(idx), np.nan))
    picks = pd.DataFrame({"rank": np.arange(1, len(idx) + 1), "pool_row": pool_rows,
                          "score": score, "predicted": learner.predict(rows)})
    # the pool's own columns keep their values under a new name where they clash with ours
    taken = set(picks.columns) | set(shown.columns)
    renamed = []
    for column in shown.columns:
        if column in picks.columns:
            new = f"{column}_pool"
            while new in taken:
                new += "_pool"
            taken.add(new)
            column = new
        renamed.append(column)
    shown.columns = renamed
    return pd.concat([picks, shown], axis=1)
