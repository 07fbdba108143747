"""Generators for the synthetic data sets of the DAMI and IBAL papers."""

import numpy as np
from scipy.special import expit
from sklearn.utils import check_random_state

from ..utils import check_int

__all__ = ["make_sigmoid", "make_ibal"]

#: Centres of the three IBAL classes (majority, middle, rare), one row per class.
IBAL_CENTERS = np.array([[0.0, 0.0], [2.5, 0.0], [1.25, 3.0]])
#: Standard deviation of each IBAL class (isotropic Gaussians).
IBAL_STDS = np.array([1.0, 1.0, 0.5])


def make_sigmoid(n_samples=1000, *, random_state=None):
    """Generate the DAMI paper's "Sigmoid" toy data set.

    ``x`` is uniform on the square ``[-5, 5]^2`` and
    ``p(y = 1 | x) = sigmoid(x1 * x2)`` (Liu et al., DAMI, Eq. 2): class 1
    dominates the first and third quadrants, class 0 the second and fourth,
    and the labels are noisy near the axes.  The data are not linearly
    separable, but each quadrant is.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the draws; an int gives the same data on every
        call.  The features are drawn first (``uniform``, shape
        ``(n_samples, 2)``), then one ``uniform`` number per point decides its
        label.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), dtype float64
        The points.
    y : ndarray of shape (n_samples,), dtype int64
        The labels, 0 or 1.

    See Also
    --------
    make_ibal : The IBAL paper's imbalanced, overlapping three-class data.

    Examples
    --------
    >>> from skactive.datasets import make_sigmoid
    >>> X, y = make_sigmoid(500, random_state=0)
    >>> X.shape, y.shape, sorted(set(y.tolist()))
    ((500, 2), (500,), [0, 1])
    >>> bool(X.min() >= -5 and X.max() <= 5)
    True
    """
    n_samples = check_int("n_samples", n_samples, 1)
    rng = check_random_state(random_state)
    X = rng.uniform(-5.0, 5.0, size=(n_samples, 2))
    y = (rng.uniform(size=n_samples) < expit(X[:, 0] * X[:, 1])).astype(np.int64)
    return X, y


def make_ibal(n_samples=(2000, 500, 50), *, random_state=None, shuffle=True):
    """Generate a data set like the IBAL paper's synthetic one (imbalanced, overlapping).

    Pezeshkpour et al. (IBAL) use 2 features and 3 classes of 2000, 500 and
    50 points, built to show two weaknesses of baseline active learning:
    imbalanced classes (random sampling rarely picks the rare class) and
    class overlap (uncertainty sampling keeps picking inherently ambiguous
    points).  The paper gives only a scatter plot, so skactive draws each
    class from an isotropic Gaussian with these documented parameters:

    =====  ============  =====  =======================================
    class  centre        std    role
    =====  ============  =====  =======================================
    0      (0, 0)        1.0    majority
    1      (2.5, 0)      1.0    overlaps class 0 heavily
    2      (1.25, 3)     0.5    rare; mostly separate, touches 0 and 1
    =====  ============  =====  =======================================

    With the default sizes the Bayes-optimal classifier errs on about 8% of
    the points (mostly between classes 0 and 1) and recovers about 88% of
    class 2.

    Parameters
    ----------
    n_samples : sequence of 3 int, default=(2000, 500, 50)
        Number of points of classes 0, 1 and 2.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the draws; an int gives the same data on every
        call.
    shuffle : bool, default=True
        If True, shuffle the points; if False, return them sorted by class.

    Returns
    -------
    X : ndarray of shape (sum(n_samples), 2), dtype float64
        The points.
    y : ndarray of shape (sum(n_samples),), dtype int64
        The class of each point, 0, 1 or 2.

    See Also
    --------
    make_sigmoid : The DAMI paper's "Sigmoid" data.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.datasets import make_ibal
    >>> X, y = make_ibal(random_state=0)
    >>> X.shape
    (2550, 2)
    >>> np.bincount(y).tolist()
    [2000, 500, 50]
    """
    try:
        counts = list(n_samples)
    except TypeError:
        raise ValueError(
            f"n_samples must be a sequence of 3 class sizes, e.g. (2000, 500, 50), "
            f"got {n_samples!r}."
        ) from None
    if len(counts) != len(IBAL_CENTERS):
        raise ValueError(
            f"n_samples must give {len(IBAL_CENTERS)} class sizes, got {len(counts)}: {counts}."
        )
    counts = [check_int("each class size in n_samples", c, 0) for c in counts]
    if sum(counts) == 0:
        raise ValueError("n_samples must contain at least one point.")
    rng = check_random_state(random_state)
    X = np.concatenate(
        [
            center + std * rng.standard_normal(size=(count, 2))
            for center, std, count in zip(IBAL_CENTERS, IBAL_STDS, counts)
        ]
    )
    y = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X, y
