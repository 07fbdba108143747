"""skactive.modal against hand-computed values and brute-force references: modAL's
semantics reproduced (selection and tie-breaking, measures, learners, committees, batch, EER,
acquisition, multilabel, MC dropout, data utilities)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from scipy.special import ndtr
from scipy.stats import norm
from sklearn.exceptions import NotFittedError
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from skactive.modal import acquisition, batch, disagreement, dropout, expected_error, multilabel
from skactive.modal import uncertainty
from skactive.modal.models import (ActiveLearner, BayesianOptimizer, Committee,
                                   CommitteeRegressor, DeepActiveLearner)
from skactive.modal.utils import data, selection, validation
from skactive.modal.utils.combination import make_linear_combination, make_product


class FixedProba:
    """A fitted classifier whose probabilities are given."""

    def __init__(self, proba, classes=None):
        self.proba = np.asarray(proba, dtype=float)
        self.classes_ = np.arange(self.proba.shape[1]) if classes is None else classes

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        return self.proba

    def predict(self, X):
        return self.classes_[self.proba.argmax(axis=1)]


class Unfitted:
    def predict_proba(self, X):
        raise NotFittedError("not fitted")

    def predict(self, X, **kwargs):
        raise NotFittedError("not fitted")


class Recorder:
    """An estimator that records its calls; its fit returns None, like Keras 2."""

    def __init__(self):
        self.calls = []

    def fit(self, X, y, **kwargs):
        self.calls.append(("fit", np.asarray(X).copy(), np.asarray(y).copy(), kwargs))

    def predict(self, X, **kwargs):
        self.calls.append(("predict", kwargs))
        return np.zeros(len(X))

    def predict_proba(self, X, **kwargs):
        self.calls.append(("predict_proba", kwargs))
        return np.tile([0.5, 0.5], (len(X), 1))


# ------------------------------------------------------------------ selection
def test_multi_argmax_is_argpartition_order_and_the_top_set():
    rng = np.random.RandomState(0)
    for _ in range(50):
        values = rng.randint(0, 4, size=20).astype(float)  # many ties
        k = rng.randint(1, 21)
        idx, vals = selection.multi_argmax(values, k)
        np.testing.assert_array_equal(idx, np.argpartition(-values, k - 1)[:k])
        np.testing.assert_array_equal(vals, values[idx])
        np.testing.assert_array_equal(np.sort(vals), np.sort(values)[len(values) - k:])
    idx, vals = selection.multi_argmin(np.array([0.3, 0.1, 0.2]), 2)
    assert sorted(idx.tolist()) == [1, 2] and sorted(vals.tolist()) == [0.1, 0.2]


def test_shuffled_argmax_breaks_ties_at_random_with_numpy_global_state():
    values = np.array([1.0, 3.0, 3.0, 2.0, 3.0])
    picks = set()
    for seed in range(40):
        np.random.seed(seed)
        idx, vals = selection.shuffled_argmax(values, 2)
        assert vals.tolist() == [3.0, 3.0] and set(idx) <= {1, 2, 4}
        np.random.seed(seed)
        perm = np.random.permutation(5)  # the draw it makes, by hand
        tied_in_perm_order = [i for i in perm if values[i] == 3.0]
        assert idx.tolist() == tied_in_perm_order[-2:]
        picks.add(tuple(sorted(idx)))
    assert len(picks) == 3  # every pair of the three tied positions happens
    # ascending order of value, as modAL returns them
    np.random.seed(0)
    assert selection.shuffled_argmax(np.array([5, 1, 9, 3]), 3)[0].tolist() == [3, 0, 2]
    np.random.seed(0)
    idx, vals = selection.shuffled_argmin(np.array([5, 1, 9, 3]), 2)
    assert idx.tolist() == [3, 1] and vals.tolist() == [3, 1]


def test_selection_rejects_too_many_instances_as_value_and_assertion_error():
    with pytest.raises(ValueError, match="between 1 and"):
        selection.multi_argmax(np.zeros(3), 4)
    with pytest.raises(AssertionError):  # what modAL raised
        selection.shuffled_argmax(np.zeros(3), 4)


def test_weighted_random_draws_distinct_positions_by_weight():
    np.random.seed(0)
    idx = selection.weighted_random(np.array([0.0, 1.0, 0.0, 1.0]), 2)
    assert sorted(idx.tolist()) == [1, 3]
    with pytest.raises(ValueError, match="sum of weights"):
        selection.weighted_random(np.zeros(3))


# ------------------------------------------------------------------ uncertainty
PROBA = np.array([[0.7, 0.3], [0.5, 0.5], [0.9, 0.1]])


def test_uncertainty_measures_by_hand():
    clf = FixedProba(PROBA)
    np.testing.assert_allclose(uncertainty.classifier_uncertainty(clf, PROBA), [0.3, 0.5, 0.1])
    np.testing.assert_allclose(uncertainty.classifier_margin(clf, PROBA), [0.4, 0.0, 0.8])
    expected = [-(0.7 * np.log(0.7) + 0.3 * np.log(0.3)), np.log(2),
                -(0.9 * np.log(0.9) + 0.1 * np.log(0.1))]
    np.testing.assert_allclose(uncertainty.classifier_entropy(clf, PROBA), expected)
    for strategy in (uncertainty.uncertainty_sampling, uncertainty.margin_sampling,
                     uncertainty.entropy_sampling):
        idx, _ = strategy(clf, PROBA)
        assert idx.tolist() == [1]
    idx, margins = uncertainty.margin_sampling(clf, PROBA, n_instances=2)
    assert sorted(idx.tolist()) == [0, 1] and sorted(margins.round(12).tolist()) == [0.0, 0.4]


def test_unfitted_estimator_gets_modals_constant_scores():
    X = np.zeros((4, 2))
    np.testing.assert_array_equal(uncertainty.classifier_uncertainty(Unfitted(), X), np.ones(4))
    np.testing.assert_array_equal(uncertainty.classifier_margin(Unfitted(), X), np.zeros(4))
    np.testing.assert_array_equal(uncertainty.classifier_entropy(Unfitted(), X), np.zeros(4))


# ------------------------------------------------------------------ data utilities
def test_data_vstack_and_hstack_keep_the_container():
    a, b = np.ones((2, 2)), np.zeros((1, 2))
    assert data.data_vstack((a, b)).shape == (3, 2)
    assert data.data_vstack(([[1, 2]], [[3, 4]])) == [[1, 2], [3, 4]]
    s = data.data_vstack((sp.csr_matrix(a), sp.csr_matrix(b)))
    assert sp.issparse(s) and s.shape == (3, 2)
    df = data.data_vstack((pd.DataFrame(a, columns=["x", "y"]),
                           pd.DataFrame(b, columns=["x", "y"])))
    assert isinstance(df, pd.DataFrame) and df.shape == (3, 2)
    assert torch.equal(data.data_vstack((torch.ones(1, 2), torch.zeros(1, 2))),
                       torch.tensor([[1.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(TypeError, match="not supported"):
        data.data_vstack((1, 1))
    assert data.data_hstack((a, a)).shape == (2, 4)
    assert data.data_hstack((pd.DataFrame(a), pd.DataFrame(a))).shape == (2, 4)


def test_rows_are_positional_for_dataframes_with_integer_labels():
    # integer column labels: X[[0]] would be a column; the rows are meant
    df = pd.DataFrame(np.arange(12.0).reshape(4, 3), index=[10, 11, 12, 13])
    assert data.retrieve_rows(df, [0])[0].tolist() == [0.0]
    assert data.retrieve_rows(df, np.array([3, 1])).index.tolist() == [13, 11]
    assert data.drop_rows(df, [0, 2]).index.tolist() == [11, 13]
    assert data.retrieve_rows([[1], [2], [3]], np.array([True, False, True])) == [[1], [3]]
    assert data.retrieve_rows({"a": np.arange(3)}, [2])["a"].tolist() == [2]
    assert data.drop_rows([[1], [2], [3]], 1) == [[1], [3]]
    assert data.drop_rows(torch.arange(4), [1, 2]).tolist() == [0, 3]
    row = next(data.enumerate_data(df))[1]
    assert data.add_row(df, row).shape == (5, 3)
    assert data.add_row([[0, 0]], [1, 1]) == [[0, 0], [1, 1]]


# ------------------------------------------------------------------ learners
def test_x_training_grows_on_teach_and_the_estimator_is_kept_in_place():
    est = Recorder()
    learner = ActiveLearner(est, X_training=np.zeros((2, 2)), y_training=np.array([0, 1]))
    assert learner.estimator is est  # fit returned None: kept, not replaced
    learner.teach(np.ones((1, 2)), np.array([1]), sample_weight=[2.0])
    assert learner.X_training.shape == (3, 2) and learner.y_training.tolist() == [0, 1, 1]
    _, X_fit, y_fit, kwargs = est.calls[-1]
    assert X_fit.shape == (3, 2) and kwargs == {"sample_weight": [2.0]}


def test_only_new_trains_the_same_estimator_on_the_new_rows_only():
    est = Recorder()
    learner = ActiveLearner(est, X_training=np.zeros((2, 2)), y_training=np.array([0, 1]))
    learner.teach(np.full((1, 2), 7.0), np.array([1]), only_new=True)
    _, X_fit, y_fit, _ = est.calls[-1]
    np.testing.assert_array_equal(X_fit, [[7.0, 7.0]])
    assert learner.estimator is est
    assert learner.X_training.shape == (2, 2)  # modAL does not add them with only_new


def test_bootstrap_resamples_with_numpy_global_state():
    est = Recorder()
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    np.random.seed(3)
    ActiveLearner(est, X_training=X, y_training=y, bootstrap_init=True)
    np.random.seed(3)
    idx = np.random.randint(0, 5, size=5)  # np.random.choice(5, 5) draws these
    np.testing.assert_array_equal(est.calls[-1][2], y[idx])


def test_cold_start_queries_a_prefitted_estimator():
    clf = LogisticRegression().fit([[-2.0], [2.0]], [0, 1])
    learner = ActiveLearner(clf)
    assert learner.X_training is None
    idx, rows = learner.query(np.array([[-5.0], [0.1], [5.0]]))
    assert idx.tolist() == [1] and rows.tolist() == [[0.1]]
    learner.teach(np.array([[0.1], [-0.1]]), np.array([1, 0]))
    assert learner.X_training.tolist() == [[0.1], [-0.1]]  # the labeled set starts here


def test_kwargs_reach_predict_query_and_return_std_passes_through():
    est = Recorder()
    learner = ActiveLearner(est)
    learner.predict(np.zeros((2, 1)), verbose=0)
    learner.predict_proba(np.zeros((2, 1)), verbose=0)
    assert est.calls[-2:] == [("predict", {"verbose": 0}), ("predict_proba", {"verbose": 0})]
    gp = GaussianProcessRegressor().fit([[0.0], [1.0]], [0.0, 1.0])
    mean, std = ActiveLearner(gp).predict(np.array([[0.0], [1.0]]), return_std=True)
    np.testing.assert_allclose(mean, [0.0, 1.0], atol=1e-6)
    assert std.shape == (2,)

    def strategy(learner, X, factor=1):
        return np.array([factor]), None
    assert ActiveLearner(est, strategy).query(np.zeros((5, 1)), factor=3)[0].tolist() == [3]


def test_query_results_metrics_and_index_only_strategies():
    X = np.arange(10.0).reshape(5, 2)
    learner = ActiveLearner(Recorder(), lambda lrn, X: (np.array([4, 1]), np.array([0.9, 0.8])))
    idx, rows, metrics = learner.query(X, return_metrics=True)
    assert idx.tolist() == [4, 1] and rows.tolist() == [[8.0, 9.0], [2.0, 3.0]]
    assert metrics.tolist() == [0.9, 0.8]
    # indices only (a list, or an array of any length, including two): all of them are the query
    learner.query_strategy = lambda lrn, X: np.array([3, 0])
    with pytest.warns(UserWarning, match="return_metrics"):
        idx, rows, metrics = learner.query(X, return_metrics=True)
    assert idx.tolist() == [3, 0] and metrics is None


def test_force_all_finite():
    X = np.full((2, 2), np.nan)
    learner = ActiveLearner(Recorder(), force_all_finite=False)
    learner.teach(X, np.array([0, 1]))
    with pytest.raises(ValueError, match="NaN"):
        ActiveLearner(Recorder()).teach(X, np.array([0, 1]))
    with pytest.raises(TypeError, match="force_all_finite"):
        ActiveLearner(Recorder(), force_all_finite="yes")


def test_failed_teach_leaves_the_labeled_set_unchanged():
    learner = ActiveLearner(Recorder(), X_training=np.zeros((2, 2)), y_training=np.zeros(2))
    with pytest.raises(ValueError):
        learner.teach(np.zeros((1, 3)), np.zeros(1))
    with pytest.raises(ValueError):
        learner.teach(np.zeros((2, 2)), np.zeros(3))
    assert learner.X_training.shape == (2, 2) and learner.y_training.shape == (2,)


def test_stream_based_loop():
    rng = np.random.RandomState(0)
    X = rng.rand(200, 2)
    y = (X[:, 0] > 0.5).astype(int)
    learner = ActiveLearner(KNeighborsClassifier(n_neighbors=1), X_training=X[[0, 1, 2, 3]],
                            y_training=y[[0, 1, 2, 3]])
    asked = 0
    for i in range(4, 200):
        if uncertainty.classifier_uncertainty(learner, X[i].reshape(1, -1))[0] >= 0.0:
            learner.teach(X[i].reshape(1, -1), y[i].reshape(1))
            asked += 1
    assert learner.X_training.shape == (4 + asked, 2)


def test_bayesian_optimizer_tracks_the_maximum():
    X = np.linspace(0, 1, 5).reshape(-1, 1)
    opt = BayesianOptimizer(Recorder(), X_training=X[:2], y_training=np.array([1.0, 3.0]))
    assert opt.get_max()[1] == 3.0 and opt.get_max()[0].tolist() == [0.25]
    opt.teach(X[2:4], np.array([2.0, 5.0]))
    assert opt.get_max()[1] == 5.0 and opt.get_max()[0].tolist() == [0.75]
    opt.teach(X[4:], np.array([0.0]), only_new=True)
    assert opt.get_max()[1] == 5.0 and len(opt.X_training) == 5
    assert BayesianOptimizer(Recorder()).y_max == -np.inf


def test_acquisition_values():
    mean, std = np.array([0.0, 1.0]), np.array([1.0, 2.0])
    np.testing.assert_allclose(acquisition.PI(mean, std, 0.5, 0.1), ndtr((mean - 0.6) / std))
    z = (mean - 0.6) / std
    np.testing.assert_allclose(acquisition.EI(mean, std, 0.5, 0.1),
                               (mean - 0.6) * ndtr(z) + std * norm.pdf(z))
    np.testing.assert_allclose(acquisition.UCB(mean, std, 2.0), [2.0, 5.0])
    opt = BayesianOptimizer(Unfitted())
    np.testing.assert_allclose(acquisition.optimizer_UCB(opt, np.zeros((3, 1)), beta=2),
                               np.full((3, 1), 2.0))


def test_deep_active_learner_partial_fit_and_properties():
    class Net(Recorder):
        max_epochs, batch_size = 10, 32

        def initialize(self):
            self.calls.append(("initialize",))

        def partial_fit(self, X, y, **kwargs):
            self.calls.append(("partial_fit", np.asarray(X).copy()))

    net = Net()
    learner = DeepActiveLearner(net)
    learner.teach(np.ones((2, 1)), np.array([0, 1]))
    learner.teach(np.ones((2, 1)), np.array([0, 1]), warm_start=False)
    assert [c[0] for c in net.calls] == ["initialize", "partial_fit", "fit"]
    learner.num_epochs, learner.batch_size = 3, 8
    assert (net.max_epochs, net.batch_size) == (3, 8)
    with pytest.raises(ValueError, match="larger than zero"):
        learner.batch_size = 0
    with pytest.raises(TypeError, match="integer"):
        learner.num_epochs = 1.5
    with pytest.raises(TypeError, match="partial_fit"):
        DeepActiveLearner(Recorder()).teach(np.ones((2, 1)), np.array([0, 1]))


# ------------------------------------------------------------------ committees
def _members():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    return [ActiveLearner(FixedProba([[0.8, 0.2]] * 3)),
            ActiveLearner(FixedProba([[0.2, 0.8], [0.6, 0.4], [0.4, 0.6]])), X]


def test_committee_votes_and_disagreement_by_hand():
    a, b, _ = _members()
    committee = Committee([a, b])
    assert committee.classes_.tolist() == [0, 1] and len(committee) == 2
    np.testing.assert_array_equal(committee.vote(np.zeros((3, 1))), [[0, 1], [0, 0], [0, 1]])
    np.testing.assert_allclose(committee.predict_proba(np.zeros((3, 1))),
                               [[0.5, 0.5], [0.7, 0.3], [0.6, 0.4]])
    np.testing.assert_allclose(disagreement.vote_entropy(committee, np.zeros((3, 1))),
                               [np.log(2), 0.0, np.log(2)])
    kl_a = 0.8 * np.log(0.8 / 0.5) + 0.2 * np.log(0.2 / 0.5)  # row 0, both members equal
    np.testing.assert_allclose(disagreement.KL_max_disagreement(committee, np.zeros((3, 1)))[0],
                               kl_a)
    np.testing.assert_allclose(disagreement.consensus_entropy(committee, np.zeros((3, 1)))[0],
                               np.log(2))


def test_committee_members_with_different_classes():
    a = ActiveLearner(FixedProba([[0.3, 0.7]], classes=np.array([0, 2])))
    b = ActiveLearner(FixedProba([[0.5, 0.5]], classes=np.array([1, 2])))
    committee = Committee([a, b])
    assert committee.classes_.tolist() == [0, 1, 2]
    np.testing.assert_allclose(committee.vote_proba(np.zeros((1, 1))),
                               [[[0.3, 0.0, 0.7], [0.0, 0.5, 0.5]]])
    assert committee.predict(np.zeros((1, 1))).tolist() == [2]
    assert validation.check_class_labels(a.estimator, a.estimator)
    with pytest.raises(NotFittedError):
        validation.check_class_labels(a.estimator, Unfitted())


def test_committee_teach_bagging_and_unfitted_members():
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    members = [ActiveLearner(DecisionTreeClassifier(random_state=0), X_training=X[:2 + i],
                             y_training=y[:2 + i]) for i in range(2)]
    committee = Committee(members)
    committee.teach(X[3:], y[3:])
    assert [len(m.X_training) for m in committee] == [3, 4]
    committee.rebag()
    committee.fit(X, y)
    assert committee.classes_.tolist() == [0, 1]
    assert Committee([ActiveLearner(Unfitted())]).classes_ is None
    with pytest.raises(TypeError, match="list"):
        Committee(tuple(members))


def test_committee_regressor_mean_and_std():
    class Const(Recorder):
        def __init__(self, v):
            super().__init__()
            self.v = v

        def predict(self, X, **kwargs):
            return np.full(len(X), self.v)

    committee = CommitteeRegressor([ActiveLearner(Const(1.0)), ActiveLearner(Const(3.0))])
    mean, std = committee.predict(np.zeros((2, 1)), return_std=True)
    assert mean.tolist() == [2.0, 2.0] and std.tolist() == [1.0, 1.0]
    assert committee.vote(np.zeros((1, 1))).tolist() == [[1.0, 3.0]]


# ------------------------------------------------------------------ ranked batch and EER
def _ranked_batch_reference(X_labeled, X_pool, unc, n):
    """The ranking, by brute force: distances to every labeled or ranked sample."""
    labeled, ranking = list(X_labeled), []
    for _ in range(n):
        best, best_score = None, -np.inf
        n_left = len(X_pool) - len(ranking)
        alpha = n_left / (n_left + len(labeled))
        for i, x in enumerate(X_pool):
            if i in ranking:
                continue
            d = min(np.sqrt(((x - z) ** 2).sum()) for z in labeled)
            score = alpha * (1 - 1 / (1 + d)) + (1 - alpha) * unc[i]
            if score > best_score:
                best, best_score = i, score
        ranking.append(best)
        labeled.append(X_pool[best])
    return ranking


def test_ranked_batch_matches_brute_force_and_reads_the_growing_labeled_set():
    rng = np.random.RandomState(0)
    X, y = rng.rand(60, 3), rng.randint(0, 2, 60)
    learner = ActiveLearner(KNeighborsClassifier(3), batch.uncertainty_batch_sampling,
                            X_training=X[:5], y_training=y[:5])
    pool = X[5:]
    for _ in range(3):
        unc = uncertainty.classifier_uncertainty(learner, pool)
        expected = _ranked_batch_reference(learner.X_training, pool, unc, 4)
        idx, _ = learner.query(pool, n_instances=4)
        assert idx.tolist() == expected
        learner.teach(pool[idx], y[5:][idx])
        pool = np.delete(pool, idx, axis=0)
        y = np.r_[y[:5], np.delete(y[5:], idx)]
    assert len(learner.X_training) == 17


def test_ranked_batch_cold_start_starts_at_the_medoid_and_never_repeats():
    X = np.array([[0.0], [1.0], [1.1], [5.0]])
    learner = ActiveLearner(Unfitted(), batch.uncertainty_batch_sampling)
    idx, _ = learner.query(X, n_instances=4)
    assert idx[0] == 1 and sorted(idx.tolist()) == [0, 1, 2, 3]


def test_expected_error_reduction_matches_brute_force():
    rng = np.random.RandomState(1)
    X, y = rng.rand(12, 2), np.array([0, 1] * 6)
    learner = ActiveLearner(LogisticRegression(), X_training=X[:4], y_training=y[:4])
    pool = X[4:]
    proba = learner.predict_proba(pool)
    errors = []
    for i in range(len(pool)):
        total = 0.0
        for j, label in enumerate([0, 1]):
            clf = LogisticRegression().fit(np.vstack([X[:4], pool[i]]), np.r_[y[:4], label])
            rest = np.delete(pool, i, axis=0)
            total += (1 - clf.predict_proba(rest).max(axis=1)).sum() * proba[i, j]
        errors.append(total)
    idx, values = expected_error.expected_error_reduction(learner, pool, n_instances=2)
    assert sorted(idx.tolist()) == sorted(np.argsort(errors)[:2].tolist())
    np.testing.assert_allclose(np.sort(values), np.sort(errors)[:2])
    with pytest.raises(ValueError, match="p_subsample"):
        expected_error.expected_error_reduction(learner, pool, p_subsample=1.5)
    with pytest.raises(AssertionError, match="loss"):
        expected_error.expected_error_reduction(learner, pool, loss=42)


# ------------------------------------------------------------- multilabel, density, combination
def test_svm_loss_by_hand():
    class Fixed:
        classes_ = np.array([0, 1])

        def predict(self, X):
            return np.array([[1, 0], [1, 1]])

        def predict_proba(self, X):
            return np.array([[0.9, 0.2], [0.6, 0.7]])

    # signed predictions [[1, -1], [1, 1]] times the sign patterns [[1, -1], [-1, 1]]:
    # [[2, -2], [0, 0]]; mean of max(1 - v, 0): [(0 + 3) / 2, (1 + 1) / 2]
    np.testing.assert_allclose(multilabel._SVM_loss(Fixed(), np.zeros((2, 1))), [1.5, 1.0])
    np.testing.assert_allclose(multilabel._SVM_loss(Fixed(), np.zeros((2, 1)),
                                                    most_certain_classes=[0, 1]), [0.0, 2.0])
    idx, vals = multilabel.avg_confidence(Fixed(), np.zeros((2, 1)))
    assert idx.tolist() == [1] and vals.tolist() == [pytest.approx(0.65)]


def test_combination_helpers():
    f = make_linear_combination(lambda x: x, lambda x: 2 * x, weights=[1.0, 0.5])
    assert f(3.0) == 6.0
    g = make_product(lambda x: x, lambda x: x, exponents=[1, 2])
    assert g(2.0) == 8.0
    with pytest.raises(ValueError, match="one weight per function"):
        make_linear_combination(lambda x: x, weights=[1, 2])


# ------------------------------------------------------------------ MC dropout
def test_dropout_measures_by_hand():
    p = [np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([[0.9, 0.1], [1.0, 0.0]])]
    mean = np.array([[0.7, 0.3], [1.0, 0.0]])
    np.testing.assert_allclose(dropout._variation_ratios(p), [0.3, 0.0])
    np.testing.assert_allclose(dropout._mean_standard_deviation(p), [0.2, 0.0])
    h = lambda q: -np.sum([v * np.log(v) for v in q if v > 0])  # noqa: E731
    bald = h(mean[0]) - (h(p[0][0]) + h(p[1][0])) / 2
    np.testing.assert_allclose(dropout._bald_divergence(p), [bald, 0.0], atol=1e-12)


def test_get_predictions_rows_are_distributions_and_dropout_is_restored():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Dropout(0.5),
                                 torch.nn.Linear(8, 4)).eval()

    class Net:
        module_ = module

        def infer(self, x):
            return module(x)

    learner = ActiveLearner(Net())
    preds = dropout.get_predictions(learner, torch.randn(10, 3), num_predictions=3,
                                    sample_per_forward_pass=4)
    assert len(preds) == 3
    for p in preds:
        np.testing.assert_allclose(p.sum(axis=1), np.ones(10), rtol=1e-5)
    assert not preds[0].tolist() == preds[1].tolist()  # dropout was on
    assert not module[1].training
    with pytest.raises(KeyError, match="not a Dropout"):
        dropout.set_dropout_mode(module, [0], True)
    with pytest.raises(AssertionError):
        dropout.get_predictions(learner, torch.randn(2, 3), num_predictions=0)
