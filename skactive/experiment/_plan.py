"""Planning a simulation: validate the settings, then list the learning curves to run.

Nothing here trains a model: :func:`check_settings` refuses what cannot run (an unknown
strategy, a strategy the data or model cannot serve, a bad schedule) before anything is written,
and :func:`plan_tasks` lists one :class:`Task` per data set, model, strategy and repeat, with its
split, schedule, initial labeled set and, on resume, the rounds already done.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from ..strategies import canonical_strategy_name, check_strategy_applicable, get_strategy
from ..utils import check_int
from . import _protocol as protocol
from ._data import Dataset, load_dataset
from ._models import check_model_available, model_has_dropout
from ._runfolder import check_replayed_positions

#: Settings a resumed run must share with the run it continues.
PROTOCOL_KEYS = ("seed", "initial", "step", "until", "test_size", "validation_size",
                 "max_samples", "model_params")
METRICS = ("auto", "auc", "accuracy", "f1_macro")


@dataclass
class Task:
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
    # a stateful strategy's recorded rounds, rerun from round 0 and checked, not rewritten
    replay: tuple = ()
    embedding_seed: object = None  # seed of the word vectors to fit (text models), else None
    embedding: object = None  # word vectors shared by every round and strategy of a repeat


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


def check_settings(datasets, strategies, *, model, model_params, repeats, seed, metric,
                   max_samples, data_home, initial, step, until, test_size, validation_size):
    """Validate every setting and load the data, before any work.

    Raises on a bad number, an unknown strategy or model, a strategy that cannot run on a data
    set or its model (what the strategy declares), or a bad schedule.

    Returns
    -------
    datasets : list of Dataset
    strategies : dict
        ``{name: strategy}``.
    model_names : dict
        ``{dataset name: model name}``.
    numbers : tuple
        ``(repeats, seed, max_samples)`` as plain ints (or None).
    """
    repeats = check_int("repeats", repeats, 1)
    seed = check_int("seed", seed, 0)
    if metric not in METRICS:
        raise ValueError(f"metric must be 'auto', 'auc', 'accuracy' or 'f1_macro', got {metric!r}.")
    if max_samples is not None:
        max_samples = check_int("max_samples", max_samples, 10)
    strategies = _resolve_strategies(strategies)
    datasets = _as_datasets(datasets, data_home, max_samples, seed)
    model_names = {ds.name: check_model_available(model, ds.input_kind) for ds in datasets}
    for ds in datasets:  # what each strategy declares it needs, against each data set and model
        for sname, strategy in strategies.items():
            check_strategy_applicable(
                strategy, input_kind=ds.input_kind, name=sname,
                has_dropout=model_has_dropout(model, ds, model_params)
                if getattr(strategy, "needs_dropout", False) else None)
    for ds in datasets:  # a bad schedule
        train, _, _ = protocol.split_indices(ds.y, test_size=test_size,
                                             validation_size=validation_size, random_state=0)
        protocol.labeling_schedule(len(train), initial=initial, step=step, until=until)
    return datasets, strategies, model_names, (repeats, seed, max_samples)


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


def plan_tasks(datasets, strategies, model_names, *, model, model_params, repeats, seed,
               initial, step, until, test_size, validation_size, done_rounds=None,
               records=None, labeled_path=None):
    """The learning curves still to run, and how many rounds there are and are done.

    Parameters
    ----------
    datasets, strategies, model_names
        As returned by :func:`check_settings`.
    done_rounds : dict, optional
        ``{(dataset, model, strategy, repeat): last recorded round}`` on resume.
    records : dict, optional
        The recorded labeled sets, ``{(dataset, model, strategy, repeat, round): positions}``.
    labeled_path : path, optional
        Where the records come from (for messages).

    Returns
    -------
    tasks : list of Task
    total, finished : int
        Rounds in the whole run, and rounds already recorded.
    """
    done_rounds = done_rounds or {}
    records = records or {}
    tasks, total, finished = [], 0, 0
    for ds in datasets:
        name = model_names[ds.name]
        for repeat in range(repeats):
            rseed = protocol.repeat_seed(seed, repeat)
            train, val, test = protocol.split_indices(
                ds.y, test_size=test_size, validation_size=validation_size,
                random_state=protocol.split_seed(rseed))
            counts = protocol.labeling_schedule(len(train), initial=initial, step=step,
                                                until=until)
            init = protocol.initial_labeled(ds.y[train], counts[0],
                                            random_state=protocol.initial_seed(rseed))
            # Word vectors trained once on the training texts (labeled set and pool), as the
            # paper trains word2vec on each data set; every strategy shares them (execute fits).
            text_model = ds.input_kind == "text" and not callable(model)
            for sname, strategy in strategies.items():
                key = (ds.name, name, sname, repeat)
                last = done_rounds.get(key, -1)
                total += len(counts)
                finished += last + 1
                if last + 1 >= len(counts):
                    continue
                replay = ()
                if last >= 0 and getattr(strategy, "stateful", False):
                    # Its state cannot be restored from the files, only rebuilt: the curve
                    # reruns from round 0, checked against the recorded rounds.
                    replay = tuple(_recorded_rounds(records, key, last, labeled_path))
                    last = -1
                labeled = _replay(records, key, last, labeled_path) if last >= 0 else None
                if labeled is not None:
                    check_replayed_positions(labeled, len(train), key, labeled_path)
                if labeled is not None and len(labeled) != counts[last]:
                    raise ValueError(
                        f"Cannot resume {key}: {labeled_path} replays {len(labeled)} "
                        f"labeled samples for round {last}, the schedule says {counts[last]}."
                    )
                tasks.append(Task(
                    dataset=ds, model=model, model_name=name,
                    model_params=model_params,
                    strategy_name=sname, strategy=clone(strategy) if hasattr(
                        strategy, "get_params") else strategy,
                    repeat=repeat, seed=rseed, train=train, val=val, test=test, counts=counts,
                    initial=init, done_rounds=last + 1, labeled=labeled, replay=replay,
                    embedding_seed=protocol.embedding_seed(rseed) if text_model else None))

    return tasks, total, finished


def _recorded_rounds(records, key, last, labeled_path):
    """The positions each round ``0..last`` of ``key`` added, as recorded."""
    for round_ in range(last + 1):
        added = records.get(key + (round_,))
        if added is None:
            raise ValueError(
                f"Cannot resume {key}: {labeled_path} has no labeled-set record for round "
                f"{round_}, which results.csv lists as done."
            )
        yield np.asarray(added, dtype=np.intp)


def _replay(records, key, last, labeled_path):
    return np.concatenate(list(_recorded_rounds(records, key, last, labeled_path)))


