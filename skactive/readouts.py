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

    Returns
    -------
    estimator : BaseNeuralClassifier
    X : validated input (float32 array for tables, token ids for text)
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
        for start, stop, xb in estimator.iter_input_batches(X, batch_size):
            out[start:stop] = fn(module, xb).cpu().numpy()
    return out


def logits(classifier, X, *, batch_size=None):
    """Pre-softmax class scores s_k(x), float32 of shape (n_samples, n_classes).

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

    Returns
    -------
    features : ndarray of shape (n_samples, n_hidden), float32
    logits : ndarray of shape (n_samples, n_classes), float32
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

    Returns
    -------
    q : ndarray of shape (n_samples, n_classes), float32
    f : ndarray of shape (n_samples, n_hidden), float32
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
    module = estimator.inference_module()
    out = np.empty(X.shape, dtype=np.float32)
    with estimator.threads():
        for start, stop, xb in estimator.iter_input_batches(X, batch_size):
            xb.requires_grad_(True)
            z = module(xb)
            if target == "proba":
                z = torch.softmax(z, dim=1)
            score = z.gather(1, z.argmax(dim=1, keepdim=True)).sum()
            (grad,) = torch.autograd.grad(score, xb)
            out[start:stop] = grad.cpu().numpy()
    return out


def expected_gradient_norms(classifier, X, *, batch_size=None):
    """EGL's expected gradient length sum_y p(y|x) ||grad_theta CE(x, y)||_2, per sample.

    The per-sample Jacobian J of the logits with respect to all trainable parameters comes
    from ``torch.func`` (vmap of jacrev), never one backward pass per sample. Since
    grad_theta CE(x, y) = J^T (p - onehot(y)), every label's gradient norm follows from the
    K x K Gram matrix J J^T.

    Returns
    -------
    egl : ndarray of shape (n_samples,), float32
    """
    estimator, X = neural_view(classifier, X, "expected_gradient_norms")
    module = estimator.inference_module()
    params = {k: v.detach() for k, v in module.named_parameters() if v.requires_grad}
    n_params = sum(v.numel() for v in params.values())
    n_classes = len(estimator.classes_)
    rows = _batch_rows(estimator, batch_size, n_params * n_classes)

    def sample_logits(p, x):
        return torch.func.functional_call(module, p, (x.unsqueeze(0),)).squeeze(0)

    jacobian = torch.func.vmap(torch.func.jacrev(sample_logits), in_dims=(None, 0))
    eye = torch.eye(n_classes)
    out = np.empty(len(X), dtype=np.float32)
    with torch.no_grad(), estimator.threads():
        for start, stop, xb in estimator.iter_input_batches(X, rows):
            jac = jacobian(params, xb)  # {name: (B, K, *shape)}
            gram = sum(j.flatten(2) @ j.flatten(2).transpose(1, 2) for j in jac.values())
            p = torch.softmax(module(xb), dim=1)
            r = p.unsqueeze(1) - eye.to(p)  # (B, y, K): p - onehot(y)
            sq_norms = torch.einsum("byk,bkl,byl->by", r, gram, r).clamp_min(0)
            out[start:stop] = (p * sq_norms.sqrt()).sum(dim=1).cpu().numpy()
    return out


def mc_dropout_probas(classifier, X, *, n_passes=20, random_state=None, batch_size=None):
    """Class probabilities from ``n_passes`` stochastic passes with only dropout switched on.

    Normalisation layers stay in eval mode. The passes are seeded from ``random_state`` without
    touching the global torch RNG.

    Returns
    -------
    probas : ndarray of shape (n_passes, n_samples, n_classes), float32

    Raises
    ------
    ValueError
        If the network has no dropout layer with a positive rate (all passes would be equal).
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
    device = torch.device(estimator.device)
    out = np.empty((n_passes, len(X), len(estimator.classes_)), dtype=np.float32)
    set_dropout_train(module, True)
    try:
        with torch.no_grad(), estimator.threads(), torch.random.fork_rng(
            devices=[device] if device.type == "cuda" else []
        ):
            torch.manual_seed(seed)
            for start, stop, xb in estimator.iter_input_batches(X, batch_size):
                for t in range(n_passes):
                    out[t, start:stop] = torch.softmax(module(xb), dim=1).cpu().numpy()
    finally:
        set_dropout_train(module, False)
    return out


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
