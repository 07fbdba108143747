"""EGL-word: expected gradient length with respect to one word's vector (text classifiers)."""

from .. import readouts
from ._base import ScoreBasedStrategy


class EGLWord(ScoreBasedStrategy):
    """Expected gradient length of the most affected word (Zhang, Lease & Wallace 2017).

    For text classifiers: scores each pool sentence by the largest, over its words j, expected
    norm of the training gradient with respect to that word's embedding vector,

        EGL-word(x) = max_j sum_y p(y|x) * ||grad_{e_j} CE(x, y)||_2,

    and queries the ``n_instances`` highest. The gradients come from
    :func:`skactive.readouts.expected_word_gradient_norms` (one backward pass per class but
    the first, and slice of the pool); padding never counts. Deterministic: ties go to the
    lower pool index.

    Needs :class:`~skactive.TextCNNClassifier` or :class:`~skactive.BiLSTMClassifier` (or a
    learner or Pipeline ending in one).

    Parameters
    ----------
    batch_size : int or None, default=None
        Sentences per backward pass; None uses the classifier's inference batch size.

    See Also
    --------
    EGL : Expected gradient length over all parameters.

    References
    ----------
    .. [1] Y. Zhang, M. Lease and B. C. Wallace, "Active discriminative text representation
       learning", AAAI 2017.

    Examples
    --------
    >>> from skactive import TextCNNClassifier
    >>> from skactive.strategies import EGLWord
    >>> texts = ["good fun", "bad , dull", "fun", "so dull"] * 5
    >>> clf = TextCNNClassifier(n_filters=4, embedding_dim=8, embedding="random",
    ...                         max_epochs=2, random_state=0).fit(texts, [1, 0, 1, 0] * 5)
    >>> idx, scores = EGLWord()(clf, ["good", "a dull bad film", "", "fun fun"], n_instances=2)
    >>> idx.shape, bool(scores[0] >= scores[1])
    ((2,), True)
    """

    input_kinds = ("text",)

    def __init__(self, batch_size=None):
        self.batch_size = batch_size

    def score_samples(self, classifier, X_pool):
        """EGL-word score of every pool sentence (higher: query first).

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, text classifier or Pipeline
        X_pool : 1-D array-like of str

        Returns
        -------
        scores : ndarray of shape (n_samples,), float32
        """
        return readouts.expected_word_gradient_norms(
            classifier, X_pool, batch_size=self.batch_size)
