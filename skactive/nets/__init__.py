"""Plain ``torch.nn.Module`` networks behind skactive's estimators: the lowest layer.

Every classifier network follows :class:`ClassifierNet`: ``features(x)`` (the penultimate
representation f(x)), ``head`` (the final linear layer, so that ``forward(x) ==
head(features(x))`` returns the logits) and ``split_at_dropout()``. Text networks also follow
:class:`TextNet` (run from word vectors, per-position gradient taps). Nothing here imports
another part of skactive.
"""

from ._autoencoder import AutoencoderModule
from ._mlp import MLPModule, has_dropout, set_dropout_train
from ._protocol import ClassifierNet, TextNet
from ._text import PAD_ID, BiLSTMModule, TextCNNModule

__all__ = [
    "ClassifierNet",
    "TextNet",
    "MLPModule",
    "TextCNNModule",
    "BiLSTMModule",
    "AutoencoderModule",
    "PAD_ID",
    "has_dropout",
    "set_dropout_train",
]
