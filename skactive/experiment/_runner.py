"""Simulated active learning runs: the paper's protocol over data sets, strategies and repeats."""

import numbers
import threading
import time
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from .. import __version__
from ..learner import ActiveLearner
from ..strategies import get_strategy
from ..strategies import _registry
from ..utils._data import take_rows
from . import _protocol as protocol
from ._data import Dataset, load_dataset
from ._metrics import evaluate
from ._models import (STRATEGY_MODEL_PARAMS, check_model_available, fit_text_embedding,
                      make_model)
from ._results import RUN_KEY, ResultsStore
from ._runfolder import (check_config_present, check_data_fingerprints, check_replayed_positions,
                         data_fingerprint, holds_out_folder)

#: Settings a resumed run must share with the run it continues.
PROTOCOL_KEYS = ("seed", "initial", "step", "until", "test_size", "validation_size",
                 "max_samples", "model_params")


# ----------------------------------------------------------------------------- strategies
def canonical_strategy_name(name):
    """The registry's short name for ``name`` (case-insensitive, aliases resolved).

    Raises ValueError for an unknown name and NotImplementedError for a strategy this
    installation does not have.

    Examples
    --------
    >>> from skactive.experiment import canonical_strategy_name
    >>> canonical_strategy_name("Least_Confidence"), canonical_strategy_name("uncertainty")
    ('least-confidence', 'least-confidence')
    """
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    key = _registry._ALIASES.get(key, key)
    get_strategy(key)  # unknown: ValueError; not implemented yet: NotImplementedError
    return key


def _resolve_strategies(strategies):
    """``{short name: unfitted strategy object}`` from names or a ``{name: object}`` dict."""
    if isinstance(strategies, str):
        strategies = [s for s in strategies.split(",") if s.strip()]
    if isinstance(strategies, dict):
        resolved = {}
        for name, obj in strategies.items():
            if not callable(obj):
                raise TypeError(f"Strategy {name!r} is not callable: {obj!r}.")
            resolved[str(name)] = obj
    else:
        resolved = {}
        for name in strategies:
            key = canonical_strategy_name(name)
            resolved[key] = get_strategy(key)
    if not resolved:
        raise ValueError("No strategy given; name at least one, for example 'random'.")
    for name in resolved:
        if not name or any(ch in name for ch in ",\"\n\r"):
            raise ValueError(f"Strategy name {name!r} must be non-empty, without commas.")
    return resolved


def _seed_strategy(strategy, seed):
    """Give the strategy this round's seed (in place), when it has a ``random_state``."""
    if hasattr(strategy, "get_params") and "random_state" in strategy.get_params(deep=False):
        strategy.set_params(random_state=seed)
    return strategy


# ----------------------------------------------------------------------------- one run
@dataclass
class _Task:
    dataset: Dataset
    model: object
    model_name: str
    model_params: dict
    strategy_name: str
    strategy: object
    repeat: int
    seed: int
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    counts: np.ndarray
    initial: np.ndarray
    done_rounds: int  # rounds already in the results (0 = start afresh)
    labeled: np.ndarray  # labeled positions after the last done round (None if none)
    embedding: object = None  # word vectors shared by every round and strategy of a repeat


def _simulate(task, folder, report):
    """Run (or continue) one learning curve, recording each round as it finishes."""
    store = ResultsStore(folder)
    ds = task.dataset
    X_train, y_train = take_rows(ds.X, task.train), ds.y[task.train]
    X_val, y_val = take_rows(ds.X, task.val), ds.y[task.val]
    X_test, y_test = take_rows(ds.X, task.test), ds.y[task.test]
    n_train = len(task.train)
    strategy = task.strategy
    base = {"dataset": ds.name, "model": task.model_name, "strategy": task.strategy_name,
            "repeat": task.repeat, "seed": task.seed, "n_train": n_train}
    n_rounds = len(task.counts)

    def fit(labeled, round_):
        estimator = make_model(task.model, ds, random_state=protocol.model_seed(task.seed, round_),
                               params=task.model_params, embedding=task.embedding)
        learner = ActiveLearner(estimator, query_strategy=strategy)
        start = time.perf_counter()
        learner.fit(take_rows(X_train, labeled), y_train[labeled])
        return learner, time.perf_counter() - start

    def query(learner, labeled, round_):
        pool = np.setdiff1d(np.arange(n_train), labeled)  # sorted: same pool order on resume
        n_new = int(task.counts[round_ + 1] - task.counts[round_])
        _seed_strategy(strategy, protocol.strategy_seed(task.seed, round_))
        start = time.perf_counter()
        query_idx, _ = learner.query(take_rows(X_train, pool), n_instances=n_new)
        return pool[query_idx], time.perf_counter() - start

    if task.done_rounds:  # resume: refit the last recorded round's model, then query from it
        labeled = task.labeled
        last = task.done_rounds - 1
        learner, _ = fit(labeled, last)
        added, query_seconds = query(learner, labeled, last)
        labeled = np.concatenate([labeled, added])
    else:
        labeled = added = task.initial
        query_seconds = float("nan")
    for round_ in range(task.done_rounds, n_rounds):
        learner, fit_seconds = fit(labeled, round_)
        test_scores = evaluate(learner, X_test, y_test)
        val_scores = evaluate(learner, X_val, y_val)
        row = {**base, "round": round_, "n_labeled": len(labeled),
               "labeled_fraction": len(labeled) / n_train, **test_scores,
               **{f"val_{k}": v for k, v in val_scores.items()},
               "fit_seconds": fit_seconds, "query_seconds": query_seconds}
        store.append_round(row, added)
        report(row, n_rounds)
        if round_ + 1 < n_rounds:
            added, query_seconds = query(learner, labeled, round_)
            labeled = np.concatenate([labeled, added])
    return tuple(base[k] for k in RUN_KEY)


# ----------------------------------------------------------------------------- the experiment
def _as_datasets(datasets, data_home, max_samples, seed):
    if isinstance(datasets, (str, Dataset)):
        datasets = [datasets]
    out = []
    for item in datasets:
        ds = item if isinstance(item, Dataset) else load_dataset(item, data_home=data_home)
        out.append(ds.subsample(max_samples, random_state=protocol.subsample_seed(seed)))
    names = [ds.name for ds in out]
    if len(set(names)) != len(names):
        raise ValueError(f"Data set names must be distinct, got {names}.")
    if not out:
        raise ValueError("No data set given.")
    return out


def _check_int(name, value, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _check_resume(stored, config, folder):
    if stored is None:
        return
    changed = {k: (stored["protocol"].get(k), config["protocol"][k])
               for k in PROTOCOL_KEYS if stored["protocol"].get(k) != config["protocol"][k]}
    # a larger budget extends every curve: its first rounds are those already recorded
    old_until, new_until = changed.get("until", (None, None))
    if old_until is not None and new_until > old_until:
        del changed["until"]
    if changed:
        detail = "; ".join(f"{k}={old!r} before, {k}={new!r} now"
                           for k, (old, new) in changed.items())
        raise ValueError(
            f"Cannot resume the run in {folder} with different settings ({detail}). Use the "
            "same settings, or another output folder."
        )
    for name, n in config["datasets"].items():
        if name in stored["datasets"] and stored["datasets"][name] != n:
            raise ValueError(
                f"Cannot resume: data set {name!r} had {stored['datasets'][name]} samples in "
                f"{folder} and has {n} now."
            )


def _merge_config(stored, config):
    if stored is None:
        return config
    merged = dict(config)
    merged["datasets"] = {**stored["datasets"], **config["datasets"]}
    merged["data_fingerprints"] = {**stored.get("data_fingerprints", {}),
                                   **config["data_fingerprints"]}
    merged["strategies"] = list(dict.fromkeys(stored["strategies"] + config["strategies"]))
    merged["models"] = list(dict.fromkeys(stored["models"] + config["models"]))
    merged["repeats"] = max(stored["repeats"], config["repeats"])
    return merged


class _Progress:
    """tqdm bar over rounds (and a printed line per round with ``verbose``), fed by workers."""

    def __init__(self, total, initial, enabled, verbose, metric):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, initial=initial, unit="round", disable=not enabled,
                        desc="active learning", dynamic_ncols=True)
        self.verbose = verbose
        self.metric = metric
        self._write = tqdm.write

    def __call__(self, row, n_rounds):
        self.bar.update(1)
        metric = self.metric
        if metric == "auto":
            metric = "auc" if row["auc"] == row["auc"] else "accuracy"  # NaN != NaN
        if self.verbose:
            query = row["query_seconds"]
            query = "" if query != query else f", query {query:.2f} s"
            self._write(
                f"[{row['dataset']} {row['model']} {row['strategy']} repeat {row['repeat']}] "
                f"round {row['round']}/{n_rounds - 1}: {100 * row['labeled_fraction']:.1f}% "
                f"labeled ({row['n_labeled']}), {metric} {row[metric]:.4f} "
                f"(fit {row['fit_seconds']:.2f} s{query})"
            )
        else:
            self.bar.set_postfix_str(f"{row['strategy']} r{row['round']} {metric} "
                                     f"{row[metric]:.3f}", refresh=False)

    def close(self):
        self.bar.close()


def _queue_reporter(queue):
    def report(row, n_rounds):
        queue.put((row, n_rounds))
    return report


@holds_out_folder  # one run per folder at a time
def run_experiment(
    datasets,
    strategies=("random", "entropy"),
    *,
    model="auto",
    model_params=None,
    repeats=1,
    initial=0.02,
    step=0.02,
    until=0.5,
    test_size=0.2,
    validation_size=0.1,
    metric="auto",
    max_samples=None,
    data_home=None,
    out="skactive-results",
    seed=0,
    n_jobs=1,
    resume=False,
    progress=True,
    verbose=False,
):
    """Simulate pool-based active learning with the DAMI paper's protocol.

    For each data set and repeat the samples are split (stratified) into training, validation
    and test sets; ``initial`` of the training set is labeled at random (the same samples for
    every strategy); each round the model is trained from scratch on the labeled set and scored
    on the validation and test sets, then the strategy picks the next ``step`` of the training
    set from the unlabeled rest, until ``until`` of it is labeled. Every finished round is
    appended at once to ``<out>/results.csv`` (one row per data set, model, strategy, repeat and
    round), and the positions it labeled to ``<out>/labeled.jsonl``, so an interrupted run can be
    continued with ``resume=True``: finished rounds are skipped and a half-done curve is
    continued from its recorded labeled set, giving the same results as an uninterrupted run.

    Seeds: repeat ``r`` uses the seed ``seed + r``, from which the split, the initial labeled
    set, the model of each round and the strategy's query of each round get their own seeds
    (:func:`numpy.random.SeedSequence`). Within a repeat every strategy shares the split, the
    initial set and the model seed of each round. The same ``seed`` gives the same
    ``results.csv`` except the timing columns, whatever ``n_jobs``.

    Parameters
    ----------
    datasets : str, Dataset, or list of them
        Names known to :func:`load_dataset` (``'telescope'``, ``'employee'``, ``'mr'``,
        ``'sigmoid'``, ``'ibal'``) or :class:`Dataset` objects (see
        :func:`dataset_from_table` and :func:`dataset_from_text` for your own files).
    strategies : str, list of str or dict, default=('random', 'entropy')
        Short names of :func:`skactive.strategies.get_strategy` (case-insensitive; a string is
        split on commas), or ``{name: strategy}`` with any modAL-protocol strategy. A strategy
        with a ``random_state`` parameter gets a new seed each round.
    model : {'auto', 'mlp', 'textcnn', 'bilstm'} or callable, default='auto'
        See :func:`make_model`. ``'auto'``: ``'mlp'`` for tables, ``'textcnn'`` for text.
    model_params : dict, default=None
        Parameters of the classifier, e.g. ``{'max_epochs': 20}``. With ``'mlp'``, BALD's
        model gets ``dropout=0.5`` (as in the paper) unless ``model_params`` sets it.
    repeats : int, default=1
        Number of repeats (the paper uses 10).
    initial, step, until : float, default=0.02, 0.02 and 0.5
        Labeled fraction of the training set at the start, added per round, and at the end
        (see :func:`labeling_schedule`).
    test_size, validation_size : float, default=0.2 and 0.1
        Held-out fractions of each data set (see :func:`split_indices`).
    metric : {'auto', 'auc', 'accuracy', 'f1_macro'}, default='auto'
        The score shown while running and used by the report; ``'auto'`` is AUC for two classes
        and accuracy otherwise. All three are recorded either way.
    max_samples : int, default=None
        Use a stratified random subset of at most this many samples of each data set (the
        same subset for every repeat), for quick runs.
    data_home : str or path-like, default=None
        Folder of the data sets skactive does not ship (see
        :func:`skactive.datasets.get_data_home`).
    out : str or path-like, default='skactive-results'
        Output folder. A run holds an exclusive lock on it: a second run into the same folder
        raises a ``BlockingIOError`` at once, naming the process (pid, host, start) holding it.
    seed : int, default=0
        Seed of repeat 0.
    n_jobs : int, default=1
        Number of (strategy, repeat) runs in parallel (joblib; -1 for all cores).
    resume : bool, default=False
        Continue the run recorded in ``out``. Without it an existing results folder is an
        error, so nothing is overwritten by accident. The data (compared by a content
        fingerprint stored in ``config.json``) and the settings must be those of the
        recorded run, except ``until``, which may grow: the curves are then extended, with
        the same results as a run started with the larger ``until`` (on CPU; cuDNN's LSTM
        and embedding gradients are not bit-reproducible on a GPU).
    progress : bool, default=True
        Show a tqdm progress bar over rounds.
    verbose : bool, default=False
        Print one line per finished round (data set, strategy, labeled fraction, score, times).

    Returns
    -------
    results : DataFrame
        The contents of ``<out>/results.csv`` (see :func:`read_results`), sorted by data set,
        model, strategy, repeat and round.

    See Also
    --------
    skactive.experiment.write_report : Plots and a Markdown report from the results.

    Examples
    --------
    >>> import tempfile
    >>> from skactive.datasets import make_sigmoid
    >>> from skactive.experiment import Dataset, run_experiment
    >>> X, y = make_sigmoid(300, random_state=0)
    >>> results = run_experiment(Dataset("sigmoid", X, y), ["random", "entropy"],
    ...                          model_params={"max_epochs": 5}, initial=0.1, step=0.1,
    ...                          until=0.3, out=tempfile.mkdtemp() + "/run", progress=False)
    >>> results.groupby("strategy")["n_labeled"].apply(list).to_dict()
    {'entropy': [21, 42, 63], 'random': [21, 42, 63]}
    """
    repeats = _check_int("repeats", repeats, 1)
    seed = _check_int("seed", seed, 0)
    if metric not in ("auto", "auc", "accuracy", "f1_macro"):
        raise ValueError(f"metric must be 'auto', 'auc', 'accuracy' or 'f1_macro', got {metric!r}.")
    if max_samples is not None:
        max_samples = _check_int("max_samples", max_samples, 10)
    model_params = dict(model_params or {})
    strategies = _resolve_strategies(strategies)
    datasets = _as_datasets(datasets, data_home, max_samples, seed)
    model_names = {ds.name: check_model_available(model, ds.input_kind) for ds in datasets}
    # Fail on a bad schedule before anything is written.
    for ds in datasets:
        train, _, _ = protocol.split_indices(ds.y, test_size=test_size,
                                             validation_size=validation_size, random_state=0)
        protocol.labeling_schedule(len(train), initial=initial, step=step, until=until)

    store = ResultsStore(out)
    stored = store.read_config()
    if store.exists() and not resume:
        raise FileExistsError(
            f"{store.folder} already holds results; pass resume=True to continue that run, or "
            "choose another output folder."
        )
    config = {
        "protocol": {"seed": seed, "initial": initial, "step": step, "until": until,
                     "test_size": test_size, "validation_size": validation_size,
                     "max_samples": max_samples, "model_params": model_params},
        "metric": metric,
        "datasets": {ds.name: ds.n_samples for ds in datasets},
        "data_fingerprints": {ds.name: data_fingerprint(ds.X, ds.y) for ds in datasets},
        "strategies": list(strategies),
        "models": sorted(set(model_names.values())),
        "repeats": repeats,
        "skactive_version": __version__,
    }
    if resume:
        check_config_present(stored, store)
        _check_resume(stored, config, store.folder)
        if stored is not None:
            check_data_fingerprints(stored, config, store.folder)
    store.prepare()
    store.write_config(_merge_config(stored if resume else None, config))

    done = store.read()
    done_rounds = done.groupby(list(RUN_KEY))["round"].max().to_dict() if len(done) else {}
    records = store.labeled_records() if done_rounds else {}

    tasks, total, finished = [], 0, 0
    for ds in datasets:
        name = model_names[ds.name]
        extra = STRATEGY_MODEL_PARAMS.get(name, {}) if not callable(model) else {}
        for repeat in range(repeats):
            rseed = protocol.repeat_seed(seed, repeat)
            train, val, test = protocol.split_indices(
                ds.y, test_size=test_size, validation_size=validation_size,
                random_state=protocol.split_seed(rseed))
            counts = protocol.labeling_schedule(len(train), initial=initial, step=step,
                                                until=until)
            init = protocol.initial_labeled(ds.y[train], counts[0],
                                            random_state=protocol.initial_seed(rseed))
            embedding = None
            if ds.input_kind == "text" and not callable(model) and any(
                    done_rounds.get((ds.name, name, s, repeat), -1) + 1 < len(counts)
                    for s in strategies):
                # Word vectors trained once on the training texts (labeled set and pool), as
                # the paper trains word2vec on each data set; every strategy shares them.
                embedding = fit_text_embedding(ds.X[train], params=model_params,
                                               random_state=protocol.embedding_seed(rseed))
            for sname, strategy in strategies.items():
                key = (ds.name, name, sname, repeat)
                last = done_rounds.get(key, -1)
                total += len(counts)
                finished += last + 1
                if last + 1 >= len(counts):
                    continue
                labeled = _replay(records, key, last, store) if last >= 0 else None
                if labeled is not None:
                    check_replayed_positions(labeled, len(train), key, store.labeled_path)
                if labeled is not None and len(labeled) != counts[last]:
                    raise ValueError(
                        f"Cannot resume {key}: {store.labeled_path} replays {len(labeled)} "
                        f"labeled samples for round {last}, the schedule says {counts[last]}."
                    )
                tasks.append(_Task(
                    dataset=ds, model=model, model_name=name,
                    model_params={**extra.get(sname, {}), **model_params},
                    strategy_name=sname, strategy=clone(strategy) if hasattr(
                        strategy, "get_params") else strategy,
                    repeat=repeat, seed=rseed, train=train, val=val, test=test, counts=counts,
                    initial=init, done_rounds=last + 1, labeled=labeled,
                    embedding=embedding))

    bar = _Progress(total, finished, progress, verbose, metric)
    try:
        if n_jobs == 1 or len(tasks) <= 1:
            for task in tasks:
                _simulate(task, store.folder, bar)
        else:
            _run_parallel(tasks, store.folder, bar, n_jobs)
    finally:
        bar.close()
    order = _sort_key(datasets, list(strategies))
    store.finish(order)
    return order(store.read())


def _replay(records, key, last, store):
    parts = []
    for round_ in range(last + 1):
        added = records.get(key + (round_,))
        if added is None:
            raise ValueError(
                f"Cannot resume {key}: {store.labeled_path} has no labeled-set record for round "
                f"{round_}, which results.csv lists as done."
            )
        parts.append(added)
    return np.concatenate(parts).astype(np.intp)


def _run_parallel(tasks, folder, bar, n_jobs):
    import multiprocessing

    manager = multiprocessing.Manager()
    try:
        queue = manager.Queue()

        def drain():
            while True:
                item = queue.get()
                if item is None:
                    return
                bar(*item)

        listener = threading.Thread(target=drain, daemon=True)
        listener.start()
        try:
            report = _queue_reporter(queue)
            Parallel(n_jobs=n_jobs)(delayed(_simulate)(task, folder, report) for task in tasks)
        finally:
            queue.put(None)
            listener.join(timeout=10)
    finally:
        manager.shutdown()


def _sort_key(datasets, strategies):
    """Sort rows by data set and strategy in the order given, then model, repeat and round."""
    ds_rank = {ds.name: i for i, ds in enumerate(datasets)}
    st_rank = {s: i for i, s in enumerate(strategies)}

    def order(frame):
        frame = frame.copy()
        frame["_ds"] = frame["dataset"].map(ds_rank).fillna(len(ds_rank))
        frame["_st"] = frame["strategy"].map(st_rank).fillna(len(st_rank))
        frame = frame.sort_values(["_ds", "dataset", "model", "_st", "strategy", "repeat",
                                   "round"], kind="stable")
        return frame.drop(columns=["_ds", "_st"]).reset_index(drop=True)

    return order
