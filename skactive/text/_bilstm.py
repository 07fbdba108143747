"""Bidirectional LSTM sentence classifier."""

import numbers

from ._base import BaseTextClassifier
from ._docs import fill
from ..nets import BiLSTMModule


class BiLSTMClassifier(BaseTextClassifier):
    __doc__ = fill("""One-layer bidirectional LSTM sentence classifier for scikit-learn.

    Takes a 1-D collection of texts (a list, numpy array or pandas Series of str). Word
    vectors -> an LSTM in each direction (``hidden_size`` units) over the real words only
    (packed sequences) -> the two final states, concatenated -> dropout -> linear layer,
    trained with skorch. Each call to :meth:`fit` trains a new network from scratch; with an
    integer ``random_state`` it is deterministic on the CPU.

    Parameters
    ----------
    hidden_size : int, default=100
        Hidden units per direction.
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    TextCNNClassifier : Kim's convolutional sentence classifier.
    skactive.text.Word2VecEmbedding : Word vectors fitted once and reused.
    skactive.readouts.word_interpretations : Per-word gradients for DAMI.

    Notes
    -----
    %(notes)s

    Examples
    --------
    >>> from skactive import BiLSTMClassifier
    >>> texts = ["a gripping , moving film", "dull and far too long", "warm and funny",
    ...          "a tedious mess"] * 10
    >>> labels = [1, 0, 1, 0] * 10
    >>> clf = BiLSTMClassifier(hidden_size=8, embedding="random", random_state=0)
    >>> clf = clf.fit(texts, labels)
    >>> clf.predict_proba(["a moving film", ""]).shape
    (2, 2)
    >>> clf.score(texts, labels)
    1.0
    """, learning_rate="0.0005")

    def __init__(
        self,
        hidden_size=100,
        *,
        embedding="word2vec",
        embedding_dim=100,
        freeze_embedding=False,
        min_count=1,
        max_length=256,
        dropout=0.5,
        learning_rate=5e-4,
        max_epochs=50,
        target_loss=0.1,
        batch_size=50,
        optimizer="adam",
        weight_decay=0.0,
        tol=1e-3,
        n_iter_no_change=5,
        early_stopping=False,
        validation_fraction=0.1,
        callbacks=None,
        device="cpu",
        n_threads=None,
        random_state=None,
        verbose=0,
    ):
        self.hidden_size = hidden_size
        self.embedding = embedding
        self.embedding_dim = embedding_dim
        self.freeze_embedding = freeze_embedding
        self.min_count = min_count
        self.max_length = max_length
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.target_loss = target_loss
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.callbacks = callbacks
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def _make_module(self, vectors, n_classes):
        if not isinstance(self.hidden_size, numbers.Integral) or self.hidden_size < 1:
            raise ValueError(f"hidden_size must be a positive integer, got {self.hidden_size!r}.")
        return BiLSTMModule(vectors, n_classes, int(self.hidden_size), self.dropout,
                            bool(self.freeze_embedding))
