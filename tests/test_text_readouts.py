"""Readouts of the text classifiers: per-word gradients, DAMI's representations, EGL(-word).

Per-word gradients are checked against central finite differences of a float64 copy of tiny
fitted networks; the batched readouts against brute-force per-sentence references.
"""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification

from skactive import ActiveLearner, BiLSTMClassifier, MLPClassifier, TextCNNClassifier, readouts
from skactive import strategies
from skactive.strategies import EGLWord, get_strategy
from skactive.text import PAD_ID

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


X, Y = make_corpus(120)
# a pool with very different lengths, an empty text, unknown words and a long sentence
POOL = np.array(["good film", "", "qwerty zxcvb", "the acting was dull and the plot weak",
                 "fun", "bad , bad , bad", " ".join(["a story with warm acting"] * 4)]
                + list(X[:13]), dtype=object)
KINDS = ["textcnn", "bilstm"]


def tiny(kind, **params):
    common = dict(embedding="random", embedding_dim=4, learning_rate=0.02, max_epochs=4,
                  random_state=0)
    common.update(params)
    params = {}
    if kind == "textcnn":
        return TextCNNClassifier(filter_sizes=(2, 3), n_filters=3, **common, **params)
    return BiLSTMClassifier(hidden_size=3, **common, **params)


@pytest.fixture(scope="module")
def models():
    return {(kind, freeze): tiny(kind, freeze_embedding=freeze).fit(X, Y)
            for kind in KINDS for freeze in (False, True)}


@pytest.fixture(params=KINDS)
def clf(request, models):
    return models[request.param, False]


def float64_module(clf):
    module = clf.inference_module(torch.float64)
    return module


def tokens_of(clf, text):
    ids = clf._validate_input([text])
    return torch.as_tensor(ids[:, :int((ids != PAD_ID).sum())], dtype=torch.long)


def score_fn(module, tokens, target):
    """The predicted class's logit (or probability) as a function of the word vectors."""
    mask = tokens != PAD_ID
    with torch.no_grad():
        z = module(tokens)
    k = int(z.argmax())

    def score(E):
        out = module.forward_from_embeddings(E, mask)
        return (torch.softmax(out, 1) if target == "proba" else out)[0, k]

    return score


@pytest.mark.parametrize("target", ["logit", "proba"])
def test_word_gradients_match_finite_differences(clf, target):
    module = float64_module(clf)
    # no repeated word pair and no unknown (zero) vector: max-over-time has no ties there, so
    # the CNN is differentiable (at a tie torch splits the gradient, a finite difference not)
    texts = ["good film", "the acting was dull and the plot weak", "fun",
             "boring plot , great acting", "a story with warm acting"]
    grads, mask = readouts.word_gradients(clf, texts, target=target)
    assert grads.dtype == np.float32 and grads.shape[:2] == mask.shape
    eps = 1e-6
    for i, text in enumerate(texts):
        tokens = tokens_of(clf, text)
        score = score_fn(module, tokens, target)
        with torch.no_grad():
            E = module.embed(tokens)
            numeric = torch.zeros_like(E)
            for j in range(E.shape[1]):
                for d in range(E.shape[2]):
                    step = torch.zeros_like(E)
                    step[0, j, d] = eps
                    numeric[0, j, d] = (score(E + step) - score(E - step)) / (2 * eps)
        n = tokens.shape[1]
        assert mask[i].sum() == n
        np.testing.assert_allclose(grads[i, :n], numeric[0].numpy(), rtol=1e-3, atol=2e-5)
        assert not grads[i, n:].any()  # padded positions: exactly zero
    assert np.abs(grads).max() > 1e-3  # not trivially zero


def test_word_gradients_do_not_depend_on_the_batch(clf):
    full, mask = readouts.word_gradients(clf, POOL)
    for batch_size in (1, 4):
        again, _ = readouts.word_gradients(clf, POOL, batch_size=batch_size)
        np.testing.assert_allclose(again, full, rtol=0, atol=1e-6)
    alone, _ = readouts.word_gradients(clf, POOL[:1])  # no long sentence, less padding
    np.testing.assert_allclose(alone[0], full[0, :alone.shape[1]], rtol=0, atol=1e-6)
    assert mask[1].tolist()[:2] == [True, False]  # the empty text: one unknown position


def brute_force_interpretations(clf, texts):
    grads, mask = readouts.word_gradients(clf, texts, batch_size=1)
    G = grads.astype(np.float64)
    per_sentence = (G * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    mean = per_sentence.mean(0)
    distance = ((G - mean) ** 2).sum(2)
    distance[~mask] = -np.inf
    d = distance.argmax(1)
    return grads[np.arange(len(texts)), d], d


def test_word_interpretations_follow_dami_definition(clf):
    r, d = readouts.word_interpretations(clf, POOL)
    r_ref, d_ref = brute_force_interpretations(clf, POOL)
    assert r.dtype == np.float32 and r.shape == (len(POOL), 4) and d.dtype == np.int64
    np.testing.assert_array_equal(d, d_ref)
    np.testing.assert_allclose(r, r_ref, rtol=0, atol=1e-6)
    for batch_size in (1, 3):  # the two passes agree however the pool is sliced
        r_b, d_b = readouts.word_interpretations(clf, POOL, batch_size=batch_size)
        np.testing.assert_array_equal(d_b, d)
        np.testing.assert_allclose(r_b, r, rtol=0, atol=1e-6)
    lengths = (clf._validate_input(POOL) != PAD_ID).sum(1)
    assert ((d >= 0) & (d < lengths)).all()  # a real word, never padding


def test_texts_without_known_words_get_a_representation(clf):
    texts = ["", "qwerty", "qwerty zxcvb", "good film"]
    r, d = readouts.word_interpretations(clf, texts)
    grads, _ = readouts.word_gradients(clf, texts)
    assert d[0] == 0 and d[1] == 0  # the one unknown-word position
    np.testing.assert_array_equal(r[0], r[1])  # "" and one unknown word: the same input
    np.testing.assert_allclose(r[:3], grads[np.arange(3), d[:3]], rtol=0, atol=1e-6)
    assert np.abs(r[0]).sum() > 0


def test_word_interpretations_proba_target(clf):
    r_logit, _ = readouts.word_interpretations(clf, POOL, target="logit")
    r_proba, _ = readouts.word_interpretations(clf, POOL, target="proba")
    assert not np.allclose(r_logit, r_proba)
    with pytest.raises(ValueError, match="target"):
        readouts.word_interpretations(clf, POOL, target="loss")


def brute_force_egl_word(clf, texts):
    """EGL-word one sentence at a time: every label's cross-entropy gradient, plain autograd."""
    module = float64_module(clf)
    expected = []
    for text in texts:
        tokens = tokens_of(clf, text)
        E = module.embed(tokens).detach().requires_grad_(True)
        z = module.forward_from_embeddings(E, tokens != PAD_ID)
        p = torch.softmax(z, 1)[0].detach()
        per_word = 0
        for y in range(len(clf.classes_)):
            loss = torch.nn.functional.cross_entropy(z, torch.tensor([y]))
            (g,) = torch.autograd.grad(loss, E, retain_graph=True)
            per_word = per_word + p[y] * g[0].norm(dim=1)
        expected.append(float(per_word.max()))
    return np.array(expected)


def test_expected_word_gradient_norms_match_brute_force(clf):
    scores = readouts.expected_word_gradient_norms(clf, POOL)
    np.testing.assert_allclose(scores, brute_force_egl_word(clf, POOL), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(readouts.expected_word_gradient_norms(clf, POOL, batch_size=2),
                               scores, rtol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_expected_word_gradient_norms_three_classes(kind):
    """K - 1 backward passes (differences to class 0) give every one of K labels' gradients."""
    y3 = np.where(np.char.find(X.astype(str), "film") >= 0, 2, Y)
    model = tiny(kind).fit(X, y3)
    assert len(model.classes_) == 3
    scores = readouts.expected_word_gradient_norms(model, POOL)
    np.testing.assert_allclose(scores, brute_force_egl_word(model, POOL), rtol=1e-4, atol=1e-7)


def test_word_interpretations_match_plain_autograd(clf):
    """DAMI's Eq. 3-6 sentence by sentence with plain autograd, no padding anywhere."""
    module = clf.inference_module()
    per_word = []
    for text in POOL:
        tokens = tokens_of(clf, text)
        E = module.embed(tokens).detach().requires_grad_(True)
        z = module.forward_from_embeddings(E, tokens != PAD_ID)[0]
        (g,) = torch.autograd.grad(z[z.argmax()], E)
        per_word.append(g[0].numpy().astype(np.float64))
    mean = np.mean([g.mean(0) for g in per_word], axis=0)
    d_ref = np.array([int(((g - mean) ** 2).sum(1).argmax()) for g in per_word])
    r_ref = np.array([g[j] for g, j in zip(per_word, d_ref)])
    r, d = readouts.word_interpretations(clf, POOL)
    np.testing.assert_array_equal(d, d_ref)
    np.testing.assert_allclose(r, r_ref, rtol=1e-5, atol=1e-6)


def test_word_interpretations_reuse_the_first_pass_within_the_budget(clf, monkeypatch):
    """Pass 2 recomputes only what pass 1 could not keep; the results do not change."""
    module = clf.inference_module()
    calls = []
    forward = module.forward_from_embeddings

    def counted(E, mask):
        calls.append(bool(mask.all()))
        return forward(E, mask)

    monkeypatch.setattr(module, "forward_from_embeddings", counted)
    r, d = readouts.word_interpretations(clf, POOL, batch_size=3)
    n_slices = len(calls)
    assert all(calls)  # every slice holds sentences of one length: no padding
    budget = readouts.word_interpretations.__globals__
    for values, recomputed in ((0, n_slices), (10 ** 9, 0)):
        calls.clear()
        monkeypatch.setitem(budget, "PER_SAMPLE_GRADIENT_BUDGET", values)
        r_b, d_b = readouts.word_interpretations(clf, POOL, batch_size=3)
        assert len(calls) == n_slices + recomputed
        np.testing.assert_array_equal(d_b, d)
        np.testing.assert_array_equal(r_b, r)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("freeze", [False, True])
def test_expected_gradient_norms_match_per_sample_gradients(models, kind, freeze):
    """EGL over all trainable parameters: the factorised text Gram equals brute force."""
    clf = models[kind, freeze]
    egl = readouts.expected_gradient_norms(clf, POOL)
    module = float64_module(clf)
    params = [p for p in module.parameters() if p.requires_grad]
    assert any(p is module.embedding.weight for p in params) is not freeze
    expected = []
    for text in POOL:
        z = module(tokens_of(clf, text))
        p = torch.softmax(z, 1)[0].detach()
        total = 0
        for y in range(2):
            loss = torch.nn.functional.cross_entropy(z, torch.tensor([y]))
            grads = torch.autograd.grad(loss, params, retain_graph=True)
            total = total + p[y] * torch.sqrt(sum((g ** 2).sum() for g in grads))
        expected.append(float(total))
    np.testing.assert_allclose(egl, expected, rtol=2e-4)


def test_input_gradients_points_to_word_gradients(clf):
    with pytest.raises(TypeError, match="word_gradients"):
        readouts.input_gradients(clf, POOL)


def test_word_readouts_refuse_tables():
    Xt, yt = make_classification(n_samples=40, n_features=4, random_state=0)
    mlp = MLPClassifier(max_epochs=2, random_state=0).fit(Xt, yt)
    for readout in (readouts.word_gradients, readouts.word_interpretations,
                    readouts.expected_word_gradient_norms):
        with pytest.raises(TypeError, match="input_gradients"):
            readout(mlp, Xt)


def test_forward_readouts_work_on_text(clf):
    f, z = readouts.features_and_logits(clf, POOL)
    module = clf.inference_module()
    np.testing.assert_allclose(
        module.head(torch.as_tensor(f)).detach().numpy(), z, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(readouts.penultimate_features(clf, POOL), f)
    q, f2 = readouts.gradient_embedding(clf, POOL)
    np.testing.assert_allclose(f2, f)
    np.testing.assert_allclose(q.sum(1), 0, atol=1e-6)
    np.testing.assert_allclose(readouts.predict_proba(clf, POOL), clf.predict_proba(POOL),
                               atol=1e-5)


def test_mc_dropout_on_text(clf):
    probas = readouts.mc_dropout_probas(clf, POOL, n_passes=4, random_state=0)
    assert probas.shape == (4, len(POOL), 2)
    assert not np.allclose(probas[0], probas[1])  # dropout 0.5 really samples
    np.testing.assert_array_equal(
        readouts.mc_dropout_probas(clf, POOL, n_passes=4, random_state=0), probas)
    no_dropout = tiny("bilstm", dropout=0.0, max_epochs=1).fit(X, Y)
    with pytest.raises(ValueError, match="dropout"):
        readouts.mc_dropout_probas(no_dropout, POOL)


def test_egl_word_strategy(clf):
    scores = readouts.expected_word_gradient_norms(clf, POOL)
    idx, metrics = EGLWord()(clf, POOL, n_instances=4)
    np.testing.assert_array_equal(idx, np.argsort(-scores, kind="stable")[:4])
    np.testing.assert_array_equal(metrics, scores[idx])
    np.testing.assert_array_equal(EGLWord().score_samples(clf, POOL), scores)
    assert isinstance(get_strategy("egl-word"), EGLWord)
    assert EGLWord(batch_size=3).get_params() == {"batch_size": 3}
    idx_small, _ = EGLWord(batch_size=3)(clf, POOL, n_instances=4)
    np.testing.assert_array_equal(idx_small, idx)


STRATEGIES = ["RandomSampling", "LeastConfidence", "MarginSampling", "EntropySampling", "EGL",
              "EGLWord", "BALD", "CoreSet", "BADGE", "DAMI"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("strategy_name", STRATEGIES)
def test_every_strategy_queries_text_models(kind, strategy_name):
    cls = getattr(strategies, strategy_name)
    params = {"random_state": 0} if "random_state" in cls().get_params() else {}
    learner = ActiveLearner(tiny(kind, max_epochs=2), cls(**params), X_training=X[:20],
                            y_training=Y[:20])
    idx, rows = learner.query(POOL, n_instances=5)
    assert len(set(idx.tolist())) == 5 and ((idx >= 0) & (idx < len(POOL))).all()
    assert list(rows) == list(POOL[idx])
    again, _ = ActiveLearner(tiny(kind, max_epochs=2), cls(**params), X_training=X[:20],
                             y_training=Y[:20]).query(POOL, n_instances=5)
    np.testing.assert_array_equal(again, idx)  # same seeds, same indices


def test_dami_runs_on_both_text_models(models):
    dami = strategies.DAMI
    for kind in KINDS:
        idx, _ = dami(random_state=0)(models[kind, False], POOL, n_instances=3)
        r, _ = readouts.word_interpretations(models[kind, False], POOL)
        assert len(set(idx.tolist())) == 3
        # the medoids of DAMI's representations are distinct representations of the pool
        assert len({tuple(row) for row in r[idx]}) == 3


def test_mc_dropout_runs_the_text_network_once_per_batch(clf):
    """MC dropout on text: the deterministic part (embedding, convolutions or LSTM) runs once
    per batch, only dropout + head per pass, and prefix then rest is the whole network."""
    from skactive.readouts._dropout import _split_at_first_dropout

    module = clf.inference_module()
    prefix, rest = _split_at_first_dropout(module)
    tokens = torch.as_tensor(clf._validate_input(POOL))
    torch.testing.assert_close(rest(prefix(tokens)), module(tokens))
    calls = []
    handle = module.embedding.register_forward_hook(lambda *args: calls.append(1))
    try:
        probas = readouts.mc_dropout_probas(clf, POOL, n_passes=7, random_state=0,
                                            batch_size=len(POOL))
    finally:
        handle.remove()
    assert len(calls) == 1  # one batch: one embedding lookup for all 7 passes
    assert probas.shape == (7, len(POOL), 2)
    assert np.ptp(probas, axis=0).max() > 0  # the passes differ: dropout is on
