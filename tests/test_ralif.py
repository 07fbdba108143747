"""RALIF: influence against retraining, solvers against each other, scores by hand, loops."""

import math

import numpy as np
import pytest
import torch
from scipy.optimize import minimize
from scipy.special import logsumexp
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning

import skactive
from skactive import ActiveLearner, MLPClassifier, readouts
from skactive.base import softmax
from skactive.datasets import make_ibal
from skactive.strategies import RALIF, _ralif, get_strategy
from skactive.strategies._ralif import (
    _d2_after_first,
    conjugate_gradient,
    hessian,
    hessian_vector_product,
    influence_matrix,
    inverse_hvp,
    pool_loss_gradient,
    truncated_expectation,
)

L2 = 0.1  # a well-conditioned head, where a first-order estimate is meaningful


# --------------------------------------------------------------------------- a fixed-feature head
def augment(F):
    return np.hstack([F, np.ones((len(F), 1))])


def head_objective(theta, Ft, Y, weights, l2):
    """sum_i w_i CE_i + (l2 / 2) ||theta||^2 and its gradient, float64."""
    W = theta.reshape(Y.shape[1], Ft.shape[1])
    Z = Ft @ W.T
    lse = logsumexp(Z, axis=1)
    value = weights @ (lse - (Z * Y).sum(axis=1)) + 0.5 * l2 * theta @ theta
    grad = ((np.exp(Z - lse[:, None]) - Y) * weights[:, None]).T @ Ft + l2 * W
    return value, grad.ravel()


def fit_head(Ft, Y, weights, l2, theta0):
    res = minimize(head_objective, theta0, args=(Ft, Y, weights, l2), jac=True,
                   method="L-BFGS-B",
                   options={"maxiter": 20000, "gtol": 1e-13, "ftol": 0.0, "maxcor": 50})
    assert np.abs(res.jac).max() < 1e-7, res.message
    return res.x


def pool_loss(theta, Ft, pseudo):
    W = theta.reshape(-1, Ft.shape[1])
    Z = Ft @ W.T
    return float((logsumexp(Z, axis=1) - Z[np.arange(len(Z)), pseudo]).sum())


@pytest.fixture(scope="module")
def head_problem():
    X, y = make_blobs(n_samples=360, centers=3, n_features=4, cluster_std=4.0, random_state=0)
    F_lab, y_lab, F_pool = X[:60], y[:60], X[60:]
    k = 3
    Ft_lab, Ft_pool = augment(F_lab), augment(F_pool)
    Y = np.eye(k)[y_lab]
    theta = fit_head(Ft_lab, Y, np.full(len(Y), 1 / len(Y)), L2, np.zeros(k * Ft_lab.shape[1]))
    W = theta.reshape(k, -1)
    return dict(F_lab=F_lab, Y=Y, F_pool=F_pool, theta=theta,
                P_lab=softmax(Ft_lab @ W.T), P_pool=softmax(Ft_pool @ W.T))


def test_influence_ranks_candidates_like_retraining(head_problem):
    hp = head_problem
    F_lab, Y, F_pool, theta = hp["F_lab"], hp["Y"], hp["F_pool"], hp["theta"]
    n = len(Y)
    pseudo = np.argmax(hp["P_pool"], axis=1)
    v, loss = pool_loss_gradient(hp["P_pool"], F_pool)
    assert loss == pytest.approx(pool_loss(theta, augment(F_pool), pseudo))
    S = inverse_hvp(hp["P_lab"], F_lab, v, l2=L2, damping=0.0, solver="exact")
    IL = influence_matrix(hp["P_pool"], F_pool, S, n)

    rng = np.random.RandomState(1)
    cand = rng.choice(len(F_pool), size=30, replace=False)
    labels = rng.randint(3, size=30)
    predicted, actual = [], []
    for i, y in zip(cand, labels):
        # Retrain with (x, y) added at weight 1/n: the up-weighting the estimate linearises.
        Ft = augment(np.vstack([F_lab, F_pool[i]]))
        Yx = np.vstack([Y, np.eye(3)[y]])
        new = fit_head(Ft, Yx, np.full(n + 1, 1 / n), L2, theta)
        actual.append(pool_loss(new, augment(F_pool), pseudo) - loss)
        predicted.append(IL[i, y])
    rho = spearmanr(predicted, actual).statistic
    assert rho >= 0.9, rho
    # Not just the order: the first-order estimate has the right size.
    predicted, actual = np.array(predicted), np.array(actual)
    assert np.abs(predicted - actual).max() < 0.5 * np.abs(actual).max()


def test_hessian_and_hvp_match_autograd(head_problem):
    hp = head_problem
    F = torch.tensor(augment(hp["F_lab"]))
    Y = torch.tensor(hp["Y"])
    k, d = Y.shape[1], F.shape[1]

    def objective(theta):
        Z = F @ theta.reshape(k, d).T
        return -(Y * torch.log_softmax(Z, 1)).sum(1).mean() + 0.5 * L2 * (theta ** 2).sum()

    H_auto = torch.autograd.functional.hessian(objective, torch.tensor(hp["theta"])).numpy()
    H = hessian(hp["P_lab"], hp["F_lab"], l2=L2)
    np.testing.assert_allclose(H, H_auto, atol=1e-10)
    np.testing.assert_allclose(hessian(hp["P_lab"], hp["F_lab"], l2=L2, damping=0.5),
                               H + 0.5 * np.eye(len(H)), atol=1e-12)
    V = np.random.RandomState(0).randn(k, d)
    np.testing.assert_allclose(hessian_vector_product(hp["P_lab"], hp["F_lab"], V, l2=L2),
                               (H @ V.ravel()).reshape(k, d), atol=1e-10)


def test_pool_gradient_and_influences_match_per_sample_gradients(head_problem):
    hp = head_problem
    P, F = hp["P_pool"][:40], hp["F_pool"][:40]
    v, _ = pool_loss_gradient(P, F)
    pseudo = np.argmax(P, axis=1)
    per_sample = [np.outer(P[u] - np.eye(3)[pseudo[u]], np.append(F[u], 1)) for u in range(40)]
    np.testing.assert_allclose(v, np.sum(per_sample, axis=0), atol=1e-10)
    S = np.random.RandomState(0).randn(3, 5)
    IL = influence_matrix(P, F, S, n_labeled=7)
    for u in range(0, 40, 7):
        for y in range(3):
            g = np.outer(P[u] - np.eye(3)[y], np.append(F[u], 1))
            assert IL[u, y] == pytest.approx(-(g * S).sum() / 7, abs=1e-12)


@pytest.mark.parametrize("damping", [0.0, 0.01])
def test_exact_and_cg_agree(head_problem, damping):
    hp = head_problem
    v, _ = pool_loss_gradient(hp["P_pool"], hp["F_pool"])
    exact = inverse_hvp(hp["P_lab"], hp["F_lab"], v, l2=L2, damping=damping, solver="exact")
    cg = inverse_hvp(hp["P_lab"], hp["F_lab"], v, l2=L2, damping=damping, solver="cg")
    np.testing.assert_allclose(cg, exact, rtol=1e-7, atol=1e-9 * np.abs(exact).max())
    H = hessian(hp["P_lab"], hp["F_lab"], l2=L2, damping=damping)
    np.testing.assert_allclose(H @ exact.ravel(), v.ravel(), atol=1e-8 * np.abs(v).max())


def test_auto_solver_switches_to_cg_for_large_heads(monkeypatch):
    rng = np.random.RandomState(0)
    p, f = softmax(rng.randn(50, 3)), rng.randn(50, 700)  # P = 3 * 701 > 2048
    v = rng.randn(3, 701)
    exact = inverse_hvp(p, f, v, l2=1e-2, solver="exact")

    def no_dense_hessian(*args, **kwargs):
        raise AssertionError("the dense Hessian was built")

    monkeypatch.setattr(_ralif, "hessian", no_dense_hessian)
    auto = inverse_hvp(p, f, v, l2=1e-2, solver="auto")  # CG: never forms H
    np.testing.assert_allclose(auto, exact, rtol=1e-6, atol=1e-9 * np.abs(exact).max())
    with pytest.raises(AssertionError, match="dense Hessian"):  # small heads: exact
        inverse_hvp(p[:, :2], f[:, :10], v[:2, :11], l2=1e-2, solver="auto")


def test_cg_reports_non_convergence():
    A = np.diag([1.0, 1e-12, 1.0])
    x, n_iter, converged = conjugate_gradient(lambda z: A @ z, np.ones(3), rtol=1e-30, max_iter=2)
    assert not converged and n_iter == 2
    rng = np.random.RandomState(0)
    f = rng.randn(30, 20) * np.logspace(-5, 5, 20)  # condition number far beyond float64
    with pytest.warns(ConvergenceWarning, match="damping"):
        inverse_hvp(softmax(rng.randn(30, 3)), f, rng.randn(3, 21), l2=1e-12, solver="cg")


# --------------------------------------------------------------------------- truncated expectation
P3 = np.array([[0.5, 0.3, 0.2], [0.9, 0.05, 0.05], [0.35, 0.33, 0.32]])
IL3 = np.array([[-1.0, 2.0, 4.0], [0.5, -3.0, 1.0], [1.0, 2.0, 3.0]])


def test_truncated_expectation_by_hand():
    ref = truncated_expectation(P3, IL3, 0.4, "reference", pool_loss=10.0)
    np.testing.assert_allclose(ref, [0.5 * 9, 0.9 * 10.5, np.inf])  # row 3: no plausible label
    exp = truncated_expectation(P3, IL3, 0.4, "expected")
    np.testing.assert_allclose(exp, [-1.0, 0.5, 1.0])  # the predicted class always counts
    ref = truncated_expectation(P3, IL3, 0.25, "reference", pool_loss=10.0)
    np.testing.assert_allclose(ref, [(0.5 * 9 + 0.3 * 12) / 2, 0.9 * 10.5,
                                     (0.35 * 11 + 0.33 * 12 + 0.32 * 13) / 3])
    exp = truncated_expectation(P3, IL3, 0.25, "expected")
    np.testing.assert_allclose(exp, [(0.5 * -1 + 0.3 * 2) / 0.8, 0.5, 0.35 + 0.66 + 0.96])


def test_untruncated_expectation_is_zero(head_problem):
    hp = head_problem
    S = np.random.RandomState(0).randn(3, 5)
    IL = influence_matrix(hp["P_pool"], hp["F_pool"], S, 60)
    assert np.abs(IL).max() > 1e-3
    np.testing.assert_allclose(truncated_expectation(hp["P_pool"], IL, 0.0, "expected"), 0,
                               atol=1e-12)


# --------------------------------------------------------------------------- the strategy
@pytest.fixture(scope="module")
def learner():
    X, y = make_ibal((300, 100, 30), random_state=0)
    learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=30, random_state=0),
                            X_training=X[:40], y_training=y[:40])
    learner._ensure_fitted()
    return learner, X[40:]


def manual_scores(learner, X_pool, variant, threshold=0.4, damping=0.01, l2=1e-4):
    F, Z = readouts.features_and_logits(learner, X_pool)
    F_lab, Z_lab = readouts.features_and_logits(learner, learner.X_training_)
    P, P_lab = softmax(Z.astype(float)), softmax(Z_lab.astype(float))
    v, C = pool_loss_gradient(P, F)
    H = hessian(P_lab, F_lab, l2=l2, damping=damping)
    S = np.linalg.solve(H, v.ravel()).reshape(v.shape)
    return truncated_expectation(P, influence_matrix(P, F, S, len(F_lab)), threshold, variant, C)


@pytest.mark.parametrize("variant", ["reference", "expected"])
def test_query_is_best_candidate_then_diverse(learner, variant):
    learner, X_pool = learner
    strategy = RALIF(variant=variant, random_state=0)
    scores = manual_scores(learner, X_pool, variant)
    np.testing.assert_allclose(-strategy.score_samples(learner, X_pool), scores, rtol=1e-9)
    idx, metrics = strategy(learner, X_pool, n_instances=8)
    assert len(set(idx.tolist())) == 8
    order = np.lexsort((np.arange(len(scores)), scores))
    assert idx[0] == order[0]
    assert set(idx.tolist()) <= set(order[:math.ceil(0.1 * len(X_pool))].tolist())
    np.testing.assert_allclose(metrics, scores[idx])
    np.testing.assert_array_equal(idx, clone(strategy)(learner, X_pool, n_instances=8)[0])
    # Candidates no more than the batch: exactly the lowest scores.
    idx, _ = RALIF(variant=variant, candidate_fraction=1e-6)(learner, X_pool, n_instances=8)
    assert set(idx.tolist()) == set(order[:8].tolist())


def test_solvers_agree_on_the_strategy(learner):
    learner, X_pool = learner
    exact = RALIF(solver="exact").score_samples(learner, X_pool)
    cg = RALIF(solver="cg").score_samples(learner, X_pool)
    np.testing.assert_allclose(cg, exact, rtol=1e-7)


def test_diversity_measures_to_labeled_and_chosen_points():
    # Candidates 1 and 2 sit on a labeled point, 3 on the first pick: zero weight, never drawn.
    F = np.array([[0.0, 0.0], [5.0, 5.0], [5.0, 5.0], [0.0, 0.0], [1.0, 0.0], [0.0, 3.0],
                  [3.0, 0.0]])
    for seed in range(20):
        picked = _d2_after_first(F, 0, np.array([[5.0, 5.0]]), 4, np.random.RandomState(seed))
        assert picked[0] == 0
        assert set(picked.tolist()) == {0, 4, 5, 6}
    assert _d2_after_first(F, 3, F[:1], 1, 0).tolist() == [3]


def test_ralif_errors(learner):
    learner, X_pool = learner
    for params, match in [({"variant": "mean"}, "variant"), ({"solver": "lissa"}, "solver"),
                          ({"threshold": 1.5}, "threshold"),
                          ({"candidate_fraction": 0}, "candidate_fraction"),
                          ({"damping": -1}, "damping"),
                          ({"damping": 0, "l2": 0}, r"damping \+ l2")]:
        with pytest.raises(ValueError, match=match):
            RALIF(**params)(learner, X_pool, n_instances=2)
    with pytest.raises(TypeError, match="labeled set"):
        RALIF()(learner.estimator_, X_pool)
    with pytest.raises(ValueError, match="larger than the pool"):
        RALIF()(learner, X_pool[:3], n_instances=4)
    assert isinstance(get_strategy("ralif", variant="expected"), RALIF)


def test_in_skactive_loop():
    X, y = make_ibal((300, 100, 30), random_state=1)
    strategy = RALIF(random_state=0)
    learner = ActiveLearner(MLPClassifier(max_epochs=10, random_state=0), strategy,
                            X_training=X[:20], y_training=y[:20])
    pool = np.arange(20, len(X))
    for _ in range(3):
        idx, rows = learner.query(X[pool], n_instances=6)
        np.testing.assert_array_equal(rows, X[pool[idx]])
        learner.teach(X[pool[idx]], y[pool[idx]])
        pool = np.delete(pool, idx)
    assert len(learner.y_training_) == 38


def test_text_classifier():
    TextCNN = skactive.TextCNNClassifier
    rng = np.random.RandomState(0)
    words = ["good", "great", "fine", "bad", "awful", "poor", "film", "plot", "the", "a"]
    texts = np.array([" ".join(rng.choice(words, size=6)) for _ in range(80)], dtype=object)
    y = np.array([int(sum(w in t.split() for w in words[:3]) >= 2) for t in texts])
    learner = ActiveLearner(TextCNN(max_epochs=2, random_state=0), RALIF(random_state=0),
                            X_training=texts[:20], y_training=y[:20])
    idx, _ = learner.query(texts[20:], n_instances=5)
    assert len(set(idx.tolist())) == 5
    learner.teach(texts[20:][idx], y[20:][idx])
    assert len(learner.y_training_) == 25


def test_in_modal_learner():
    modal_models = pytest.importorskip("modAL.models", reason="modAL-python is not installed")
    X, y = make_ibal((300, 100, 30), random_state=2)
    for variant in ("reference", "expected"):
        learner = modal_models.ActiveLearner(
            estimator=MLPClassifier(max_epochs=10, random_state=0),
            query_strategy=RALIF(variant=variant, random_state=0),
            X_training=X[:20], y_training=y[:20])
        pool = np.arange(20, len(X))
        for _ in range(2):
            idx, rows = learner.query(X[pool], n_instances=5)
            assert len(set(np.asarray(idx).tolist())) == 5
            np.testing.assert_array_equal(rows, X[pool][idx])
            learner.teach(X[pool][idx], y[pool][idx])
            pool = np.delete(pool, idx)
        assert len(learner.y_training) == 30
