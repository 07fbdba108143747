"""Gradient readouts: DAMI's input gradients and EGL's expected gradient length.

One backward pass per slice of the pool, never one per sample: in eval mode the samples of a
slice do not interact, so the gradient of a summed score holds every per-sample gradient.
"""

import numpy as np
import torch

from ..nets import TextNet
from ._text import text_gradient_gram
from ._view import batch_rows, check_target, model_view, neural_chunks

def input_gradients(classifier, X, *, target="logit", batch_size=None):
    """Gradient of the predicted class's score with respect to the input, per sample.

    DAMI's local interpretation I(x) = d s_{y_hat}(x) / dx: constant inside each linear region of
    a ReLU network. One backward pass per slice of the pool: samples do not interact in eval
    mode, so the gradient of the summed scores holds every per-sample gradient.

    Parameters
    ----------
    classifier : fitted classifier or learner
    X : array-like, memmap, dask array or pool object of shape (n_samples, n_features)
        Read one chunk at a time (:func:`skactive.utils.iter_chunks`).
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
    check_target(target)
    view = model_view(classifier)
    estimator, n, chunks = neural_chunks(view, X, "input_gradients")
    if view.input_kind == "text":
        raise TypeError(
            f"input_gradients differentiates numeric features, but {type(estimator).__name__} "
            "reads texts, whose token ids have no gradient. Use readouts.word_gradients(clf, X) "
            "for the gradient with respect to each word's vector, or "
            "readouts.word_interpretations(clf, X) for DAMI's per-sentence representation."
        )
    module = estimator.inference_module()
    out = None
    with estimator.threads():
        for start, stop, X in chunks:
            if out is None:
                out = np.empty((n,) + X.shape[1:], dtype=np.float32)
            part = out[start:stop]
            for idx, xb in estimator.iter_input_batches(X, batch_size):
                xb.requires_grad_(True)
                z = module(xb)
                if target == "proba":
                    z = torch.softmax(z, dim=1)
                score = z.gather(1, z.argmax(dim=1, keepdim=True)).sum()
                (grad,) = torch.autograd.grad(score, xb)
                part[idx] = grad.cpu().numpy()
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
    X : array-like, memmap, dask array or pool object
        Samples, as given to the classifier, read one chunk at a time
        (:func:`skactive.utils.iter_chunks`; a Pipeline's earlier steps transform each chunk).
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
    estimator, n, chunks = neural_chunks(classifier, X, "expected_gradient_norms")
    module = estimator.inference_module()
    n_classes = len(estimator.classes_)
    eye = torch.eye(n_classes)
    out = np.empty(n, dtype=np.float32)
    gram_fn = None
    with estimator.threads():
        for start, stop, X in chunks:
            if gram_fn is None:  # the text factorisation needs the padded length
                gram_fn, values_per_row = _linear_gram(module, n_classes)
                if isinstance(module, TextNet):  # exact per-position factorisation from its taps
                    gram_fn, values_per_row = text_gradient_gram(module, n_classes, X.shape[1])
                if gram_fn is None:
                    gram_fn, values_per_row = _jacobian_gram(module, n_classes)
                rows = batch_rows(estimator, batch_size, values_per_row)
            part = out[start:stop]
            for idx, xb in estimator.iter_input_batches(X, rows):
                z, gram = gram_fn(xb)
                p = torch.softmax(z, dim=1)
                r = p.unsqueeze(1) - eye.to(p)  # (B, y, K): p - onehot(y)
                sq_norms = torch.einsum("byk,bkl,byl->by", r, gram, r).clamp_min(0)
                part[idx] = (p * sq_norms.sqrt()).sum(dim=1).cpu().numpy()
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
