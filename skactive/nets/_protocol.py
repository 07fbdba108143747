"""What the readouts need from a network, as :class:`typing.Protocol` classes.

A network only has to look like these (structural typing): nothing to inherit. The readouts
ask ``isinstance(module, TextNet)`` where a text network answers differently (per-word
gradients, the per-position gradient Gram matrix), never which classifier holds it.
"""

from typing import Protocol, runtime_checkable


@runtime_checkable
class ClassifierNet(Protocol):
    """A network behind a skactive classifier: logits, penultimate features, final layer.

    ``forward(x) == head(features(x))`` returns the pre-softmax scores (logits);
    ``split_at_dropout()`` returns ``(prefix, rest)`` with ``forward(x) == rest(prefix(x))``
    and no dropout in ``prefix``, so MC dropout runs ``prefix`` once per batch.

    Examples
    --------
    >>> from skactive.nets import ClassifierNet, MLPModule
    >>> isinstance(MLPModule(n_features=4, n_classes=2), ClassifierNet)
    True
    """

    head: object

    def features(self, x):
        """Penultimate representation f(x), the input of ``head``."""

    def split_at_dropout(self):
        """``(prefix, rest)``: the deterministic prefix and the rest, dropout included."""


@runtime_checkable
class TextNet(ClassifierNet, Protocol):
    """A text network: a :class:`ClassifierNet` that can run from word vectors.

    ``embed(tokens)`` gives the word vectors e_ij; ``forward_from_embeddings(E, mask)`` the
    logits from given vectors and the mask of real tokens, so that gradients with respect to
    each word's vector are available; ``gradient_taps(tokens)`` the logits and, for every
    trainable linear map, its output and the Gram matrix of its inputs over positions (see
    :func:`skactive.readouts.text_gradient_gram`).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.nets import MLPModule, TextCNNModule, TextNet
    >>> net = TextCNNModule(np.zeros((10, 4), dtype=np.float32), n_classes=2, n_filters=2)
    >>> isinstance(net, TextNet), isinstance(MLPModule(4, 2), TextNet)
    (True, False)
    """

    embedding: object

    def embed(self, tokens):
        """Word vectors of ``tokens``, shape (batch, length, dim)."""

    def forward_from_embeddings(self, E, mask):
        """Logits from word vectors ``E`` and the mask of real tokens."""

    def gradient_taps(self, tokens):
        """``(logits, taps, head_scale)`` for the per-sample gradient Gram matrix."""
