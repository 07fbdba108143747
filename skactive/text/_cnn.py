"""Kim (2014)'s convolutional sentence classifier."""

import numbers

from ._base import BaseTextClassifier
from ._docs import fill
from ..nets import TextCNNModule


class TextCNNClassifier(BaseTextClassifier):
    __doc__ = fill("""Kim (2014)'s CNN for sentence classification, as a scikit-learn classifier.

    Takes a 1-D collection of texts (a list, numpy array or pandas Series of str). Word
    vectors -> convolutions of widths ``filter_sizes`` with ``n_filters`` maps each (ReLU) ->
    max over time -> dropout -> linear layer, trained with skorch. Each call to :meth:`fit`
    trains a new network (and, with ``embedding='word2vec'``, new word vectors) from scratch;
    with an integer ``random_state`` it is deterministic on the CPU.

    Parameters
    ----------
    filter_sizes : tuple of int, default=(3, 4, 5)
        Widths (in words) of the convolution filters.
    n_filters : int, default=100
        Feature maps per filter width.
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    BiLSTMClassifier : Bidirectional LSTM sentence classifier.
    skactive.text.Word2VecEmbedding : Word vectors fitted once and reused.
    skactive.readouts.word_interpretations : Per-word gradients for DAMI.

    Notes
    -----
    %(notes)s

    References
    ----------
    .. [1] Y. Kim, "Convolutional neural networks for sentence classification", EMNLP 2014.

    Examples
    --------
    >>> from skactive import TextCNNClassifier
    >>> texts = ["a gripping , moving film", "dull and far too long", "warm and funny",
    ...          "a tedious mess"] * 10
    >>> labels = ["pos", "neg", "pos", "neg"] * 10
    >>> clf = TextCNNClassifier(n_filters=8, embedding="random", random_state=0)
    >>> clf = clf.fit(texts, labels)
    >>> clf.predict(["a moving film", ""]).shape
    (2,)
    >>> clf.score(texts, labels)
    1.0
    """, learning_rate="0.001")

    def __init__(
        self,
        filter_sizes=(3, 4, 5),
        n_filters=100,
        *,
        embedding="word2vec",
        embedding_dim=100,
        freeze_embedding=False,
        min_count=1,
        max_length=256,
        dropout=0.5,
        learning_rate=1e-3,
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
        self.filter_sizes = filter_sizes
        self.n_filters = n_filters
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
        sizes = (self.filter_sizes,) if isinstance(self.filter_sizes, numbers.Integral) \
            else tuple(self.filter_sizes)
        if not sizes or any(not isinstance(s, numbers.Integral) or s < 1 for s in sizes):
            raise ValueError(
                f"filter_sizes must be positive integers, got {self.filter_sizes!r}.")
        if not isinstance(self.n_filters, numbers.Integral) or self.n_filters < 1:
            raise ValueError(f"n_filters must be a positive integer, got {self.n_filters!r}.")
        return TextCNNModule(vectors, n_classes, sizes, int(self.n_filters), self.dropout,
                             bool(self.freeze_embedding))
