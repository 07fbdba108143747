"""Vocabulary and token-id encoding: padding id 0, unknown-word id 1, words from 2 on."""

from collections import Counter
from itertools import chain, repeat

import numpy as np

from ..nets import PAD_ID  # the networks' padding row; padded positions never count
#: Id of the unknown token: words outside the vocabulary, and the one token of an empty text.
UNK_ID = 1
#: Number of reserved ids before the first word.
N_SPECIAL = 2


def build_vocabulary(token_lists, min_count=1):
    """Word -> id for every word seen at least ``min_count`` times, ids from 2 on.

    Words are ordered by decreasing count, ties by the word itself, so the ids do not depend on
    the order of the texts or on Python's per-process string hashing.

    Parameters
    ----------
    token_lists : iterable of list of str
    min_count : int, default=1

    Returns
    -------
    vocabulary : dict of str -> int

    Examples
    --------
    >>> from skactive.text import build_vocabulary
    >>> build_vocabulary([["a", "film"], ["a", "dull", "film", "a"]], min_count=2)
    {'a': 2, 'film': 3}
    """
    counts = Counter()
    for tokens in token_lists:
        counts.update(tokens)
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return {w: i + N_SPECIAL for i, w in enumerate(words)}


def encode(token_lists, vocabulary, max_length=None):
    """Token ids padded with :data:`PAD_ID` to a rectangle, int32 of shape (n_texts, length).

    Real tokens come first in each row and padding after them. Words outside ``vocabulary``
    become :data:`UNK_ID`; a text with no token at all becomes the single token
    :data:`UNK_ID`, so every text keeps at least one position (and a prediction). Texts longer
    than ``max_length`` tokens keep their first ``max_length`` tokens. ``length`` is the
    longest encoded text.

    Parameters
    ----------
    token_lists : list of list of str
    vocabulary : dict of str -> int
    max_length : int or None, default=None

    Returns
    -------
    ids : ndarray of shape (n_texts, length), int32

    Examples
    --------
    >>> from skactive.text import encode
    >>> encode([["a", "film"], [], ["unseen"]], {"a": 2, "film": 3}).tolist()
    [[2, 3], [1, 0], [1, 0]]
    """
    token_lists = token_lists if isinstance(token_lists, list) else list(token_lists)
    n = len(token_lists)
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=n)
    # the per-token lookup runs inside ``map`` (C), not as Python bytecode per token: with
    # tokenisation it was most of a text readout's overhead over the bare forward
    flat = np.fromiter(
        map(vocabulary.get, chain.from_iterable(token_lists), repeat(UNK_ID)),
        dtype=np.int32, count=int(lengths.sum()))
    kept = lengths if max_length is None else np.minimum(lengths, max_length)
    ids = np.full((n, max(int(kept.max(initial=0)), 1)), PAD_ID, dtype=np.int32)
    row_index = np.repeat(np.arange(n), lengths)
    col_index = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    if max_length is not None and (lengths > max_length).any():
        keep = col_index < max_length
        row_index, col_index, flat = row_index[keep], col_index[keep], flat[keep]
    ids[row_index, col_index] = flat
    ids[kept == 0, 0] = UNK_ID  # an empty text keeps one (unknown-word) position
    return ids
