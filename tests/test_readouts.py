"""Readouts against brute force: finite differences, per-sample autograd loops, explicit masks."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner, MLPClassifier, readouts
from skactive.readouts._dropout import _stochastic_dropout


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=240, n_features=5, n_informative=4, n_redundant=0,
                               n_classes=3, random_state=0)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def clf(data):
    X, y = data
    return MLPClassifier((16, 8), dropout=0.0, max_epochs=30, random_state=0).fit(X[:120], y[:120])


@pytest.fixture(scope="module")
def dropout_clf(data):
    X, y = data
    return MLPClassifier((16, 8), dropout=0.3, max_epochs=30, random_state=0).fit(X[:120],
                                                                                    y[:120])


def float64_module(clf):
    return readouts.final_estimator(clf)[0].inference_module(torch.float64)


# --------------------------------------------------------------------------- input gradients
@pytest.mark.parametrize("target", ["logit", "proba"])
def test_input_gradients_match_central_differences(clf, data, target):
    X = data[0][120:160]
    module = float64_module(clf)

    def score(x):  # the predicted class's logit or probability, as a function of the input
        with torch.no_grad():
            z = module(torch.as_tensor(x, dtype=torch.float64))
        if target == "proba":
            z = torch.softmax(z, dim=1)
        return z.numpy()

    pred = score(X).argmax(axis=1)
    rows = np.arange(len(X))
    eps = 1e-6  # a ReLU network is linear around almost every point at this scale
    fd = np.empty(X.shape)
    for j in range(X.shape[1]):
        step = np.zeros(X.shape[1])
        step[j] = eps
        fd[:, j] = (score(X + step)[rows, pred] - score(X - step)[rows, pred]) / (2 * eps)
    grads = readouts.input_gradients(clf, X, target=target)
    assert grads.dtype == np.float32 and grads.shape == X.shape
    np.testing.assert_allclose(grads, fd, rtol=1e-3, atol=1e-4)


def test_input_gradients_do_not_depend_on_the_batch_and_reject_bad_target(clf, data):
    X = data[0]
    np.testing.assert_allclose(readouts.input_gradients(clf, X),  # float32: rounding differs
                               readouts.input_gradients(clf, X, batch_size=7), rtol=1e-5,
                               atol=1e-6)
    with pytest.raises(ValueError, match="target"):
        readouts.input_gradients(clf, X, target="loss")


# --------------------------------------------------------------------------- EGL
def egl_by_loop(module, X, n_classes):
    """sum_y p(y|x) ||grad_theta CE(x, y)||: one backward pass per sample and label."""
    params = [p for p in module.parameters() if p.requires_grad]
    out = []
    for x in torch.as_tensor(X, dtype=torch.float64):
        z = module(x[None])
        p = torch.softmax(z, dim=1)[0].detach()
        total = 0.0
        for y in range(n_classes):
            loss = torch.nn.functional.cross_entropy(z, torch.tensor([y]))
            grads = torch.autograd.grad(loss, params, retain_graph=True)
            total += p[y] * torch.sqrt(sum((g ** 2).sum() for g in grads))
        out.append(float(total))
    return np.array(out)


def test_egl_matches_per_sample_autograd_loop(clf, data):
    X = data[0][120:170]
    expected = egl_by_loop(float64_module(clf), X, 3)
    egl = readouts.expected_gradient_norms(clf, X)
    assert egl.dtype == np.float32 and egl.shape == (len(X),)
    np.testing.assert_allclose(egl, expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(readouts.expected_gradient_norms(clf, X, batch_size=3), egl,
                               rtol=1e-5, atol=1e-6)


def test_egl_jacobian_fallback_matches_loop(clf, data, monkeypatch):
    X = data[0][120:150]
    monkeypatch.setattr(readouts._gradients, "_linear_gram", lambda module, k: (None, None))
    np.testing.assert_allclose(readouts.expected_gradient_norms(clf, X),
                               egl_by_loop(float64_module(clf), X, 3), rtol=1e-4, atol=1e-6)


class TiedNet(torch.nn.Module):
    """A Linear layer used twice plus a LayerNorm: the factorised path must step aside."""

    def __init__(self, n_features, n_classes, norm):
        super().__init__()
        self.inp = torch.nn.Linear(n_features, 6)
        self.shared = torch.nn.Linear(6, 6)
        self.norm = torch.nn.LayerNorm(6) if norm else torch.nn.Identity()
        self.head = torch.nn.Linear(6, n_classes, bias=False)

    def forward(self, x):
        h = torch.relu(self.shared(torch.relu(self.shared(torch.tanh(self.inp(x))))))
        return self.head(self.norm(h))


@pytest.mark.parametrize("norm", [False, True])
def test_egl_on_other_architectures_and_frozen_parameters(data, norm):
    X, y = data
    clf = MLPClassifier(max_epochs=2, random_state=0).fit(X[:60], y[:60])
    torch.manual_seed(0)
    clf.net_.module_ = TiedNet(X.shape[1], 3, norm)
    clf.net_.module_.inp.bias.requires_grad_(False)  # frozen parameters do not count
    expected = egl_by_loop(float64_module(clf), X[:40], 3)
    np.testing.assert_allclose(readouts.expected_gradient_norms(clf, X[:40]), expected,
                               rtol=1e-4, atol=1e-6)


# --------------------------------------------------------------------------- MC dropout
def test_mc_dropout_shapes_seeding_and_global_rng_untouched(dropout_clf, data):
    X = data[0][120:]
    state = torch.get_rng_state()
    a = readouts.mc_dropout_probas(dropout_clf, X, n_passes=5, random_state=0)
    assert torch.equal(state, torch.get_rng_state())
    assert a.shape == (5, len(X), 3) and a.dtype == np.float32
    np.testing.assert_allclose(a.sum(axis=2), 1, rtol=1e-5)
    np.testing.assert_array_equal(
        a, readouts.mc_dropout_probas(dropout_clf, X, n_passes=5, random_state=0))
    b = readouts.mc_dropout_probas(dropout_clf, X, n_passes=5, random_state=1)
    assert not np.allclose(a, b)
    assert not np.allclose(a[0], a[1])  # the passes differ from each other
    # dropout is switched off again: predictions are deterministic afterwards
    np.testing.assert_allclose(readouts.predict_proba(dropout_clf, X),
                               dropout_clf.predict_proba(X), atol=1e-5)


def test_mc_dropout_without_dropout_says_so(clf, data):
    with pytest.raises(ValueError, match="dropout"):
        readouts.mc_dropout_probas(clf, data[0])


@pytest.mark.parametrize("layer", [torch.nn.Dropout, torch.nn.Dropout1d])
def test_stochastic_dropout_keeps_rate_and_scale_and_leaves_other_layers(layer):
    p = 0.3
    net = torch.nn.Sequential(torch.nn.BatchNorm1d(50), layer(p)).eval()
    net[0].running_mean += 1.0  # eval-mode normalisation: x - 1
    x = torch.full((400, 50), 2.0)
    with torch.no_grad(), _stochastic_dropout(net, seed=0, device="cpu"):
        out = net(x).numpy()
        again = net(x).numpy()
    assert not net[1].training and not net[0].training
    values = np.unique(np.round(out, 5))
    np.testing.assert_allclose(values, [0.0, round(1.0 / (1 - p), 5)], rtol=1e-4)
    # fraction dropped ~ p (4 standard deviations; Dropout1d drops whole rows)
    n = out.size if layer is torch.nn.Dropout else out.shape[0]
    assert abs((out == 0).mean() - p) < 4 * np.sqrt(p * (1 - p) / n)
    assert not np.array_equal(out, again)
    with torch.no_grad():
        np.testing.assert_allclose(net(x).numpy(), 1.0, rtol=1e-5)  # hooks removed


def test_stochastic_dropout_passes_equal_explicit_masks(dropout_clf, data):
    """Each pass is the network with an explicit dropout mask: replay the masks by hand."""
    X = data[0][:30]
    module = readouts.final_estimator(dropout_clf)[0].inference_module()
    masks, outs = [], []

    def keep(m, inputs, output):
        masks.append((output != 0).clone())

    drops = [m for m in module.modules() if isinstance(m, torch.nn.Dropout)]
    with torch.no_grad(), _stochastic_dropout(module, seed=3, device="cpu"):
        handles = [d.register_forward_hook(keep) for d in drops]  # runs after the sampler
        outs.append(module(torch.as_tensor(X)))
        for h in handles:
            h.remove()
    # replay: the same network, eval mode, multiplying by the recorded masks / (1 - p)
    with torch.no_grad():
        h = torch.as_tensor(X)
        i = 0
        for layer in module.body:
            h = layer(h)
            if isinstance(layer, torch.nn.Dropout):
                h = h * masks[i] / (1 - layer.p)
                i += 1
        np.testing.assert_allclose(outs[0].numpy(), module.head(h).numpy(), rtol=1e-5,
                                   atol=1e-6)
    assert i == 2 and all(0 < m.float().mean() < 1 for m in masks[:1])


# --------------------------------------------------------------------------- factorised BADGE
def test_gradient_embedding_is_the_last_layer_gradient(clf, data):
    X = data[0][120:150]
    q, f = readouts.gradient_embedding(clf, X)
    module = float64_module(clf)
    for i in range(len(X)):
        z = module(torch.as_tensor(X[i:i + 1], dtype=torch.float64))
        y_hat = z.argmax(dim=1)
        loss = torch.nn.functional.cross_entropy(z, y_hat)
        (gw,) = torch.autograd.grad(loss, [module.head.weight])
        np.testing.assert_allclose(np.outer(q[i], f[i]), gw.numpy(), rtol=1e-4, atol=1e-6)


# --------------------------------------------------------------------------- Pipelines, learners
def test_pipeline_readouts_equal_readouts_on_the_scaled_pool(data):
    X, y = data
    X = X * np.float32(50) + np.float32(7)  # far from standardised
    pipe = make_pipeline(StandardScaler(),
                         MLPClassifier(dropout=0.2, max_epochs=10, random_state=0))
    pipe.fit(X[:120], y[:120])
    mlp, Xs = pipe[-1], pipe[0].transform(X[120:])
    pool = X[120:]
    for name in ("logits", "penultimate_features", "input_gradients",
                 "expected_gradient_norms"):
        fn = getattr(readouts, name)
        np.testing.assert_array_equal(fn(pipe, pool), fn(mlp, Xs), err_msg=name)
    for a, b in zip(readouts.gradient_embedding(pipe, pool), readouts.gradient_embedding(mlp, Xs)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        readouts.mc_dropout_probas(pipe, pool, n_passes=3, random_state=0),
        readouts.mc_dropout_probas(mlp, Xs, n_passes=3, random_state=0))
    np.testing.assert_allclose(readouts.predict_proba(pipe, pool), pipe.predict_proba(pool),
                               atol=1e-5)


def test_learners_resolve_to_their_fitted_model_and_labeled_set(data):
    X, y = data
    learner = ActiveLearner(MLPClassifier(max_epochs=5), X_training=X[:30], y_training=y[:30],
                            random_state=0)
    Xl, yl = readouts.labeled_set(learner)
    np.testing.assert_array_equal(Xl, X[:30])
    np.testing.assert_array_equal(readouts.logits(learner, X), readouts.logits(learner.estimator_,
                                                                               X))

    class ModalLike:  # modAL's learner: fitted .estimator, X_training, query and teach
        def __init__(self, estimator):
            self.estimator, self.X_training, self.y_training = estimator, X[:30], y[:30]

        def query(self):
            pass

        def teach(self):
            pass

    modal = ModalLike(learner.estimator_)
    assert readouts.labeled_set(modal)[0] is modal.X_training
    np.testing.assert_array_equal(readouts.logits(modal, X), readouts.logits(learner, X))
    with pytest.raises(TypeError, match="labeled set"):
        readouts.labeled_set(learner.estimator_)


def test_non_neural_classifiers_get_probabilities_only(data):
    X, y = data
    lr = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(readouts.predict_proba(lr, X), lr.predict_proba(X))
    with pytest.raises(TypeError, match="neural classifier"):
        readouts.input_gradients(lr, X)


def test_mlp_split_at_dropout_is_the_whole_network_and_subclasses_run_whole():
    from skactive.nets import MLPModule

    module = MLPModule(n_features=5, n_classes=3, hidden_layer_sizes=(8, 6), dropout=0.5).eval()
    prefix, rest = module.split_at_dropout()
    assert not any(isinstance(m, torch.nn.Dropout) for m in prefix.modules())
    x = torch.randn(20, 5)
    torch.testing.assert_close(rest(prefix(x)), module(x))

    class Doubled(MLPModule):  # a forward of its own: the body/head split no longer matches it
        def forward(self, x):
            return 2 * super().forward(x)

    doubled = Doubled(n_features=5, n_classes=3, hidden_layer_sizes=(8,), dropout=0.5).eval()
    prefix, rest = doubled.split_at_dropout()
    torch.testing.assert_close(rest(prefix(x)), doubled(x))


# --------------------------------------------------------------------------- the model view
class _ModalLikeLearner:
    """What a strategy sees of modAL's ActiveLearner: estimator, X_training, y_training."""

    def __init__(self, estimator, X_training=None, y_training=None):
        self.estimator, self.X_training, self.y_training = estimator, X_training, y_training

    def query(self, *args, **kwargs):  # pragma: no cover - never called by a readout
        raise AssertionError

    def teach(self, *args, **kwargs):  # pragma: no cover - never called by a readout
        raise AssertionError


def test_model_view_resolves_every_kind_of_argument(clf, data):
    X, y = data
    learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=30, random_state=0),
                            X_training=X[:120], y_training=y[:120])
    views = {
        "skactive learner": readouts.model_view(learner),
        "modAL learner": readouts.model_view(_ModalLikeLearner(clf, X[:120], y[:120])),
        "classifier": readouts.model_view(clf),
        "pipeline": readouts.model_view(make_pipeline(StandardScaler(), clf)),
    }
    assert views["skactive learner"].estimator is learner.estimator_
    assert views["modAL learner"].estimator is clf and views["classifier"].estimator is clf
    for name in ("skactive learner", "modAL learner"):
        np.testing.assert_array_equal(views[name].X_labeled, X[:120])
        np.testing.assert_array_equal(views[name].y_labeled, y[:120])
    assert not views["classifier"].has_labeled_set
    with pytest.raises(TypeError, match="labeled set"):
        readouts.labeled_set(views["classifier"])
    assert views["pipeline"].transform is not None
    assert {v.input_kind for v in views.values()} == {"table"}
    assert readouts.model_view(views["classifier"]) is views["classifier"]
    # a readout on the view is the readout on what the view came from
    np.testing.assert_array_equal(readouts.logits(views["modAL learner"], X[120:]),
                                  readouts.logits(clf, X[120:]))
    np.testing.assert_array_equal(readouts.predict_proba(views["skactive learner"], X[120:]),
                                  readouts.predict_proba(learner, X[120:]))


def test_the_view_reads_the_input_kind_from_scikit_learn_tags():
    from skactive import TextCNNClassifier

    texts, labels = ["good fun", "bad , dull", "fun", "so dull"] * 5, [1, 0, 1, 0] * 5
    text_clf = TextCNNClassifier(n_filters=4, embedding_dim=8, embedding="random",
                                 max_epochs=2, random_state=0).fit(texts, labels)
    assert readouts.model_view(text_clf).input_kind == "text"
    assert readouts.model_view(LogisticRegression()).input_kind == "table"
    with pytest.raises(TypeError, match="reads texts"):
        readouts.input_gradients(text_clf, texts)


def test_strategies_hand_their_readouts_one_view(clf, data, monkeypatch):
    from skactive.strategies import EntropySampling

    X, y = data
    learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=30, random_state=0),
                            X_training=X[:120], y_training=y[:120])
    learner.model_view()  # fitted here, so the count below is the strategy's alone
    calls = []
    real = ActiveLearner.model_view
    monkeypatch.setattr(ActiveLearner, "model_view", lambda self: calls.append(1) or real(self))
    EntropySampling()(learner, X[120:], n_instances=3)
    assert len(calls) == 1
