"""Text classification: tokenisation, vocabulary, word2vec vectors, CNN and BiLSTM classifiers.

:class:`TextCNNClassifier` and :class:`BiLSTMClassifier` (also importable from ``skactive``)
take a 1-D collection of str. :class:`Word2VecEmbedding` trains word vectors once, on every
text available, for the classifiers to reuse across active learning rounds.
"""

from ._bilstm import BiLSTMClassifier
from ._cnn import TextCNNClassifier
from ._embedding import Word2VecEmbedding
from ..nets import BiLSTMModule, TextCNNModule
from ._tokenize import TOKEN_PATTERN, check_texts, tokenize
from ._vocabulary import PAD_ID, UNK_ID, build_vocabulary, encode

__all__ = [
    "TextCNNClassifier",
    "BiLSTMClassifier",
    "Word2VecEmbedding",
    "TextCNNModule",
    "BiLSTMModule",
    "tokenize",
    "check_texts",
    "build_vocabulary",
    "encode",
    "TOKEN_PATTERN",
    "PAD_ID",
    "UNK_ID",
]
