"""Conformance battery of the text classifiers (scikit-learn's checks cannot feed text).

Every test runs on both TextCNNClassifier and BiLSTMClassifier, small versions of them, on a
synthetic corpus whose label is carried by sentiment words among filler words.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from skactive import BiLSTMClassifier, TextCNNClassifier, readouts
from skactive.text import PAD_ID, Word2VecEmbedding

POS = ["good", "great", "fun", "moving", "warm", "brilliant"]
NEG = ["bad", "dull", "boring", "tedious", "awful", "weak"]
FILLER = ["the", "film", "a", "story", "is", "was", "and", "with", "acting", "plot", ",", "."]


def make_corpus(n, random_state=0):
    """Sentences of 3-14 tokens; the label is the polarity of 1-2 inserted cue words."""
    rng = np.random.RandomState(random_state)
    y = rng.randint(0, 2, n)
    texts = []
    for label in y:
        words = list(rng.choice(FILLER, rng.randint(2, 12)))
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randint(len(words) + 1), rng.choice(POS if label else NEG))
        texts.append(" ".join(words))
    return np.array(texts, dtype=object), y


SMALL = {
    "textcnn": (TextCNNClassifier, dict(n_filters=8, filter_sizes=(2, 3))),
    "bilstm": (BiLSTMClassifier, dict(hidden_size=8)),
}
COMMON = dict(embedding="random", embedding_dim=16, learning_rate=0.02, max_epochs=10,
              random_state=0)


def small(name, **params):
    cls, own = SMALL[name]
    return cls(**{**own, **COMMON, **params})


@pytest.fixture(params=list(SMALL))
def name(request):
    return request.param


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(240)


@pytest.fixture(scope="module")
def fitted(corpus):
    X, y = corpus
    return {n: small(n).fit(X[:200], y[:200]) for n in SMALL}


def test_learns_the_corpus(fitted, corpus, name):
    X, y = corpus
    assert fitted[name].score(X[200:], y[200:]) >= 0.9  # held-out sentences


def test_get_set_params_and_clone(fitted, name):
    clf = fitted[name]
    params = clf.get_params()
    assert params["embedding"] == "random" and params["dropout"] == 0.5
    copy = clone(clf)
    assert copy.get_params() == params
    assert not hasattr(copy, "net_") and not hasattr(copy, "vocabulary_")
    copy.set_params(dropout=0.25, max_length=5)
    assert (copy.dropout, copy.max_length, clf.dropout) == (0.25, 5, 0.5)


def test_pickle_round_trips_predictions(fitted, corpus, name):
    X, _ = corpus
    clf = fitted[name]
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.vocabulary_ == clf.vocabulary_


def test_refit_is_deterministic_and_leaves_global_rng_alone(corpus, name):
    X, y = corpus
    torch.manual_seed(0)
    before = torch.rand(2)
    torch.manual_seed(0)
    p1 = small(name, max_epochs=2).fit(X, y).predict_proba(X)
    after = torch.rand(2)
    p2 = small(name, max_epochs=2).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(before, after)
    p3 = small(name, max_epochs=2, random_state=1).fit(X, y).predict_proba(X)
    assert not np.allclose(p1, p3)


def test_predictions_do_not_depend_on_batch_order_or_subset(fitted, corpus, name):
    # float64 predictions: equal to 1e-12 whatever the batch, its padding length or the order
    X, _ = corpus
    clf = fitted[name]
    full = clf.predict_proba(X)
    order = np.random.RandomState(0).permutation(len(X))
    np.testing.assert_allclose(clf.predict_proba(X[order]), full[order], rtol=0, atol=1e-12)
    np.testing.assert_allclose(clf.predict_proba(X[5:9]), full[5:9], rtol=0, atol=1e-12)
    one_by_one = np.vstack([clf.predict_proba([x]) for x in X[:20]])
    np.testing.assert_allclose(one_by_one, full[:20], rtol=0, atol=1e-12)
    small_batches = pickle.loads(pickle.dumps(clf))
    small_batches._inference_batch_size = 7
    np.testing.assert_allclose(small_batches.predict_proba(X), full, rtol=0, atol=1e-12)


def test_padding_never_changes_the_output(fitted, name):
    # the module itself, float32: extra padding columns (longer batches) change nothing
    module = fitted[name].inference_module()
    tokens = torch.tensor([[5, 7, 9, 3], [6, 2, 0, 0], [4, 0, 0, 0]])
    padded = torch.cat([tokens, torch.zeros(3, 9, dtype=torch.long)], dim=1)
    with torch.no_grad():
        z, z_padded = module(tokens), module(padded)
        alone = torch.cat([module(tokens[i:i + 1, :int((tokens[i] != PAD_ID).sum())])
                           for i in range(3)])
    torch.testing.assert_close(z_padded, z, rtol=0, atol=1e-6)
    torch.testing.assert_close(alone, z, rtol=0, atol=1e-6)


def test_proba_is_softmax_of_logits_and_predict_is_argmax(fitted, corpus, name):
    X, _ = corpus
    clf = fitted[name]
    z = clf.logits(X)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba, np.exp(z) / np.exp(z).sum(1, keepdims=True), rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[z.argmax(1)])
    np.testing.assert_allclose(clf.decision_function(X), z[:, 1] - z[:, 0], rtol=1e-12)
    # the float32 readouts agree with the float64 predictions
    np.testing.assert_allclose(readouts.logits(clf, X), z, rtol=0, atol=1e-4)


def test_not_fitted_errors(name):
    clf = small(name)
    for method in (clf.predict, clf.predict_proba, clf.logits):
        with pytest.raises(NotFittedError):
            method(["a film"])
    with pytest.raises(NotFittedError):
        readouts.word_interpretations(clf, ["a film"])


def test_string_integer_and_multiclass_labels(corpus, name):
    X, y = corpus
    words = np.array(["neg", "pos"])[y]
    clf = small(name, max_epochs=2).fit(X, words)
    assert clf.classes_.tolist() == ["neg", "pos"]
    assert set(clf.predict(X)) <= {"neg", "pos"}
    clf = small(name, max_epochs=2).fit(X, y + 10)
    assert clf.classes_.tolist() == [10, 11] and clf.predict(X).dtype.kind == "i"
    three = np.where(np.char.find(X.astype(str), "film") >= 0, 2, y)
    clf = small(name, max_epochs=2).fit(X, three)
    assert clf.classes_.tolist() == [0, 1, 2] and clf.predict_proba(X).shape == (len(X), 3)


def test_single_class_is_a_clear_error(corpus, name):
    X, _ = corpus
    with pytest.raises(ValueError, match="at least 2 classes"):
        small(name).fit(X[:10], ["pos"] * 10)


@pytest.mark.parametrize("bad, error, message", [
    (np.zeros((4, 3)), ValueError, "shape \\(4, 3\\)"),
    (np.arange(4.0), ValueError, "numeric array"),
    (["a film", None, "dull"], ValueError, "missing text .* position 1"),
    (["a film", float("nan")], ValueError, "missing text"),
    (pd.Series(["a film", None], dtype="string"), ValueError, "missing text .* position 1"),
    (["a film", 3], TypeError, "sample 1 is int"),
    ([["a", "film"], ["dull"]], ValueError, "looks 2-D"),
    ("a film", ValueError, "single str"),
    (None, ValueError, "got None"),
    (pd.DataFrame({"text": ["a film"]}), ValueError, "df\\['text'\\]"),
    (sp.csr_matrix(np.eye(2)), TypeError, "sparse"),
    ([b"a film", b"dull"], TypeError, "decode"),
    (np.array([b"caf\xe9"]), TypeError, "decode"),
    ([], ValueError, "empty collection"),
    (np.array([], dtype=object), ValueError, "empty collection"),
])
def test_non_text_input_is_a_clear_error(fitted, name, bad, error, message):
    with pytest.raises(error, match=message):
        fitted[name].predict(bad)
    if isinstance(bad, (list, np.ndarray)) and len(bad) == 2:  # the same error from fit
        with pytest.raises(error, match=message):
            small(name).fit(bad, [0, 1])


def test_fit_input_errors(corpus, name):
    X, y = corpus
    with pytest.raises(ValueError, match="empty collection"):
        small(name).fit([], [])
    with pytest.raises(ValueError, match="240 texts but y has 3"):
        small(name).fit(X, y[:3])
    with pytest.raises(ValueError, match="requires y"):
        small(name).fit(X, None)
    with pytest.raises(TypeError, match="decode"):
        small(name).fit([t.encode() for t in X], y)


def test_empty_and_unknown_texts_still_get_predictions(fitted, name):
    clf = fitted[name]
    proba = clf.predict_proba(["", "   ", "qwerty", "qwerty zxcvb !?", "good"])
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(1), 1.0)
    # an empty text and a single unknown word are the same input: one unknown token
    np.testing.assert_array_equal(proba[0], proba[1])
    np.testing.assert_array_equal(proba[0], proba[2])


def test_list_array_and_series_inputs_agree(fitted, corpus, name):
    X, _ = corpus
    clf = fitted[name]
    expected = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict_proba(list(X)), expected)
    np.testing.assert_array_equal(clf.predict_proba(X.astype(str)), expected)
    np.testing.assert_array_equal(clf.predict_proba(pd.Series(X, index=X.size - np.arange(
        X.size))), expected)
    np.testing.assert_array_equal(clf.predict_proba(tuple(X)), expected)


def test_tokenisation_lowercases_and_truncates(fitted, name):
    clf = fitted[name]
    np.testing.assert_array_equal(clf.predict_proba(["GOOD Film"]),
                                  clf.predict_proba(["good film"]))
    short = small(name, max_length=3).fit(*make_corpus(60, random_state=1))
    long_text = "good film with acting and plot"
    np.testing.assert_array_equal(short.predict_proba([long_text]),
                                  short.predict_proba(["good film with"]))


def test_works_in_pipeline_and_grid_search(corpus, name):
    X, y = corpus
    pipe = Pipeline([
        ("strip", FunctionTransformer(lambda texts: [t.replace(",", " ") for t in texts])),
        ("clf", small(name, max_epochs=2)),
    ])
    pipe.fit(X, y)
    assert pipe.predict(X[:5]).shape == (5,)
    r, d = readouts.word_interpretations(pipe, X[:5])  # readouts see the transformed text
    assert r.shape == (5, 16) and d.shape == (5,)
    search = GridSearchCV(small(name, max_epochs=2), {"dropout": [0.0, 0.5]}, cv=2).fit(X, y)
    assert search.best_params_["dropout"] in (0.0, 0.5)
    assert search.predict(X[:3]).shape == (3,)


def test_fitted_embedding_is_reused_not_retrained(corpus, name):
    X, y = corpus
    embedding = Word2VecEmbedding(vector_size=16, epochs=2, random_state=0).fit(X)
    clf = small(name, embedding=embedding, max_epochs=1).fit(X[:50], y[:50])
    assert clf.embedding_ is embedding
    # vocabulary of the embedding (all texts), not of the 50 training texts
    assert set(clf.vocabulary_) == set(embedding.vocabulary_)
    rows = [clf.vocabulary_[w] for w in ("good", "film")]
    initial = clf._initial_vectors()  # pad and unknown rows at zero, then the word2vec rows
    np.testing.assert_array_equal(initial[rows].numpy(),
                                  embedding.vectors_[[embedding.vocabulary_[w] for w in
                                                      ("good", "film")]])
    assert not initial[:2].any()
    # cloning (as ActiveLearner and GridSearchCV do) keeps the fitted vectors
    copy = clone(clf)
    assert copy.embedding.vectors_ is embedding.vectors_
    assert clone(copy).fit(X[:50], y[:50]).embedding_.vectors_ is embedding.vectors_


def test_unfitted_embedding_is_fitted_on_a_copy(corpus, name):
    X, y = corpus
    embedding = Word2VecEmbedding(vector_size=16, epochs=1)
    clf = small(name, embedding=embedding, max_epochs=1).fit(X[:50], y[:50])
    assert not hasattr(embedding, "vectors_")  # the parameter is untouched
    assert clf.embedding_.vectors_.shape[1] == 16
    assert clf.embedding_.random_state is not None  # seeded from the classifier


def test_word2vec_default_and_dimension(corpus, name):
    X, y = corpus
    cls, own = SMALL[name]
    clf = cls(**own, embedding_dim=12, max_epochs=1, random_state=0).fit(X, y)
    assert clf.embedding == "word2vec" and isinstance(clf.embedding_, Word2VecEmbedding)
    assert clf.module_.embedding.weight.shape == (len(clf.vocabulary_) + 2, 12)
    again = cls(**own, embedding_dim=12, max_epochs=1, random_state=0).fit(X, y)
    np.testing.assert_array_equal(again.embedding_.vectors_, clf.embedding_.vectors_)


def test_min_count_maps_rare_words_to_unknown(corpus, name):
    X, y = corpus
    clf = small(name, min_count=1000, max_epochs=1).fit(X, y)
    assert clf.vocabulary_ == {}
    assert (clf._validate_input(X[:3]) <= 1).all()  # all unknown, never padding-only


@pytest.mark.parametrize("freeze", [True, False])
def test_freeze_embedding(corpus, name, freeze):
    X, y = corpus
    embedding = Word2VecEmbedding(vector_size=16, epochs=1, random_state=0).fit(X)
    clf = small(name, embedding=embedding, freeze_embedding=freeze, max_epochs=2).fit(X, y)
    weight = clf.module_.embedding.weight.detach().numpy()
    assert np.array_equal(weight[2:], embedding.vectors_) is freeze
    assert clf.module_.embedding.weight.requires_grad is not freeze
    assert not weight[PAD_ID].any()  # the padding row stays zero


def test_target_loss_and_epochs(corpus, name):
    X, y = corpus
    assert small(name, target_loss=10.0).fit(X, y).n_iter_ == 1
    clf = small(name, target_loss=None, n_iter_no_change=None, max_epochs=3).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3
    clf = small(name, target_loss=0.3, max_epochs=50).fit(X, y)
    assert clf.loss_curve_[-1] < 0.3 <= min(clf.loss_curve_[:-1], default=1.0)


def test_early_stopping_holds_out_validation(corpus, name):
    X, y = corpus
    clf = small(name, early_stopping=True, max_epochs=3).fit(X, y)
    assert "valid_loss" in clf.net_.history[-1]


@pytest.mark.parametrize("params, message", [
    ({"dropout": 1.0}, "dropout"),
    ({"max_length": 0}, "max_length"),
    ({"embedding_dim": 0}, "embedding_dim"),
    ({"min_count": 0}, "min_count"),
    ({"embedding": "glove"}, "'word2vec', 'random'"),
    ({"embedding": object()}, "vocabulary_ and vectors_"),
    ({"target_loss": -1}, "target_loss"),
    ({"learning_rate": 0}, "learning_rate"),
])
def test_bad_parameters_raise_clear_errors(corpus, name, params, message):
    X, y = corpus
    with pytest.raises(ValueError, match=message):
        small(name, **params).fit(X[:20], y[:20])


def test_architecture_parameters(corpus):
    X, y = corpus
    cnn = TextCNNClassifier(filter_sizes=(2, 4), n_filters=5, embedding="random",
                            embedding_dim=6, max_epochs=1).fit(X, y)
    assert [c.kernel_size[0] for c in cnn.module_.convs] == [2, 4]
    assert cnn.module_.head.in_features == 10
    with pytest.raises(ValueError, match="filter_sizes"):
        TextCNNClassifier(filter_sizes=(0,), embedding="random", max_epochs=1).fit(X, y)
    lstm = BiLSTMClassifier(hidden_size=5, embedding="random", embedding_dim=6,
                            max_epochs=1).fit(X, y)
    assert lstm.module_.head.in_features == 10
    with pytest.raises(ValueError, match="hidden_size"):
        BiLSTMClassifier(hidden_size=0, embedding="random", max_epochs=1).fit(X, y)


def test_defaults_follow_the_papers():
    cnn, lstm = TextCNNClassifier(), BiLSTMClassifier()
    assert (cnn.filter_sizes, cnn.n_filters, cnn.dropout) == ((3, 4, 5), 100, 0.5)
    assert (lstm.hidden_size, cnn.embedding_dim, cnn.embedding) == (100, 100, "word2vec")
    assert cnn.__sklearn_tags__().input_tags.string and lstm.__sklearn_tags__().input_tags.string
    assert cnn._predict_dtype == torch.float64 and cnn._inference_batch_size == 512


def test_scikit_learn_tags_say_text():
    tags = TextCNNClassifier().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array


# --------------------------------------------------------------------------- length buckets
def test_length_buckets_cover_every_sample_once_with_similar_lengths():
    from skactive.text._base import LengthBucketBatchSampler

    lengths = np.random.RandomState(0).randint(1, 60, 1003)
    sampler = LengthBucketBatchSampler(lengths, batch_size=10, pool_batches=5)
    torch.manual_seed(0)
    batches = list(sampler)
    assert len(batches) == len(sampler) == 101
    assert sorted(i for b in batches for i in b) == list(range(1003))  # an epoch, exactly
    # within a batch lengths span far less than in a random batch of the same size
    spread = np.mean([np.ptp(lengths[b]) for b in batches if len(b) == 10])
    random_spread = np.mean([np.ptp(lengths[b]) for b in np.array_split(np.arange(1000), 100)])
    assert spread < random_spread / 3
    torch.manual_seed(0)
    assert list(sampler) == batches  # same torch seed, same epoch
    assert list(sampler) != batches  # the next epoch is a new shuffle
    in_order = list(LengthBucketBatchSampler(lengths, 10, shuffle=False))
    assert [i for b in in_order for i in b] == list(range(1003))


def test_inference_batches_are_sorted_by_length_and_predictions_do_not_depend_on_it():
    X, y = make_corpus(120)
    clf = TextCNNClassifier(n_filters=4, embedding="random", embedding_dim=8, max_epochs=3,
                            random_state=0).fit(X, y)
    ids = clf._validate_input(X)
    seen = []
    for rows, tokens in clf.iter_input_batches(ids, batch_size=16):
        lengths = (tokens != PAD_ID).sum(1)
        assert tokens.shape[1] == lengths.max()  # no all-padding column
        seen.extend(np.asarray(rows).tolist())
    assert sorted(seen) == list(range(120))
    seen_lengths = (ids[seen] != PAD_ID).sum(1)
    assert (np.diff(seen_lengths) >= 0).all()  # shortest sentences first, across batches
    assert not (np.diff((ids != PAD_ID).sum(1)) >= 0).all()  # the input order was not sorted
    one_by_one = np.vstack([clf.predict_proba(X[i:i + 1]) for i in range(0, 120, 7)])
    np.testing.assert_allclose(clf.predict_proba(X)[::7], one_by_one, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("optimizer, fused", [("adam", True), ("adamw", True), ("sgd", None)])
def test_adam_steps_are_fused_and_other_optimizers_left_alone(optimizer, fused):
    X, y = make_corpus(40)
    clf = TextCNNClassifier(n_filters=4, embedding="random", embedding_dim=8, max_epochs=1,
                            optimizer=optimizer, random_state=0).fit(X, y)
    assert clf.net_.optimizer_.defaults.get("fused") is fused


def _encode_reference(token_lists, vocabulary, max_length):
    """One row at a time: the encoding as its docstring states it."""
    rows = [[vocabulary.get(w, 1) for w in tokens[:max_length]] or [1] for tokens in token_lists]
    out = np.zeros((len(rows), max(map(len, rows), default=1)), dtype=np.int32)
    for i, row in enumerate(rows):
        out[i, :len(row)] = row
    return out


@pytest.mark.parametrize("max_length", [None, 1, 3, 40])
def test_encode_matches_a_row_by_row_reference(max_length):
    from skactive.text import encode

    rng = np.random.RandomState(0)
    words = POS + NEG + FILLER + ["unseen", "qwerty"]
    vocabulary = {w: i + 2 for i, w in enumerate(POS + NEG + FILLER)}
    token_lists = [list(rng.choice(words, rng.randint(0, 9))) for _ in range(300)]
    token_lists[:3] = [[], ["unseen"], ["qwerty"] * 20]
    ids = encode(token_lists, vocabulary, max_length)
    assert ids.dtype == np.int32
    np.testing.assert_array_equal(ids, _encode_reference(token_lists, vocabulary, max_length))
    # an empty collection and one text with no token keep one position
    assert encode([], vocabulary).shape == (0, 1)
    np.testing.assert_array_equal(encode([[]], vocabulary, max_length), [[1]])
    # any iterable of token lists, as for build_vocabulary
    np.testing.assert_array_equal(encode(iter(token_lists), vocabulary, max_length), ids)


def test_logits_readout_is_the_bare_forward_on_its_own_batches(fitted, corpus, name):
    """The readout adds tokenisation, encoding and batching around the module's forward and
    nothing else: exactly the module's output on the length-sorted batches, and the output
    on each sentence alone (no padding) to float32 round-off."""
    X, _ = corpus
    clf = fitted[name]
    pool = np.concatenate([X[:40], ["", "qwerty unseen words", " ".join(X[:6])]])
    module = clf.inference_module()
    bare = np.empty((len(pool), len(clf.classes_)), dtype=np.float32)
    with torch.no_grad(), clf.threads():  # the readout's thread count: the same reductions
        for rows, tokens in clf.iter_input_batches(clf.validate_input(pool), batch_size=8):
            bare[rows] = module(tokens).numpy()
        alone = np.vstack([module(torch.as_tensor(clf.validate_input([text]),
                                                  dtype=torch.long)).numpy()
                           for text in pool])
    np.testing.assert_array_equal(readouts.logits(clf, pool, batch_size=8), bare)
    np.testing.assert_allclose(readouts.logits(clf, pool), alone, rtol=1e-5, atol=1e-5)
