"""The file path without a browser: one file, blank labels are the pool, run again to go on."""

import numpy as np
import pandas as pd

from ._engine import (check_strategy, choose, fit_learner, make_strategy,
                      predict, text_embedding)
from ._rows import RowsFile


def query_file(path, *, target=None, text=False, id_column=None, strategy="auto", n=10,
               model="auto", model_params=None, seed=0, sep=None, encoding="utf-8"):
    """Pick the ``n`` unlabeled rows of one file to label next.

    The file's labeled rows train the model; its rows with a blank label are the pool. Fill
    in the labels of the picks in any editor and call again: the newly labeled rows join the
    training set, and the next picks come from the rows still blank.

    Parameters
    ----------
    path : str or path-like
        A CSV/TSV table whose ``target`` column is empty where a row is not labeled yet, or
        with ``text=True`` a sentence file of ``label<TAB>sentence`` lines (a line without a
        label is unlabeled).
    target : str, default=None
        The label column (tables).
    text : bool, default=False
    id_column : str, default=None
        A column of unique row ids to use as row keys; by default a row's key is a hash of its
        feature cells (see :class:`RowsFile`).
    strategy : str, default='auto'
        A short name of :func:`skactive.strategies.get_strategy`; ``'auto'`` is
        :data:`skactive.strategies.AUTO_STRATEGY`.
    n : int, default=10
    model : str, default='auto'
        ``'auto'`` (MLP for tables, TextCNN for text), ``'mlp'``, ``'textcnn'``, ``'bilstm'``.
    model_params : dict, default=None
        Classifier parameters, e.g. ``{'max_epochs': 50}``.
    seed : int, default=0
    sep, encoding : str

    Returns
    -------
    picks : DataFrame
        One row per pick, most informative first: ``rank`` (from 1), ``row`` (0-based
        position among the file's data rows, blank lines not counted), ``key`` (the row key),
        ``score``, ``predicted`` and ``confidence`` (the model's label and its probability),
        then every column of the file with its type (for text: ``text``). ``score`` is the
        strategy's per-row informativeness, higher meaning picked first, for strategies that
        rank rows one by one (least-confidence: 1 - max p; margin: -(p1 - p2); entropy; EGL;
        EGL-word; BALD; IBAL: -IBAL, IBAL-D); it is empty (NaN) for strategies that
        choose the batch as a set (random, CoreSet, BADGE, DAMI, RALIF). A file column named
        like one of ours gets the suffix ``_data``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np, pandas as pd
    >>> from skactive.labeling import query_file
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 2))
    >>> table = pd.DataFrame({"id": np.arange(60), "a": X[:, 0], "b": X[:, 1],
    ...                       "y": np.where(X[:, 0] > 0, "yes", "no")})
    >>> table.loc[20:, "y"] = ""
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.csv"
    >>> table.to_csv(path, index=False)
    >>> picks = query_file(path, target="y", id_column="id", n=3,
    ...                    model_params={"max_epochs": 20})
    >>> picks.columns.tolist()
    ['rank', 'row', 'key', 'score', 'predicted', 'confidence', 'id', 'a', 'b', 'y']
    >>> picks["id"].dtype
    Int64Dtype()
    """
    name = check_strategy(strategy)  # fail fast on a typo, before reading data
    rows = RowsFile(path, target=target, text=text, id_column=id_column, sep=sep,
                    encoding=encoding)
    labeled, pool = rows.labeled(), rows.unlabeled()
    if len(pool) == 0:
        raise ValueError(f"Every row of {rows.path} is labeled: there is nothing left to pick. "
                         "Blank the label of the rows to choose from.")
    classes = set(rows.labels[labeled])
    if len(classes) < 2:
        raise ValueError(f"{rows.path} has {len(labeled)} labeled row(s) with "
                         f"{len(classes)} class(es); label rows of at least two classes first "
                         "(the model needs both).")
    if n > len(pool):
        raise ValueError(f"Asked for {n} rows but only {len(pool)} are unlabeled; ask for at "
                         f"most {len(pool)}.")
    chooser = make_strategy(name, seed)
    learner = fit_learner(rows, labeled, rows.labels[labeled], model=model,
                          model_params=model_params,
                          strategy=chooser, seed=seed,
                          embedding=text_embedding(rows, model, model_params, seed))
    idx, score = choose(learner, chooser, rows.take_X(pool), n)
    chosen = pool[idx]
    predicted, confidence = predict(learner, rows.take_X(chosen))
    picks = pd.DataFrame({"rank": np.arange(1, len(chosen) + 1), "row": chosen,
                          "key": rows.keys[chosen], "score": score, "predicted": predicted,
                          "confidence": confidence})
    if rows.kind == "text":
        shown = pd.DataFrame({"text": rows.X[chosen]})
    else:
        shown = rows.typed.iloc[chosen].reset_index(drop=True)
        shown[rows.target] = rows.raw[rows.target].iloc[chosen].to_numpy()
    taken = set(picks.columns) | set(shown.columns)
    renamed = []
    for column in shown.columns:
        if column in picks.columns:
            new = f"{column}_data"
            while new in taken:
                new += "_data"
            taken.add(new)
            column = new
        renamed.append(column)
    shown.columns = renamed
    return pd.concat([picks, shown], axis=1)
