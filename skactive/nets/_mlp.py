"""The fully connected network behind :class:`skactive.MLPClassifier`, and dropout helpers."""

from torch import nn


class MLPModule(nn.Module):
    """Fully connected ReLU network returning logits.

    Parameters
    ----------
    n_features : int
        Width of the input.
    n_classes : int
        Number of output logits.
    hidden_layer_sizes : tuple of int, default=(16, 8)
        Width of each hidden layer.
    dropout : float, default=0.0
        Dropout probability after each hidden activation; 0 adds no dropout layer.

    Examples
    --------
    >>> import torch
    >>> from skactive.nets import MLPModule
    >>> net = MLPModule(n_features=4, n_classes=3, hidden_layer_sizes=(8,))
    >>> net(torch.zeros(2, 4)).shape
    torch.Size([2, 3])
    >>> net.features(torch.zeros(2, 4)).shape
    torch.Size([2, 8])
    """

    def __init__(self, n_features, n_classes, hidden_layer_sizes=(16, 8), dropout=0.0):
        super().__init__()
        layers = []
        width = n_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = size
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, n_classes)

    def features(self, x):
        """Penultimate representation f(x) (the input itself when there is no hidden layer)."""
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x))

    def split_at_dropout(self):
        """``(prefix, rest)``, ``self(x) == rest(prefix(x))``, no dropout in ``prefix``.

        MC dropout runs ``prefix`` (the layers before the first dropout) once per batch and
        ``rest`` once per pass.

        Examples
        --------
        >>> import torch
        >>> from skactive.nets import MLPModule
        >>> net = MLPModule(n_features=4, n_classes=2, hidden_layer_sizes=(8,), dropout=0.5).eval()
        >>> prefix, rest = net.split_at_dropout()
        >>> x = torch.randn(3, 4)
        >>> torch.allclose(rest(prefix(x)), net(x))
        True
        """
        if type(self).forward is not MLPModule.forward:
            return nn.Identity(), self  # a subclass's own forward: run it whole every pass
        layers = list(self.body)
        first = next((i for i, layer in enumerate(layers)
                      if isinstance(layer, nn.modules.dropout._DropoutNd)), len(layers))
        return self.body[:first], nn.Sequential(*layers[first:], self.head)


def has_dropout(module):
    """Whether ``module`` contains a dropout layer with a positive rate.

    Parameters
    ----------
    module : torch.nn.Module

    Returns
    -------
    bool

    Examples
    --------
    >>> from skactive.nets import MLPModule, has_dropout
    >>> has_dropout(MLPModule(4, 2, dropout=0.2)), has_dropout(MLPModule(4, 2))
    (True, False)
    """
    return any(isinstance(m, nn.modules.dropout._DropoutNd) and m.p > 0 for m in module.modules())


def set_dropout_train(module, active):
    """Switch only the dropout layers of ``module`` to train (``active=True``) or eval mode.

    Parameters
    ----------
    module : torch.nn.Module
    active : bool

    Returns
    -------
    module : torch.nn.Module
        The same module.

    Examples
    --------
    >>> from skactive.nets import MLPModule, set_dropout_train
    >>> net = set_dropout_train(MLPModule(4, 2, dropout=0.2).eval(), True)
    >>> net.training, net.body[2].training
    (False, True)
    """
    for m in module.modules():
        if isinstance(m, nn.modules.dropout._DropoutNd):
            m.train(active)
    return module

