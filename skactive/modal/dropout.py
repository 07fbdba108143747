"""Monte Carlo dropout strategies for torch models (Gal et al., 2017), with modAL's API.

The learner's estimator is a skorch ``NeuralNet`` (its ``module_`` and ``infer``) or a skactive
classifier (its ``module_``). :func:`get_predictions` switches the dropout layers to training
mode, runs ``num_predictions`` stochastic passes over the pool in slices of
``sample_per_forward_pass`` rows (torch's global random state draws the masks, so
``torch.manual_seed`` makes them repeatable) and switches dropout back off.

One deliberate difference from modAL 0.4.2.1: modAL applies ``softmax`` to the boolean-masked,
hence flattened, logits of a whole slice, so its "probabilities" sum to one over all the rows
and classes of a slice together and depend on ``sample_per_forward_pass``. Here the softmax is
taken over each row's classes (NaN entries, which a ``logits_adaptor`` may use for padding, are
left out), so every row is a probability distribution.
"""

from collections.abc import Mapping

import numpy as np
import torch
from scipy.special import entr

from ._errors import ArgumentError
from .utils.selection import multi_argmax, shuffled_argmax

__all__ = ["default_logits_adaptor", "mc_dropout_bald", "mc_dropout_mean_st",
           "mc_dropout_max_entropy", "mc_dropout_max_variationRatios", "get_predictions",
           "entropy_sum", "set_dropout_mode"]


def default_logits_adaptor(input_tensor, samples):
    """The identity: the network's output is already ``(n_samples, n_classes)`` logits.

    Parameters
    ----------
    input_tensor : torch.Tensor
        The network's output for ``samples``.
    samples : torch.Tensor or dict
        The input slice.

    Returns
    -------
    logits : torch.Tensor

    Examples
    --------
    >>> import torch
    >>> from skactive.modal.dropout import default_logits_adaptor
    >>> default_logits_adaptor(torch.ones(2, 3), None).shape
    torch.Size([2, 3])
    """
    return input_tensor


def set_dropout_mode(model, dropout_layer_indexes, train_mode):
    """Switch dropout layers of ``model`` to training (``train_mode=True``) or eval mode.

    Parameters
    ----------
    model : torch.nn.Module
    dropout_layer_indexes : list of int
        Positions in ``list(model.modules())``; empty means every layer whose class name starts
        with ``Dropout``.
    train_mode : bool

    Raises
    ------
    KeyError
        If an index does not point at a dropout layer.

    Examples
    --------
    >>> import torch
    >>> from skactive.modal.dropout import set_dropout_mode
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5)).eval()
    >>> set_dropout_mode(net, [], train_mode=True)
    >>> [m.training for m in net.modules()]
    [False, False, True]
    """
    modules = list(model.modules())
    if dropout_layer_indexes:
        layers = []
        for index in dropout_layer_indexes:
            if not type(modules[index]).__name__.startswith("Dropout"):
                raise KeyError(f"The passed index: {index} is not a Dropout layer")
            layers.append(modules[index])
    else:
        layers = [m for m in modules if type(m).__name__.startswith("Dropout")]
    for layer in layers:
        layer.train(bool(train_mode))


def _network(estimator):
    """(module, infer) of a skorch net or of a skactive classifier (its skorch ``net_``)."""
    if hasattr(estimator, "infer"):
        return estimator.module_, estimator.infer
    net = getattr(estimator, "net_", None)
    if net is None:
        raise TypeError(
            "MC dropout needs a fitted torch model: a skorch NeuralNet or a fitted skactive "
            f"classifier as the learner's estimator; got {type(estimator).__name__}.")
    return net.module_, net.infer


def _row_softmax(logits):
    """Softmax over the last axis, ignoring NaN entries (which stay NaN)."""
    nan = torch.isnan(logits)
    filled = logits.masked_fill(nan, float("-inf"))
    return torch.softmax(filled, dim=-1).masked_fill(nan, float("nan"))


def get_predictions(classifier, X, dropout_layer_indexes=[], num_predictions=50,
                    sample_per_forward_pass=1000, logits_adaptor=default_logits_adaptor):
    """Class probabilities from ``num_predictions`` passes with dropout switched on.

    Parameters
    ----------
    classifier : ActiveLearner or DeepActiveLearner
        Its ``estimator`` is a skorch net or a fitted skactive classifier.
    X : torch.Tensor, ndarray or dict of torch.Tensor
        The pool (a numpy array is turned into a float32 tensor).
    dropout_layer_indexes : list of int, default=[]
        Dropout layers to switch on (see :func:`set_dropout_mode`); all by default.
    num_predictions : int, default=50
    sample_per_forward_pass : int, default=1000
    logits_adaptor : callable, default=default_logits_adaptor
        ``logits_adaptor(output, samples) -> logits`` of shape (n_samples, ..., n_classes).

    Returns
    -------
    predictions : list of ndarray
        ``num_predictions`` arrays of class probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive import MLPClassifier
    >>> from skactive.modal.models import ActiveLearner
    >>> from skactive.modal.dropout import get_predictions
    >>> X, y = np.random.RandomState(0).rand(20, 3).astype("float32"), [0, 1] * 10
    >>> learner = ActiveLearner(MLPClassifier(max_epochs=2, dropout=0.5, random_state=0),
    ...                         X_training=X, y_training=y)
    >>> predictions = get_predictions(learner, X, num_predictions=3)
    >>> len(predictions), predictions[0].shape
    (3, (20, 2))
    """
    if not num_predictions > 0:
        raise ArgumentError("num_predictions must be larger than zero")
    if not sample_per_forward_pass > 0:
        raise ArgumentError("sample_per_forward_pass must be larger than zero")
    module, infer = _network(classifier.estimator)
    if isinstance(X, np.ndarray):
        X = torch.as_tensor(X, dtype=torch.float32)
    if isinstance(X, Mapping):
        parts = {k: torch.split(v.detach(), sample_per_forward_pass) for k, v in X.items()}
        n_slices = max(len(p) for p in parts.values())
        slices = [{k: p[i] for k, p in parts.items() if i < len(p)} for i in range(n_slices)]
    elif torch.is_tensor(X):
        slices = torch.split(X.detach(), sample_per_forward_pass)
    else:
        raise RuntimeError("Error in model data type, only dict or tensors supported")

    set_dropout_mode(module, dropout_layer_indexes, train_mode=True)
    try:
        predictions = []
        for _ in range(num_predictions):
            with torch.no_grad():
                probas = [_row_softmax(logits_adaptor(infer(s), s)) for s in slices]
            predictions.append(torch.cat(probas).cpu().numpy())
    finally:
        set_dropout_mode(module, dropout_layer_indexes, train_mode=False)
    return predictions


def entropy_sum(values, axis=-1):
    """Sum of ``-p log p`` along ``axis``, NaN entries left out.

    Parameters
    ----------
    values : ndarray
    axis : int, default=-1

    Returns
    -------
    entropy : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.modal.dropout import entropy_sum
    >>> round(float(entropy_sum(np.array([0.5, 0.5, np.nan]))), 4)
    0.6931
    """
    terms = entr(values)
    return np.sum(terms, where=~np.isnan(terms), axis=axis)


def _stack(proba):
    """(n_samples, ..., n_classes, n_passes)."""
    return np.stack(proba, axis=np.ndim(proba[0]))


def _mean_standard_deviation(proba):
    std = np.std(_stack(proba), axis=-1)
    return np.mean(std, where=~np.isnan(std), axis=-1)


def _entropy(proba):
    # as modAL: -p log p summed over the passes, then averaged over the classes
    per_class = entropy_sum(_stack(proba), axis=-1)
    return np.mean(per_class, where=~np.isnan(per_class), axis=-1)


def _variation_ratios(proba):
    mean = np.mean(_stack(proba), axis=-1)
    return 1 - np.amax(mean, initial=0, where=~np.isnan(mean), axis=-1)


def _bald_divergence(proba):
    stacked = _stack(proba)
    n_passes = len(proba)
    expected_entropy = entropy_sum(stacked, axis=-1) / n_passes
    mean = np.expand_dims(np.sum(stacked, axis=-1) / n_passes, axis=-1)
    entropy_of_mean = entropy_sum(mean, axis=-1)
    diff = entropy_of_mean - expected_entropy
    diff = diff.reshape(diff.shape[0], -1)
    return np.sum(diff, where=~np.isnan(diff), axis=-1)


def _mc_strategy(measure, classifier, X, n_instances, random_tie_break, dropout_layer_indexes,
                 num_cycles, sample_per_forward_pass, logits_adaptor):
    predictions = get_predictions(classifier, X, dropout_layer_indexes, num_cycles,
                                  sample_per_forward_pass, logits_adaptor)
    values = measure(predictions)
    return (shuffled_argmax if random_tie_break else multi_argmax)(values, n_instances)


_PARAMS = """
    Parameters
    ----------
    classifier : ActiveLearner or DeepActiveLearner
        Around a skorch net or a fitted skactive classifier.
    X : torch.Tensor, ndarray or dict of torch.Tensor
        The pool.
    n_instances : int, default=1
    random_tie_break : bool, default=False
    dropout_layer_indexes : list of int, default=[]
    num_cycles : int, default=50
        Stochastic passes.
    sample_per_forward_pass : int, default=1000
    logits_adaptor : callable, default=default_logits_adaptor
    **mc_dropout_kwargs
        Ignored (modAL's signature).

    Returns
    -------
    query_idx : ndarray of int
    values : ndarray
"""

_EXAMPLE = """
    Examples
    --------
    >>> import numpy as np
    >>> from skactive import MLPClassifier
    >>> from skactive.modal.models import ActiveLearner
    >>> from skactive.modal.dropout import {name}
    >>> X, y = np.random.RandomState(0).rand(20, 3).astype("float32"), [0, 1] * 10
    >>> learner = ActiveLearner(MLPClassifier(max_epochs=2, dropout=0.5, random_state=0),
    ...                         {name}, X_training=X, y_training=y)
    >>> query_idx, _ = learner.query(X, n_instances=2, num_cycles=5)
    >>> query_idx.shape
    (2,)
"""


def mc_dropout_bald(classifier, X, n_instances=1, random_tie_break=False,
                    dropout_layer_indexes=[], num_cycles=50, sample_per_forward_pass=1000,
                    logits_adaptor=default_logits_adaptor, **mc_dropout_kwargs):
    return _mc_strategy(_bald_divergence, classifier, X, n_instances, random_tie_break,
                        dropout_layer_indexes, num_cycles, sample_per_forward_pass,
                        logits_adaptor)


def mc_dropout_mean_st(classifier, X, n_instances=1, random_tie_break=False,
                       dropout_layer_indexes=[], num_cycles=50, sample_per_forward_pass=1000,
                       logits_adaptor=default_logits_adaptor, **mc_dropout_kwargs):
    return _mc_strategy(_mean_standard_deviation, classifier, X, n_instances, random_tie_break,
                        dropout_layer_indexes, num_cycles, sample_per_forward_pass,
                        logits_adaptor)


def mc_dropout_max_entropy(classifier, X, n_instances=1, random_tie_break=False,
                           dropout_layer_indexes=[], num_cycles=50, sample_per_forward_pass=1000,
                           logits_adaptor=default_logits_adaptor, **mc_dropout_kwargs):
    return _mc_strategy(_entropy, classifier, X, n_instances, random_tie_break,
                        dropout_layer_indexes, num_cycles, sample_per_forward_pass,
                        logits_adaptor)


def mc_dropout_max_variationRatios(classifier, X, n_instances=1, random_tie_break=False,
                                   dropout_layer_indexes=[], num_cycles=50,
                                   sample_per_forward_pass=1000,
                                   logits_adaptor=default_logits_adaptor, **mc_dropout_kwargs):
    return _mc_strategy(_variation_ratios, classifier, X, n_instances, random_tie_break,
                        dropout_layer_indexes, num_cycles, sample_per_forward_pass,
                        logits_adaptor)


for _fn, _summary in (
    (mc_dropout_bald, "Query the samples of largest BALD score (mutual information between "
                      "prediction and weights) over MC dropout passes."),
    (mc_dropout_mean_st, "Query the samples of largest mean (over classes) standard deviation "
                         "of the MC dropout probabilities."),
    (mc_dropout_max_entropy, "Query the samples of largest MC dropout entropy (modAL's: "
                             "-p log p summed over passes, averaged over classes)."),
    (mc_dropout_max_variationRatios, "Query the samples of largest variation ratio, "
                                     "1 - max_k mean p_k, over MC dropout passes."),
):
    _fn.__doc__ = _summary + "\n" + _PARAMS + _EXAMPLE.format(name=_fn.__name__)
del _fn, _summary
