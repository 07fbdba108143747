"""Expected error reduction (Roy and McCallum, 2001), as in modAL.

For each pool sample x and each label y seen so far, a clone of the learner's estimator is
refitted on the labeled set plus (x, y); the expected error of x is
``sum_y p(y|x) * sum_{x' in pool, x' != x} loss(x')`` with the 0/1 loss (``loss="binary"``,
least confidence) or the log loss (``"log"``, entropy) of the refitted model. The samples of
smallest expected error are queried. ``p_subsample`` < 1 skips each sample with probability
``1 - p_subsample`` (global NumPy random state, one draw per sample as in modAL); skipped
samples get an infinite error.
"""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from ._errors import ArgumentError
from .uncertainty import _proba_entropy, _proba_uncertainty
from .utils.data import add_row, data_shape, data_vstack, drop_rows, enumerate_data
from .utils.selection import multi_argmin, shuffled_argmin

__all__ = ["expected_error_reduction"]


def expected_error_reduction(learner, X, loss="binary", p_subsample=1.0, n_instances=1,
                             random_tie_break=False):
    """Query the samples whose labeling is expected to reduce the pool's error the most.

    Parameters
    ----------
    learner : ActiveLearner
        Reads its ``X_training``, ``y_training``, ``estimator`` and ``predict_proba``.
    X : array-like
        The pool: numpy array, list, DataFrame or sparse matrix.
    loss : {"binary", "log"}, default="binary"
    p_subsample : float in [0, 1], default=1.0
        Share of the pool to evaluate.
    n_instances : int, default=1
    random_tie_break : bool, default=False

    Returns
    -------
    query_idx : ndarray of int
    expected_error : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.models import ActiveLearner
    >>> from skactive.modal.expected_error import expected_error_reduction
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> learner = ActiveLearner(LogisticRegression(), X_training=X[[0, 5]], y_training=[0, 1])
    >>> expected_error_reduction(learner, X[1:5])[0].shape
    (1,)
    """
    if not (isinstance(p_subsample, numbers.Real) and 0.0 <= p_subsample <= 1.0):
        raise ArgumentError(f"p_subsample must be a number between 0.0 and 1.0, got "
                         f"{p_subsample!r}.")
    if loss not in ("binary", "log"):
        raise ArgumentError(f"loss must be 'binary' or 'log', got {loss!r}.")
    pool_loss = _proba_uncertainty if loss == "binary" else _proba_entropy

    expected_error = np.zeros(data_shape(X)[0])
    labels = np.unique(learner.y_training)
    try:
        proba = learner.predict_proba(X)
    except NotFittedError:
        return np.array([0])
    refitted = clone(learner.estimator)
    for i, x in enumerate_data(X):
        if np.random.rand() > p_subsample:
            expected_error[i] = np.inf
            continue
        X_rest = drop_rows(X, i)
        X_plus = add_row(learner.X_training, x)
        for j, label in enumerate(labels):
            y_plus = data_vstack((learner.y_training, np.array(label).reshape(1)))
            refitted.fit(X_plus, y_plus)
            error = pool_loss(refitted.predict_proba(X_rest))
            expected_error[i] += np.sum(error) * proba[i, j]
    if random_tie_break:
        return shuffled_argmin(expected_error, n_instances)
    return multi_argmin(expected_error, n_instances)
