"""RALIF: reliable active learning via influence functions (Xia & Henao, TMLR 2023).

The specification is ``papers/ralif-spec.md``: last-layer influence on frozen penultimate
features, pseudo labels on the pool, the pool-loss gradient, an exact (or conjugate-gradient)
damped Hessian solve, closed-form influences of every (sample, class) pair, a truncated
expectation over plausible labels, a candidate fraction and D^2 diversity sampling.

Notation: theta = (W, b) the final linear layer, reshaped as a K x (D + 1) matrix acting on the
augmented features ``f~ = (f, 1)``. For a softmax head the gradient of CE(x, y) is
``(p - onehot(y)) outer f~`` and its Hessian ``(diag p - p p^T) kron f~ f~^T``; neither depends on
autograd, so everything below is dense linear algebra on small matrices and one pass of matrix
products over the pool.
"""

import math
import numbers
import warnings

import numpy as np
from scipy.sparse.linalg import LinearOperator, cg
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .. import readouts
from ..base import softmax
from ..utils import MEMORY_BUDGET_BYTES, iter_chunks, num_samples
from ._base import QueryStrategy, check_query_size, worker_client
from ._distributed_batch import WorkerBlocks, block_reductions
from ._pool import chunk_rows, stream_readout

_VARIANTS = ("reference", "expected")
_SOLVERS = ("auto", "exact", "cg")
#: Heads with at most this many parameters K * (D + 1) are solved exactly (O(P^3), a few tens
#: of milliseconds at this size); larger ones by conjugate gradient (O(iterations * n_L * P)).
EXACT_SOLVE_MAX_PARAMETERS = 2048
#: Float64 entries of one temporary block when the Hessian is built: an eighth of the shared
#: memory budget.
_BLOCK = MEMORY_BUDGET_BYTES // 64


# ------------------------------------------------------------------------- linear algebra
def _row_blocks(features):
    """Row ranges whose float64 copy stays within the block budget."""
    rows = max(1, _BLOCK // max(1, features.shape[1]))
    return ((start, min(start + rows, len(features))) for start in range(0, len(features), rows))


def _augment(features):
    features = np.asarray(features, dtype=np.float64)
    return np.hstack([features, np.ones((len(features), 1))])


def pool_loss_gradient(proba, features):
    """Gradient of the pseudo-labelled pool loss and the loss itself.

    ``L_U(theta) = sum_u CE(u, y_hat(u))`` with ``y_hat(u) = argmax_k p(k|u)``.

    Parameters
    ----------
    proba : ndarray of shape (n_pool, n_classes)
    features : ndarray of shape (n_pool, n_hidden)

    Returns
    -------
    gradient : ndarray of shape (n_classes, n_hidden + 1), float64
        With respect to (W, b); the last column is the bias.
    loss : float
        L_U(theta), summed over the pool.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies._ralif import pool_loss_gradient
    >>> v, loss = pool_loss_gradient(np.array([[0.5, 0.5]]), np.array([[2.0]]))
    >>> v.tolist(), round(loss, 4)
    ([[-1.0, -0.5], [1.0, 0.5]], 0.6931)
    """
    proba = np.asarray(proba, dtype=np.float64)
    pseudo = np.argmax(proba, axis=1)
    rows = np.arange(len(proba))
    q = proba.copy()
    q[rows, pseudo] -= 1.0
    loss = float(-np.log(np.maximum(proba[rows, pseudo], np.finfo(np.float64).tiny)).sum())
    features = np.asarray(features)
    grad = np.zeros((q.shape[1], features.shape[1] + 1))
    for start, stop in _row_blocks(features):
        grad[:, :-1] += q[start:stop].T @ features[start:stop].astype(np.float64)
    grad[:, -1] = q.sum(axis=0)
    return grad, loss


def hessian(labeled_proba, labeled_features, *, l2=1e-4, damping=0.0):
    """Hessian of the mean labeled loss plus ``(l2 / 2) ||theta||^2`` (plus ``damping * I``).

    Built in O(n_L P^2) as the block-diagonal ``sum_t diag(p_t) kron f~_t f~_t^T`` minus the
    Gram matrix of the rows ``p_t kron f~_t``, in row blocks of bounded size.

    Returns
    -------
    H : ndarray of shape (P, P), float64
        P = K (D + 1), parameters ordered as the rows of the K x (D + 1) matrix theta.
    """
    p = np.asarray(labeled_proba, dtype=np.float64)
    ft = _augment(labeled_features)
    n, k = p.shape
    d = ft.shape[1]
    H = np.zeros((k * d, k * d))
    for c in range(k):
        H[c * d:(c + 1) * d, c * d:(c + 1) * d] = (ft * p[:, c:c + 1]).T @ ft
    rows = max(1, _BLOCK // (k * d))
    for start in range(0, n, rows):
        g = (p[start:start + rows, :, None] * ft[start:start + rows, None, :]).reshape(-1, k * d)
        H -= g.T @ g
    H /= n
    H[np.diag_indices_from(H)] += l2 + damping
    return H


def hessian_vector_product(labeled_proba, labeled_features, V, *, l2=1e-4, damping=0.0):
    """``H V`` without forming H: O(n_L K D).

    Parameters
    ----------
    labeled_proba : ndarray of shape (n_labeled, n_classes)
    labeled_features : ndarray of shape (n_labeled, n_hidden) or (n_labeled, n_hidden + 1)
        Features, or features already augmented with a column of ones.
    V : ndarray of shape (n_classes, n_hidden + 1)

    Returns
    -------
    HV : ndarray of shape (n_classes, n_hidden + 1)
    """
    p = np.asarray(labeled_proba, dtype=np.float64)
    ft = np.asarray(labeled_features, dtype=np.float64)
    if ft.shape[1] != V.shape[1]:
        ft = _augment(ft)
    u = ft @ V.T  # per-sample output directions, (n, K)
    pu = p * u
    r = pu - p * pu.sum(axis=1, keepdims=True)  # (diag p - p p^T) u
    return r.T @ ft / len(p) + (l2 + damping) * V


def conjugate_gradient(matvec, b, *, rtol=1e-10, max_iter=None):
    """Solve ``A x = b`` for a symmetric positive definite operator given as ``matvec``.

    :func:`scipy.sparse.linalg.cg` on a :class:`~scipy.sparse.linalg.LinearOperator`; ``b``
    (and ``matvec``'s argument) may have any shape. Stops when ``|r| <= rtol |b|``.

    Returns
    -------
    x : ndarray shaped like b
    n_iter : int
    converged : bool
    """
    shape = np.shape(b)
    b = np.asarray(b, dtype=np.float64).ravel()
    n_iter = 0

    def count(_):
        nonlocal n_iter
        n_iter += 1

    operator = LinearOperator((b.size, b.size), dtype=np.float64,
                              matvec=lambda x: np.ravel(matvec(x.reshape(shape))))
    x, info = cg(operator, b, rtol=rtol, atol=0.0, maxiter=max_iter or 10 * b.size,
                 callback=count)
    return x.reshape(shape), n_iter, info == 0


def inverse_hvp(labeled_proba, labeled_features, V, *, l2=1e-4, damping=0.0, solver="auto"):
    """``s = H^{-1} v`` for the damped Hessian of the labeled loss, exactly or by CG.

    Parameters
    ----------
    labeled_proba : ndarray of shape (n_labeled, n_classes)
    labeled_features : ndarray of shape (n_labeled, n_hidden)
    V : ndarray of shape (n_classes, n_hidden + 1)
        The vector v (the pool-loss gradient), as a K x (D + 1) matrix.
    l2, damping : float
        Added together to the Hessian's diagonal; their sum must be > 0.
    solver : {'auto', 'exact', 'cg'}, default='auto'
        'auto' solves exactly up to :data:`EXACT_SOLVE_MAX_PARAMETERS` parameters.

    Returns
    -------
    S : ndarray of shape (n_classes, n_hidden + 1)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies._ralif import inverse_hvp
    >>> rng = np.random.RandomState(0)
    >>> p = rng.dirichlet(np.ones(3), size=20); f = rng.randn(20, 4); v = rng.randn(3, 5)
    >>> exact = inverse_hvp(p, f, v, solver="exact"); cg = inverse_hvp(p, f, v, solver="cg")
    >>> bool(np.allclose(exact, cg))
    True
    """
    V = np.asarray(V, dtype=np.float64)
    if solver == "auto":
        solver = "exact" if V.size <= EXACT_SOLVE_MAX_PARAMETERS else "cg"
    if solver == "exact":
        H = hessian(labeled_proba, labeled_features, l2=l2, damping=damping)
        return np.linalg.solve(H, V.ravel()).reshape(V.shape)
    if solver == "cg":
        ft = _augment(labeled_features)
        S, n_iter, converged = conjugate_gradient(
            lambda x: hessian_vector_product(labeled_proba, ft, x, l2=l2, damping=damping), V)
        if not converged:
            warnings.warn(
                f"RALIF: conjugate gradient did not converge in {n_iter} iterations; the "
                "Hessian is badly conditioned. Increase damping.", ConvergenceWarning)
        return S
    raise ValueError(f"solver must be one of {_SOLVERS}, got {solver!r}.")


def influence_matrix(proba, features, S, n_labeled):
    """IL(x, y) = -g(x, y)^T s / n_L for every pool sample x and every class y.

    With ``q = p(.|x) - onehot(y)``, ``g(x, y)^T s = q^T (S f~(x))``: one product ``Z = F~ S^T``
    gives all N K values.

    Returns
    -------
    IL : ndarray of shape (n_pool, n_classes), float64
        First-order change of the pool loss when (x, y) is added to the labeled set
        (negative = the pool loss goes down).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies._ralif import influence_matrix
    >>> S = np.array([[1.0, 0.0], [0.0, 0.0]])  # acts on (f, 1)
    >>> influence_matrix(np.array([[0.75, 0.25]]), np.array([[2.0]]), S, n_labeled=1).tolist()
    [[0.5, -1.5]]
    """
    proba = np.asarray(proba, dtype=np.float64)
    features = np.asarray(features)
    Z = np.empty(proba.shape)  # S f~(x) for every pool sample, (N, K)
    for start, stop in _row_blocks(features):
        Z[start:stop] = features[start:stop].astype(np.float64) @ S[:, :-1].T + S[:, -1]
    return -(np.einsum("nk,nk->n", proba, Z)[:, None] - Z) / n_labeled


def truncated_expectation(proba, influence, threshold, variant="reference", pool_loss=0.0):
    """RALIF's score of every pool sample from its label probabilities and influences.

    Parameters
    ----------
    proba : ndarray of shape (n_pool, n_classes)
    influence : ndarray of shape (n_pool, n_classes)
        IL(x, y), see :func:`influence_matrix`.
    threshold : float
        Plausible labels are ``S(x) = {y : p(y|x) > threshold}``.
    variant : {'reference', 'expected'}
        'reference': ``(1 / |S|) sum_{y in S} p(y|x) (C + IL(x, y))``, inf for an empty S.
        'expected': the predicted class joins S, p is renormalised over S to p~, and the score
        is ``sum_{y in S} p~(y|x) IL(x, y)``.
    pool_loss : float, default=0.0
        The constant C of the 'reference' variant (the current pool loss).

    Returns
    -------
    scores : ndarray of shape (n_pool,), float64
        Lower = larger estimated reduction of the pool loss = query first.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies._ralif import truncated_expectation
    >>> p = np.array([[0.5, 0.3, 0.2]]); il = np.array([[-1.0, 2.0, 4.0]])
    >>> truncated_expectation(p, il, 0.25, "reference", pool_loss=10.0).round(6).tolist()
    [4.05]
    >>> truncated_expectation(p, il, 0.25, "expected").round(6).tolist()
    [0.125]
    """
    proba = np.asarray(proba, dtype=np.float64)
    plausible = proba > threshold
    if variant == "reference":
        size = plausible.sum(axis=1)
        total = np.einsum("nk,nk->n", proba * plausible, pool_loss + influence)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(size > 0, total / np.maximum(size, 1), np.inf)
    if variant == "expected":
        plausible[np.arange(len(proba)), np.argmax(proba, axis=1)] = True
        weights = proba * plausible
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("nk,nk->n", weights, influence)
    raise ValueError(f"variant must be one of {_VARIANTS}, got {variant!r}.")


def _d2_after_first(features, first, labeled_features, n_select, random_state):
    """``first``, then ``n_select - 1`` more rows by D^2 sampling against labeled + chosen rows."""
    from ..utils import d2_sampling

    rest = np.delete(np.arange(len(features)), first)
    if n_select == 1 or len(rest) == 0:
        return np.array([first], dtype=np.intp)
    reference = np.vstack([labeled_features, features[first:first + 1]])
    picked = d2_sampling(features[rest], n_select - 1, X_reference=reference,
                         random_state=random_state)
    return np.concatenate([[first], rest[picked]]).astype(np.intp)


class RALIF(QueryStrategy):
    """Reliable active learning via influence functions (Xia & Henao 2023).

    Queries the samples whose labeling is estimated to lower the model's loss on the whole pool
    the most. The pool is scored with the model's own pseudo labels; the effect of adding a
    candidate (x, y) is the influence function of the final linear layer on frozen penultimate
    features, ``IL(x, y) = -grad CE(x, y)^T H^{-1} grad L_U / n_L``; the unknown label is
    averaged over its plausible classes; the ``candidate_fraction`` best samples are turned
    into a diverse batch by D^2 sampling on the features (the first pick is the best-scoring
    candidate, then each pick is drawn with probability proportional to the squared distance
    to the nearest labeled or already chosen sample). Needs the labeled set: pass an active
    learner (skactive's or modAL's) around a skactive neural classifier.

    Parameters
    ----------
    variant : {'reference', 'expected'}, default='reference'
        How the unknown label is averaged out over the plausible labels
        ``S(x) = {y : p(y|x) > threshold}``. 'reference' is the authors' code:
        ``(1 / |S|) sum_{y in S} p(y|x) (C + IL(x, y))`` with C the current pool loss (samples
        with an empty S rank last). 'expected' adds the predicted class to S and takes the
        expectation of IL under p renormalised over S. Untruncated, the expectation is exactly
        zero.
    threshold : float, default=0.4
        Probability a label needs to count as plausible.
    candidate_fraction : float, default=0.1
        Share of the pool (rounded up, at least ``n_instances``) that enters the diversity step.
    damping : float, default=0.01
        Added to the Hessian's diagonal (with ``l2``) before the solve.
    l2 : float, default=1e-4
        L2 term ``(l2 / 2) ||theta||^2`` of the labeled objective whose Hessian is inverted.
    solver : {'auto', 'exact', 'cg'}, default='auto'
        'exact' solves the P x P system (P = K (D + 1)); 'cg' runs conjugate gradient with
        Hessian-vector products and never forms H; 'auto' is exact up to
        :data:`EXACT_SOLVE_MAX_PARAMETERS` parameters.
    random_state : int, RandomState instance or None, default=None
        Seeds the D^2 sampling.

    See Also
    --------
    IBAL : Representer-value importance on the labeled set.

    Notes
    -----
    Departures from the authors' code, as the specification states: the inverse-Hessian-vector
    product is solved exactly (or by CG) instead of by LiSSA; the threshold is a probability
    (their ``tau / K``); D^2 distances are to the nearest labeled or chosen point, not to the
    last labeled point. The cost is one forward pass over the pool and the labeled set,
    O(N K D) for the influences, O(P^3) (exact) or O(iterations n_L P) (CG) for the solve, and
    O(B |candidates| D) for the diversity step.

    On a ``dask.array`` pool with a ``dask.distributed`` client (the ``client`` keyword of the
    call, else the default client) the three passes over the pool run on the workers: each
    chunk's pool-loss gradient, each block's lowest ``n_candidates`` scores, then the
    candidates' features come back, and the diversity step runs here. The picks are those of the
    query in one process.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearner, MLPClassifier
    >>> from skactive.strategies import RALIF
    >>> X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    >>> learner = ActiveLearner(MLPClassifier(max_epochs=20, random_state=0),
    ...                         RALIF(random_state=0), X_training=X[:30], y_training=y[:30])
    >>> query_idx, _ = learner.query(X[30:], n_instances=5)
    >>> query_idx.shape
    (5,)
    """

    runs_on_workers = True
    needs_labeled_set = True

    def __init__(self, variant="reference", threshold=0.4, candidate_fraction=0.1,
                 damping=0.01, l2=1e-4, solver="auto", random_state=None):
        self.variant = variant
        self.threshold = threshold
        self.candidate_fraction = candidate_fraction
        self.damping = damping
        self.l2 = l2
        self.solver = solver
        self.random_state = random_state

    def _check_params(self):
        if self.variant not in _VARIANTS:
            raise ValueError(f"variant must be one of {_VARIANTS}, got {self.variant!r}.")
        if self.solver not in _SOLVERS:
            raise ValueError(f"solver must be one of {_SOLVERS}, got {self.solver!r}.")
        for name, low, high in (("threshold", 0.0, 1.0), ("candidate_fraction", 0.0, 1.0)):
            value = getattr(self, name)
            if not _is_real(value) or not (low <= value <= high) or \
                    (name == "candidate_fraction" and value == 0):
                bounds = "(0, 1]" if name == "candidate_fraction" else "[0, 1]"
                raise ValueError(f"{name} must be a number in {bounds}, got {value!r}.")
        for name in ("damping", "l2"):
            value = getattr(self, name)
            if not _is_real(value) or not np.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
        if self.damping + self.l2 <= 0:
            raise ValueError(
                "damping + l2 must be > 0: the labeled loss of a well-fitted head is nearly "
                "flat in many directions and its Hessian is singular without it."
            )

    def _scores(self, classifier, X_pool):
        """Scores of the pool, read in chunks; ``(scores, labeled_features, rows, cache)``.

        Two passes over the pool (the pool-loss gradient, then the scores), each one chunk's
        readouts at a time; a pool of one chunk is read once and ``cache`` holds its features.
        """
        self._check_params()
        view = readouts.model_view(classifier)
        rows = chunk_rows(view)
        labeled_features, labeled_proba = self._labeled(view)
        n_pool = num_samples(X_pool)
        cache = None

        def pool_chunks():
            if cache is not None:
                yield slice(0, n_pool), cache
                return
            for start, stop, chunk in iter_chunks(X_pool, rows, whole_blocks=False):
                yield slice(start, stop), _proba_and_features(view, chunk)

        v, pool_loss = 0.0, 0.0
        for positions, (proba, features) in pool_chunks():
            gradient, loss = pool_loss_gradient(proba, features)
            v, pool_loss = v + gradient, pool_loss + loss
            if n_pool <= rows:
                cache = (proba, features)
        S = inverse_hvp(labeled_proba, labeled_features, v, l2=self.l2, damping=self.damping,
                        solver=self.solver)
        scores = np.empty(n_pool)
        for positions, (proba, features) in pool_chunks():
            scores[positions] = _chunk_scores(proba, features, S, len(labeled_proba),
                                              self.threshold, self.variant, pool_loss)
        return scores, labeled_features, (view, rows), cache

    def _labeled(self, view):
        """Features and class probabilities of the labeled set, read in chunks."""
        X_labeled, _ = readouts.labeled_set(view)
        labeled_features, labeled_logits = stream_readout(
            lambda chunk: readouts.features_and_logits(view, chunk), X_labeled, chunk_rows(view))
        return labeled_features, softmax(labeled_logits.astype(np.float64))

    def _query_on_workers(self, client, view, X_pool, n_pool, n_instances):
        """:meth:`query` on a dask pool, each block's passes on its worker.

        Three passes: the blocks' pool-loss gradients (summed here), each block's lowest
        ``n_candidates`` scores (merged here in the order of one process: score, then
        position), and the candidates' penultimate features, for the D^2 step here.
        """
        self._check_params()
        labeled_features, labeled_proba = self._labeled(view)
        v, pool_loss = 0.0, 0.0
        rows = chunk_rows(view)
        for gradient, loss in block_reductions(client, X_pool, _block_loss_gradient, view,
                                               chunk_rows=rows):
            v, pool_loss = v + gradient, pool_loss + loss
        S = inverse_hvp(labeled_proba, labeled_features, v, l2=self.l2, damping=self.damping,
                        solver=self.solver)
        n_candidates = min(n_pool, max(n_instances, math.ceil(self.candidate_fraction * n_pool)))
        blocks = WorkerBlocks(client, X_pool, _proba_and_features, _block_lowest_scores, view,
                              S, len(labeled_proba), self.threshold, self.variant, pool_loss,
                              n_candidates, chunk_rows=rows)
        try:
            lowest = client.gather(blocks.states)
        finally:
            blocks.release()
        if any(part[2] for part in lowest):
            raise ValueError(_NAN_SCORES)
        index = np.concatenate([part[0] for part in lowest])
        scores = np.concatenate([part[1] for part in lowest])
        order = np.lexsort((index, scores))[:n_candidates]  # lowest first, ties by position
        candidates, scores = index[order], scores[order]
        ordered = np.sort(candidates)
        blocks = WorkerBlocks(client, X_pool, readouts.penultimate_features, _rows_among,
                              view, ordered, chunk_rows=rows)
        try:
            features = np.concatenate(client.gather(blocks.states))
        finally:
            blocks.release()
        features = features[np.searchsorted(ordered, candidates)]
        chosen = _d2_after_first(features, 0, labeled_features, n_instances,
                                 check_random_state(self.random_state))
        return candidates[chosen], scores[chosen]

    def _candidate_features(self, X_pool, candidates, view, rows, cache):
        """Features of the pool rows ``candidates``, in that order (a third pass, chunked)."""
        if cache is not None:
            return cache[1][candidates]
        ordered = np.sort(candidates)
        features = None
        filled = 0
        for start, stop, chunk in iter_chunks(X_pool, rows, whole_blocks=False):
            lo, hi = np.searchsorted(ordered, [start, stop])
            if hi == lo:
                continue
            chunk_features = readouts.penultimate_features(view, chunk)
            if features is None:
                features = np.empty((len(ordered), chunk_features.shape[1]),
                                    dtype=chunk_features.dtype)
            features[filled:filled + hi - lo] = chunk_features[ordered[lo:hi] - start]
            filled += hi - lo
        return features[np.searchsorted(ordered, candidates)]

    def score_samples(self, classifier, X_pool):
        """Negated RALIF score of every pool sample (higher = larger estimated loss reduction).

        The score before diversity: the batch of :meth:`query` is drawn from the
        ``candidate_fraction`` highest of these.

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
        X_pool : array-like

        Returns
        -------
        scores : ndarray of shape (n_pool,)
            ``-inf`` for samples with no plausible label ('reference' variant).
        """
        return -self._scores(classifier, X_pool)[0]

    def query(self, classifier, X_pool, n_instances=1, *, client=None):
        """Select a diverse batch among the samples with the best estimated influence.

        Parameters
        ----------
        classifier : ActiveLearner or modAL ActiveLearner
            Holds the fitted model and the labeled set.
        X_pool : array-like
        n_instances : int, default=1
        client : distributed.Client or None, default=None
            Run the per-row work of a dask ``X_pool`` on this client's workers (any other pool
            is refused: wrap it with ``dask.array.from_array``). None: the default client, if
            dask would compute the pool with one, else this process.

        Returns
        -------
        query_idx : ndarray of int of shape (n_instances,)
        metrics : ndarray of shape (n_instances,)
            The selected samples' RALIF scores (lower = larger estimated loss reduction).
        """
        n_pool, n_instances = check_query_size(X_pool, n_instances)
        view = readouts.model_view(classifier)
        client = worker_client(self, view, X_pool, client)
        if client is not None:
            return self._query_on_workers(client, view, X_pool, n_pool, n_instances)
        scores, labeled_features, (view, rows), cache = self._scores(view, X_pool)
        if np.isnan(scores).any():
            raise ValueError(_NAN_SCORES)
        n_candidates = min(n_pool, max(n_instances, math.ceil(self.candidate_fraction * n_pool)))
        order = np.lexsort((np.arange(n_pool), scores))  # lowest first, ties by position
        candidates = order[:n_candidates]
        features = self._candidate_features(X_pool, candidates, view, rows, cache)
        chosen = candidates[_d2_after_first(features, 0, labeled_features,
                                            n_instances, check_random_state(self.random_state))]
        return chosen, scores[chosen]


_NAN_SCORES = ("RALIF produced NaN scores; the model's outputs are not finite. Check the input "
               "for extreme values and that the model trained without diverging.")


def _proba_and_features(view, chunk):
    """Class probabilities (float64) and penultimate features of a chunk of the pool."""
    features, logits = readouts.features_and_logits(view, chunk)
    return softmax(logits.astype(np.float64)), features


def _chunk_scores(proba, features, S, n_labeled, threshold, variant, pool_loss):
    """RALIF scores of a chunk's rows (lower = larger estimated loss reduction)."""
    influence = influence_matrix(proba, features, S, n_labeled)
    return truncated_expectation(proba, influence, threshold, variant, pool_loss)


def _block_loss_gradient(view, chunk):
    """A chunk's share of the pool-loss gradient and loss (run on a worker)."""
    return pool_loss_gradient(*_proba_and_features(view, chunk))


def _block_lowest_scores(proba_features, offset, n_total, S, n_labeled, threshold, variant,
                         pool_loss, n_keep):
    """A block's ``n_keep`` lowest scores, lowest first, with their pool positions and whether
    any score is NaN (run on a worker)."""
    scores = _chunk_scores(*proba_features, S, n_labeled, threshold, variant, pool_loss)
    local = np.lexsort((np.arange(len(scores)), scores))[:n_keep]
    return local + offset, scores[local], bool(np.isnan(scores).any())


def _rows_among(values, offset, n_total, positions):
    """The rows of a block's ``values`` at the pool ``positions`` it holds (sorted)."""
    lo, hi = np.searchsorted(positions, [offset, offset + len(values)])
    return values[positions[lo:hi] - offset]


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


__all__ = [
    "RALIF",
    "pool_loss_gradient",
    "hessian",
    "hessian_vector_product",
    "inverse_hvp",
    "influence_matrix",
    "truncated_expectation",
]
