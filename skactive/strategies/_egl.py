"""Expected gradient length (EGL): query where training on the label would move the model most."""

from .. import readouts
from ._base import ScoreBasedStrategy


class EGL(ScoreBasedStrategy):
    """Expected gradient length (Huang et al. 2016).

    Scores each pool sample by the expected norm of the training gradient it would cause,

        EGL(x) = sum_y p(y|x) * ||grad_theta CE(x, y)||_2,

    over all trainable parameters theta, the expectation taken under the model's own predicted
    label distribution, and queries the ``n_instances`` highest. The per-sample gradients come
    from :func:`skactive.readouts.expected_gradient_norms` (batched, never one backward pass
    per sample). EGL is deterministic: ties go to the lower pool index.

    Needs a skactive neural classifier (or a Pipeline ending in one).

    See Also
    --------
    BALD : Mutual information under MC dropout.
    skactive.strategies.EntropySampling : Uncertainty from the probabilities alone.

    References
    ----------
    .. [1] J. Huang, R. Child, V. Rao, H. Liu, S. Satheesh and A. Coates, "Active learning for
       speech recognition: the power of gradients", arXiv:1612.03226, 2016.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier
    >>> from skactive.strategies import EGL
    >>> X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    >>> clf = MLPClassifier(max_epochs=10, random_state=0).fit(X[:50], y[:50])
    >>> idx, scores = EGL()(clf, X[50:], n_instances=5)
    >>> idx.shape, bool((scores[:-1] >= scores[1:]).all())
    ((5,), True)
    """

    pointwise_scores = True

    def score_samples(self, classifier, X_pool):
        """Expected gradient length of every pool sample (higher: query first).

        Parameters
        ----------
        classifier : ActiveLearner, modAL ActiveLearner, skactive classifier or Pipeline
        X_pool : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,), float32
        """
        return readouts.expected_gradient_norms(classifier, X_pool)
