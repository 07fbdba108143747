"""The scikit-learn side of skactive's neural classifiers.

:class:`BaseNeuralClassifier` turns a torch module into a scikit-learn classifier trained by a
skorch :class:`~skorch.NeuralNetClassifier`: input validation, label encoding, seeding, thread
control and batched inference live here once. A subclass says how to validate its input
(``_validate_training_data`` / ``_validate_input``), what it learns about its input before
training (``_fit_input_encoding``: the text models' vocabulary and word vectors) and which
module to build (``_build_module``); everything else is shared by the table and text models.
"""

import copy

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit

from .utils import check_positive, derive_seed, resolve_n_threads, torch_threads
from ._training import InterruptibleNetClassifier, keep_state_on_error
from ._version import VersionedPickleMixin

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}


def _silent(*args, **kwargs):
    pass


def resolve_optimizer(optimizer):
    """Map an optimizer name (``'adam'``, ``'adamw'``, ``'sgd'``, ``'rmsprop'``) or class to a class."""
    if isinstance(optimizer, str):
        try:
            return _OPTIMIZERS[optimizer.lower()]
        except KeyError:
            raise ValueError(
                f"Unknown optimizer {optimizer!r}; use one of {sorted(_OPTIMIZERS)} "
                "or pass a torch.optim.Optimizer subclass."
            ) from None
    if isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        return optimizer
    raise ValueError(
        f"optimizer must be a name in {sorted(_OPTIMIZERS)} or a torch.optim.Optimizer "
        f"subclass, got {optimizer!r}."
    )


def train_net(estimator, build, X, y):
    """The training scaffold of every skorch-based estimator: seeded, thread-bound, recorded.

    ``build(seed)`` returns ``(module, net)``; it runs under a forked torch RNG seeded from
    ``estimator.random_state`` (the global RNG is untouched), and ``net.fit(X, y)`` runs with
    ``estimator.n_threads``. Sets ``net_``, ``n_iter_`` and ``loss_curve_`` on ``estimator``.

    Parameters
    ----------
    estimator : estimator with ``random_state``, ``device`` and ``n_threads``
    build : callable
        ``build(seed) -> (module, net)``.
    X, y : tensors or arrays for ``net.fit``

    Returns
    -------
    estimator
    """
    seed = derive_seed(estimator.random_state)
    device = torch.device(estimator.device)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        module, net = build(seed)
        with torch_threads(resolve_n_threads(estimator.n_threads, module, estimator.device)):
            net.fit(X, y)
    estimator.net_ = net
    estimator.n_iter_ = len(net.history)
    estimator.loss_curve_ = list(net.history[:, "train_loss"])
    return estimator


class BaseNeuralClassifier(VersionedPickleMixin, ClassifierMixin, BaseEstimator):
    """Shared fit / predict logic of skactive's skorch-based classifiers.

    Not meant to be used directly: see :class:`skactive.MLPClassifier`. Subclasses set their
    parameters in ``__init__`` (including every one read below) and implement
    ``_validate_training_data``, ``_validate_input`` and ``_build_module`` (and, when they
    learn an input encoding, ``_fit_input_encoding``).
    """

    #: dtype of the public ``predict``/``predict_proba``: float64 makes a prediction independent
    #: of the batch it was computed in (float32 products differ by ~1e-7 with the batch size).
    _predict_dtype = torch.float64
    #: rows per forward pass at inference time (training uses ``batch_size``).
    _inference_batch_size = 8192

    # ----------------------------------------------------------------- subclass hooks
    def _fit_input_encoding(self, X):
        """Learn how inputs become network inputs (text: vocabulary, word vectors); return X."""
        return X

    def _validate_training_data(self, X, y):  # pragma: no cover - abstract
        raise NotImplementedError

    def _validate_input(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def _build_module(self, X, n_classes):  # pragma: no cover - abstract
        raise NotImplementedError

    def _input_tensor(self, X, dtype):
        """Model input for a slice of validated data (float features by default)."""
        return torch.as_tensor(X, dtype=dtype)

    def _check_training_params(self):
        check_positive("learning_rate", self.learning_rate)
        check_positive("max_epochs", self.max_epochs, integral=True)
        check_positive("batch_size", self.batch_size, integral=True)
        check_positive("weight_decay", self.weight_decay, allow_zero=True)
        check_positive("tol", self.tol, allow_zero=True)
        if self.n_iter_no_change is not None:
            check_positive("n_iter_no_change", self.n_iter_no_change, integral=True)
        if not 0 < self.validation_fraction < 1:
            raise ValueError(
                f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}."
            )
        resolve_optimizer(self.optimizer)

    # ----------------------------------------------------------------- training
    @keep_state_on_error
    def fit(self, X, y):
        """Train a new network on ``(X, y)`` from scratch.

        Parameters
        ----------
        X : array-like
            Training input.
        y : array-like of shape (n_samples,)
            Class labels (strings, integers or any hashable type).

        Returns
        -------
        self : object
            The fitted classifier.

        Notes
        -----
        Training can be interrupted (Ctrl-C, or a SIGTERM that the program turns into
        ``KeyboardInterrupt``): the interrupt reaches the caller, and the classifier keeps the
        state it had before the call (its previous model, or unfitted). Early stopping
        (``n_iter_no_change``, or a callback raising ``KeyboardInterrupt`` as skorch's
        ``EarlyStopping`` does) still ends training normally.
        """
        self._check_training_params()
        X, y = self._validate_training_data(X, y)
        check_classification_targets(y)
        X = self._fit_input_encoding(X)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in y; got 1 class "
                f"({self.classes_[0]!r}). Label samples of another class before fitting."
            )

        def build(seed):
            module = self._build_module(X, len(self.classes_))
            return module, self._make_net(module, len(self.classes_), len(y), seed)

        fitted = train_net(self, build, self._input_tensor(X, torch.float32),
                           y_encoded.astype(np.int64))
        # A fitted network is for inference: calling ``module_`` directly must not sample
        # dropout (skorch leaves the module in training mode without a validation split).
        fitted.module_.eval()
        return fitted

    def _make_net(self, module, n_classes, n_samples, seed):
        callbacks = list(self.callbacks or [])
        sink = print if self.verbose else _silent
        if self.early_stopping:
            train_split = ValidSplit(self.validation_fraction, stratified=True, random_state=seed)
            callbacks.append(
                ("early_stopping", EarlyStopping(
                    monitor="valid_loss", patience=self.n_iter_no_change, threshold=self.tol,
                    threshold_mode="abs", load_best=True, sink=sink))
            )
        else:
            train_split = None  # skorch would otherwise hold out 20% of the labels silently
            if self.n_iter_no_change is not None:
                callbacks.append(
                    ("early_stopping", EarlyStopping(
                        monitor="train_loss", patience=self.n_iter_no_change,
                        threshold=self.tol, threshold_mode="abs", sink=sink))
                )
        return InterruptibleNetClassifier(
            module,
            criterion=torch.nn.CrossEntropyLoss,
            optimizer=resolve_optimizer(self.optimizer),
            optimizer__weight_decay=self.weight_decay,
            lr=self.learning_rate,
            max_epochs=self.max_epochs,
            batch_size=min(self.batch_size, n_samples),
            iterator_train__shuffle=True,
            train_split=train_split,
            callbacks=callbacks,
            classes=np.arange(n_classes),
            device=self.device,
            verbose=int(self.verbose),
        )

    # ----------------------------------------------------------------- inference
    @property
    def module_(self):
        """The fitted ``torch.nn.Module`` (``net_.module_``)."""
        check_is_fitted(self, "net_")
        return self.net_.module_

    def inference_module(self, dtype=torch.float32):
        """The fitted module in eval mode, cast to ``dtype`` (a copy unless it is float32).

        Parameters
        ----------
        dtype : torch.dtype, default=torch.float32
            Floating point type of the weights.

        Returns
        -------
        module : torch.nn.Module
        """
        module = self.module_
        if dtype != torch.float32:
            module = copy.deepcopy(module).to(dtype=dtype)
        return module.eval()

    @property
    def inference_batch_size(self):
        """Rows per forward pass at inference time (readouts slice the pool by it)."""
        return self._inference_batch_size

    def validate_input(self, X):
        """``X`` checked and converted as the fitted network reads it.

        Float32 feature rows for tables, padded token ids for text; the readouts call this
        once per pool before slicing it with :meth:`iter_input_batches`.

        Parameters
        ----------
        X : array-like
            Samples, as given to ``predict``.

        Returns
        -------
        X : ndarray
        """
        check_is_fitted(self)
        return self._validate_input(X)

    def iter_input_batches(self, X, batch_size=None, dtype=torch.float32):
        """Yield model-ready tensors on the classifier's device for batches of validated ``X``.

        Parameters
        ----------
        X : validated input (output of ``_validate_input``)
        batch_size : int, optional
            Rows per batch; the classifier's inference batch size by default.
        dtype : torch.dtype, default=torch.float32

        Yields
        ------
        (rows, tensor)
            ``rows`` indexes the batch's samples in ``X`` (a slice, or an index array when the
            classifier reorders its input, as the text models do to batch sentences of similar
            length); write results as ``out[rows] = ...``.

        Examples
        --------
        >>> import numpy as np
        >>> from skactive import MLPClassifier
        >>> X, y = np.random.RandomState(0).rand(10, 2), [0, 1] * 5
        >>> clf = MLPClassifier(max_epochs=2, random_state=0).fit(X, y)
        >>> [(rows, tuple(xb.shape)) for rows, xb in clf.iter_input_batches(X, batch_size=6)]
        [(slice(0, 6, None), (6, 2)), (slice(6, 10, None), (4, 2))]
        """
        batch_size = batch_size or self._inference_batch_size
        n = len(X)
        order = self._inference_order(X)
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            rows = slice(start, stop) if order is None else order[start:stop]
            yield rows, self._input_tensor(X[rows], dtype).to(self.device)

    def _inference_order(self, X):
        """Order in which to batch validated ``X`` at inference time; None keeps it as given."""
        return None

    def threads(self):
        """Context manager that sets the intra-op thread count used for this model."""
        return torch_threads(resolve_n_threads(self.n_threads, self.module_, self.device))

    def _logits(self, X, dtype):
        module = self.inference_module(dtype)
        out = np.empty((len(X), len(self.classes_)), dtype=np.float64 if dtype == torch.float64
                       else np.float32)
        with torch.no_grad(), self.threads():
            for rows, xb in self.iter_input_batches(X, dtype=dtype):
                out[rows] = module(xb).cpu().numpy()
        return out

    def logits(self, X):
        """Pre-softmax class scores of every class.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        logits : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "net_")
        return self._logits(self._validate_input(X), self._predict_dtype)

    def decision_function(self, X):
        """Confidence scores in scikit-learn's layout.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the log-odds of ``classes_[1]`` (logit difference; > 0 means
            ``classes_[1]``); otherwise the logits.
        """
        logits = self.logits(X)
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits), columns ordered as ``classes_``.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return softmax(self.logits(X))

    def predict(self, X):
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels of the same type as the ``y`` given to ``fit``.
        """
        logits = self.logits(X)
        return self.classes_[np.argmax(logits, axis=1)]


def softmax(logits):
    """Row-wise softmax of a 2-D array, computed stably in its own dtype.

    The one softmax of skactive's numpy code (probabilities, BADGE's embedding, IBAL, RALIF).

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.base import softmax
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    z = logits - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z
