"""IBAL and IBAL-D: importance-based active learning with representer values (Pezeshkpour et al.).

Representer point selection (Yeh et al. 2018) writes the last layer's class-c score of a target
x_t as a sum of contributions ``alpha_i[c] * f(x_i).f(x_t)`` of training samples x_i, with
``alpha_i|y = -(p(.|x_i) - onehot(y)) / (2 lambda n)``. IBAL treats each pool sample as a
hypothetical training sample and the labeled set as the targets, and queries the pool samples
whose importance on the labeled set is lowest: the least consistent with it.

The paper's Eq. 2 read literally (each target's own label c = y_t, averaged over the pool
sample's hypothetical labels y with weights p(y|x_i)) is identically zero, because the
p-weighted mean of onehot(y) is p itself. skactive offers the two non-degenerate readings:

``reading='pseudo_label'`` (default)
    x_i takes its predicted label y_hat_i (as RALIF does), and its representer value is scored on
    each labeled target's own label:
    ``IBAL(x_i) = -sum_c (p(c|x_i) - [y_hat_i = c]) f(x_i).m_c`` with ``m_c`` the sum of the
    labeled features of class c. Lowest for samples predicted as one class while resembling
    labeled samples of the others.
``reading='expected_label'``
    each hypothetical label y is scored on its own class score c = y and averaged with p(y|x_i):
    ``IBAL(x_i) = (1 - sum_c p(c|x_i)^2) f(x_i).sum_t f(x_t)``, the Gini impurity of p times the
    feature similarity to the whole labeled set.

Both are O(N K D): the labeled set enters only through K class sums of its features. The
constant 1 / (2 lambda n) is dropped: it rescales every value alike and changes no ranking (nor
IBAL-D's score, which rescales IBAL to [0, 1]).
"""

import numbers
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from .. import readouts
from ..base import softmax
from ..utils import (
    DISTANCE_BLOCK_ELEMENTS, append_rows, iter_chunks, nearest_sq_distances, num_samples,
)
from ._base import ScoreBasedStrategy
from ._pool import chunk_rows, stream_readout

_READINGS = ("pseudo_label", "expected_label")
#: Float64 entries of one pool x labeled distance block (8 MiB).


# ------------------------------------------------------------------------- array-level pieces
def encode_labels(y, classes):
    """Positions of the labels ``y`` in ``classes`` (a fitted classifier's ``classes_``).

    Raises
    ------
    ValueError
        If a label is not among ``classes`` (the model never saw that class).

    Examples
    --------
    >>> from skactive.strategies._ibal import encode_labels
    >>> encode_labels(["b", "a", "b"], ["a", "b"]).tolist()
    [1, 0, 1]
    """
    classes = np.asarray(classes)
    positions = pd.Index(classes).get_indexer(np.asarray(y).ravel())
    if (positions < 0).any():
        unknown = np.asarray(y).ravel()[positions < 0][0]
        unknown = unknown.item() if isinstance(unknown, np.generic) else unknown
        raise ValueError(
            f"The labeled set holds the label {unknown!r}, which the fitted model does not "
            f"know (its classes_ are {classes.tolist()}). Refit the model on the whole labeled "
            "set before querying."
        )
    return positions.astype(np.intp)


def ibal_values(proba, features, labeled_features, labeled_classes, reading="pseudo_label"):
    """IBAL value of every pool sample (lower = less consistent with the labeled set).

    Parameters
    ----------
    proba : ndarray of shape (n_pool, n_classes)
        p(.|x_i) of the pool samples.
    features : ndarray of shape (n_pool, n_hidden)
        Penultimate features f(x_i) of the pool samples.
    labeled_features : ndarray of shape (n_labeled, n_hidden)
        Penultimate features f(x_t) of the labeled samples.
    labeled_classes : ndarray of int of shape (n_labeled,)
        Class positions (columns of ``proba``) of the labeled samples.
    reading : {'pseudo_label', 'expected_label'}, default='pseudo_label'
        See the module notes.

    Returns
    -------
    values : ndarray of shape (n_pool,), float64
        Representer importance on the labeled set, up to the factor 1 / (2 lambda n).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies._ibal import ibal_values
    >>> proba = np.array([[0.9, 0.1], [0.6, 0.4]])
    >>> f = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> ibal_values(proba, f, labeled_features=f, labeled_classes=np.array([0, 1])).round(2)
    array([ 0.1, -0.4])
    """
    proba = np.asarray(proba, dtype=np.float64)
    n_classes = proba.shape[1]
    labeled_features = np.asarray(labeled_features, dtype=np.float64)
    if reading == "pseudo_label":
        onehot = np.zeros((len(labeled_classes), n_classes))
        onehot[np.arange(len(labeled_classes)), labeled_classes] = 1.0
        class_sums = onehot.T @ labeled_features  # m_c, (K, D)
        # f(x_i).m_c, (N, K), by einsum's own loop rather than BLAS, whose kernel (and so the
        # rounding) changes with the number of rows: a chunk's values are the whole pool's
        similarity = np.einsum("nd,kd->nk", features, class_sums.astype(features.dtype))
        q = proba.copy()
        q[np.arange(len(q)), np.argmax(proba, axis=1)] -= 1.0
        return -np.einsum("nk,nk->n", q, similarity)
    if reading == "expected_label":
        total = labeled_features.sum(axis=0).astype(features.dtype)
        gini = 1.0 - np.einsum("nk,nk->n", proba, proba)
        return gini * np.einsum("nd,d->n", features, total)
    raise ValueError(f"reading must be one of {_READINGS}, got {reading!r}.")


def min_distances(Z, Z_reference, *, block_elements=DISTANCE_BLOCK_ELEMENTS):
    """Euclidean distance of every row of ``Z`` to its nearest row of ``Z_reference``.

    Computed in float64 blocks of at most ``block_elements`` pairs
    (:func:`skactive.utils.nearest_sq_distances`); never the full
    ``len(Z) x len(Z_reference)`` matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies._ibal import min_distances
    >>> min_distances(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 1.0]])).tolist()
    [1.0, 4.242640687119285]
    """
    Z = np.asarray(Z)
    R = np.asarray(Z_reference, dtype=np.float64)
    if len(R) == 0:
        raise ValueError("The reference set is empty: there is no labeled sample to measure to.")
    return np.sqrt(nearest_sq_distances(Z, R, block_elements=block_elements)[1])


def _unit_interval(values):
    """Min-max scaling to [0, 1]; a constant vector maps to zeros."""
    span = values.max() - values.min()
    return (values - values.min()) / span if span > 0 else np.zeros_like(values)


def _rowset_key(X_pool, X_labeled, rows):
    """Order-invariant fingerprint of the rows of pool and labeled set together.

    ``(shape, sum of row hashes)``, hashed chunk by chunk (the pool is never copied whole).
    Plain arrays are hashed in their common dtype, so that a row hashes alike in the pool and
    in the labeled set.
    """
    common = None
    if not any(hasattr(X, "iloc") or sp.issparse(X) for X in (X_pool, X_labeled)):
        common = np.result_type(*(np.asarray(X[:1]).dtype for X in (X_pool, X_labeled)))
    total, n_rows, n_columns = 0, 0, None
    for X in (X_pool, X_labeled):
        for _, _, chunk in iter_chunks(X, rows, whole_blocks=False):
            if sp.issparse(chunk):
                chunk = chunk.toarray()
            if not isinstance(chunk, pd.DataFrame):
                chunk = np.asarray(chunk, dtype=common)
                chunk = pd.DataFrame(chunk.reshape(len(chunk), -1))
            hashes = pd.util.hash_pandas_object(chunk, index=False).to_numpy(dtype=np.uint64)
            total = (total + int(hashes.sum(dtype=np.uint64))) % 2**64  # wraps as one sum
            n_rows, n_columns = n_rows + chunk.shape[0], chunk.shape[1]
    return (n_rows, n_columns), total


# ------------------------------------------------------------------------- readouts
def _labeled_side(view):
    """Labeled features and class positions, the estimator, the pool chunk size."""
    estimator, _ = readouts.final_estimator(view)
    X_labeled, y_labeled = readouts.labeled_set(view)
    rows = chunk_rows(view)
    labeled_features = stream_readout(
        lambda chunk: readouts.penultimate_features(view, chunk), X_labeled, rows)
    return labeled_features, encode_labels(y_labeled, estimator.classes_), rows


def _stream_ibal(view, X_pool, reading, distance_to=None, labeled_side=None):
    """IBAL values of the pool, read in chunks; with ``distance_to`` also D(x) per chunk.

    ``distance_to(chunk, features)`` returns the chunk's distances to the labeled set. Memory:
    one chunk's readouts plus one float64 value (two with distances) per pool sample.
    """
    labeled_features, labeled_classes, rows = labeled_side or _labeled_side(view)
    n = num_samples(X_pool)
    values = np.empty(n)
    dist = None if distance_to is None else np.empty(n)
    for start, stop, chunk in iter_chunks(X_pool, rows, whole_blocks=False):
        features, logits = readouts.features_and_logits(view, chunk)
        values[start:stop] = ibal_values(softmax(logits), features, labeled_features,
                                        labeled_classes, reading)
        if distance_to is not None:
            dist[start:stop] = distance_to(chunk, features, labeled_features)
    return values, dist


class IBAL(ScoreBasedStrategy):
    """Importance-based active learning: query the samples least consistent with the labeled set.

    Each pool sample's representer value (Yeh et al. 2018) on the labeled set's last-layer class
    scores measures how much it agrees with the labeled data; the batch is the ``n_instances``
    samples with the lowest value (Pezeshkpour et al., IBAL, Eq. 2). The paper's formula read
    literally is identically zero; ``reading`` picks one of the two non-degenerate readings
    described in :mod:`skactive.strategies._ibal`. Needs the labeled set, so the classifier must
    be an active learner (skactive's or modAL's) around a skactive neural classifier.

    Parameters
    ----------
    reading : {'pseudo_label', 'expected_label'}, default='pseudo_label'
        ``'pseudo_label'``: the pool sample takes its predicted label and is scored on each
        labeled target's own label, ``-sum_c (p_c - [y_hat = c]) f(x).m_c`` with ``m_c`` the sum
        of the labeled features of class c. ``'expected_label'``: each hypothetical label is
        scored on its own class and averaged with p, ``gini(p) * f(x).sum_t f(x_t)``.

    See Also
    --------
    IBALD : IBAL with a distance-to-the-labeled-set term.
    RALIF : Influence of a candidate on the pool loss.

    Notes
    -----
    :meth:`score_samples` returns the negated IBAL value (higher = query first), so the
    ``metrics`` of a query are ``-IBAL``. The factor ``1 / (2 lambda n)`` of the representer
    theorem is dropped: it rescales all values alike. The cost is one forward pass over the pool
    and the labeled set plus O(N K D).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearner, MLPClassifier
    >>> from skactive.strategies import IBAL
    >>> X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    >>> learner = ActiveLearner(MLPClassifier(max_epochs=20, random_state=0), IBAL(),
    ...                         X_training=X[:30], y_training=y[:30])
    >>> query_idx, _ = learner.query(X[30:], n_instances=5)
    >>> query_idx.shape
    (5,)
    """

    needs_labeled_set = True
    # a row's value reads that row, the model and the labeled set only: chunks score alike
    pointwise_scores = True

    def __init__(self, reading="pseudo_label"):
        self.reading = reading

    def _check_reading(self):
        if self.reading not in _READINGS:
            raise ValueError(f"reading must be one of {_READINGS}, got {self.reading!r}.")

    def ibal_values(self, classifier, X_pool):
        """IBAL value of every pool sample (lower = query first).

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
            Holds the fitted model and the labeled set.
        X_pool : array-like

        Returns
        -------
        values : ndarray of shape (n_pool,)
        """
        self._check_reading()
        view = readouts.model_view(classifier)
        return _stream_ibal(view, X_pool, self.reading)[0]

    def score_samples(self, classifier, X_pool):
        """Negated IBAL value of every pool sample (higher = query first).

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
        X_pool : array-like

        Returns
        -------
        scores : ndarray of shape (n_pool,)
        """
        return -self.ibal_values(classifier, X_pool)


class IBALD(IBAL):
    """IBAL-D: IBAL minus gamma times the distance to the nearest labeled sample.

    ``score(x) = IBAL01(x) - gamma * D(x) / max D`` (Pezeshkpour et al., Eqs. 3-5), with
    ``IBAL01`` the IBAL value min-max scaled to [0, 1] over the pool and
    ``D(x) = min_t ||z(x) - z(x_t)||`` the distance to the nearest labeled sample in an
    autoencoder's latent space; the batch is the ``n_instances`` lowest scores. Distances are
    computed in blocks, never as a full pool x labeled matrix.

    The autoencoder is trained on all samples (the pool and the labeled set) once and reused:

    - call :meth:`fit` with all samples before the loop to fit it exactly once; or
    - let the first query fit it on the pool plus the labeled set. Later queries reuse it while
      the pool and labeled set together hold the same rows (the usual loop, which only moves
      rows from the pool to the labeled set); if they change, it is refitted with a
      ``UserWarning``. ``n_autoencoder_fits_`` counts the fits.

    Parameters
    ----------
    gamma : float, default=0.5
        Weight of the distance term. The paper tunes it on validation data; 0.5 is the best of
        the values tried on its synthetic data (docs/results/tuning_notes.md).
    reading : {'pseudo_label', 'expected_label'}, default='pseudo_label'
        IBAL reading, see :class:`IBAL`.
    autoencoder : transformer, 'features' or None, default=None
        Maps the samples (as given to the learner) to the latent space. None: an
        :class:`~skactive.autoencoder.MLPAutoencoder` for table models, and the classifier's own
        sentence representation (its penultimate features, the input of the final linear layer)
        for text models, which have no table to encode. ``'features'``: the classifier's
        penultimate features for any model. An unfitted transformer (for example a Pipeline of a
        preprocessor and an ``MLPAutoencoder`` for mixed-type tables) is cloned and fitted as
        described above; a fitted one is used as it is and never refitted.
    random_state : int, RandomState instance or None, default=None
        Seeds the default autoencoder's training.

    Attributes
    ----------
    autoencoder_ : transformer
        The fitted autoencoder (absent with the classifier's features).
    n_autoencoder_fits_ : int
        How many times this strategy has fitted its autoencoder.

    See Also
    --------
    IBAL : Without the distance term.
    skactive.autoencoder.MLPAutoencoder : The default table autoencoder.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearner, MLPClassifier
    >>> from skactive.autoencoder import MLPAutoencoder
    >>> from skactive.strategies import IBALD
    >>> X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    >>> strategy = IBALD(autoencoder=MLPAutoencoder(max_epochs=5, random_state=0))
    >>> strategy = strategy.fit(X)  # all samples, once
    >>> learner = ActiveLearner(MLPClassifier(max_epochs=20, random_state=0), strategy,
    ...                         X_training=X[:30], y_training=y[:30])
    >>> query_idx, _ = learner.query(X[30:], n_instances=5)
    >>> query_idx.shape, strategy.n_autoencoder_fits_
    ((5,), 1)
    """

    # IBAL01 and D are scaled by their extremes over the whole pool
    pointwise_scores = False

    def __init__(self, gamma=0.5, reading="pseudo_label", autoencoder=None, random_state=None):
        self.gamma = gamma
        self.reading = reading
        self.autoencoder = autoencoder
        self.random_state = random_state

    # ----------------------------------------------------------------- autoencoder
    def _new_autoencoder(self):
        if self.autoencoder is None:
            from ..autoencoder import MLPAutoencoder

            return MLPAutoencoder(random_state=self.random_state)
        if not hasattr(self.autoencoder, "fit") or not hasattr(self.autoencoder, "transform"):
            raise ValueError(
                "autoencoder must be None, 'features' or a transformer with fit and transform, "
                f"got {self.autoencoder!r}."
            )
        return clone(self.autoencoder)

    def _prefit_autoencoder(self):
        """The user's autoencoder when it is already fitted, else None."""
        if self.autoencoder is None or isinstance(self.autoencoder, str):
            return None
        try:
            check_is_fitted(self.autoencoder)
        except (NotFittedError, TypeError):
            return None
        return self.autoencoder

    def fit(self, X, y=None):
        """Fit the autoencoder on all samples (pool and labeled), once, before querying.

        Parameters
        ----------
        X : array-like
            Every sample the loop will see, labeled or not.
        y : None
            Ignored.

        Returns
        -------
        self : IBALD
        """
        if isinstance(self.autoencoder, str):
            raise ValueError(
                "autoencoder='features' uses the classifier's own representation: there is "
                "nothing to fit."
            )
        if self.autoencoder is None and np.ndim(X) == 1:
            raise ValueError(
                "IBALD.fit got a 1-D collection (sentences?): with autoencoder=None, text models "
                "use the classifier's own sentence representation and there is nothing to fit. "
                "To fit your own, pass autoencoder= a transformer that accepts text."
            )
        self._fit_autoencoder(X, key=None)
        return self

    def _fit_autoencoder(self, X, key):
        self.autoencoder_ = self._new_autoencoder().fit(X)
        self.autoencoder_key_ = key  # None: fitted by the user through fit(), never refitted
        self.n_autoencoder_fits_ = getattr(self, "n_autoencoder_fits_", 0) + 1

    def _latent_autoencoder(self, classifier, X_pool, X_labeled):
        if hasattr(self, "autoencoder_") and self.autoencoder_key_ is None:
            return self.autoencoder_  # fitted through fit(X_all): never refitted
        prefit = self._prefit_autoencoder()
        if prefit is not None:
            return prefit
        key = _rowset_key(X_pool, X_labeled, chunk_rows(classifier))
        if not hasattr(self, "autoencoder_"):
            self._fit_autoencoder(append_rows(X_pool, X_labeled), key)
        elif key != self.autoencoder_key_:
            warnings.warn(
                "IBALD: the pool and the labeled set no longer hold the rows its autoencoder "
                f"was fitted on ({self.autoencoder_key_[0][0]} rows before, {key[0][0]} now); "
                "refitting it. Call IBALD.fit(X_all) once on every sample to fit it only once.",
                UserWarning,
            )
            self._fit_autoencoder(append_rows(X_pool, X_labeled), key)
        return self.autoencoder_

    def _uses_features(self, view):
        if isinstance(self.autoencoder, str):
            if self.autoencoder != "features":
                raise ValueError(
                    "autoencoder must be None, 'features' or a transformer, got "
                    f"{self.autoencoder!r}."
                )
            return True
        return self.autoencoder is None and view.input_kind == "text"

    # ----------------------------------------------------------------- scoring
    def distances(self, classifier, X_pool):
        """D(x): latent distance of every pool sample to its nearest labeled sample.

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
        X_pool : array-like

        Returns
        -------
        distances : ndarray of shape (n_pool,), float64
        """
        view = readouts.model_view(classifier)
        readouts.final_estimator(view)  # fitted, before any autoencoder work
        distance_to = self._distance_function(view, X_pool)
        rows = chunk_rows(view)
        if self._uses_features(view):
            labeled = stream_readout(lambda chunk: readouts.penultimate_features(view, chunk),
                                     readouts.labeled_set(view)[0], rows)
        else:
            labeled = None
        dist = np.empty(num_samples(X_pool))
        for start, stop, chunk in iter_chunks(X_pool, rows, whole_blocks=False):
            features = (readouts.penultimate_features(view, chunk)
                        if self._uses_features(view) else None)
            dist[start:stop] = distance_to(chunk, features, labeled)
        return dist

    def _distance_function(self, view, X_pool):
        """``(chunk, features, labeled_features) -> D`` for one pool chunk."""
        if self._uses_features(view):
            return lambda chunk, features, labeled_features: min_distances(
                features, labeled_features)
        X_labeled, _ = readouts.labeled_set(view)
        autoencoder = self._latent_autoencoder(view, X_pool, X_labeled)
        latent_labeled = stream_readout(autoencoder.transform, X_labeled, chunk_rows(view))
        return lambda chunk, features, labeled_features: min_distances(
            autoencoder.transform(chunk), latent_labeled)

    def score_samples(self, classifier, X_pool):
        """Negated IBAL-D score of every pool sample (higher = query first).

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
        X_pool : array-like

        Returns
        -------
        scores : ndarray of shape (n_pool,)
            ``gamma * D(x) / max D - IBAL01(x)``.
        """
        self._check_reading()
        if not isinstance(self.gamma, numbers.Real) or isinstance(self.gamma, bool) or \
                not np.isfinite(self.gamma) or self.gamma < 0:
            raise ValueError(f"gamma must be a finite number >= 0, got {self.gamma!r}.")
        view = readouts.model_view(classifier)
        labeled_side = _labeled_side(view)
        if self._uses_features(view):  # one pass: the distances use the same features
            values, dist = _stream_ibal(view, X_pool, self.reading,
                                        self._distance_function(view, X_pool), labeled_side)
        else:  # the pool is read (and checked) by the model before any autoencoder work
            values, _ = _stream_ibal(view, X_pool, self.reading, None, labeled_side)
            dist = self.distances(view, X_pool)
        top = dist.max()
        dist = dist / top if top > 0 else np.zeros_like(dist)
        return self.gamma * dist - _unit_interval(values)


__all__ = ["IBAL", "IBALD", "ibal_values", "min_distances", "encode_labels"]
