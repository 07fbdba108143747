"""Docstring fragments shared by the text classifiers (kept in one place so they agree)."""

TEXT_PARAMETERS = """\
embedding : {'word2vec', 'random'} or Word2VecEmbedding, default='word2vec'
        Initial word vectors. ``'word2vec'`` trains gensim word2vec (``embedding_dim``
        dimensions, ``min_count``) on the texts given to :meth:`fit`, as the DAMI paper does;
        ``'random'`` draws uniform vectors in [-0.25, 0.25] (Kim 2014) for the words of those
        texts. A fitted :class:`~skactive.text.Word2VecEmbedding` (or any object with
        ``vocabulary_`` and ``vectors_``) is used as it is, with its vocabulary: fit it once on
        all texts, labeled and pool, so active learning rounds reuse it; an unfitted one is
        fitted on the texts given to :meth:`fit`. The unknown-word and padding vectors start
        at zero.
    embedding_dim : int, default=100
        Dimension of the word vectors for ``'word2vec'`` and ``'random'``.
    freeze_embedding : bool, default=False
        Keep the word vectors fixed (Kim's CNN-static) instead of fine-tuning them
        (CNN-non-static).
    min_count : int, default=1
        Words seen fewer times in the training texts map to the unknown token (``'word2vec'``
        and ``'random'`` only; an embedding object brings its own vocabulary).
    max_length : int or None, default=256
        Texts are truncated to their first ``max_length`` tokens; None keeps every token
        (memory then grows with the longest text).
    dropout : float, default=0.5
        Dropout on the penultimate features. BALD needs it > 0.
    learning_rate : float, default=%(learning_rate)s
        Step size of the optimizer.
    max_epochs : int, default=50
        Maximum number of passes over the training data.
    target_loss : float or None, default=0.1
        Stop once an epoch's mean training loss is below this value: the network then fits
        its training set, whatever its size, and more epochs only overfit
        (docs/results/tuning_notes.md). None
        trains for ``max_epochs`` epochs (or until ``n_iter_no_change``).
    batch_size : int, default=50
        Mini-batch size for training (capped at the number of samples).
    optimizer : {'adam', 'adamw', 'sgd', 'rmsprop'} or torch.optim.Optimizer subclass, \
default='adam'
        Optimizer used for training.
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    tol : float, default=1e-3
        Minimum decrease of the monitored loss that counts as an improvement.
    n_iter_no_change : int or None, default=5
        Stop once the monitored loss (training loss, or validation loss with
        ``early_stopping=True``) has not improved by ``tol`` for this many epochs. None trains
        for ``max_epochs`` epochs.
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the training data, monitor its loss and
        keep the best weights.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks.
    device : str, default='cpu'
        Torch device to train and predict on, for example ``'cuda'``.
    n_threads : int or None, default=None
        Torch intra-op threads during fit, predict and readouts; None uses one thread for
        modules under a million parameters on the CPU and torch's setting otherwise.
    random_state : int, RandomState instance or None, default=None
        Seeds word2vec, the weight initialisation, shuffling and dropout. The global torch RNG
        is untouched.
    verbose : int, default=0
        Print skorch's per-epoch table when > 0."""

TEXT_ATTRIBUTES = """\
classes_ : ndarray of shape (n_classes,)
        Class labels seen in ``fit``.
    vocabulary_ : dict of str -> int
        Token id of each known word; id 0 is padding and id 1 the unknown word.
    embedding_ : Word2VecEmbedding or None
        The word2vec vectors the network started from (None for ``embedding='random'``).
    net_ : skorch.NeuralNetClassifier
        The fitted skorch net (history, callbacks, ``module_``).
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Training loss after each epoch."""

TEXT_NOTES = """\
Texts are lower-cased and split into words and punctuation by
    :func:`skactive.text.tokenize`. Words outside the vocabulary become the unknown token; an
    empty text (or one with no token) is the single unknown token, so it still gets a
    prediction and a representation. Padding (id 0) never changes an output or a gradient.
    Bytes are refused: decode them first (``skactive.datasets.load_text`` takes an
    ``encoding``).

    Predictions are computed in float64 (the trained float32 weights cast up), so a sample's
    prediction does not depend on the batch it is predicted in; the readouts run in float32."""


def fill(doc, learning_rate):
    """Insert the shared fragments (and the class's default learning rate) into a docstring."""
    return (doc.replace("%(parameters)s", TEXT_PARAMETERS)
            .replace("%(attributes)s", TEXT_ATTRIBUTES)
            .replace("%(notes)s", TEXT_NOTES)
            .replace("%(learning_rate)s", learning_rate))
