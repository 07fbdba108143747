"""Word2vec word vectors trained with gensim, as a small reusable scikit-learn estimator."""

import copy
import hashlib
import numbers

import numpy as np
from sklearn.base import BaseEstimator

from ..utils import derive_seed
from ._tokenize import check_texts, tokenize


def stable_hash(text):
    """A 64-bit hash of a string that is the same in every Python process.

    gensim's default ``hashfxn`` is Python's ``hash``, randomised per process
    (``PYTHONHASHSEED``); skactive passes this one so that vectors do not depend on it.

    Examples
    --------
    >>> from skactive.text._embedding import stable_hash
    >>> stable_hash("film")
    6569835820675580736
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Word2VecEmbedding(BaseEstimator):
    """Word2vec vectors trained with gensim on a collection of texts.

    Fit it once on every text available (labeled and unlabeled) and pass it to
    :class:`~skactive.TextCNNClassifier` or :class:`~skactive.BiLSTMClassifier` as
    ``embedding=``: each active learning round then reuses the vectors instead of retraining
    word2vec on the labeled set. Texts are tokenised by :func:`skactive.text.tokenize`.

    Training runs on one worker thread with a fixed seed and a process-independent string
    hash, so the same ``random_state`` gives the same vectors in every process (gensim's
    defaults, several workers and Python's randomised ``hash``, do not).

    A fitted embedding is data rather than a hyper-parameter: :func:`sklearn.base.clone`
    returns a copy that keeps ``vocabulary_`` and ``vectors_`` (shared, read-only), so
    classifiers cloned by :class:`~skactive.ActiveLearner` or
    :class:`~sklearn.model_selection.GridSearchCV` do not retrain it.

    Parameters
    ----------
    vector_size : int, default=100
        Dimension of the word vectors.
    window : int, default=5
        Maximum distance between a word and its context words.
    min_count : int, default=1
        Words seen fewer times are left out (the classifiers map them to the unknown token).
    sg : {0, 1}, default=1
        Training algorithm: 1 for skip-gram, 0 for CBOW. Skip-gram is slower but gives
        better vectors on small corpora: on MR, TextCNN reached about 76-77% test accuracy
        from skip-gram vectors against 75-76% from CBOW, and 65% against 60% from 500 labels.
    negative : int, default=5
        Number of negative samples.
    sample : float, default=1e-3
        Down-sampling threshold of frequent words.
    alpha : float, default=0.025
        Initial learning rate.
    epochs : int, default=10
        Passes over the texts. More than gensim's 5, since the corpora here are small (a few
        hundred thousand words): on MR, 5 CBOW epochs cost TextCNN 2-3 points of accuracy
        against 20, while 10 and 20 skip-gram epochs did equally well.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors and the sampling.

    Attributes
    ----------
    vocabulary_ : dict of str -> int
        Row of each word in ``vectors_``.
    vectors_ : ndarray of shape (n_words, vector_size), float32
        The word vectors.

    See Also
    --------
    skactive.TextCNNClassifier : Uses the vectors as its initial word embedding.

    Examples
    --------
    >>> from skactive.text import Word2VecEmbedding
    >>> texts = ["a gripping film", "a dull film", "gripping and warm"] * 10
    >>> emb = Word2VecEmbedding(vector_size=8, random_state=0).fit(texts)
    >>> emb.vectors_.shape, emb.vocabulary_["film"] < len(emb.vectors_)
    ((6, 8), True)
    """

    def __init__(
        self,
        vector_size=100,
        *,
        window=5,
        min_count=1,
        sg=1,
        negative=5,
        sample=1e-3,
        alpha=0.025,
        epochs=10,
        random_state=None,
    ):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.sg = sg
        self.negative = negative
        self.sample = sample
        self.alpha = alpha
        self.epochs = epochs
        self.random_state = random_state

    def fit(self, X, y=None):
        """Train word2vec on the texts ``X``.

        Parameters
        ----------
        X : 1-D array-like of str
            The texts (a list, numpy array or pandas Series).
        y : None
            Ignored.

        Returns
        -------
        self : Word2VecEmbedding
        """
        texts = check_texts(X, estimator_name=type(self).__name__)
        return self._fit_tokens([tokenize(t) for t in texts])

    def _fit_tokens(self, token_lists):
        from gensim.models import Word2Vec  # imported here: gensim takes a second to import

        for name in ("vector_size", "window", "min_count", "epochs"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        sentences = [tokens for tokens in token_lists if tokens]
        if not sentences:
            raise ValueError("Word2VecEmbedding needs texts with at least one word; all are empty.")
        seed = derive_seed(self.random_state)
        model = Word2Vec(
            vector_size=self.vector_size,
            window=self.window,
            min_count=self.min_count,
            sg=self.sg,
            negative=self.negative,
            sample=self.sample,
            alpha=self.alpha,
            epochs=self.epochs,
            seed=int(seed),
            workers=1,  # several workers race on the shared vectors: not reproducible
            hashfxn=stable_hash,
        )
        model.build_vocab(sentences)
        if not model.wv.index_to_key:
            raise ValueError(
                f"No word occurs at least min_count={self.min_count} times; lower min_count."
            )
        model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
        self.vocabulary_ = {w: i for i, w in enumerate(model.wv.index_to_key)}
        self.vectors_ = np.ascontiguousarray(model.wv.vectors, dtype=np.float32)
        return self

    def __sklearn_clone__(self):
        clone = type(self)(**self.get_params(deep=False))
        if _is_fitted(self):
            clone.vocabulary_ = self.vocabulary_
            clone.vectors_ = self.vectors_
        return clone

    def __sklearn_is_fitted__(self):
        return _is_fitted(self)


def _is_fitted(embedding):
    return hasattr(embedding, "vocabulary_") and hasattr(embedding, "vectors_")


def resolve_embedding(embedding, token_lists, *, vector_size, min_count, random_state):
    """A fitted embedding object for the classifiers' ``embedding`` parameter, or None.

    ``'random'`` gives None; ``'word2vec'`` trains a :class:`Word2VecEmbedding` on
    ``token_lists``; a fitted object (anything with ``vocabulary_`` and ``vectors_``) is used
    as it is; an unfitted one is copied and fitted on ``token_lists``.
    """
    if isinstance(embedding, str):
        if embedding == "random":
            return None
        if embedding == "word2vec":
            return Word2VecEmbedding(
                vector_size, min_count=min_count, random_state=random_state
            )._fit_tokens(token_lists)
        raise ValueError(
            f"embedding must be 'word2vec', 'random' or an embedding object such as "
            f"Word2VecEmbedding(), got {embedding!r}."
        )
    if _is_fitted(embedding):
        vectors = np.asarray(embedding.vectors_)
        if vectors.ndim != 2 or len(vectors) != len(embedding.vocabulary_):
            raise ValueError(
                f"The embedding's vectors_ has shape {vectors.shape} but its vocabulary_ has "
                f"{len(embedding.vocabulary_)} words; expected one row per word."
            )
        return embedding
    if hasattr(embedding, "fit"):
        fitted = copy.deepcopy(embedding)
        if getattr(fitted, "random_state", 0) is None:
            fitted.random_state = random_state
        if hasattr(fitted, "_fit_tokens"):
            return fitted._fit_tokens(token_lists)
        return fitted.fit([" ".join(tokens) for tokens in token_lists])
    raise ValueError(
        "embedding must be 'word2vec', 'random' or an object with vocabulary_ and vectors_ "
        f"attributes (or a fit method), got {type(embedding).__name__}."
    )
