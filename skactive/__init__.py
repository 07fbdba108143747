"""skactive: deep active learning in the scikit-learn ecosystem."""

from ._version import __version__
from .learner import ActiveLearner
from .mlp import MLPClassifier
from .text import BiLSTMClassifier, TextCNNClassifier

__all__ = [
    "ActiveLearner", "MLPClassifier", "TextCNNClassifier", "BiLSTMClassifier", "__version__",
]
