"""Active Learning by Learning (Hsu and Lin 2015): a bandit that learns which strategy to follow."""

import numpy as np
from sklearn.utils import check_random_state

from .. import readouts
from ..utils import derive_seed, take_rows
from ._base import QueryStrategy, check_query_size
from ._heldout import labels_of, row_keys
from ._mixture import _declared, resolve_strategy


class ActiveLearningByLearning(QueryStrategy):
    """Learn, while labeling, which of several strategies to follow (ALBL, Hsu and Lin 2015).

    Each candidate strategy is an arm of a bandit, and uniform random sampling is always one
    of them. At each query every arm proposes its batch; the query distribution over the
    pool mixes the arms' proposals with the bandit's arm probabilities, and the batch is
    drawn from it without replacement. Once the labels of a batch are known, the accuracy of
    the model that chose it on those labels, weighted by the inverse of each row's chance of
    being drawn, is an unbiased estimate of that model's accuracy on the pool (the
    importance-weighted accuracy of ALBL); it rewards the arms whose proposals shaped the
    batch that trained that model. Arms are weighted by EXP3 with exploration share
    ``exploration``.

    The strategy keeps this state between queries (``log_weights_``, ``n_queries_``): use
    one object per labeling loop, and :func:`~sklearn.base.clone` it to start afresh (the
    experiment runner clones it for each learning curve, and refuses to resume a curve part
    way, since the state cannot be restored). It
    reads the labels of its earlier batches from the learner's labeled set (rows are matched
    by value), so it needs an ``ActiveLearner`` (skactive's or modAL's).

    Parameters
    ----------
    strategies : sequence of str or QueryStrategy, default=('margin', 'coreset', 'badge')
        The candidate strategies (names of :func:`get_strategy` or strategy objects, cloned).
        Random sampling is added when absent.
    exploration : float, default=0.2
        Share of the arm probabilities spread evenly over the arms, in (0, 1]; it is also
        the EXP3 learning rate divided by the number of arms.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws and the candidate strategies.

    Attributes
    ----------
    arm_names_ : list of str
        The arms, random sampling last.
    log_weights_ : ndarray of shape (n_arms,)
        Logarithm of the bandit's arm weights.
    arm_probabilities_ : ndarray of shape (n_arms,)
        The arm probabilities used by the last query.
    rewards_ : list of float
        The importance-weighted accuracy estimates received so far.
    n_queries_ : int
        Queries answered.

    Notes
    -----
    Hsu and Lin query one sample at a time; here a batch is drawn from the same query
    distribution, and a row's chance of being drawn is approximated by
    ``min(1, n_instances * q(x))``. Rewards arrive one batch late: the accuracy of the model
    trained after batch ``t`` is measured on the labels of batch ``t + 1``, which it has not
    been trained on, so it is known when batch ``t + 2`` is chosen.

    The pool is read by the arms and, for the drawn rows, by the model alone: when every arm
    reads a pool one chunk at a time (``streams_pool``: the uncertainty family, EGL, BALD,
    IBAL), so does ALBL, which holds one float per pool row beyond them.

    References
    ----------
    .. [1] W.-N. Hsu and H.-T. Lin, "Active learning by learning", AAAI 2015.

    See Also
    --------
    RandomMixture : A fixed share of random picks.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive import ActiveLearner
    >>> from skactive.strategies import ActiveLearningByLearning
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> albl = ActiveLearningByLearning(["margin", "entropy"], random_state=0)
    >>> learner = ActiveLearner(LogisticRegression(), albl, X_training=X[:20],
    ...                         y_training=y[:20])
    >>> pool = np.arange(20, 300)
    >>> for _ in range(4):
    ...     idx = learner.query(X[pool], n_instances=10)[0]
    ...     _ = learner.teach(X[pool[idx]], y[pool[idx]])
    ...     pool = np.delete(pool, idx)
    >>> albl.arm_names_, len(albl.rewards_)
    (['margin', 'entropy', 'random'], 3)
    """

    needs_labeled_set = True
    stateful = True

    @property
    def streams_pool(self):
        """Whether every arm reads the pool one chunk at a time (random sampling reads none)."""
        arms = self.strategies
        return isinstance(arms, (list, tuple)) and all(
            _declared(arm, "streams_pool", False) for arm in arms)

    def __init__(self, strategies=("margin", "coreset", "badge"), exploration=0.2,
                 random_state=None):
        self.strategies = strategies
        self.exploration = exploration
        self.random_state = random_state

    def _arms(self, rng):
        candidates = self.strategies
        if isinstance(candidates, str) or not hasattr(candidates, "__iter__"):
            raise TypeError(
                "strategies must be a list of strategy names or objects, e.g. "
                f"['margin', 'coreset'], got {candidates!r}."
            )
        candidates = list(candidates)
        if not candidates:
            raise ValueError("strategies is empty: give at least one strategy to learn from.")
        arms, names = [], []
        for candidate in candidates:
            arm = resolve_strategy(candidate, derive_seed(rng))
            arms.append(arm)
            names.append(candidate if isinstance(candidate, str) else type(arm).__name__)
        if not any(type(a).__name__ == "RandomSampling" for a in arms):
            arms.append(resolve_strategy("random", derive_seed(rng)))
            names.append("random")
        return arms, names

    def query(self, classifier, X_pool, n_instances=1):
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        gamma = self.exploration
        if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.floating)) \
                or not 0 < gamma <= 1:
            raise ValueError(f"exploration must be a number in (0, 1], got {gamma!r}.")
        X_labeled, y_labeled = classifier.X_labeled, classifier.y_labeled
        first = getattr(self, "n_queries_", 0) == 0
        rng = check_random_state(self.random_state) if first else self._rng
        arms, names = self._arms(check_random_state(derive_seed(rng)))
        n_arms = len(arms)
        log_weights = np.zeros(n_arms) if first else self.log_weights_.copy()
        pending = [] if first else list(self._pending)
        rewards = [] if first else list(self.rewards_)

        # The labels of the last batch score the model that chose it; the reward goes to the
        # arms that shaped the batch before, on which that model was trained.
        if pending:
            reward = self._importance_weighted_accuracy(pending[-1], X_labeled, y_labeled)
            if reward is not None:
                rewards.append(reward)
                if len(pending) >= 2:
                    log_weights += gamma / n_arms * reward * pending[-2]["credit"]
                    log_weights -= log_weights.max()

        probabilities = np.exp(log_weights - log_weights.max())
        probabilities = (1 - gamma) * probabilities / probabilities.sum() + gamma / n_arms
        # Each arm's advice is uniform over the pool (random) or over its own batch, so the
        # query distribution is one vector of the pool's size, never an (arms x pool) matrix.
        proposals = [None if names[k] == "random" else
                     np.asarray(arm(classifier, X_pool, n_instances=n_instances)[0], dtype=np.intp)
                     for k, arm in enumerate(arms)]
        uniform = sum(probabilities[k] for k, p in enumerate(proposals) if p is None)
        q = np.full(n_pool, uniform / n_pool)
        for k, picks in enumerate(proposals):
            if picks is not None:
                q[np.unique(picks)] += probabilities[k] / n_instances
        q /= q.sum()
        chosen = rng.choice(n_pool, size=n_instances, replace=False, p=q).astype(np.intp)
        advice = np.array([np.full(n_instances, 1.0 / n_pool) if picks is None
                           else np.isin(chosen, picks) / n_instances for picks in proposals])
        rows = take_rows(X_pool, chosen)
        estimator = classifier.estimator
        proba = readouts.predict_proba(classifier, rows)
        predicted = np.asarray(estimator.classes_)[proba.argmax(axis=1)]
        pending.append({
            "keys": row_keys(rows),
            "predicted": predicted,
            "inclusion": np.minimum(1.0, n_instances * q[chosen]),
            # Mean over the batch of advice / draw probability: EXP4's unbiased credit.
            "credit": (advice / q[chosen]).mean(axis=1),
        })

        self.arm_names_ = names
        self.log_weights_ = log_weights
        self.arm_probabilities_ = probabilities
        self.rewards_ = rewards
        self.n_queries_ = getattr(self, "n_queries_", 0) + 1
        self._pending = pending[-2:]
        self._rng = rng
        return chosen, q[chosen]

    @staticmethod
    def _importance_weighted_accuracy(record, X_labeled, y_labeled):
        """Accuracy on the labeled rows of ``record``'s batch, weighted by 1 / inclusion."""
        found, truth = labels_of(record["keys"], X_labeled, y_labeled)
        if not len(found):
            return None
        correct = record["predicted"][found] == truth
        weights = 1.0 / record["inclusion"][found]
        return float(np.sum(weights * correct) / np.sum(weights))
