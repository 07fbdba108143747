"""Plain torch modules behind the text classifiers: Kim's CNN and a BiLSTM, padding-masked.

Both read a (batch, length) tensor of token ids, real tokens first and padding (id 0) after,
and expose what the readouts need besides ``forward``:

- ``embed(tokens)``: the word vectors e_ij, shape (batch, length, dim);
- ``forward_from_embeddings(E, mask)``: logits from given word vectors and the mask of real
  tokens (a prefix of each row), so that gradients with respect to each word's vector are
  available;
- ``features(tokens)`` (penultimate f(x)) and ``head`` (final linear layer), as every
  skactive network;
- ``gradient_taps(tokens)``: the logits and, for every trainable linear map, its output and
  the Gram matrix of its inputs over positions, from which the per-sample parameter gradients'
  inner products follow exactly (see :func:`skactive.readouts.text_gradient_gram`).

Padding never changes an output or a gradient: the CNN zeroes padded word vectors and pools
only over windows that hold a real word; the BiLSTM runs packed sequences.
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

#: Token id of padding: row 0 of every embedding table (the text vocabulary's id 0).
PAD_ID = 0


class _TextModule(nn.Module):
    """Word embedding (row 0 is padding) and the shared readout protocol."""

    def __init__(self, vectors, freeze_embedding):
        super().__init__()
        self.embedding = nn.Embedding(vectors.shape[0], vectors.shape[1], padding_idx=PAD_ID)
        with torch.no_grad():
            self.embedding.weight.copy_(torch.as_tensor(vectors))
        self.embedding.weight.requires_grad_(not freeze_embedding)

    def embed(self, tokens):
        """Word vectors of ``tokens``, shape (batch, length, dim)."""
        return self.embedding(tokens)

    def features(self, tokens):
        """Penultimate representation f(x)."""
        return self.features_from_embeddings(self.embed(tokens), tokens != PAD_ID)

    def features_from_embeddings(self, E, mask):
        """Sentence representation: the pooled features after dropout (identity in eval mode)."""
        return self.dropout(self.pooled_from_embeddings(E, mask))

    def split_at_dropout(self):
        """``(prefix, rest)``, ``self(x) == rest(prefix(x))``, all dropout in ``rest``.

        MC dropout runs the deterministic ``prefix`` (embedding, convolutions or LSTM) once per
        batch and only ``rest`` (dropout and the linear head) once per pass.
        """
        def prefix(tokens):
            return self.pooled_from_embeddings(self.embed(tokens), tokens != PAD_ID)

        return prefix, nn.Sequential(self.dropout, self.head)

    def forward_from_embeddings(self, E, mask):
        """Logits from word vectors ``E`` (batch, length, dim) and the real-token ``mask``."""
        return self.head(self.features_from_embeddings(E, mask))

    def forward(self, tokens):
        return self.head(self.features(tokens))

    def _embedding_tap(self, tokens, E):
        # per-sample gradient of the embedding table: the rows of equal token ids add up
        same = (tokens.unsqueeze(2) == tokens.unsqueeze(1)) & (tokens != PAD_ID).unsqueeze(2)
        return E, same.to(E.dtype)

    def _head_tap(self, f, z):
        w, b = self.head.weight.requires_grad, self.head.bias.requires_grad
        scale = (f.square().sum(1) if w else 0) + (1.0 if b else 0.0)
        return torch.as_tensor(scale, dtype=z.dtype).expand(len(z))


class TextCNNModule(_TextModule):
    """Kim (2014)'s CNN for sentence classification, with padding masked.

    Word vectors -> one 1-D convolution per filter size (ReLU) -> max over time -> dropout ->
    linear layer. As in Kim's code each sentence is zero-padded by ``size - 1`` on both sides,
    so every word is seen by every filter position and sentences shorter than a filter still
    have windows; windows made only of padding are left out of the max.

    Parameters
    ----------
    vectors : tensor or ndarray of shape (n_ids, dim)
        Initial word vectors, row 0 the padding (zeros).
    n_classes : int
    filter_sizes : tuple of int, default=(3, 4, 5)
    n_filters : int, default=100
        Feature maps per filter size.
    dropout : float, default=0.5
        Dropout on the pooled features.
    freeze_embedding : bool, default=False

    Examples
    --------
    >>> import torch
    >>> from skactive.text import TextCNNModule
    >>> net = TextCNNModule(torch.randn(10, 8), n_classes=2, n_filters=4).eval()
    >>> tokens = torch.tensor([[2, 3, 4], [5, 0, 0]])
    >>> net(tokens).shape, net.features(tokens).shape
    (torch.Size([2, 2]), torch.Size([2, 12]))
    >>> torch.allclose(net(tokens[1:, :1]), net(tokens[1:]))  # padding changes nothing
    True
    """

    def __init__(self, vectors, n_classes, filter_sizes=(3, 4, 5), n_filters=100, dropout=0.5,
                 freeze_embedding=False):
        super().__init__(vectors, freeze_embedding)
        dim = self.embedding.embedding_dim
        self.convs = nn.ModuleList(
            nn.Conv1d(dim, n_filters, size, padding=size - 1) for size in filter_sizes
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(n_filters * len(filter_sizes), n_classes)

    def _windows(self, E, mask):
        x = (E * mask.unsqueeze(2).to(E.dtype)).transpose(1, 2)  # padded words -> zero vectors
        m = mask.to(E.dtype).unsqueeze(1)
        for conv in self.convs:
            size = conv.kernel_size[0]
            # 1 where the window (same alignment as the convolution) holds a real word
            valid = F.max_pool1d(F.pad(m, (size - 1, size - 1)), size, stride=1)
            # (batch, positions, maps): positions second, as every gradient tap has them
            yield conv, x, conv(x).transpose(1, 2), valid.transpose(1, 2)

    def pooled_from_embeddings(self, E, mask):
        """Pooled feature maps before dropout, shape (batch, maps)."""
        # ReLU outputs are >= 0, so zeroing the invalid windows leaves the max over valid ones
        pooled = [(torch.relu(c) * valid).amax(dim=1) for _, _, c, valid in self._windows(E, mask)]
        return torch.cat(pooled, dim=1)

    def gradient_taps(self, tokens):
        """Logits and (output, input Gram over positions) of every trainable linear map."""
        E = self.embed(tokens).detach().requires_grad_(True)
        taps = [self._embedding_tap(tokens, E)] if self.embedding.weight.requires_grad else []
        pooled = []
        for conv, x, c, valid in self._windows(E, tokens != PAD_ID):
            pooled.append((torch.relu(c) * valid).amax(dim=1))
            size = conv.kernel_size[0]
            w, b = conv.weight.requires_grad, conv.bias is not None and conv.bias.requires_grad
            if w or b:
                # input of output position t: the window x[t - size + 1 .. t], zero-padded
                windows = F.pad(x.detach(), (size - 1, size - 1)).unfold(2, size, 1)
                windows = windows.permute(0, 2, 1, 3).flatten(2)  # (batch, positions, dim*size)
                gram = (windows @ windows.transpose(1, 2)) if w else 0
                taps.append((c, gram + (1.0 if b else 0.0)))
        f = self.dropout(torch.cat(pooled, dim=1))
        z = self.head(f)
        return z, taps, self._head_tap(f.detach(), z)


class BiLSTMModule(_TextModule):
    """One-layer bidirectional LSTM over word vectors; the two final states feed a linear layer.

    Runs packed sequences, so padding is never read: the forward direction stops at each
    sentence's last word and the backward direction starts there.

    Parameters
    ----------
    vectors : tensor or ndarray of shape (n_ids, dim)
        Initial word vectors, row 0 the padding (zeros).
    n_classes : int
    hidden_size : int, default=100
        Hidden units per direction.
    dropout : float, default=0.5
        Dropout on the concatenated final states.
    freeze_embedding : bool, default=False

    Examples
    --------
    >>> import torch
    >>> from skactive.text import BiLSTMModule
    >>> net = BiLSTMModule(torch.randn(10, 8), n_classes=2, hidden_size=4).eval()
    >>> tokens = torch.tensor([[2, 3, 4], [5, 0, 0]])
    >>> net(tokens).shape, net.features(tokens).shape
    (torch.Size([2, 2]), torch.Size([2, 8]))
    >>> torch.allclose(net(tokens[1:, :1]), net(tokens[1:]))  # padding changes nothing
    True
    """

    def __init__(self, vectors, n_classes, hidden_size=100, dropout=0.5, freeze_embedding=False):
        super().__init__(vectors, freeze_embedding)
        self.lstm = nn.LSTM(self.embedding.embedding_dim, hidden_size, batch_first=True,
                            bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(2 * hidden_size, n_classes)

    def pooled_from_embeddings(self, E, mask):
        """Concatenated final states before dropout, (batch, 2*hidden)."""
        lengths = mask.sum(dim=1).cpu()
        packed = pack_padded_sequence(E, lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return torch.cat([h_n[0], h_n[1]], dim=1)

    def gradient_taps(self, tokens):
        """Logits and (output, input Gram over positions) of every trainable linear map.

        Re-runs the recurrence step by step with the LSTM's own weights (the fused kernel
        hides the gate pre-activations), each direction on its own copy of the sentence: the
        backward one on the words in reverse order, padding still last.
        """
        E = self.embed(tokens).detach().requires_grad_(True)
        mask = tokens != PAD_ID
        taps = [self._embedding_tap(tokens, E)] if self.embedding.weight.requires_grad else []
        lengths = mask.sum(dim=1, keepdim=True)
        steps = torch.arange(tokens.shape[1], device=tokens.device)
        reverse = torch.where(steps < lengths, lengths - 1 - steps, steps)
        finals = []
        for suffix, order in (("", None), ("_reverse", reverse)):
            x = E if order is None else E.gather(1, order.unsqueeze(2).expand_as(E))
            h_final, gates, h_prev = self._recurrence(x, mask, suffix)
            finals.append(h_final)
            w_ih, w_hh, b_ih, b_hh = (getattr(self.lstm, f"{name}_l0{suffix}") for name in
                                      ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
            gram = 0
            if w_ih.requires_grad:
                xd = x.detach()
                gram = gram + xd @ xd.transpose(1, 2)
            if w_hh.requires_grad:
                gram = gram + h_prev @ h_prev.transpose(1, 2)
            gram = gram + float(b_ih.requires_grad) + float(b_hh.requires_grad)
            taps.append((gates, gram))
        f = self.dropout(torch.cat(finals, dim=1))
        z = self.head(f)
        return z, taps, self._head_tap(f.detach(), z)

    def _recurrence(self, x, mask, suffix):
        """Final state, gate pre-activations (batch, length, 4*hidden) and inputs h_{t-1}."""
        lstm = self.lstm
        w_hh = getattr(lstm, f"weight_hh_l0{suffix}")
        gates = x @ getattr(lstm, f"weight_ih_l0{suffix}").T + getattr(
            lstm, f"bias_ih_l0{suffix}") + getattr(lstm, f"bias_hh_l0{suffix}")
        h = c = x.new_zeros(x.shape[0], lstm.hidden_size)
        h_prev = []
        # unbind once: indexing gates[:, t] at every step would make the backward pass
        # zero-fill a full-size gradient per step (quadratic in the length)
        for t, gates_t in enumerate(gates.unbind(dim=1)):
            h_prev.append(h.detach())
            i, f, g, o = (gates_t + h @ w_hh.T).chunk(4, dim=1)  # torch's gate order
            c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h_new = torch.sigmoid(o) * torch.tanh(c_new)
            m = mask[:, t:t + 1]
            c, h = torch.where(m, c_new, c), torch.where(m, h_new, h)
        return h, gates, torch.stack(h_prev, dim=1)
