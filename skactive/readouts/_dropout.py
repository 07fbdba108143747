"""MC-dropout readout: class probabilities from stochastic passes with only dropout on."""

from contextlib import contextmanager

import numpy as np
import torch

from ..nets import has_dropout, set_dropout_train
from ..utils import derive_seed
from ._view import batch_rows, neural_view

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
    seed = derive_seed(random_state)
    n_classes = len(estimator.classes_)
    out = np.empty((n_passes, len(X), n_classes), dtype=np.float32)
    rows = batch_rows(estimator, batch_size, n_passes * n_classes)
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
