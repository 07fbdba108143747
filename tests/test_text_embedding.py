"""Tokenisation, vocabulary, encoding and word2vec vectors of skactive.text."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from skactive.text import (
    PAD_ID,
    UNK_ID,
    Word2VecEmbedding,
    build_vocabulary,
    check_texts,
    encode,
    tokenize,
)

REPO = Path(__file__).resolve().parents[1]
TEXTS = [
    "the film is a gripping , moving story",
    "a dull , tedious film with weak acting",
    "warm and funny , the story moves",
    "the acting is bad and the plot is dull",
] * 15


@pytest.mark.parametrize("text, tokens", [
    ("It's NOT a bad film -- really!", ["it's", "not", "a", "bad", "film", "-", "-", "really",
                                        "!"]),
    ("the 21st century's new \" conan \"", ["the", "21st", "century's", "new", '"', "conan",
                                            '"']),
    ("  Café\tNOIR…\n", ["café", "noir", "…"]),
    ("don’t stop", ["don’t", "stop"]),
    ("snake_case and x2", ["snake_case", "and", "x2"]),
    ("", []),
    (" \t ", []),
])
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_vocabulary_is_ordered_by_count_then_word_and_skips_rare_words():
    tokens = [["b", "a", "c"], ["c", "a", "d"], ["a"]]
    assert build_vocabulary(tokens) == {"a": 2, "c": 3, "b": 4, "d": 5}
    assert build_vocabulary(tokens[::-1]) == build_vocabulary(tokens)  # order-free
    assert build_vocabulary(tokens, min_count=2) == {"a": 2, "c": 3}
    assert build_vocabulary([[]]) == {}


def test_encode_pads_truncates_and_maps_unknown_words():
    vocab = {"a": 2, "film": 3}
    ids = encode([["a", "film", "a"], ["film"], [], ["zzz", "a"]], vocab)
    assert ids.dtype == np.int32
    assert ids.tolist() == [[2, 3, 2], [3, PAD_ID, PAD_ID], [UNK_ID, PAD_ID, PAD_ID],
                            [UNK_ID, 2, PAD_ID]]
    assert encode([["a", "film", "a"], ["film"]], vocab, max_length=2).tolist() == [[2, 3],
                                                                                    [3, 0]]
    assert encode([[], []], vocab).tolist() == [[UNK_ID], [UNK_ID]]


def test_check_texts_accepts_collections_of_str():
    assert check_texts(("a", "b")) == ["a", "b"]
    assert check_texts(np.array(["a", "b"])) == ["a", "b"]
    assert check_texts(iter(["a", ""])) == ["a", ""]
    assert check_texts(np.array(["a", np.str_("b")], dtype=object)) == ["a", "b"]


def test_check_texts_rejects_bytes_with_a_hint():
    with pytest.raises(TypeError, match="decode .*latin-1"):
        check_texts(["ok", b"caf\xe9"], estimator_name="TextCNNClassifier")
    with pytest.raises(TypeError, match="np.char.decode"):
        check_texts(np.array([b"caf\xe9"]))
    with pytest.raises(TypeError, match="int"):
        check_texts(5)


def test_word2vec_vectors_and_vocabulary():
    emb = Word2VecEmbedding(vector_size=12, epochs=3, random_state=0).fit(TEXTS)
    words = {w for t in TEXTS for w in tokenize(t)}
    assert set(emb.vocabulary_) == words
    assert sorted(emb.vocabulary_.values()) == list(range(len(words)))
    assert emb.vectors_.shape == (len(words), 12) and emb.vectors_.dtype == np.float32
    rare = Word2VecEmbedding(vector_size=12, min_count=16, epochs=1, random_state=0).fit(TEXTS)
    assert set(rare.vocabulary_) == {w for w in words if sum(
        t.split().count(w) for t in TEXTS) >= 16}


def test_word2vec_is_deterministic_in_process():
    a = Word2VecEmbedding(vector_size=8, epochs=2, random_state=3).fit(TEXTS)
    b = Word2VecEmbedding(vector_size=8, epochs=2, random_state=3).fit(TEXTS)
    c = Word2VecEmbedding(vector_size=8, epochs=2, random_state=4).fit(TEXTS)
    assert a.vocabulary_ == b.vocabulary_
    np.testing.assert_array_equal(a.vectors_, b.vectors_)
    assert not np.allclose(a.vectors_, c.vectors_)


def test_read_only_word_vectors_start_the_model_silently_and_unchanged():
    """Vectors memory-mapped read-only (as joblib hands them to a worker) are only read."""
    import warnings

    import torch

    from skactive import TextCNNClassifier
    from skactive.text._base import N_SPECIAL, PAD_ID, UNK_ID

    emb = Word2VecEmbedding(vector_size=8, epochs=1, random_state=0).fit(TEXTS)
    clf = TextCNNClassifier(n_filters=4, embedding=emb, max_epochs=1, random_state=0)
    clf.fit(TEXTS, [0, 1] * (len(TEXTS) // 2))
    read_only = clf.embedding_.vectors_.copy()
    read_only.setflags(write=False)
    clf.embedding_.vectors_ = read_only
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch.as_tensor warned here: "not writable"
        vectors = clf._initial_vectors()
    assert vectors.dtype == torch.float32 and vectors.shape == (
        len(clf.vocabulary_) + N_SPECIAL, read_only.shape[1])
    assert not vectors[PAD_ID].any() and not vectors[UNK_ID].any()
    np.testing.assert_array_equal(vectors[N_SPECIAL:].numpy(), read_only)


_SCRIPT = textwrap.dedent("""
    import hashlib, sys
    sys.path.insert(0, sys.argv[1])
    import numpy as np
    from skactive import TextCNNClassifier
    from skactive.text import Word2VecEmbedding
    texts = {texts!r}
    emb = Word2VecEmbedding(vector_size=8, epochs=2, random_state=5).fit(texts)
    clf = TextCNNClassifier(n_filters=4, embedding_dim=8, max_epochs=2, random_state=5)
    clf.fit(texts, [0, 1, 1, 0] * (len(texts) // 4))
    digest = hashlib.sha256()
    digest.update(repr(sorted(emb.vocabulary_.items())).encode())
    digest.update(emb.vectors_.tobytes())
    digest.update(clf.embedding_.vectors_.tobytes())
    digest.update(np.ascontiguousarray(clf.predict_proba(texts)).tobytes())
    print(hash("film") % 1000, digest.hexdigest())
""")


def test_same_vectors_and_model_in_new_processes_whatever_the_hash_seed(tmp_path):
    """gensim seeds with Python's hash by default: randomised per process unless told not to."""
    script = tmp_path / "w2v.py"
    script.write_text(_SCRIPT.format(texts=TEXTS))
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, str(script), str(REPO)], env=env,
                                capture_output=True, text=True, timeout=300, check=True)
        outputs.append(result.stdout.split())
    (hash1, digest1), (hash2, digest2) = outputs
    assert hash1 != hash2  # the processes really hashed strings differently
    assert digest1 == digest2


def test_fitted_embedding_survives_clone_unfitted_does_not_get_fitted():
    emb = Word2VecEmbedding(vector_size=8, epochs=1, random_state=0).fit(TEXTS)
    copy = clone(emb)
    assert copy is not emb and copy.vectors_ is emb.vectors_
    assert copy.vocabulary_ == emb.vocabulary_
    copy.set_params(window=2)
    assert emb.window == 5
    assert not hasattr(clone(Word2VecEmbedding()), "vectors_")


@pytest.mark.parametrize("params, message", [
    ({"vector_size": 0}, "vector_size"),
    ({"window": 1.5}, "window"),
    ({"epochs": 0}, "epochs"),
    ({"min_count": 1000}, "min_count=1000"),
])
def test_word2vec_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        Word2VecEmbedding(**params).fit(TEXTS)


def test_word2vec_input_errors():
    with pytest.raises(ValueError, match="at least one word"):
        Word2VecEmbedding().fit(["", "  "])
    with pytest.raises(TypeError, match="decode"):
        Word2VecEmbedding().fit([b"a film"])
