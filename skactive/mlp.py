"""Multi-layer perceptron classifier for tables."""

import numpy as np

from .base import BaseNeuralClassifier
from .nets import MLPModule
from .utils import validate_data


class MLPClassifier(BaseNeuralClassifier):
    """ReLU multi-layer perceptron trained with skorch, as a scikit-learn classifier.

    The defaults (two hidden layers of 64 and 32 ReLU units, dropout 0.1, weight decay 1e-3,
    Adam at 1e-3 on batches of 128) were chosen on the benchmarks of random-sampling learning
    curves against scikit-learn's ``MLPClassifier``, ``HistGradientBoostingClassifier`` and,
    for one-hot encoded categories, ``LogisticRegression`` (``benchmarks/compare_models.py``,
    ``benchmarks/employee_model_study.py``); the DAMI paper's smaller model is
    ``hidden_layer_sizes=(16, 8), dropout=0.0, weight_decay=0.0, learning_rate=0.01,
    batch_size=64``. Inputs should be standardised (for example with a
    :class:`~sklearn.preprocessing.StandardScaler` in a :class:`~sklearn.pipeline.Pipeline`).
    Each call to :meth:`fit` trains a new network from scratch; with an integer
    ``random_state`` it is fully deterministic on the CPU.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 32)
        Width of each hidden layer.
    dropout : float, default=0.1
        Dropout probability after each hidden layer (training only; predictions use the whole
        network). Needed (> 0) by the BALD strategy, which samples it.
    learning_rate : float, default=1e-3
        Step size of the optimizer.
    max_epochs : int, default=200
        Maximum number of passes over the training data.
    batch_size : int, default=128
        Mini-batch size for training (capped at the number of samples).
    optimizer : {'adam', 'adamw', 'sgd', 'rmsprop'} or torch.optim.Optimizer subclass, \
default='adam'
        Optimizer used for training.
    weight_decay : float, default=1e-3
        L2 penalty passed to the optimizer.
    tol : float, default=1e-4
        Minimum decrease of the monitored loss that counts as an improvement.
    n_iter_no_change : int or None, default=10
        Stop once the monitored loss (training loss, or validation loss with
        ``early_stopping=True``) has not improved by ``tol`` for this many epochs. None trains
        for ``max_epochs`` epochs.
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the training data, monitor its loss and
        keep the best weights.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks (learning-rate schedules, checkpoints, logging).
    device : str, default='cpu'
        Torch device to train and predict on, for example ``'cuda'``.
    n_threads : int or None, default=None
        Torch intra-op threads used during fit, predict and readouts. None uses one thread for
        small modules (under a million parameters) on the CPU, where extra threads only add
        overhead, and torch's setting otherwise. The process-wide setting is restored after
        each call.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout. The global torch RNG is untouched.
    verbose : int, default=0
        Print skorch's per-epoch table when > 0.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels seen in ``fit``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a DataFrame with string column names.
    net_ : skorch.NeuralNetClassifier
        The fitted skorch net (history, callbacks, ``module_``).
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Training loss after each epoch.

    See Also
    --------
    skactive.ActiveLearner : Active learning loop around a classifier.
    sklearn.neural_network.MLPClassifier : scikit-learn's own MLP.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier
    >>> X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    >>> clf = MLPClassifier(random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _inference_batch_size = 65536

    def __init__(
        self,
        hidden_layer_sizes=(64, 32),
        *,
        dropout=0.1,
        learning_rate=1e-3,
        max_epochs=200,
        batch_size=128,
        optimizer="adam",
        weight_decay=1e-3,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        callbacks=None,
        device="cpu",
        n_threads=None,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.callbacks = callbacks
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def _validate_training_data(self, X, y):
        return validate_data(self, X, y, dtype=np.float32)

    def _validate_input(self, X):
        return validate_data(self, X, reset=False, dtype=np.float32)

    def _build_module(self, X, n_classes):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, int):
            sizes = (sizes,)
        sizes = tuple(sizes)
        if any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}."
            )
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}.")
        return MLPModule(X.shape[1], n_classes, sizes, dropout=self.dropout)
