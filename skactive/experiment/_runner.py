"""Simulated active learning runs: the paper's protocol over data sets, strategies and repeats.

The orchestrator: :mod:`._plan` validates and lists the learning curves, :mod:`._execute` runs
them (each one :func:`._simulate.simulate`), and the results come back sorted.
"""

from .. import __version__
from ._execute import execute, fit_embeddings
from ._plan import _check_resume, _merge_config, check_settings, plan_tasks
from ._results import RUN_KEY, ResultsStore
from ._runfolder import (check_config_present, check_data_fingerprints, data_fingerprint,
                         holds_out_folder)


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
    A strategy that keeps state between its queries (``stateful``, such as ``albl``) cannot
    pick up from the files, so its half-done curve is rerun from the first round: each
    recorded round is checked against the rerun, not written again, and one that differs is
    an error.

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
        Parameters of the classifier, e.g. ``{'max_epochs': 20}``. Every strategy gets the
        same model; BALD samples its dropout (every model has dropout by default; a model
        with ``dropout=0`` is refused for BALD before any work).
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
    model_params = dict(model_params or {})
    datasets, strategies, model_names, (repeats, seed, max_samples) = check_settings(
        datasets, strategies, model=model, model_params=model_params, repeats=repeats,
        seed=seed, metric=metric, max_samples=max_samples, data_home=data_home,
        initial=initial, step=step, until=until, test_size=test_size,
        validation_size=validation_size)
    store = ResultsStore(out)
    if store.exists() and not resume:
        raise FileExistsError(
            f"{store.folder} already holds results; pass resume=True to continue that run, or "
            "choose another output folder."
        )
    config = {
        "protocol": {"seed": seed, "initial": initial, "step": step, "until": until,
                     "test_size": test_size, "validation_size": validation_size,
                     "max_samples": max_samples, "model_params": model_params},
        "metric": metric, "datasets": {ds.name: ds.n_samples for ds in datasets},
        "data_fingerprints": {ds.name: data_fingerprint(ds.X, ds.y) for ds in datasets},
        "strategies": list(strategies), "models": sorted(set(model_names.values())),
        "repeats": repeats, "skactive_version": __version__,
    }
    stored = store.read_config() if resume else None
    if resume:
        check_config_present(stored, store)
        _check_resume(stored, config, store.folder)
        if stored is not None:
            check_data_fingerprints(stored, config, store.folder)
    store.prepare()
    store.write_config(_merge_config(stored, config))

    done = store.read()
    done_rounds = done.groupby(list(RUN_KEY))["round"].max().to_dict() if len(done) else {}
    tasks, total, finished = plan_tasks(
        datasets, strategies, model_names, model=model, model_params=model_params,
        repeats=repeats, seed=seed, initial=initial, step=step, until=until,
        test_size=test_size, validation_size=validation_size, done_rounds=done_rounds,
        records=store.labeled_records() if done_rounds else {},
        labeled_path=store.labeled_path)
    execute(fit_embeddings(tasks, model_params), store.folder, total=total,
            finished=finished, n_jobs=n_jobs, progress=progress, verbose=verbose, metric=metric)
    order = _sort_key(datasets, list(strategies))
    store.finish(order)
    return order(store.read())


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
