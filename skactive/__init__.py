"""skactive: deep active learning in the scikit-learn ecosystem."""

from .learner import ActiveLearner
from .mlp import MLPClassifier
from .text import BiLSTMClassifier, TextCNNClassifier

__version__ = "0.1.0.dev0"

__all__ = [
    "ActiveLearner", "MLPClassifier", "TextCNNClassifier", "BiLSTMClassifier", "__version__",
]
