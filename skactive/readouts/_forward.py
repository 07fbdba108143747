"""Forward readouts: logits, probabilities, penultimate features, BADGE's gradient embedding.

Each runs the network on large slices of the pool (``batch_size`` rows, the classifier's
inference batch by default), in float32, without gradients. The pool is read one chunk at a
time (:func:`skactive.utils.iter_chunks`): a memory-mapped or dask pool is never copied whole,
and a Pipeline's earlier steps transform one chunk at a time.
"""

import numpy as np
import torch

from ..base import BaseNeuralClassifier, softmax
from ..utils import iter_chunks, num_samples
from ._view import final_estimator, neural_chunks


def _forward(estimator, n, chunks, fn, width, batch_size=None):
    module = estimator.inference_module()
    out = np.empty((n, width), dtype=np.float32)
    with torch.no_grad(), estimator.threads():
        for start, stop, X in chunks:
            part = out[start:stop]
            for idx, xb in estimator.iter_input_batches(X, batch_size):
                part[idx] = fn(module, xb).cpu().numpy()
    return out


def logits(classifier, X, *, batch_size=None):
    """Pre-softmax class scores s_k(x), float32 of shape (n_samples, n_classes).

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like, memmap, dask array or pool object
        Samples, as given to the classifier, read one chunk at a time
        (:func:`skactive.utils.iter_chunks`; a Pipeline's earlier steps transform each chunk).
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
    estimator, n, chunks = neural_chunks(classifier, X, "logits")
    return _forward(estimator, n, chunks, lambda m, xb: m(xb), len(estimator.classes_),
                    batch_size)


def predict_proba(classifier, X, *, batch_size=None):
    """Class probabilities p(.|x), shape (n_samples, n_classes).

    For skactive networks this is one float32 pass over large slices of the pool (skorch's
    ``predict_proba`` runs slices of 128 rows); any other classifier's own ``predict_proba``
    is used as it is.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like, memmap, dask array or pool object
        Samples, as given to the classifier, read one chunk at a time
        (:func:`skactive.utils.iter_chunks`; a Pipeline's earlier steps transform each chunk).
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
        out = None
        for start, stop, block in iter_chunks(X):
            proba = np.asarray(estimator.predict_proba(
                block if transform is None else transform(block)))
            if out is None:
                out = np.empty((num_samples(X),) + proba.shape[1:], dtype=proba.dtype)
            out[start:stop] = proba
        if out is None:  # an empty pool: the classifier says what is wrong with it
            out = np.asarray(estimator.predict_proba(X if transform is None else transform(X)))
        return out
    return softmax(logits(classifier, X, batch_size=batch_size))


def penultimate_features(classifier, X, *, batch_size=None):
    """Penultimate representation f(x), the input of the final linear layer.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like, memmap, dask array or pool object
        Samples, as given to the classifier, read one chunk at a time
        (:func:`skactive.utils.iter_chunks`; a Pipeline's earlier steps transform each chunk).
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
    estimator, n, chunks = neural_chunks(classifier, X, "penultimate_features")
    width = estimator.module_.head.in_features
    return _forward(estimator, n, chunks, lambda m, xb: m.features(xb), width, batch_size)


def features_and_logits(classifier, X, *, batch_size=None):
    """f(x) and the logits in one pass.

    Parameters
    ----------
    classifier : ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        A fitted skactive network, or a learner or Pipeline around one.
    X : array-like, memmap, dask array or pool object
        Samples, as given to the classifier, read one chunk at a time
        (:func:`skactive.utils.iter_chunks`; a Pipeline's earlier steps transform each chunk).
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
    estimator, n, chunks = neural_chunks(classifier, X, "features_and_logits")
    d, k = estimator.module_.head.in_features, len(estimator.classes_)

    def both(m, xb):
        f = m.features(xb)
        return torch.cat([f, m.head(f)], dim=1)

    out = _forward(estimator, n, chunks, both, d + k, batch_size)
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
    X : array-like, memmap, dask array or pool object
        Samples, as given to the classifier, read one chunk at a time
        (:func:`skactive.utils.iter_chunks`; a Pipeline's earlier steps transform each chunk).
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
