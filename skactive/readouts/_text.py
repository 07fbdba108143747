"""Per-word readouts of the text classifiers.

Text networks expose ``embed(tokens)`` and ``forward_from_embeddings(E, mask)``, so gradients
with respect to each word's vector e_ij come from one backward pass per slice of the pool (per
class but one for EGL-word): in eval mode the sentences of a slice do not interact, so the
gradient of a summed score holds every sentence's own gradient. Every slice holds sentences of
one length, so it carries no padding at all (``_equal_length_batches`` says why); padded
positions of the returned arrays have zero gradient and are left out of every mean, max and
argmax.
"""

import numpy as np
import torch

from ..nets import PAD_ID
from ._view import PER_SAMPLE_GRADIENT_BUDGET, batch_rows, check_target, model_view, neural_view


def _text_view(classifier, X, readout):
    view = model_view(classifier)
    estimator, X = neural_view(view, X, readout)
    if view.input_kind != "text":
        raise TypeError(
            f"{readout} reads per-word gradients of a text classifier (TextCNNClassifier, "
            f"BiLSTMClassifier); {type(estimator).__name__} reads tables: use "
            "readouts.input_gradients for it."
        )
    return estimator, X


def _equal_length_batches(estimator, X, rows):
    """``(idx, tokens)`` slices of at most ``rows`` sentences of one length each, no padding.

    The gradient readouts slice the pool this way rather than by the classifier's length-sorted
    inference batches: a padded slice makes the BiLSTM's packed sequence shrink along the way,
    which sends torch's CPU LSTM to its step-by-step kernel, whose backward zero-fills a
    gradient of the whole packed input at every step (quadratic in the length, nearly half
    of the backward's time on MR). With one length per slice the fused (oneDNN) kernel runs forward
    and backward; the CNN gains the padding's share. Sentences of one length keep their pool
    order, so results do not depend on the slicing.
    """
    lengths = (X != PAD_ID).sum(axis=1)
    order = np.argsort(lengths, kind="stable")
    for group in np.split(order, np.flatnonzero(np.diff(lengths[order])) + 1):
        for sub, tokens in estimator.iter_input_batches(X[group], rows):
            yield group[sub], tokens


def _embedded(module, tokens):
    """Word vectors as a leaf that requires grad, the real-token mask and the logits."""
    E = module.embed(tokens).detach().requires_grad_(True)
    mask = tokens != PAD_ID
    return E, mask, module.forward_from_embeddings(E, mask)


def _interpretations(module, tokens, target):
    """I_ij = d s_yhat / d e_ij for one slice: (batch, length, dim), zero at padding."""
    with torch.enable_grad():
        E, mask, z = _embedded(module, tokens)
        if target == "proba":
            z = torch.softmax(z, dim=1)
        score = z.gather(1, z.argmax(dim=1, keepdim=True)).sum()
        (grad,) = torch.autograd.grad(score, E)
    return grad * mask.unsqueeze(2), mask


def word_gradients(classifier, X, *, target="logit", batch_size=None):
    """Gradient of the predicted class's score with respect to each word's vector.

    I_ij = d s_{y_hat}(x_i) / d e_ij, the local interpretation of word j of sentence i (DAMI's
    Eq. 3). Positions follow :func:`skactive.text.tokenize` after truncation to the
    classifier's ``max_length``; an empty text is one unknown-word position.

    Parameters
    ----------
    classifier : fitted text classifier, learner or Pipeline ending in one
    X : 1-D array-like of str
    target : {'logit', 'proba'}, default='logit'
        Differentiate the predicted class's logit or its softmax probability.
    batch_size : int, optional
        Sentences per backward pass.

    Returns
    -------
    gradients : ndarray of shape (n_samples, length, dim), float32
        ``length`` is the longest sentence of ``X``; zero at padded positions. This holds
        n_samples * length * dim values: for a whole pool, prefer
        :func:`word_interpretations` or :func:`expected_word_gradient_norms`.
    mask : ndarray of shape (n_samples, length), bool
        True at real word positions.

    Examples
    --------
    >>> from skactive import TextCNNClassifier, readouts
    >>> texts, labels = ["good fun", "bad , dull", "fun", "so dull"] * 5, [1, 0, 1, 0] * 5
    >>> clf = TextCNNClassifier(n_filters=4, embedding_dim=8, embedding="random",
    ...                         max_epochs=2, random_state=0).fit(texts, labels)
    >>> grads, mask = readouts.word_gradients(clf, ["good fun", ""])
    >>> grads.shape, mask.tolist()
    ((2, 2, 8), [[True, True], [True, False]])
    """
    check_target(target)
    estimator, X = _text_view(classifier, X, "word_gradients")
    module = estimator.inference_module()
    dim = module.embedding.embedding_dim
    out = np.zeros((len(X), X.shape[1], dim), dtype=np.float32)
    with estimator.threads():
        for idx, tokens in _equal_length_batches(
                estimator, X, batch_rows(estimator, batch_size, 2 * X.shape[1] * dim)):
            grad, _ = _interpretations(module, tokens, target)
            out[idx, :tokens.shape[1]] = grad.cpu().numpy()
    return out, X != PAD_ID


def word_interpretations(classifier, X, *, target="logit", batch_size=None):
    """DAMI's sentence representations for text: the most discriminative word's gradient.

    With I_ij the gradient of the predicted class's score with respect to word j's vector
    (see :func:`word_gradients`), the pool's mean interpretation is
    I_bar = mean over sentences of (mean over the sentence's real words of I_ij) (Eq. 4); each
    sentence's most discriminative word is d_i = argmax_j ||I_ij - I_bar||^2 over its real
    words (Eq. 5, first one on ties), and its representation r_i = I_{i, d_i} (Eq. 6).

    Runs in two passes over the pool (I_bar first, then d_i), one backward pass per slice of
    sentences: pass 2 reuses pass 1's gradients (one vector per real word, no padding) while
    they fit in 256 MB of float32 values and recomputes the rest, so memory stays bounded
    whatever the pool's size. A sentence without any known word (an empty text or only unknown
    words) is represented by the gradient at one of its unknown-word positions (an empty text
    has exactly one).

    Parameters
    ----------
    classifier : fitted text classifier, learner or Pipeline ending in one
    X : 1-D array-like of str
        The pool.
    target : {'logit', 'proba'}, default='logit'
        Differentiate the predicted class's logit or its softmax probability.
    batch_size : int, optional
        Sentences per backward pass.

    Returns
    -------
    representations : ndarray of shape (n_samples, dim), float32
        r_i.
    word_positions : ndarray of shape (n_samples,), int64
        d_i, the token position (in :func:`skactive.text.tokenize`'s tokens) of the chosen word.

    Examples
    --------
    >>> from skactive import TextCNNClassifier, readouts
    >>> texts, labels = ["good fun", "bad , dull", "fun", "so dull"] * 5, [1, 0, 1, 0] * 5
    >>> clf = TextCNNClassifier(n_filters=4, embedding_dim=8, embedding="random",
    ...                         max_epochs=2, random_state=0).fit(texts, labels)
    >>> r, d = readouts.word_interpretations(clf, ["good fun", "bad , dull", ""])
    >>> r.shape, r.dtype, d.shape
    ((3, 8), dtype('float32'), (3,))
    >>> int(d[2])  # the empty text's one (unknown-word) position
    0
    """
    check_target(target)
    estimator, X = _text_view(classifier, X, "word_interpretations")
    module = estimator.inference_module()
    dim = module.embedding.embedding_dim
    rows = batch_rows(estimator, batch_size, 3 * X.shape[1] * dim)
    total = torch.zeros(dim, dtype=torch.float64)
    # pass 1's gradients, kept for pass 2 while they fit in the budget (a slice holds no
    # padding, so the pool's words times dim values): pass 2 recomputes only the rest
    kept, room = [], PER_SAMPLE_GRADIENT_BUDGET
    with estimator.threads():
        for _, tokens in _equal_length_batches(estimator, X, rows):  # pass 1: I_bar
            grad, mask = _interpretations(module, tokens, target)
            n_words = mask.sum(dim=1, keepdim=True).to(torch.float64)
            total += (grad.sum(dim=1).to(torch.float64) / n_words).sum(dim=0).cpu()
            room -= grad.numel()
            kept.append((grad, mask) if room >= 0 else None)
            del grad, mask
        mean = (total / len(X)).to(torch.float32).to(estimator.device)
        representations = np.empty((len(X), dim), dtype=np.float32)
        positions = np.empty(len(X), dtype=np.int64)
        # pass 2 (d_i and r_i) on the very same slices
        for i, (idx, tokens) in enumerate(_equal_length_batches(estimator, X, rows)):
            done, kept[i] = kept[i], None
            grad, mask = done if done is not None else _interpretations(module, tokens, target)
            distance = (grad - mean).square().sum(dim=2).masked_fill(~mask, -torch.inf)
            best = distance.argmax(dim=1)
            representations[idx] = grad[torch.arange(len(best)), best].cpu().numpy()
            positions[idx] = best.cpu().numpy()
            del grad, mask, done
    return representations, positions


def expected_word_gradient_norms(classifier, X, *, batch_size=None):
    """EGL-word: max over words j of sum_y p(y|x) ||grad_{e_j} CE(x, y)||_2, per sentence.

    Zhang, Lease & Wallace (2017)'s score. Since grad_{e_j} CE(x, y) = sum_k (p_k - [k = y])
    d s_k / d e_j and the coefficients p_k - [k = y] sum to zero, it equals
    sum_{k >= 1} (p_k - [k = y]) d (s_k - s_0) / d e_j: one backward pass per class but the first
    (a single one for two classes) and slice gives every label's gradient at every word, and the
    norms follow from the (K - 1) x (K - 1) Gram matrix of those gradients at each position.
    Padded positions never count; an empty text is scored at its unknown-word position.

    Parameters
    ----------
    classifier : fitted text classifier, learner or Pipeline ending in one
    X : 1-D array-like of str
    batch_size : int, optional
        Sentences per backward pass.

    Returns
    -------
    egl_word : ndarray of shape (n_samples,), float32

    Examples
    --------
    >>> from skactive import TextCNNClassifier, readouts
    >>> texts, labels = ["good fun", "bad , dull", "fun", "so dull"] * 5, [1, 0, 1, 0] * 5
    >>> clf = TextCNNClassifier(n_filters=4, embedding_dim=8, embedding="random",
    ...                         max_epochs=2, random_state=0).fit(texts, labels)
    >>> scores = readouts.expected_word_gradient_norms(clf, ["good fun", "so so", ""])
    >>> scores.shape, bool((scores > 0).all())
    ((3,), True)
    """
    estimator, X = _text_view(classifier, X, "expected_word_gradient_norms")
    module = estimator.inference_module()
    n_classes = len(estimator.classes_)
    dim = module.embedding.embedding_dim
    rows = batch_rows(estimator, batch_size, n_classes * X.shape[1] * dim)
    eye = torch.eye(n_classes, device=estimator.device)
    out = np.empty(len(X), dtype=np.float32)
    with estimator.threads():
        for idx, tokens in _equal_length_batches(estimator, X, rows):
            with torch.enable_grad():
                E, mask, z = _embedded(module, tokens)
                # p - onehot(y) sums to zero, so every label's gradient lies in the span of
                # d (s_k - s_0) / d e_j, k >= 1: K - 1 backward passes (one for two classes)
                diffs = torch.stack([
                    torch.autograd.grad((z[:, k] - z[:, 0]).sum(), E,
                                        retain_graph=k < n_classes - 1)[0]
                    for k in range(1, n_classes)
                ], dim=1)  # (batch, K - 1, length, dim)
            p = torch.softmax(z.detach(), dim=1)
            r = (p.unsqueeze(1) - eye)[:, :, 1:]  # (batch, y, K - 1): p - onehot(y), k >= 1
            gram = torch.einsum("bkld,bmld->blkm", diffs, diffs)
            sq = torch.einsum("byk,blkm,bym->bly", r, gram, r).clamp_min(0)
            expected = (p.unsqueeze(1) * sq.sqrt()).sum(dim=2).masked_fill(~mask, -torch.inf)
            out[idx] = expected.amax(dim=1).cpu().numpy()
    return out


def text_gradient_gram(module, n_classes, length):
    """Per-sample J J^T of a text network, J the Jacobian of the logits w.r.t. its parameters.

    Exact and factorised per position ("ghost norms"): a linear map applied at positions t
    with inputs a_t and output gradients delta_kt (for logit k) has per-sample weight gradient
    sum_t delta_kt a_t^T, so its contribution to the Gram matrix is
    sum_{t,u} (delta_kt . delta_lu) (a_t . a_u + 1 for a bias). The network's
    ``gradient_taps`` gives every trainable map's output and the position Gram of its inputs
    (for the embedding table: 1 where two positions hold the same word, the rows of a
    fine-tuned table adding up per word), so one backward pass per class and slice replaces
    the per-sample Jacobian; memory grows with length^2, never with the vocabulary. Frozen
    parameters (``freeze_embedding=True``) are left out, as EGL counts trainable ones only.

    Parameters
    ----------
    module : text network in eval mode (``gradient_taps``)
    n_classes : int
    length : int
        Longest sentence, to size the slices.

    Returns
    -------
    gram_fn : callable
        ``gram_fn(tokens) -> (logits, gram)``, gram of shape (batch, K, K).
    values_per_row : int
        Values held per sentence, for the slice budget.
    """
    width = sum(p.shape[0] for name, p in module.named_parameters()
                if p.requires_grad and name.endswith("bias")) + module.embedding.embedding_dim
    values_per_row = 3 * n_classes * (length + 8) * width + 8 * (length + 8) ** 2

    def gram_fn(tokens):
        eye = torch.eye(n_classes, device=tokens.device)
        with torch.enable_grad():
            z, taps, head_scale = module.gradient_taps(tokens)
            outputs = [out for out, _ in taps]
            deltas = [torch.autograd.grad(z[:, k].sum(), outputs, retain_graph=k < n_classes - 1)
                      for k in range(n_classes)] if outputs else []
        gram = head_scale.to(z.dtype).reshape(-1, 1, 1) * eye  # the head: delta_k = onehot(k)
        for i, (_, position_gram) in enumerate(taps):
            D = torch.stack([d[i] for d in deltas], dim=1)  # (batch, K, positions, width)
            if torch.is_tensor(position_gram):
                gram = gram + torch.einsum("bktc,bltc->bkl", D, position_gram.unsqueeze(1) @ D)
            else:  # biases only: the same constant for every pair of positions
                summed = D.sum(dim=2)
                gram = gram + position_gram * (summed @ summed.transpose(1, 2))
        return z.detach(), gram

    return gram_fn, values_per_row
