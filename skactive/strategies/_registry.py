"""Short, case-insensitive strategy names shared by Python, the runner and the command line."""

import importlib

# name -> (class name in skactive.strategies, fixed parameters)
_STRATEGIES = {
    "random": ("RandomSampling", {}),
    "least-confidence": ("LeastConfidence", {}),
    "margin": ("MarginSampling", {}),
    "entropy": ("EntropySampling", {}),
    "egl": ("EGL", {}),
    "egl-word": ("EGLWord", {}),
    "bald": ("BALD", {}),
    "coreset": ("CoreSet", {}),
    "badge": ("BADGE", {}),
    "dami": ("DAMI", {}),
    "ibal": ("IBAL", {}),
    "ibal-d": ("IBALD", {}),
    "ralif": ("RALIF", {}),
    "mixture": ("RandomMixture", {}),
    "albl": ("ActiveLearningByLearning", {}),
    "random-until-trusted": ("RandomUntilTrusted", {}),
}
#: What the strategy name ``'auto'`` means: the default of ``skactive query``, ``skactive label``
#: and the labeling functions, chosen on the benchmark of docs/results/evidence.md. Every
#: strategy that ranks rows by the model lost to random sampling where the model was weak
#: (Employee, MR); random sampling until the model's held-out AUC reaches 0.85, then entropy,
#: is random sampling there and gains where the model is strong (Telescope). It streams.
AUTO_STRATEGY = "random-until-trusted"

_ALIASES = {"uncertainty": "least-confidence", "lc": "least-confidence", "core-set": "coreset",
            "auto": AUTO_STRATEGY}


def strategy_names():
    """The short names :func:`get_strategy` accepts (besides aliases such as ``'auto'``).

    Examples
    --------
    >>> from skactive.strategies import strategy_names
    >>> "dami" in strategy_names()
    True
    """
    return list(_STRATEGIES)


def canonical_strategy_name(name):
    """The registry's short name for ``name`` (case-insensitive, aliases resolved).

    Parameters
    ----------
    name : str
        A short name or alias; ``'_'`` and ``' '`` work as ``'-'``. ``'auto'`` is the
        default strategy chosen on the benchmark, :data:`AUTO_STRATEGY`.

    Returns
    -------
    key : str
        One of :func:`strategy_names`.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> from skactive.strategies import canonical_strategy_name
    >>> canonical_strategy_name("Least_Confidence"), canonical_strategy_name("uncertainty")
    ('least-confidence', 'least-confidence')
    >>> canonical_strategy_name("auto")
    'random-until-trusted'
    """
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    key = _ALIASES.get(key, key)
    if key not in _STRATEGIES:
        raise ValueError(
            f"Unknown strategy {name!r}; choose from: auto, {', '.join(_STRATEGIES)}."
        )
    return key


def get_strategy(name, **params):
    """A new strategy object from its short name (case-insensitive; '_' or ' ' work as '-').

    Parameters
    ----------
    name : str
        One of :func:`strategy_names`, for example ``'entropy'``, ``'dami'`` or ``'ibal-d'``.
    **params
        Hyper-parameters of the strategy, for example ``random_state=0``.

    Returns
    -------
    strategy : QueryStrategy

    Examples
    --------
    >>> from skactive.strategies import get_strategy
    >>> get_strategy("Least_Confidence")
    LeastConfidence()
    """
    class_name, fixed = _STRATEGIES[canonical_strategy_name(name)]
    # by name: the strategy modules import the package that holds this registry
    cls = getattr(importlib.import_module("skactive.strategies"), class_name)
    return cls(**{**fixed, **params})
