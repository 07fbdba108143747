"""A small MLP autoencoder for tables, as a scikit-learn transformer trained with skorch.

IBAL-D measures how far a pool sample lies from the labeled set in an autoencoder's latent space
(Pezeshkpour et al., IBAL, Eq. 3). For tables skactive uses the fully connected autoencoder
below; ``transform`` returns the latent code z(x).
"""

import numbers

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import EarlyStopping
from torch import nn

from ._training import InterruptibleNet, keep_state_on_error
from ._version import VersionedPickleMixin
from .base import resolve_optimizer, train_net
from .nets import AutoencoderModule
from .utils import check_positive, resolve_n_threads, torch_threads, validate_data


def _silent(*args, **kwargs):
    pass


class _SliceBatches:
    """skorch iterator yielding contiguous tensor slices (a shuffled permutation when training).

    torch's DataLoader indexes and collates one row at a time, which costs milliseconds per
    batch: an order of magnitude more than the autoencoder's own step on a wide pool.
    """

    def __init__(self, dataset, batch_size, shuffle=False, **_):
        self.X, self.y = dataset.X, dataset.y
        self.batch_size, self.shuffle = batch_size, shuffle

    def __len__(self):
        return -(-len(self.X) // self.batch_size)

    def __iter__(self):
        n = len(self.X)
        order = torch.randperm(n) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            idx = slice(start, start + self.batch_size) if order is None else \
                order[start:start + self.batch_size]
            yield self.X[idx], self.y[idx]


class MLPAutoencoder(VersionedPickleMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                     BaseEstimator):
    """Fully connected autoencoder whose ``transform`` gives the latent code.

    The network (ReLU encoder ``n_features -> hidden_layer_sizes -> latent_dim``, mirrored
    decoder) is trained with skorch to reconstruct its input under the mean squared error. With
    ``standardize=True`` (the default) every feature is centred and scaled to unit variance
    inside the transformer first (constant features are left unscaled), so that no feature
    dominates the reconstruction loss and the code does not depend on the units.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(16,)
        Hidden widths of the encoder; the decoder mirrors them.
    latent_dim : int or None, default=None
        Width of the code. None uses ``min(8, n_features)``.
    standardize : bool, default=True
        Standardise the features before encoding (fitted in ``fit``).
    learning_rate : float, default=0.01
        Adam step size.
    max_epochs : int, default=30
        Maximum number of passes over the data.
    batch_size : int, default=512
        Mini-batch size (capped at the number of samples).
    tol : float, default=1e-4
        Minimum decrease of the training loss that counts as an improvement.
    n_iter_no_change : int or None, default=5
        Stop once the training loss has not improved by ``tol`` for this many epochs. None
        trains for ``max_epochs`` epochs.
    device : str, default='cpu'
        Torch device.
    n_threads : int or None, default=None
        Torch intra-op threads during fit and transform; None runs small modules on one thread.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and shuffling; the global torch RNG is untouched.
    verbose : int, default=0
        Print skorch's per-epoch table when > 0.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen in ``fit``.
    latent_dim_ : int
        Width of the code.
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Standardisation parameters (0 and 1 when ``standardize=False``).
    net_ : skorch.NeuralNet
        The fitted skorch net.
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Training loss (mean squared reconstruction error) after each epoch.

    See Also
    --------
    skactive.strategies.IBALD : Uses the code as its distance space.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive.autoencoder import MLPAutoencoder
    >>> X, _ = make_classification(n_samples=200, n_features=6, random_state=0)
    >>> ae = MLPAutoencoder(latent_dim=3, max_epochs=5, random_state=0).fit(X)
    >>> ae.transform(X).shape
    (200, 3)
    """

    def __init__(
        self,
        hidden_layer_sizes=(16,),
        *,
        latent_dim=None,
        standardize=True,
        learning_rate=0.01,
        max_epochs=30,
        batch_size=512,
        tol=1e-4,
        n_iter_no_change=5,
        device="cpu",
        n_threads=None,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.latent_dim = latent_dim
        self.standardize = standardize
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, n_features):
        check_positive("learning_rate", self.learning_rate)
        check_positive("max_epochs", self.max_epochs, integral=True)
        check_positive("batch_size", self.batch_size, integral=True)
        check_positive("tol", self.tol, allow_zero=True)
        if self.n_iter_no_change is not None:
            check_positive("n_iter_no_change", self.n_iter_no_change, integral=True)
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, numbers.Integral) else tuple(sizes)
        if any(not isinstance(s, numbers.Integral) or s < 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}."
            )
        latent = min(8, n_features) if self.latent_dim is None else self.latent_dim
        if not isinstance(latent, numbers.Integral) or isinstance(latent, bool) or latent < 1:
            raise ValueError(
                f"latent_dim must be a positive integer or None, got {self.latent_dim!r}."
            )
        return sizes, int(latent)

    @keep_state_on_error
    def fit(self, X, y=None):
        """Train a new autoencoder on ``X`` from scratch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (for IBAL-D: the pool and the labeled samples together).
        y : None
            Ignored.

        Returns
        -------
        self : MLPAutoencoder
        """
        X = validate_data(self, X, dtype=np.float32)
        sizes, self.latent_dim_ = self._check_params(X.shape[1])
        if self.standardize:
            self.mean_ = X.mean(axis=0, dtype=np.float64).astype(np.float32)
            scale = X.std(axis=0, dtype=np.float64)
            self.scale_ = np.where(scale > 0, scale, 1.0).astype(np.float32)
        else:
            self.mean_ = np.zeros(X.shape[1], dtype=np.float32)
            self.scale_ = np.ones(X.shape[1], dtype=np.float32)
        Xs = torch.as_tensor((X - self.mean_) / self.scale_)
        callbacks = []
        if self.n_iter_no_change is not None:
            callbacks.append(("early_stopping", EarlyStopping(
                monitor="train_loss", patience=self.n_iter_no_change, threshold=self.tol,
                threshold_mode="abs", sink=print if self.verbose else _silent)))

        def build(seed):
            module = AutoencoderModule(X.shape[1], self.latent_dim_, sizes)
            return module, InterruptibleNet(
                module,
                criterion=nn.MSELoss,
                optimizer=resolve_optimizer("adam"),
                lr=self.learning_rate,
                max_epochs=self.max_epochs,
                batch_size=min(self.batch_size, len(X)),
                iterator_train=_SliceBatches,
                iterator_train__shuffle=True,
                iterator_valid=_SliceBatches,
                train_split=None,
                callbacks=callbacks,
                device=self.device,
                verbose=int(self.verbose),
            )

        return train_net(self, build, Xs, Xs)

    def transform(self, X):
        """Latent code z(x) of every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim_), float32
        """
        check_is_fitted(self, "net_")
        X = validate_data(self, X, reset=False, dtype=np.float32)
        module = self.net_.module_.eval()
        out = np.empty((len(X), self.latent_dim_), dtype=np.float32)
        step = 65536
        with torch.no_grad(), torch_threads(
            resolve_n_threads(self.n_threads, module, self.device)
        ):
            for start in range(0, len(X), step):
                xb = torch.as_tensor((X[start:start + step] - self.mean_) / self.scale_)
                out[start:start + step] = module.encode(xb.to(self.device)).cpu().numpy()
        return out

    def inverse_transform(self, Z):
        """Reconstruction of the input from latent codes (in the original units).

        Parameters
        ----------
        Z : array-like of shape (n_samples, latent_dim_)

        Returns
        -------
        X : ndarray of shape (n_samples, n_features_in_), float32
        """
        check_is_fitted(self, "net_")
        Z = np.asarray(Z, dtype=np.float32)
        if Z.ndim != 2 or Z.shape[1] != self.latent_dim_:
            raise ValueError(
                f"Z must have shape (n_samples, {self.latent_dim_}), got {Z.shape}."
            )
        module = self.net_.module_.eval()
        with torch.no_grad():
            X = module.decoder(torch.as_tensor(Z).to(self.device)).cpu().numpy()
        return X * self.scale_ + self.mean_

    @property
    def _n_features_out(self):
        return self.latent_dim_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def _more_tags(self):
        return {"preserves_dtype": [np.float32]}


__all__ = ["MLPAutoencoder", "AutoencoderModule"]
