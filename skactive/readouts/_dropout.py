"""MC-dropout readout: class probabilities from stochastic passes with only dropout on."""

from contextlib import contextmanager

import numpy as np
import torch

from ..nets import has_dropout, set_dropout_train
from ..utils import check_int, derive_seed
from ._view import batch_rows, neural_chunks

def mc_dropout_probas(classifier, X, *, n_passes=20, random_state=None, batch_size=None,
                      row_offset=0):
    """Class probabilities from ``n_passes`` stochastic passes with only dropout switched on.

    Normalisation layers stay in eval mode. The passes are seeded from ``random_state`` without
    touching the global torch RNG.

    On the CPU, with plain :class:`~torch.nn.Dropout` layers (skactive's MLP), the dropout
    masks of a table row depend only on the seed and the row's position in the pool
    (``row_offset`` plus its position in ``X``): they are drawn from a counter-based generator
    (Philox) at an offset set by that position. A pool scored in chunks (each with its
    ``row_offset``), in batches of any size, or on several workers therefore gets exactly the
    probabilities of one call on the whole pool. Text batches (sorted by length), other dropout
    layers and other devices draw their masks in batch order: the same seed and the same
    chunking give the same result.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like, memmap, dask array or pool object
        Samples, as given to the classifier (a Pipeline's earlier steps are applied chunk by
        chunk).
    n_passes : int, default=20
        Number of stochastic passes T.
    random_state : int, RandomState instance or None, default=None
        Seeds the dropout masks.
    batch_size : int, optional
        Rows per forward pass; the classifier's inference batch size by default.
    row_offset : int, default=0
        Position in the whole pool of the first row of ``X``, when ``X`` is one chunk of it.

    Returns
    -------
    probas : ndarray of shape (n_passes, n_samples, n_classes), float32

    Raises
    ------
    ValueError
        If the network has no dropout layer with a positive rate (all passes would be equal).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier(dropout=0.2, max_epochs=5, random_state=0).fit(X, y)
    >>> probas = readouts.mc_dropout_probas(clf, X, n_passes=3, random_state=0)
    >>> probas.shape
    (3, 100, 2)

    The second half of the pool, scored alone at its position, gets the same probabilities:

    >>> half = readouts.mc_dropout_probas(clf, X[50:], n_passes=3, random_state=0,
    ...                                   row_offset=50)
    >>> bool(np.array_equal(half, probas[:, 50:]))
    True
    """
    estimator, n, chunks = neural_chunks(classifier, X, "mc_dropout_probas")
    module = estimator.inference_module()
    if not has_dropout(module):
        raise ValueError(
            f"MC dropout needs a network with dropout, but this {type(estimator).__name__} has "
            "none (dropout=0): every pass would give the same prediction. Set dropout > 0 on "
            "the classifier, for example MLPClassifier(dropout=0.2)."
        )
    if n_passes < 1:
        raise ValueError(f"n_passes must be >= 1, got {n_passes!r}.")
    row_offset = check_int("row_offset", row_offset, 0)
    seed = derive_seed(random_state)
    n_classes = len(estimator.classes_)
    out = np.empty((n_passes, n, n_classes), dtype=np.float32)
    rows = batch_rows(estimator, batch_size, n_passes * n_classes)
    with _stochastic_dropout(module, seed, estimator.device) as masks, torch.no_grad(), \
            estimator.threads():
        prefix, rest = _split_at_first_dropout(module)
        for start, stop, X in chunks:
            part = out[:, start:stop]
            for idx, xb in estimator.iter_input_batches(X, rows):
                # a batch of consecutive rows draws its masks at its position in the pool
                masks.at_row(row_offset + start + idx.start if isinstance(idx, slice) else None)
                h = prefix(xb)  # deterministic: computed once for all passes
                z = torch.stack([rest(h) for _ in range(n_passes)])
                # softmax over the last axis of all passes at once: torch.softmax is slow for
                # few classes (it vectorises along the class axis)
                z = (z - z.amax(dim=2, keepdim=True)).exp_()
                part[:, idx] = z.div_(z.sum(dim=2, keepdim=True)).cpu().numpy()
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


class _PositionalMasks:
    """Dropout keep-masks drawn at a position: rows of the pool, calls within a batch.

    The c-th dropout call of a batch starting at pool row r draws, for each of its rows
    r + i, the bits at counter ``(r + i) * blocks_per_row`` of the Philox stream keyed by
    ``(seed, c)``: a row's mask depends on the seed, its position and the call only, whatever
    the batch or the chunk it comes in. Without a position (``at_row(None)``: text batches,
    or direct use), each call draws from a stream of its own, in call order.
    """

    def __init__(self, seed):
        self.seed = int(seed)
        self.row = None
        self.calls = 0
        self.unplaced_calls = 0

    def at_row(self, row):
        """The next dropout calls belong to a batch whose first row is pool row ``row``."""
        self.row = None if row is None else int(row)
        self.calls = 0

    def keep_mask(self, like, keep):
        rows = like.shape[0] if like.dim() > 0 else 1
        width = like.numel() // max(rows, 1)
        blocks = -(-width // 8)  # one Philox counter gives 4 x 64 bits: 8 uint32 per block
        if self.row is None:
            key, counter = (self.seed + 2**32, self.unplaced_calls), 0
            self.unplaced_calls += 1
        else:
            key, counter = (self.seed, self.calls), self.row * blocks
            self.calls += 1
        bits = np.random.Philox(key=np.array(key, dtype=np.uint64), counter=counter)
        u = bits.random_raw(rows * blocks * 4).view(np.uint32).reshape(rows, blocks * 8)
        threshold = np.uint32(min(round(keep * 2.0 ** 32), 2 ** 32 - 1))
        # P(u32 < round(keep 2^32)) = keep, to 2^-32
        return torch.from_numpy((u[:, :width] < threshold).reshape(like.shape))


class _SequentialMasks:
    """Dropout keep-masks from a seeded torch generator, in call order (devices other than CPU)."""

    def __init__(self, seed, device):
        self.generator = torch.Generator(device=device).manual_seed(int(seed))

    def at_row(self, row):
        pass

    def keep_mask(self, like, keep):
        return torch.rand(like.shape, generator=self.generator, device=like.device) < keep


@contextmanager
def _stochastic_dropout(module, seed, device):
    """Switch on the dropout layers of an eval-mode ``module``, seeded by ``seed``.

    Plain :class:`~torch.nn.Dropout` layers stay in eval mode and a forward hook multiplies
    their output by a keep-mask (keep a unit with probability 1 - p and scale it by
    1 / (1 - p), as dropout does): on the CPU from :class:`_PositionalMasks` (Philox raw bits,
    at a fraction of the cost of torch's ``bernoulli_``), elsewhere from a seeded torch
    generator. Other dropout layers (Dropout1d/2d, AlphaDropout...) are put in train mode
    under a forked, seeded global RNG. Everything is restored on exit. Yields the mask source,
    whose ``at_row(row)`` places the next batch in the pool.
    """
    device = torch.device(device)
    layers = [m for m in module.modules() if isinstance(m, torch.nn.modules.dropout._DropoutNd)]
    if all(type(m) is torch.nn.Dropout for m in layers):
        masks = _PositionalMasks(seed) if device.type == "cpu" else _SequentialMasks(seed, device)

        def sample(m, inputs, output):
            keep = 1.0 - m.p
            if keep == 1.0:
                return output
            if keep == 0.0:
                return torch.zeros_like(output)
            return output.mul(masks.keep_mask(output, keep).to(output.device)).div_(keep)

        handles = [m.register_forward_hook(sample) for m in layers]
        try:
            yield masks
        finally:
            for h in handles:
                h.remove()
        return
    set_dropout_train(module, True)
    try:
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(int(seed))
            yield _SequentialMasks(seed, device)  # at_row is a no-op: masks come from torch
    finally:
        set_dropout_train(module, False)
