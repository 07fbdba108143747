"""Model readouts: batched, memory-bounded functions from (fitted classifier, X) to numpy arrays.

Query strategies call these and never the torch module directly. ``classifier`` may be a
skactive :class:`~skactive.ActiveLearner`, a modAL ``ActiveLearner`` (anything with a fitted
``.estimator``), a skactive classifier, or a :class:`~sklearn.pipeline.Pipeline` ending in one;
with a Pipeline the readouts are taken on the pool as transformed by the earlier steps.
Probabilities also work for any scikit-learn classifier with ``predict_proba``; the other
readouts need a skactive neural classifier.

Every readout runs the network on large slices of the pool (``batch_size`` rows, the
classifier's inference batch by default), in float32, with gradients only where they are read.
"""

from contextlib import contextmanager

import numpy as np
import torch
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .base import BaseNeuralClassifier, softmax
from .nets import has_dropout, set_dropout_train

#: Upper bound on the float32 values a per-sample-gradient readout holds at once (256 MB).
PER_SAMPLE_GRADIENT_BUDGET = 64_000_000


# ---------------------------------------------------------------------------- resolution
def final_estimator(classifier):
    """The fitted classifier behind ``classifier`` and the transform that feeds it.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline

    Returns
    -------
    estimator : fitted classifier (the last step of a Pipeline)
    transform : callable or None
        Applies the Pipeline's earlier steps, or None.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=2)).fit(X, y)
    >>> estimator, transform = readouts.final_estimator(pipe)
    >>> type(estimator).__name__, transform is not None
    ('MLPClassifier', True)
    """
    estimator = classifier
    if hasattr(classifier, "query") and hasattr(classifier, "teach"):  # an active learner
        if hasattr(classifier, "_ensure_fitted"):
            classifier._ensure_fitted()
            estimator = classifier.estimator_
        else:  # modAL fits its estimator in place
            estimator = classifier.estimator
    transform = None
    if isinstance(estimator, Pipeline):
        transform = estimator[:-1].transform
        estimator = estimator[-1]
    check_is_fitted(estimator)
    return estimator, transform


def neural_view(classifier, X, readout="This readout"):
    """The skactive network behind ``classifier`` and ``X`` validated for it.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
    X : array-like
        Samples, as given to the classifier.
    readout : str, default="This readout"
        Name used in the error raised for a classifier that is not a skactive network.

    Returns
    -------
    estimator : BaseNeuralClassifier
    X : validated input (float32 array for tables, token ids for text)

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier(max_epochs=2).fit(X, y)
    >>> estimator, X_valid = readouts.neural_view(clf, X)
    >>> X_valid.dtype
    dtype('float32')
    """
    estimator, transform = final_estimator(classifier)
    if not isinstance(estimator, BaseNeuralClassifier):
        raise TypeError(
            f"{readout} needs a skactive neural classifier (MLPClassifier, TextCNNClassifier, "
            f"BiLSTMClassifier, or a Pipeline ending in one); got {type(estimator).__name__}."
        )
    if transform is not None:
        X = transform(X)
    return estimator, estimator._validate_input(X)


def labeled_set(classifier):
    """The labeled samples and labels held by an active learner.

    Parameters
    ----------
    classifier : ActiveLearner or modAL ActiveLearner

    Returns
    -------
    X_labeled, y_labeled : array-like

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive import ActiveLearner, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> learner = ActiveLearner(LogisticRegression(), X_training=X[:10], y_training=y[:10])
    >>> X_labeled, y_labeled = readouts.labeled_set(learner)
    >>> X_labeled.shape
    (10, 4)
    """
    if hasattr(classifier, "_ensure_fitted"):
        classifier._ensure_fitted()
        return classifier.X_training_, classifier.y_training_
    if getattr(classifier, "X_training", None) is not None:  # modAL
        return classifier.X_training, classifier.y_training
    raise TypeError(
        "This strategy needs the labeled set: pass an ActiveLearner (skactive's or modAL's) "
        f"that holds it, not a bare {type(classifier).__name__}."
    )


def _batch_rows(estimator, batch_size, values_per_row=1):
    if batch_size is None:
        batch_size = estimator._inference_batch_size
    return max(1, min(batch_size, PER_SAMPLE_GRADIENT_BUDGET // max(1, values_per_row)))


# ---------------------------------------------------------------------------- forward readouts
def _forward(estimator, X, fn, width, batch_size=None):
    module = estimator.inference_module()
    out = np.empty((len(X), width), dtype=np.float32)
    with torch.no_grad(), estimator.threads():
        for idx, xb in estimator.iter_input_batches(X, batch_size):
            out[idx] = fn(module, xb).cpu().numpy()
    return out


def logits(classifier, X, *, batch_size=None):
    """Pre-softmax class scores s_k(x), float32 of shape (n_samples, n_classes).

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like
        Samples, as given to the classifier (a Pipeline's earlier steps are applied).
    batch_size : int, optional
        Rows per forward pass; the classifier's inference batch size by default.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier(max_epochs=5, random_state=0).fit(X, y)
    >>> readouts.logits(clf, X).shape
    (100, 2)
    """
    estimator, X = neural_view(classifier, X, "logits")
    return _forward(estimator, X, lambda m, xb: m(xb), len(estimator.classes_), batch_size)


def predict_proba(classifier, X, *, batch_size=None):
    """Class probabilities p(.|x), shape (n_samples, n_classes).

    For skactive networks this is one float32 pass over large slices of the pool (skorch's
    ``predict_proba`` runs slices of 128 rows); any other classifier's own ``predict_proba``
    is used as it is.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like
        Samples, as given to the classifier (a Pipeline's earlier steps are applied).
    batch_size : int, optional
        Rows per forward pass; the classifier's inference batch size by default.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive import readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> readouts.predict_proba(LogisticRegression().fit(X, y), X).shape
    (100, 2)
    """
    estimator, transform = final_estimator(classifier)
    if not isinstance(estimator, BaseNeuralClassifier):
        if transform is not None:
            X = transform(X)
        return np.asarray(estimator.predict_proba(X))
    return softmax(logits(classifier, X, batch_size=batch_size))


def penultimate_features(classifier, X, *, batch_size=None):
    """Penultimate representation f(x), the input of the final linear layer.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like
        Samples, as given to the classifier (a Pipeline's earlier steps are applied).
    batch_size : int, optional
        Rows per forward pass; the classifier's inference batch size by default.

    Returns
    -------
    features : ndarray of shape (n_samples, n_hidden), float32

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier((16, 8), max_epochs=5, random_state=0).fit(X, y)
    >>> readouts.penultimate_features(clf, X).shape
    (100, 8)
    """
    estimator, X = neural_view(classifier, X, "penultimate_features")
    width = estimator.module_.head.in_features
    return _forward(estimator, X, lambda m, xb: m.features(xb), width, batch_size)


def features_and_logits(classifier, X, *, batch_size=None):
    """f(x) and the logits in one pass.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like
        Samples, as given to the classifier (a Pipeline's earlier steps are applied).
    batch_size : int, optional
        Rows per forward pass; the classifier's inference batch size by default.

    Returns
    -------
    features : ndarray of shape (n_samples, n_hidden), float32
    logits : ndarray of shape (n_samples, n_classes), float32

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier((16, 8), max_epochs=5, random_state=0).fit(X, y)
    >>> f, z = readouts.features_and_logits(clf, X)
    >>> f.shape, z.shape
    ((100, 8), (100, 2))
    """
    estimator, X = neural_view(classifier, X, "features_and_logits")
    d, k = estimator.module_.head.in_features, len(estimator.classes_)

    def both(m, xb):
        f = m.features(xb)
        return torch.cat([f, m.head(f)], dim=1)

    out = _forward(estimator, X, both, d + k, batch_size)
    return out[:, :d], out[:, d:]


def gradient_embedding(classifier, X, *, batch_size=None):
    """BADGE's last-layer gradient embedding in factorised form.

    The gradient of the cross-entropy at the predicted label y_hat with respect to the final
    layer's weights is the outer product ``q (x) f`` of ``q = p - onehot(y_hat)`` and ``f =
    f(x)``; the readout returns the two factors, never the (n_samples, K*D) product.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like
        Samples, as given to the classifier (a Pipeline's earlier steps are applied).
    batch_size : int, optional
        Rows per forward pass; the classifier's inference batch size by default.

    Returns
    -------
    q : ndarray of shape (n_samples, n_classes), float32
    f : ndarray of shape (n_samples, n_hidden), float32

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier((16, 8), max_epochs=5, random_state=0).fit(X, y)
    >>> q, f = readouts.gradient_embedding(clf, X)
    >>> q.shape, f.shape
    ((100, 2), (100, 8))
    """
    f, z = features_and_logits(classifier, X, batch_size=batch_size)
    q = softmax(z)
    q[np.arange(len(q)), np.argmax(z, axis=1)] -= 1.0
    return q, f


# ---------------------------------------------------------------------------- gradient readouts
def input_gradients(classifier, X, *, target="logit", batch_size=None):
    """Gradient of the predicted class's score with respect to the input, per sample.

    DAMI's local interpretation I(x) = d s_{y_hat}(x) / dx: constant inside each linear region of
    a ReLU network. One backward pass per slice of the pool: samples do not interact in eval
    mode, so the gradient of the summed scores holds every per-sample gradient.

    Parameters
    ----------
    classifier : fitted classifier or learner
    X : array-like of shape (n_samples, n_features)
    target : {'logit', 'proba'}, default='logit'
        Differentiate the predicted class's logit or its softmax probability.
    batch_size : int, optional

    Returns
    -------
    gradients : ndarray of shape (n_samples, n_features), float32

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier(max_epochs=5, random_state=0).fit(X, y)
    >>> readouts.input_gradients(clf, X).shape
    (100, 4)
    """
    if target not in ("logit", "proba"):
        raise ValueError(f"target must be 'logit' or 'proba', got {target!r}.")
    estimator, X = neural_view(classifier, X, "input_gradients")
    if estimator._input_kind == "text":
        raise TypeError(
            f"input_gradients differentiates numeric features, but {type(estimator).__name__} "
            "reads texts, whose token ids have no gradient. Use readouts.word_gradients(clf, X) "
            "for the gradient with respect to each word's vector, or "
            "readouts.word_interpretations(clf, X) for DAMI's per-sentence representation."
        )
    module = estimator.inference_module()
    out = np.empty(X.shape, dtype=np.float32)
    with estimator.threads():
        for idx, xb in estimator.iter_input_batches(X, batch_size):
            xb.requires_grad_(True)
            z = module(xb)
            if target == "proba":
                z = torch.softmax(z, dim=1)
            score = z.gather(1, z.argmax(dim=1, keepdim=True)).sum()
            (grad,) = torch.autograd.grad(score, xb)
            out[idx] = grad.cpu().numpy()
    return out


def expected_gradient_norms(classifier, X, *, batch_size=None):
    """EGL's expected gradient length sum_y p(y|x) ||grad_theta CE(x, y)||_2, per sample.

    Since grad_theta CE(x, y) = J^T (p - onehot(y)), with J the per-sample Jacobian of the
    logits with respect to all trainable parameters, every label's gradient norm follows from
    the K x K Gram matrix J J^T. When every trainable parameter belongs to a
    :class:`~torch.nn.Linear` layer applied once to 2-D input (the MLP), the Gram matrix is
    factorised: a layer with input a and per-logit output gradients delta_k contributes
    (delta_k . delta_j) (|a|^2 + 1) (the 1 for the bias), so K batched backward passes replace
    the Jacobian. Other networks use ``torch.func`` (vmap of jacrev). Neither runs one backward
    pass per sample.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like
        Samples, as given to the classifier (a Pipeline's earlier steps are applied).
    batch_size : int, optional
        Rows per slice (capped so per-sample gradients stay within a fixed memory budget).

    Returns
    -------
    egl : ndarray of shape (n_samples,), float32

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier(max_epochs=5, random_state=0).fit(X, y)
    >>> egl = readouts.expected_gradient_norms(clf, X)
    >>> egl.shape, bool((egl >= 0).all())
    ((100,), True)
    """
    estimator, X = neural_view(classifier, X, "expected_gradient_norms")
    module = estimator.inference_module()
    n_classes = len(estimator.classes_)
    eye = torch.eye(n_classes)
    out = np.empty(len(X), dtype=np.float32)
    gram_fn, values_per_row = _linear_gram(module, n_classes)
    if estimator._input_kind == "text":  # exact per-position factorisation (_text_readouts)
        gram_fn, values_per_row = text_gradient_gram(module, n_classes, X.shape[1])
    if gram_fn is None:
        gram_fn, values_per_row = _jacobian_gram(module, n_classes)
    rows = _batch_rows(estimator, batch_size, values_per_row)
    with estimator.threads():
        for idx, xb in estimator.iter_input_batches(X, rows):
            z, gram = gram_fn(xb)
            p = torch.softmax(z, dim=1)
            r = p.unsqueeze(1) - eye.to(p)  # (B, y, K): p - onehot(y)
            sq_norms = torch.einsum("byk,bkl,byl->by", r, gram, r).clamp_min(0)
            out[idx] = (p * sq_norms.sqrt()).sum(dim=1).cpu().numpy()
    return out


class _FallBack(Exception):
    """The factorised per-sample gradient does not apply to this network."""


def _linear_gram(module, n_classes):
    """Factorised J J^T for networks whose trainable parameters all sit in Linear layers.

    Returns ``(gram_fn, values_per_row)`` or ``(None, None)`` when it does not apply.
    """
    trainable = {id(p) for p in module.parameters() if p.requires_grad}
    layers, covered = [], set()
    for m in module.modules():
        if isinstance(m, torch.nn.Linear):
            w, b = m.weight.requires_grad, m.bias is not None and m.bias.requires_grad
            if w or b:
                layers.append((m, w, b))
                covered.update(id(p) for p, on in ((m.weight, w), (m.bias, b)) if on)
    if not layers or covered != trainable:
        return None, None
    width = sum(m.out_features for m, _, _ in layers)

    def gram_fn(xb):
        seen = []

        def record(m, inputs, output):
            if inputs[0].dim() != 2 or len(seen) >= len(layers):
                raise _FallBack  # sequence input or a layer used twice: not one outer product
            seen.append((m, inputs[0].detach(), output))

        handles = [m.register_forward_hook(record) for m, _, _ in layers]
        try:
            with torch.enable_grad():
                z = module(xb)
                outputs = [o for _, _, o in seen]
                if len(seen) != len(layers):
                    raise _FallBack
                deltas = [torch.stack(g, dim=1) for g in zip(*(
                    torch.autograd.grad(z[:, k].sum(), outputs, retain_graph=k < n_classes - 1)
                    for k in range(n_classes)
                ))]  # per layer (B, K, out): d z_k / d output, per sample (eval mode)
        finally:
            for h in handles:
                h.remove()
        gram = 0
        flags = {id(m): (w, b) for m, w, b in layers}
        for (m, a, _), delta in zip(seen, deltas):
            w, b = flags[id(m)]
            scale = (a.square().sum(dim=1) if w else 0) + (1.0 if b else 0)
            gram = gram + (delta @ delta.transpose(1, 2)) * torch.as_tensor(scale).to(
                delta).reshape(-1, 1, 1)
        return z.detach(), gram

    def guarded(xb):
        try:
            return gram_fn(xb)
        except _FallBack:
            return _jacobian_gram(module, n_classes)[0](xb)

    return guarded, n_classes * width + 2 * width


def _jacobian_gram(module, n_classes):
    """J J^T from the per-sample Jacobian (torch.func), for any network."""
    params = {k: v.detach() for k, v in module.named_parameters() if v.requires_grad}
    n_params = sum(v.numel() for v in params.values())

    def sample_logits(p, x):
        return torch.func.functional_call(module, p, (x.unsqueeze(0),)).squeeze(0)

    jacobian = torch.func.vmap(torch.func.jacrev(sample_logits), in_dims=(None, 0))

    def gram_fn(xb):
        with torch.no_grad():
            jac = jacobian(params, xb)  # {name: (B, K, *shape)}
            gram = sum(j.flatten(2) @ j.flatten(2).transpose(1, 2) for j in jac.values())
            return module(xb), gram

    return gram_fn, n_params * n_classes


def mc_dropout_probas(classifier, X, *, n_passes=20, random_state=None, batch_size=None):
    """Class probabilities from ``n_passes`` stochastic passes with only dropout switched on.

    Normalisation layers stay in eval mode. The passes are seeded from ``random_state`` without
    touching the global torch RNG.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like
        Samples, as given to the classifier (a Pipeline's earlier steps are applied).
    n_passes : int, default=20
        Number of stochastic passes T.
    random_state : int, RandomState instance or None, default=None
        Seeds the dropout masks.
    batch_size : int, optional
        Rows per forward pass; the classifier's inference batch size by default.

    Returns
    -------
    probas : ndarray of shape (n_passes, n_samples, n_classes), float32

    Raises
    ------
    ValueError
        If the network has no dropout layer with a positive rate (all passes would be equal).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier(dropout=0.2, max_epochs=5, random_state=0).fit(X, y)
    >>> readouts.mc_dropout_probas(clf, X, n_passes=3, random_state=0).shape
    (3, 100, 2)
    """
    estimator, X = neural_view(classifier, X, "mc_dropout_probas")
    module = estimator.inference_module()
    if not has_dropout(module):
        raise ValueError(
            f"MC dropout needs a network with dropout, but this {type(estimator).__name__} has "
            "none (dropout=0): every pass would give the same prediction. Set dropout > 0 on "
            "the classifier, for example MLPClassifier(dropout=0.2)."
        )
    if n_passes < 1:
        raise ValueError(f"n_passes must be >= 1, got {n_passes!r}.")
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    n_classes = len(estimator.classes_)
    out = np.empty((n_passes, len(X), n_classes), dtype=np.float32)
    rows = _batch_rows(estimator, batch_size, n_passes * n_classes)
    with _stochastic_dropout(module, seed, estimator.device), torch.no_grad(), \
            estimator.threads():
        prefix, rest = _split_at_first_dropout(module)
        for idx, xb in estimator.iter_input_batches(X, rows):
            h = prefix(xb)  # deterministic: computed once for all passes
            z = torch.stack([rest(h) for _ in range(n_passes)])
            # softmax over the last axis of all passes at once: torch.softmax is slow for few
            # classes (it vectorises along the class axis)
            z = (z - z.amax(dim=2, keepdim=True)).exp_()
            out[:, idx] = z.div_(z.sum(dim=2, keepdim=True)).cpu().numpy()
    return out


def _split_at_first_dropout(module):
    """``(prefix, rest)`` with ``module(x) == rest(prefix(x))`` and no dropout in ``prefix``.

    A network that knows where its deterministic part ends says so with a
    ``split_at_dropout()`` method (skactive's MLP and text networks do); any other network is
    run whole (the prefix is the identity).
    """
    if hasattr(module, "split_at_dropout"):
        return module.split_at_dropout()
    return (lambda x: x), module


@contextmanager
def _stochastic_dropout(module, seed, device):
    """Switch on the dropout layers of an eval-mode ``module``, seeded by ``seed``.

    Plain :class:`~torch.nn.Dropout` layers stay in eval mode and a forward hook multiplies
    their output by a mask drawn from a private generator (numpy's raw bits on the CPU, torch's
    generator on other devices): keep a unit with probability 1 - p and scale it by
    1 / (1 - p), as dropout does, at a fraction of the cost of torch's ``bernoulli_`` on the
    CPU. Other dropout layers (Dropout1d/2d, AlphaDropout...) are put in train mode under a
    forked, seeded global RNG. Everything is restored on exit.
    """
    device = torch.device(device)
    layers = [m for m in module.modules() if isinstance(m, torch.nn.modules.dropout._DropoutNd)]
    if all(type(m) is torch.nn.Dropout for m in layers):
        if device.type == "cpu":  # raw numpy bits: several times faster than bernoulli_
            bits = np.random.default_rng(int(seed)).bit_generator

            def keep_mask(like, keep):  # P(u32 < round(keep 2^32)) = keep, to 2^-32
                n = like.numel()
                u = bits.random_raw((n + 1) // 2).view(np.uint32)[:n]
                threshold = np.uint32(min(round(keep * 2.0 ** 32), 2 ** 32 - 1))
                return torch.from_numpy((u < threshold).reshape(like.shape))
        else:
            generator = torch.Generator(device=device).manual_seed(int(seed))

            def keep_mask(like, keep):
                return torch.rand(like.shape, generator=generator, device=like.device) < keep

        def sample(m, inputs, output):
            keep = 1.0 - m.p
            if keep == 1.0:
                return output
            if keep == 0.0:
                return torch.zeros_like(output)
            return output.mul(keep_mask(output, keep)).div_(keep)

        handles = [m.register_forward_hook(sample) for m in layers]
        try:
            yield
        finally:
            for h in handles:
                h.remove()
        return
    set_dropout_train(module, True)
    try:
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(int(seed))
            yield
    finally:
        set_dropout_train(module, False)

__all__ = [
    "final_estimator",
    "neural_view",
    "labeled_set",
    "logits",
    "predict_proba",
    "penultimate_features",
    "features_and_logits",
    "gradient_embedding",
    "input_gradients",
    "expected_gradient_norms",
    "mc_dropout_probas",
]

from ._text_readouts import (  # noqa: E402  (it imports this module back, so it comes last)
    expected_word_gradient_norms, text_gradient_gram, word_gradients, word_interpretations,
)

__all__ += ["word_gradients", "word_interpretations", "expected_word_gradient_norms"]
