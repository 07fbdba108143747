"""K-medoids clustering with full-matrix and large-N (CLARA-style) solvers."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ..utils import derive_seed, validate_data
from ._distances import (
    MetricSpace,
    check_metric,
    dense_dissimilarity,
    nearest,
    row_step,
)



__all__ = [
    "KMedoids",
    "AUTO_FULL_MATRIX_MAX_SAMPLES",
    "CLARA_SAMPLE_MAX",
    "CLARA_GROUP_MIN",
    "CLARA_MAX_ROUNDS",
]

#: ``method='auto'`` uses full-matrix FasterPAM up to this many samples (the
#: float32 dissimilarity matrix then takes at most ``4 * 10_000**2`` bytes =
#: 400 MB) and the large-N ``'clara'`` solver above it.
AUTO_FULL_MATRIX_MAX_SAMPLES = 10_000

#: Largest automatic CLARA sample: its float32 matrix is ``4 * 5000**2`` bytes
#: = 100 MB. Only when ``n_clusters`` exceeds it is the sample enlarged to
#: ``n_clusters`` points, which then simply become the initial medoids
#: (no matrix is built).
CLARA_SAMPLE_MAX = 5_000

#: Smallest automatic CLARA sample (unless the data set itself is smaller).
CLARA_SAMPLE_MIN = 2_000

#: Minimum budget (number of points) of one group of the local FasterPAM
#: refinement (its dense float32 matrix is ``4 * 1000**2`` bytes = 4 MB).
#: Larger groups converge in fewer rounds but each round costs
#: ``O(n_samples * group)``.
CLARA_GROUP_MIN = 1_000

#: The group budget is raised (up to :data:`CLARA_SAMPLE_MAX`) so that a group
#: holds about this many medoids on average: ``min(CLARA_SAMPLE_MAX,
#: max(CLARA_GROUP_MIN, CLARA_GROUP_MEDOIDS * n_samples / n_clusters))``.
#: With few clusters, groups of one or two medoids would reduce the
#: refinement to Voronoi iteration.
CLARA_GROUP_MEDOIDS = 8

#: Maximum number of local-refinement rounds of the ``'clara'`` solver.
CLARA_MAX_ROUNDS = 8

#: The refinement stops once a round improves the full-data inertia by less
#: than this relative amount.
CLARA_TOL = 1e-3

#: A single cluster larger than the group budget is refined by scoring
#: at most this many candidate-point x cluster-point distances.
_SINGLE_CLUSTER_BUDGET = 2 * 10**8

_METHODS = ("auto", "fasterpam", "pam", "alternate", "clara", "sklearn_extra")

_SKLEARN_EXTRA_HINT = (
    "method='sklearn_extra' requires scikit-learn-extra. Install it with: "
    "pip install cython wheel setuptools && pip install --no-binary "
    "scikit-learn-extra --no-build-isolation scikit-learn-extra"
)




def _kmedoids_lib():
    import kmedoids

    return kmedoids


# --------------------------------------------------------------------------
# full-matrix solvers (kmedoids package)
# --------------------------------------------------------------------------
def _kmedoids_plus_plus(D, k, rng):
    """k-medoids++ seeding on a dense dissimilarity matrix.

    First medoid uniformly at random, then each next one with probability
    proportional to its squared dissimilarity to the nearest chosen medoid
    (uniformly among the unpicked points once all of those are 0).
    """
    n = D.shape[0]
    picked = np.zeros(n, dtype=bool)
    out = np.empty(k, dtype=np.int64)
    out[0] = rng.randint(n)
    picked[out[0]] = True
    mind = D[out[0]].astype(np.float64)
    for i in range(1, k):
        p = mind * mind
        p[picked] = 0.0
        total = p.sum()
        if total > 0:
            j = int(np.searchsorted(np.cumsum(p), rng.random_sample() * total,
                                    side="right"))
            j = min(j, n - 1)
            if picked[j]:  # float round-off at the upper end
                j = int(np.flatnonzero(p > 0)[-1])
        else:
            j = int(rng.choice(np.flatnonzero(~picked)))
        out[i] = j
        picked[j] = True
        np.minimum(mind, D[j], out=mind)
    return out


def _fit_full_matrix(space, k, method, max_iter, rng):
    """Solve on the dense float32 matrix with the ``kmedoids`` package."""
    km = _kmedoids_lib()
    D = dense_dissimilarity(space)
    if method == "fasterpam":
        res = km.fasterpam(D, int(k), max_iter=max_iter, init="random",
                           random_state=derive_seed(rng), n_cpu=1)
    elif method == "pam":
        res = km.pam(D, int(k), max_iter=max_iter, init="build")
    else:  # alternate
        init = _kmedoids_plus_plus(D, k, rng).astype(np.uintp)
        res = km.alternating(D, init, max_iter=max_iter)
    return np.asarray(res.medoids, dtype=np.int64), int(res.n_iter)


# --------------------------------------------------------------------------
# large-N solver: CLARA sample + local FasterPAM refinement on the full data
# --------------------------------------------------------------------------
def _auto_sample_size(n, k):
    """Default CLARA sample size (see :class:`KMedoids`, ``sample_size``)."""
    size = min(CLARA_SAMPLE_MAX, max(CLARA_SAMPLE_MIN, 40 + 2 * k))
    return min(n, max(size, k))


def _partition_medoids(centers, weights, budget, rng):
    """Split medoids into spatially coherent groups of bounded point count.

    Recursive bisection of the medoid coordinates along a random direction
    drawn from the span of the (size-weighted) top principal axes, at a
    random quantile in [0.35, 0.65] of the point count. Groups are split
    until they hold at most ``budget`` points or a single medoid.
    """
    groups = []
    stack = [np.arange(centers.shape[0])]
    while stack:
        g = stack.pop()
        w = weights[g]
        total = w.sum()
        if total <= budget or len(g) == 1:
            groups.append(g)
            continue
        C = centers[g]
        sw = w.astype(np.float64) + 1e-12
        Z = C - np.average(C, axis=0, weights=sw)
        Z *= np.sqrt(sw)[:, None]
        _, S, Vt = np.linalg.svd(Z, full_matrices=False)
        m = min(3, len(S))
        direction = (rng.standard_normal(m) * S[:m]) @ Vt[:m]
        order = np.argsort(C @ direction, kind="stable")
        cw = np.cumsum(w[order])
        cut = int(np.searchsorted(cw, rng.uniform(0.35, 0.65) * total))
        cut = min(max(cut, 1), len(g) - 1)
        stack.append(g[order[cut:]])
        stack.append(g[order[:cut]])
    return groups


def _group_budget(n, k):
    """Point budget of one refinement group (see :data:`CLARA_GROUP_MEDOIDS`)."""
    return int(min(CLARA_SAMPLE_MAX,
                   max(CLARA_GROUP_MIN, CLARA_GROUP_MEDOIDS * n / k)))


def _best_single_medoid(space, members, current, budget, rng):
    """Exact 1-medoid update of a big cluster on a candidate subsample.

    Candidates are ``current`` plus random members; each is scored against
    all members (in chunks), so the result is never worse than ``current``.
    """
    n_c = len(members)
    n_cand = int(min(budget, max(32, _SINGLE_CLUSTER_BUDGET // n_c)))
    others = members[members != current]
    pick = rng.choice(len(others), min(n_cand - 1, len(others)), replace=False)
    cand = np.concatenate(([current], others[np.sort(pick)]))
    cand_space = space.take(cand)
    cost = np.zeros(len(cand), dtype=np.float64)
    step = row_step(len(cand))
    for s in range(0, n_c, step):
        cost += space.block(members[s:s + step], cand_space).sum(axis=0)
    return int(cand[np.argmin(cost)])  # argmin: first (= current) on ties


def _refine_round(space, medoids, labels, max_iter, rng):
    """One round of group-wise FasterPAM on the full data.

    The medoids are partitioned into groups (:func:`_partition_medoids`);
    each group is re-solved exactly by FasterPAM on the dense matrix of all
    points currently assigned to it, starting from its current medoids.
    Since groups are disjoint in points and medoids, the full-data inertia
    after reassignment can only decrease.
    """
    km = _kmedoids_lib()
    k = len(medoids)
    counts = np.bincount(labels, minlength=k)
    budget = _group_budget(space.n, k)
    groups = _partition_medoids(space.X[medoids].astype(np.float64), counts,
                                budget, rng)
    group_of = np.empty(k, dtype=np.int64)
    for gi, g in enumerate(groups):
        group_of[g] = gi
    order = np.argsort(group_of[labels], kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(
        group_of[labels], minlength=len(groups)))))
    position = np.empty(space.n, dtype=np.int64)
    new = medoids.copy()
    for gi, g in enumerate(groups):
        pts = order[bounds[gi]:bounds[gi + 1]]
        if len(pts) <= 1:
            continue
        if len(pts) > budget:  # a single, very large cluster
            new[g[0]] = _best_single_medoid(space, pts, medoids[g[0]], budget,
                                            rng)
            continue
        position[pts] = np.arange(len(pts))
        D = dense_dissimilarity(space, pts)
        init = position[medoids[g]].astype(np.uintp)
        res = km.fasterpam(D, init, max_iter=max_iter, n_cpu=1)
        new[g] = pts[np.asarray(res.medoids, dtype=np.int64)]
    return new


def _assign_with_self(space, medoids):
    """Nearest-medoid labels with each medoid forced into its own cluster."""
    labels, dist = nearest(space, space.take(medoids))
    labels[medoids] = np.arange(len(medoids))
    dist[medoids] = 0.0
    return labels, dist


def _fit_clara(space, k, sample_size, max_iter, rng):
    """Large-N solver; never builds a matrix larger than the sample's."""
    km = _kmedoids_lib()
    n = space.n
    s = _auto_sample_size(n, k) if sample_size == "auto" else min(n, sample_size)
    sample = np.sort(rng.choice(n, s, replace=False))
    if s > k:
        D = dense_dissimilarity(space, sample)
        res = km.fasterpam(D, int(k), max_iter=max_iter, init="random",
                           random_state=derive_seed(rng), n_cpu=1)
        del D
        medoids = sample[np.asarray(res.medoids, dtype=np.int64)]
    else:  # the sample is the initial medoid set
        medoids = sample
    labels, dist = _assign_with_self(space, medoids)
    best_medoids, best_inertia = medoids, float(dist.sum())
    n_rounds = 0
    for _ in range(CLARA_MAX_ROUNDS):
        n_rounds += 1
        medoids = _refine_round(space, best_medoids, labels, max_iter, rng)
        new_labels, dist = _assign_with_self(space, medoids)
        inertia = float(dist.sum())
        improved = inertia < best_inertia
        converged = inertia > best_inertia * (1.0 - CLARA_TOL)
        if improved:
            best_medoids, best_inertia, labels = medoids, inertia, new_labels
        if converged:
            break
    return best_medoids, n_rounds


# --------------------------------------------------------------------------
# optional scikit-learn-extra backend
# --------------------------------------------------------------------------
def _fit_sklearn_extra(X, k, metric, max_iter, rng):
    try:
        from sklearn_extra.cluster import KMedoids as _SKEKMedoids
    except ImportError as exc:
        raise ImportError(_SKLEARN_EXTRA_HINT) from exc
    est = _SKEKMedoids(n_clusters=k, metric=metric, method="alternate",
                       init="k-medoids++", max_iter=max_iter,
                       random_state=derive_seed(rng))
    est.fit(X)
    return np.asarray(est.medoid_indices_, dtype=np.int64), int(est.n_iter_)


# --------------------------------------------------------------------------
# post-processing: exactly k distinct medoids
# --------------------------------------------------------------------------
def _ensure_distinct(space, X, medoids, k, rng):
    """Return ``k`` distinct medoid indices, at distinct locations if possible.

    Repeated indices and medoids whose row duplicates an earlier medoid's row
    are dropped, then the set is refilled farthest-first: repeatedly add the
    unpicked point farthest from the current medoids (this never increases
    the inertia). When every remaining point is at distance 0 from a medoid,
    the remaining picks are drawn uniformly from the unpicked points with
    ``rng``.
    """
    medoids = np.asarray(medoids, dtype=np.int64)
    _, first = np.unique(medoids, return_index=True)
    keep = medoids[np.sort(first)]
    _, first = np.unique(X[keep], axis=0, return_index=True)
    keep = keep[np.sort(first)]
    if len(keep) == k:
        return keep
    picked = np.zeros(space.n, dtype=bool)
    picked[keep] = True
    if len(keep):
        _, mind = nearest(space, space.take(keep))
    else:
        mind = np.full(space.n, np.inf)
    mind[picked] = -1.0
    out = list(keep)
    while len(out) < k:
        j = int(np.argmax(mind))
        if mind[j] <= 0.0:
            rest = np.flatnonzero(~picked)
            extra = rng.choice(rest, k - len(out), replace=False)
            out.extend(int(e) for e in extra)
            break
        out.append(j)
        picked[j] = True
        np.minimum(mind, nearest(space, space.take([j]))[1], out=mind)
        mind[picked] = -1.0
    return np.asarray(out, dtype=np.int64)


# --------------------------------------------------------------------------
# estimator
# --------------------------------------------------------------------------
class KMedoids(ClusterMixin, TransformerMixin, BaseEstimator):
    """K-medoids clustering: FasterPAM, PAM, alternate or a large-N solver.

    Finds ``n_clusters`` data points (the medoids) minimising the sum of
    dissimilarities of every sample to its nearest medoid. Full-matrix
    methods run the Rust solvers of the ``kmedoids`` package on a float32
    dissimilarity matrix computed in chunks; ``'clara'`` never materialises
    more than a ``sample_size`` x ``sample_size`` matrix and scales to large
    ``n_samples``.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of medoids, ``1 <= n_clusters <= n_samples``.
    method : {'auto', 'fasterpam', 'pam', 'alternate', 'clara', \
'sklearn_extra'}, default='auto'
        Solver.

        - ``'fasterpam'``: FasterPAM (Schubert & Rousseeuw 2021) from random
          medoids on the full ``n_samples**2`` float32 matrix.
        - ``'pam'``: original PAM (BUILD + SWAP); O(k n^2) per swap, for
          small data.
        - ``'alternate'``: the Voronoi (k-means style) iteration of Park &
          Jun (2009), started from k-medoids++ seeding (D^2 sampling on the
          dissimilarities). Park & Jun's own initialisation (the ``k`` most
          central points) is not used: it gave clearly worse optima
          (docs/results/tuning_notes.md). Cheapest per iteration, but
          clearly worse optima than FasterPAM.
        - ``'clara'``: large-N solver. (1) FasterPAM on a random sample of
          ``sample_size`` points; (2) all points are assigned to the medoids in
          chunks; (3) up to :data:`CLARA_MAX_ROUNDS` refinement rounds: the
          medoids are partitioned into spatially coherent groups of bounded
          size (random recursive bisection of the medoids, so that group
          borders move between rounds; at most ``min(5000, max(1000, 8 *
          n_samples / n_clusters))`` assigned points per group, see
          :data:`CLARA_GROUP_MIN` and :data:`CLARA_GROUP_MEDOIDS`) and each
          group is re-solved by FasterPAM on the dense matrix of its own
          points, starting from its current medoids (a single cluster above
          the budget gets an exact 1-medoid update over sampled candidates).
          Groups are disjoint in points and medoids, so each round can only
          lower the full-data inertia; the refinement stops when a round
          improves it by less than :data:`CLARA_TOL` (relative). Peak memory
          is ``O(min(n_samples, max(5000, n_clusters))**2 + n_samples *
          n_features)``; its inertia stays close to full-matrix FasterPAM's
          at a fraction of the time and memory (figures in
          docs/results/tuning_notes.md).
        - ``'sklearn_extra'``: ``sklearn_extra.cluster.KMedoids`` (method
          ``'alternate'``, init ``'k-medoids++'``), an optional dependency.
        - ``'auto'``: ``'fasterpam'`` when ``n_samples <=``
          :data:`AUTO_FULL_MATRIX_MAX_SAMPLES` (matrix <= 400 MB), else
          ``'clara'``.
    metric : str, default='euclidean'
        ``'euclidean'``, ``'sqeuclidean'`` and ``'cosine'`` use a fast BLAS
        path; any other metric name of
        :func:`sklearn.metrics.pairwise_distances` (e.g. ``'manhattan'``) is
        computed block-wise by scikit-learn. With ``'cosine'``, zero vectors
        are at distance 0 from each other and 1 from any non-zero vector.
    max_iter : int, default=300
        Maximum number of iterations of each solver run (for ``'clara'``:
        of each FasterPAM run, not the number of refinement rounds).
    sample_size : int or 'auto', default='auto'
        Sample size of ``method='clara'`` (ignored otherwise), at least
        ``n_clusters``. ``'auto'`` uses Kaufman & Rousseeuw's ``40 + 2 *
        n_clusters`` clipped to [:data:`CLARA_SAMPLE_MIN`,
        :data:`CLARA_SAMPLE_MAX`] = [2000, 5000] points (a <= 100 MB float32
        matrix), at most ``n_samples`` and at least ``n_clusters``. When the
        sample size equals ``n_clusters`` the sample is used directly as the
        initial medoids. The quality of the result depends little on it,
        because the refinement works on the full data.
    random_state : int, RandomState instance or None, default=None
        Seeds the random initialisation, sampling and refinement. Pass an int
        for reproducible results.

    Attributes
    ----------
    medoid_indices_ : ndarray of shape (n_clusters,), dtype int64
        Distinct row positions of the medoids in the training data. Medoids
        sit at distinct locations whenever the data has at least
        ``n_clusters`` distinct rows.
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        ``X[medoid_indices_]``.
    labels_ : ndarray of shape (n_samples,), dtype int64
        Index of the nearest medoid of each sample (lowest index on ties).
    inertia_ : float
        Sum of the dissimilarities of the samples to their nearest medoid
        (float64 accumulation).
    n_iter_ : int
        Iterations of the solver (for ``'clara'``: refinement rounds run).
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    sklearn.cluster.KMeans : Centroids instead of medoids.

    Notes
    -----
    The result always holds exactly ``n_clusters`` distinct indices, even with
    duplicated rows: medoids duplicating another medoid's row are replaced by
    the farthest remaining points (which can only lower the inertia) and, once
    only exact duplicates remain, by points drawn with ``random_state``.

    References
    ----------
    .. [1] E. Schubert and P. J. Rousseeuw, "Fast and eager k-medoids
       clustering: O(k) runtime improvement of the PAM, CLARA, and CLARANS
       algorithms", Information Systems 101, 2021.
    .. [2] H.-S. Park and C.-H. Jun, "A simple and fast algorithm for
       K-medoids clustering", Expert Systems with Applications 36(2), 2009.
    .. [3] L. Kaufman and P. J. Rousseeuw, "Finding Groups in Data", Wiley,
       1990 (PAM, CLARA).

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.cluster import KMedoids
    >>> X = np.array([[0., 0.], [0., 1.], [1., 0.],
    ...               [10., 10.], [10., 11.], [11., 10.]])
    >>> km = KMedoids(n_clusters=2, random_state=0).fit(X)
    >>> sorted(km.medoid_indices_.tolist())
    [0, 3]
    >>> km.inertia_
    4.0
    >>> km.predict([[0.2, 0.1], [9., 9.]]).tolist() == [
    ...     km.labels_[0], km.labels_[3]]
    True
    """

    def __init__(self, n_clusters=8, *, method="auto", metric="euclidean",
                 max_iter=300, sample_size="auto", random_state=None):
        self.n_clusters = n_clusters
        self.method = method
        self.metric = metric
        self.max_iter = max_iter
        self.sample_size = sample_size
        self.random_state = random_state

    def _check_params(self, n_samples):
        k = self.n_clusters
        if not isinstance(k, numbers.Integral) or isinstance(k, bool):
            raise ValueError(
                f"n_clusters must be an integer, got {k!r}.")
        if k < 1 or k > n_samples:
            raise ValueError(
                f"n_clusters={k} must satisfy 1 <= n_clusters <= n_samples="
                f"{n_samples}.")
        if self.method not in _METHODS:
            raise ValueError(
                f"method={self.method!r} is not one of {_METHODS}.")
        check_metric(self.metric)
        mi = self.max_iter
        if (not isinstance(mi, numbers.Integral) or isinstance(mi, bool)
                or mi < 1):
            raise ValueError(f"max_iter must be a positive integer, got {mi!r}.")
        s = self.sample_size
        if not (isinstance(s, str) and s == "auto"):
            if (not isinstance(s, numbers.Integral) or isinstance(s, bool)
                    or s < k):
                raise ValueError(
                    "sample_size must be 'auto' or an integer >= n_clusters "
                    f"({k}), got {s!r}.")
        return int(k)

    def _resolved_method(self, n_samples):
        if self.method == "auto":
            if n_samples <= AUTO_FULL_MATRIX_MAX_SAMPLES:
                return "fasterpam"
            return "clara"
        return self.method

    def fit(self, X, y=None):
        """Compute the medoids.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; float32 is kept as float32.
        y : Ignored
            Present for API consistency.

        Returns
        -------
        self : KMedoids
            Fitted estimator.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32],
                           ensure_all_finite=True, ensure_min_samples=1)
        n = X.shape[0]
        k = self._check_params(n)
        rng = check_random_state(self.random_state)
        method = self._resolved_method(n)
        with threadpool_limits(limits=1, user_api="blas"):
            self._fit(X, k, method, rng)
        return self

    def _fit(self, X, k, method, rng):
        space = MetricSpace(X, self.metric)
        if method == "clara":
            medoids, n_iter = _fit_clara(space, k, self.sample_size,
                                         self.max_iter, rng)
        elif method == "sklearn_extra":
            medoids, n_iter = _fit_sklearn_extra(X, k, self.metric,
                                                 self.max_iter, rng)
        else:
            medoids, n_iter = _fit_full_matrix(space, k, method,
                                               self.max_iter, rng)
        medoids = _ensure_distinct(space, X, medoids, k, rng)
        labels, dist = nearest(space, space.take(medoids))
        self.medoid_indices_ = medoids
        self.cluster_centers_ = X[medoids]
        self.labels_ = labels
        self.inertia_ = float(dist.sum())
        self.n_iter_ = n_iter
        self._fit_method = method

    def _centers_space(self):
        return MetricSpace(self.cluster_centers_, self.metric)

    def predict(self, X):
        """Index of the nearest medoid of each sample (computed in chunks).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int64
            Nearest medoid (lowest index on ties).
        """
        check_is_fitted(self, "medoid_indices_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32],
                           ensure_all_finite=True)
        labels, _ = nearest(MetricSpace(X, self.metric), self._centers_space())
        return labels

    def transform(self, X):
        """Compute the dissimilarities of the samples to every medoid.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        D : ndarray of shape (n_samples, n_clusters)
            Dissimilarities, float64.
        """
        check_is_fitted(self, "medoid_indices_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32],
                           ensure_all_finite=True)
        space = MetricSpace(X, self.metric)
        centers = self._centers_space()
        out = np.empty((space.n, centers.n), dtype=np.float64)
        step = row_step(centers.n)
        for s in range(0, space.n, step):
            out[s:s + step] = space.block(slice(s, s + step), centers,
                                          clean=True)
        return out
