"""The simulation protocol: data split, labeling schedule, initial labeled set and seeds.

Defaults follow the DAMI paper (Liu et al.), "Experiments on Tabular Datasets": a stratified
70/10/20 train/validation/test split, 2% of the training set labeled at random to start, 2% more
per round until 50% of it is labeled.
"""

import numbers

import numpy as np
from sklearn.model_selection import train_test_split

# Purposes of the seeds derived from a repeat seed: each gets its own independent stream.
_SPLIT, _INITIAL, _MODEL, _STRATEGY, _SUBSAMPLE, _EMBEDDING = range(6)


def repeat_seed(seed, repeat):
    """Seed of repeat ``repeat`` of an experiment started with ``seed``: ``seed + repeat``.

    So repeat ``k`` of a run with seed ``s`` is repeat 0 of a run with seed ``s + k``.

    Examples
    --------
    >>> from skactive.experiment import repeat_seed
    >>> repeat_seed(0, 2)
    2
    """
    return int(seed) + int(repeat)


def derived_seed(seed, purpose, *keys):
    """An int in [0, 2**32) for one use of a repeat seed (split, model, strategy, ...).

    Streams for different purposes and keys are independent (``numpy.random.SeedSequence``).
    """
    entropy = [int(seed), int(purpose), *(int(k) for k in keys)]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def split_seed(seed):
    """Seed of the train/validation/test split of a repeat, for :func:`split_indices`.

    Rebuilds a run's split outside the runner, for example to score other models on the
    test set of repeat ``r``: ``split_indices(y, random_state=split_seed(repeat_seed(s, r)))``
    with the run's ``test_size`` and ``validation_size``.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.experiment import repeat_seed, split_indices, split_seed
    >>> y = np.array([0, 1] * 50)
    >>> train, val, test = split_indices(y, random_state=split_seed(repeat_seed(0, 1)))
    >>> len(train), len(val), len(test)
    (70, 10, 20)
    """
    return derived_seed(seed, _SPLIT)


def initial_seed(seed):
    """Seed of the initial labeled draw of a repeat (shared by every strategy)."""
    return derived_seed(seed, _INITIAL)


def model_seed(seed, round_):
    """Seed of the model trained in ``round_`` of a repeat (shared by every strategy)."""
    return derived_seed(seed, _MODEL, round_)


def strategy_seed(seed, round_):
    """Seed of the query made at the end of ``round_`` of a repeat."""
    return derived_seed(seed, _STRATEGY, round_)


def embedding_seed(seed):
    """Seed of the word vectors trained once per repeat for the text models."""
    return derived_seed(seed, _EMBEDDING)


def subsample_seed(seed):
    """Seed of the optional subsample of a data set (``max_samples``)."""
    return derived_seed(seed, _SUBSAMPLE)


def _check_fraction(name, value, *, allow_zero=False, allow_one=False):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and (value >= 0 if allow_zero else value > 0) and (value <= 1 if allow_one
                                                                else value < 1)
    if not ok:
        low = "[0" if allow_zero else "(0"
        high = "1]" if allow_one else "1)"
        raise ValueError(f"{name} must be a fraction in {low}, {high}, got {value!r}.")
    return float(value)


def split_indices(y, *, test_size=0.2, validation_size=0.1, random_state=None):
    """Stratified train / validation / test positions of ``y``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    test_size, validation_size : float, default=0.2 and 0.1
        Fractions of all samples held out for testing and validation; the rest trains.
        ``validation_size=0`` gives an empty validation set.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    train, validation, test : ndarray of int
        Disjoint positions covering every sample, each sorted.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.experiment import split_indices
    >>> y = np.array([0] * 70 + [1] * 30)
    >>> train, val, test = split_indices(y, random_state=0)
    >>> len(train), len(val), len(test), int(y[test].sum())
    (70, 10, 20, 6)
    """
    test_size = _check_fraction("test_size", test_size)
    validation_size = _check_fraction("validation_size", validation_size, allow_zero=True)
    if test_size + validation_size >= 1:
        raise ValueError(
            f"test_size + validation_size must leave samples to train on, got {test_size} + "
            f"{validation_size}."
        )
    y = np.asarray(y)
    n = len(y)
    positions = np.arange(n)
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            "Every class needs at least 2 samples for a stratified split; the smallest class "
            f"has {counts.min()}."
        )
    rng = np.random.RandomState(random_state) if not isinstance(
        random_state, np.random.RandomState) else random_state
    n_test = int(round(test_size * n))
    n_val = int(round(validation_size * n))
    rest, test = train_test_split(positions, test_size=n_test, stratify=y, random_state=rng)
    if n_val:
        train, val = train_test_split(rest, test_size=n_val, stratify=y[rest], random_state=rng)
    else:
        train, val = rest, rest[:0]
    return np.sort(train), np.sort(val), np.sort(test)


def labeling_schedule(n_train, *, initial=0.02, step=0.02, until=0.5):
    """Number of labeled training samples after each round.

    Round 0 holds ``round(initial * n_train)`` samples; round ``k`` holds
    ``round((initial + k * step) * n_train)``, up to ``until`` (included, up to rounding).

    Parameters
    ----------
    n_train : int
        Size of the training set (labeled and pool together).
    initial, step, until : float, default=0.02, 0.02 and 0.5
        Fractions of the training set.

    Returns
    -------
    counts : ndarray of int
        Strictly increasing labeled-set sizes, the first at least 2.

    Examples
    --------
    >>> from skactive.experiment import labeling_schedule
    >>> labeling_schedule(1000).tolist()[:4], len(labeling_schedule(1000))
    ([20, 40, 60, 80], 25)
    >>> labeling_schedule(1000, initial=0.1, step=0.2, until=0.5).tolist()
    [100, 300, 500]
    """
    initial = _check_fraction("initial", initial)
    step = _check_fraction("step", step)
    until = _check_fraction("until", until, allow_one=True)
    if until < initial:
        raise ValueError(f"until ({until}) must be at least initial ({initial}).")
    n_rounds = int(np.floor((until - initial) / step + 1e-9))
    fractions = initial + step * np.arange(n_rounds + 1)
    counts = np.minimum(np.rint(fractions * n_train).astype(np.int64), n_train)
    counts = np.unique(counts)  # sorted; rounding on a tiny set can repeat a size
    if counts[0] < 2:
        raise ValueError(
            f"initial={initial} of {n_train} training samples labels {counts[0]} sample(s); a "
            "classifier needs at least 2. Use a larger initial fraction or more data."
        )
    return counts


def initial_labeled(y_train, n_initial, *, random_state=None, max_tries=100):
    """Positions of the initial labeled set: a uniform random draw holding at least 2 classes.

    The draw is repeated (with the same generator) until it holds two classes or more, so a
    classifier can be trained on it; the same ``random_state`` gives the same set.

    Parameters
    ----------
    y_train : array-like of shape (n_train,)
    n_initial : int
    random_state : int, RandomState instance or None, default=None
    max_tries : int, default=100

    Returns
    -------
    labeled : ndarray of int of shape (n_initial,)
        Positions in ``y_train``, in draw order.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.experiment import initial_labeled
    >>> y = np.array([0] * 95 + [1] * 5)
    >>> idx = initial_labeled(y, 4, random_state=0)
    >>> len(idx), len(set(y[idx].tolist()))
    (4, 2)
    """
    y_train = np.asarray(y_train)
    if len(np.unique(y_train)) < 2:
        raise ValueError("The training set has a single class; classification needs two.")
    rng = np.random.RandomState(random_state) if not isinstance(
        random_state, np.random.RandomState) else random_state
    for _ in range(max_tries):
        labeled = rng.choice(len(y_train), size=n_initial, replace=False)
        if len(np.unique(y_train[labeled])) >= 2:
            return labeled.astype(np.intp)
    raise ValueError(
        f"{max_tries} random draws of {n_initial} training samples all held a single class; "
        "the minority class is too rare for this initial fraction. Raise initial."
    )
