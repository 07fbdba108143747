"""The autoencoder network behind :class:`skactive.autoencoder.MLPAutoencoder` (IBAL-D)."""

from torch import nn


class AutoencoderModule(nn.Module):
    """Fully connected ReLU encoder and mirrored decoder; the latent layer is linear.

    Parameters
    ----------
    n_features : int
        Width of the input (and of the reconstruction).
    latent_dim : int
        Width of the code z(x).
    hidden_layer_sizes : tuple of int, default=(16,)
        Hidden widths of the encoder; the decoder uses them in reverse order.

    Examples
    --------
    >>> import torch
    >>> from skactive.nets import AutoencoderModule
    >>> ae = AutoencoderModule(n_features=5, latent_dim=2)
    >>> ae.encode(torch.zeros(3, 5)).shape, ae(torch.zeros(3, 5)).shape
    (torch.Size([3, 2]), torch.Size([3, 5]))
    """

    def __init__(self, n_features, latent_dim, hidden_layer_sizes=(16,)):
        super().__init__()
        self.encoder = _stack([n_features, *hidden_layer_sizes, latent_dim])
        self.decoder = _stack([latent_dim, *reversed(hidden_layer_sizes), n_features])

    def encode(self, x):
        """Latent code z(x)."""
        return self.encoder(x)

    def forward(self, x):
        return self.decoder(self.encoder(x))


def _stack(widths):
    layers = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:  # no activation on the code or the reconstruction
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
