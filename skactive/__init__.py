"""skactive: deep active learning in the scikit-learn ecosystem."""

import importlib

from ._version import __version__

# Public name -> submodule. Imported on first access (PEP 562), so that light entry points
# (``skactive --help``, ``skactive.datasets``) do not pay for importing torch.
_LAZY = {
    "ActiveLearner": ".learner",
    "MLPClassifier": ".mlp",
    "TextCNNClassifier": ".text",
    "BiLSTMClassifier": ".text",
}

__all__ = [
    "ActiveLearner", "MLPClassifier", "TextCNNClassifier", "BiLSTMClassifier", "__version__",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
