"""What the text classifiers share: texts in, vocabulary and word vectors, token-id batches."""

import numbers

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted, column_or_1d
from skorch.callbacks import Callback
from torch.utils.data import DataLoader, Subset, default_collate

from ..base import BaseNeuralClassifier
from ..utils import derive_seed
from ._embedding import resolve_embedding
from ._tokenize import check_texts, tokenize
from ._vocabulary import N_SPECIAL, PAD_ID, UNK_ID, build_vocabulary, encode

#: Range of the uniform random initial vectors (Kim 2014's choice for words without a vector).
RANDOM_INIT_SCALE = 0.25


def trim_padding(ids):
    """Drop the trailing columns that are padding in every row of a (batch, length) array."""
    if ids.shape[1] <= 1:
        return ids
    width = int(sentence_lengths(ids).max())
    return ids[:, :max(width, 1)]


def sentence_lengths(ids):
    """Number of real tokens of each row of a (batch, length) array of token ids."""
    return np.asarray(ids != PAD_ID).sum(axis=1)


class LengthBucketBatchSampler:
    """Batches of sentences of similar length, in random order (a "bucket iterator").

    Each epoch the samples are shuffled, cut into pools of ``pool_batches`` batches, sorted by
    length within a pool and cut into batches, and the batches are shuffled. A batch is then
    padded to little more than its own sentences' length (MR: ~2x less convolution work than
    random batches), while which sentences meet in a batch still changes every epoch. Draws
    from torch's global generator, which ``fit`` seeds.

    Parameters
    ----------
    lengths : ndarray of shape (n_samples,)
    batch_size : int
    shuffle : bool, default=True
        False: one pass in the given order (no sorting).
    pool_batches : int, default=50
    """

    def __init__(self, lengths, batch_size, shuffle=True, pool_batches=50):
        self.lengths = np.asarray(lengths)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.pool_batches = pool_batches

    def __len__(self):
        return -(-len(self.lengths) // self.batch_size)

    def __iter__(self):
        n, size = len(self.lengths), self.batch_size
        if not self.shuffle:
            yield from (list(range(i, min(i + size, n))) for i in range(0, n, size))
            return
        order = torch.randperm(n).numpy()
        pool = size * self.pool_batches
        batches = []
        for start in range(0, n, pool):
            chunk = order[start:start + pool]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches.extend(chunk[i:i + size].tolist() for i in range(0, len(chunk), size))
        for b in torch.randperm(len(batches)).tolist():
            yield batches[b]


def _dataset_ids(dataset):
    """Token ids behind a skorch Dataset or a torch Subset of one (skorch's validation split)."""
    if isinstance(dataset, Subset):
        return _dataset_ids(dataset.dataset)[np.asarray(dataset.indices)]
    return np.asarray(dataset.X)


def bucketed_loader(dataset, batch_size, shuffle=False, collate_fn=None, **kwargs):
    """skorch ``iterator_train``: a DataLoader over length buckets."""
    sampler = LengthBucketBatchSampler(sentence_lengths(_dataset_ids(dataset)), batch_size,
                                       shuffle=shuffle)
    return DataLoader(dataset, batch_sampler=sampler, collate_fn=collate_fn, **kwargs)


def collate_trimmed(batch):
    """skorch collate function: stack a training batch, then drop its all-padding columns."""
    X, y = default_collate(batch)
    return trim_padding(X), y


class StopAtLoss(Callback):
    """skorch callback: end training once an epoch's ``monitor`` value is below ``threshold``."""

    def __init__(self, threshold, monitor="train_loss"):
        self.threshold = threshold
        self.monitor = monitor

    def on_epoch_end(self, net, **kwargs):
        if net.history[-1, self.monitor] < self.threshold:
            raise KeyboardInterrupt  # skorch's own way to stop fitting (as EarlyStopping does)


class BaseTextClassifier(BaseNeuralClassifier):
    """Shared fit / predict logic of :class:`TextCNNClassifier` and :class:`BiLSTMClassifier`.

    Not meant to be used directly. Input validation turns texts into padded token ids;
    subclasses build the network in ``_make_module(vectors, n_classes)``.
    """

    #: Sentences per forward pass at inference time: a few MB of activations at length 60.
    _inference_batch_size = 512

    def _check_text_params(self):
        for name in ("embedding_dim", "min_count"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if self.max_length is not None and (
            not isinstance(self.max_length, numbers.Integral) or self.max_length < 1
        ):
            raise ValueError(f"max_length must be a positive integer or None, got "
                             f"{self.max_length!r}.")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}.")
        if self.target_loss is not None and (
            not isinstance(self.target_loss, numbers.Real) or not self.target_loss > 0
        ):
            raise ValueError(f"target_loss must be a number > 0 or None, got "
                             f"{self.target_loss!r}.")

    # ----------------------------------------------------------------- validation hooks
    def _validate_training_data(self, X, y):
        self._check_text_params()
        texts = check_texts(X, estimator_name=type(self).__name__)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        y = column_or_1d(y, warn=True)
        if len(y) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} labels; give one "
                             "label per text.")
        return [tokenize(t) for t in texts], y

    def _fit_input_encoding(self, tokens):
        # Word vectors (word2vec trained here, or given) and the vocabulary are learned from
        # the training texts: fitting, not validation, so it lives in its own hook.
        seed = derive_seed(self.random_state)
        self.embedding_ = resolve_embedding(
            self.embedding, tokens, vector_size=self.embedding_dim, min_count=self.min_count,
            random_state=seed,
        )
        if self.embedding_ is None:
            self.vocabulary_ = build_vocabulary(tokens, self.min_count)
        else:  # the embedding's own words, in its row order
            self.vocabulary_ = {w: i + N_SPECIAL for w, i in sorted(
                self.embedding_.vocabulary_.items(), key=lambda item: item[1])}
        return encode(tokens, self.vocabulary_, self.max_length)

    def _validate_input(self, X):
        check_is_fitted(self, "vocabulary_")
        texts = check_texts(X, estimator_name=type(self).__name__)
        return encode([tokenize(t) for t in texts], self.vocabulary_, self.max_length)

    def _input_tensor(self, X, dtype):
        """Token ids (int64) of a slice of encoded texts, without all-padding columns."""
        return torch.as_tensor(trim_padding(X), dtype=torch.long)

    def _make_net(self, module, n_classes, n_samples, seed):
        net = super()._make_net(module, n_classes, n_samples, seed)
        callbacks = list(net.callbacks)
        if self.target_loss is not None:
            callbacks.append(("target_loss", StopAtLoss(self.target_loss)))
        # each training batch is only as wide as its longest sentence, and holds sentences of
        # similar length
        params = dict(callbacks=callbacks, iterator_train=bucketed_loader,
                      iterator_train__collate_fn=collate_trimmed,
                      iterator_valid__collate_fn=collate_trimmed)
        if net.optimizer in (torch.optim.Adam, torch.optim.AdamW):
            # one fused kernel instead of ~10 passes over the fine-tuned embedding table
            # (timings in docs/results/tuning_notes.md)
            params["optimizer__fused"] = True
        return net.set_params(**params)

    def _inference_order(self, X):
        # sentences of similar length share a batch, so little time goes to padding
        return np.argsort(sentence_lengths(X), kind="stable")

    # ----------------------------------------------------------------- module
    def _initial_vectors(self):
        """Initial embedding matrix: padding row 0 (zeros), unknown row 1, then the words."""
        n_ids = len(self.vocabulary_) + N_SPECIAL
        if self.embedding_ is None:
            vectors = torch.empty(n_ids, self.embedding_dim).uniform_(
                -RANDOM_INIT_SCALE, RANDOM_INIT_SCALE)
        else:
            # filled in numpy: the fitted vectors may be read-only (memory-mapped by joblib),
            # which torch.as_tensor warns about even where it only reads them
            words = self.embedding_.vectors_
            array = np.empty((n_ids, words.shape[1]), dtype=np.float32)
            array[N_SPECIAL:] = words
            vectors = torch.from_numpy(array)
        vectors[PAD_ID] = 0.0
        vectors[UNK_ID] = 0.0  # an unknown word carries no information of its own
        return vectors

    def _build_module(self, X, n_classes):
        return self._make_module(self._initial_vectors(), n_classes)

    def _make_module(self, vectors, n_classes):  # pragma: no cover - abstract
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _more_tags(self):
        return {"X_types": ["string"]}
