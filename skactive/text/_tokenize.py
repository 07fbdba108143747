"""Text input validation and tokenisation shared by the text classifiers and embeddings."""

import re

import numpy as np

#: Word tokens: runs of letters, digits or underscores, keeping inner apostrophes ("don't",
#: "century's"), and every other non-space character on its own (punctuation: "!", "?", "-").
TOKEN_PATTERN = r"\w+(?:['’]\w+)*|[^\w\s]"
_TOKEN_RE = re.compile(TOKEN_PATTERN)


def tokenize(text):
    """Split one text into lower-cased word and punctuation tokens.

    Lower-cases the text (``str.lower``), then returns the matches of :data:`TOKEN_PATTERN`:
    words are runs of letters, digits or underscores (any script) that keep inner
    apostrophes, and every other non-space character is a token of its own.

    Parameters
    ----------
    text : str

    Returns
    -------
    tokens : list of str

    Examples
    --------
    >>> from skactive.text import tokenize
    >>> tokenize("It's NOT a bad film -- really!")
    ["it's", 'not', 'a', 'bad', 'film', '-', '-', 'really', '!']
    """
    return _TOKEN_RE.findall(text.lower())


def _is_na(value):
    """pandas' missing-value scalars (pd.NA, NaT) without importing pandas for plain lists."""
    if type(value).__module__.split(".")[0] != "pandas":
        return False
    import pandas as pd

    return bool(pd.isna(value))


def _describe(value):
    return "None" if value is None else f"{type(value).__name__} {value!r:.40}"


def check_texts(X, *, estimator_name="This estimator"):
    """Validate a 1-D collection of texts and return it as a list of str.

    Accepts a list or tuple of str, a 1-D numpy array of str or object dtype, a pandas Series
    or any other iterable of str. Raises a ValueError (or TypeError) that says what is wrong
    and how to fix it for: a single string, 2-D or numeric arrays, DataFrames, sparse matrices,
    missing values (None, NaN), bytes (decode them first) and an empty collection.

    Parameters
    ----------
    X : 1-D array-like of str
    estimator_name : str
        Used in the error messages.

    Returns
    -------
    texts : list of str

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.text import check_texts
    >>> check_texts(np.array(["a film", "dull"]))
    ['a film', 'dull']
    """
    what = f"{estimator_name} expects a 1-D collection of texts (a list, numpy array or pandas " \
        "Series of str)"
    if X is None:
        raise ValueError(f"{what}, got None.")
    if isinstance(X, (str, bytes)):
        raise ValueError(
            f"{what}, got a single {type(X).__name__}. Wrap one text in a list: [text]."
        )
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        raise TypeError(f"{what}, got a sparse matrix: pass the raw texts, not their features.")
    if hasattr(X, "columns"):  # a DataFrame
        raise ValueError(
            f"{what}, got a DataFrame with columns {list(X.columns)[:5]}. Select the text "
            "column, for example df['text']."
        )
    if hasattr(X, "to_numpy"):  # a pandas Series (or Index)
        X = X.to_numpy(dtype=object)
    if isinstance(X, np.ndarray):
        if X.ndim != 1:
            raise ValueError(
                f"{what}, got an array of shape {X.shape}. Numeric features belong to "
                "MLPClassifier; for texts pass one str per sample."
            )
        if X.dtype.kind == "S":
            raise TypeError(
                f"{estimator_name} expects str texts, got an array of bytes (dtype {X.dtype}): "
                "decode the texts first, for example np.char.decode(X, 'utf-8') (or the file's "
                "own encoding, such as 'latin-1')."
            )
        if X.dtype.kind not in "UO":
            raise ValueError(
                f"{what}, got a numeric array of dtype {X.dtype}. Numeric features belong to "
                "MLPClassifier; for texts pass one str per sample."
            )
        texts = X.tolist()
    else:
        try:
            texts = list(X)
        except TypeError:
            raise TypeError(f"{what}, got {type(X).__name__}.") from None
    for i, text in enumerate(texts):
        if isinstance(text, str):
            continue
        if isinstance(text, (bytes, bytearray)):
            raise TypeError(
                f"{estimator_name} expects str texts, but sample {i} is bytes: decode the texts "
                "first, for example [t.decode('utf-8') for t in X] (or the file's own encoding, "
                "such as 'latin-1'), or load them with skactive.datasets.load_text(path, "
                "encoding=...)."
            )
        if text is None or (isinstance(text, float) and np.isnan(text)) or _is_na(text):
            raise ValueError(
                f"{estimator_name} got a missing text ({_describe(text)}) at position {i}. "
                "Replace missing texts with '' (an empty text still gets a prediction) or drop "
                "them."
            )
        if isinstance(text, (list, tuple, np.ndarray)):
            raise ValueError(
                f"{what}, but sample {i} is a {type(text).__name__}: the input looks 2-D. Pass "
                "one str per sample (join pre-tokenised texts with spaces)."
            )
        raise TypeError(
            f"{what}, but sample {i} is {_describe(text)}. Numeric features belong to "
            "MLPClassifier; convert texts with str() only if they really are texts."
        )
    if not texts:
        raise ValueError(
            f"{estimator_name} got an empty collection of texts (0 samples); at least 1 is "
            "required."
        )
    return texts
