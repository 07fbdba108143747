"""The practitioner's path: a labeled file and a pool file in, the rows to label next out."""

import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..datasets import DataNotice
from ..datasets import iter_lines as _iter_lines
from ..datasets import read_text as _read_text
from ..datasets import sniff_separator as _sniff_sep
from ..experiment import dataset_from_table, dataset_from_text, make_model
from ..experiment import fit_text_embedding, model_has_dropout, resolve_model_name
from ..learner import ActiveLearner
from ..strategies import ScoreBasedStrategy, canonical_strategy_name, check_strategy_applicable
from ..strategies import get_strategy
from ..strategies import seeded_strategy as _seed_strategy


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


def query_pool(labeled, pool, *, target=None, text=False, drop=None, strategy="auto", n=10,
               model="auto", model_params=None, seed=0, sep=None, encoding="utf-8",
               keep_columns=None, decimal=None, merge_label_case=False, include_labeled=False):
    """Train on a labeled file and pick the ``n`` rows of a pool file to label next.

    Parameters
    ----------
    labeled : str, path-like or list of them
        A CSV/TSV table with a header row and the ``target`` column; with ``text=True``, a file
        of ``label<TAB>sentence`` lines, or one sentence file per class named after it.
    pool : str or path-like
        The unlabeled rows: a table with the same feature columns (a ``target`` column, if
        present, is ignored), or with ``text=True`` one sentence per line.
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

    Returns
    -------
    picks : DataFrame
        One row per pick, most informative first: ``rank`` (from 1), ``pool_row`` (0-based
        position among the pool's data rows or sentences; header and blank lines not counted),
        ``score`` (the strategy's score, higher is more informative, for strategies that rank
        rows one by one; NaN for those that choose the batch as a set: random, CoreSet,
        BADGE, DAMI, RALIF), ``predicted`` (the model's label), then the pool row's own
        columns (for text: ``line``, the 1-based line number in the file, and ``text``); a
        pool column named like one of the first four gets the suffix ``_pool``.

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
    """
    if isinstance(labeled, (list, tuple)) and len(labeled) == 1:
        labeled = labeled[0]
    strategy = canonical_strategy_name(strategy)  # before reading data: fail fast on a typo
    if text:
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
        shown = _read_pool_table(Path(pool), columns, target=target, sep=sep, encoding=encoding,
                                 decimal=decimal)
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
    idx, rows, metrics = learner.query(X_pool, n_instances=n, return_metrics=True)
    # Only a strategy that ranks rows by score_samples has a per-row score that means
    # "higher = more informative"; the metrics of set strategies (cluster sizes, norms, RALIF's
    # lower-is-better value) would read as one and mislead.
    ranks_rows = (isinstance(chooser, ScoreBasedStrategy)
                  and type(chooser).query is ScoreBasedStrategy.query)
    score = (np.asarray(metrics, dtype=float) if ranks_rows and metrics is not None
             else np.full(len(idx), np.nan))
    picks = pd.DataFrame({"rank": np.arange(1, len(idx) + 1), "pool_row": candidates[idx],
                          "score": score, "predicted": learner.predict(rows)})
    shown = shown.iloc[candidates[idx]].reset_index(drop=True)
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
