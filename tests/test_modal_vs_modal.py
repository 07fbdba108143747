"""skactive.modal against modAL itself: the same seeded loops make the same picks with the
same scores.

modAL-python 0.4.2.1 (its last release) runs on scikit-learn < 1.6 only; CI runs this file in
its compatibility environment (scikit-learn 1.5, modAL installed with ``--no-deps``). There,
two small shims let modAL run on numpy 2 and pandas >= 2: ``np.float`` (used in an annotation
of ``modAL.expected_error``) and ``DataFrame.append`` (used by ``modAL.utils.data``).
"""

from functools import partial

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

import skactive.modal.acquisition as our_acquisition
import skactive.modal.batch as our_batch
import skactive.modal.disagreement as our_disagreement
import skactive.modal.dropout as our_dropout
import skactive.modal.expected_error as our_eer
import skactive.modal.models as our_models
import skactive.modal.multilabel as our_multilabel
import skactive.modal.uncertainty as our_uncertainty
import skactive.modal.utils.selection as our_selection
from skactive import strategies as sk_strategies

modal_models = pytest.importorskip("modAL.models", reason="modAL-python is not installed")

# only where modAL is installed, so that no other test session sees the shims
if not hasattr(np, "float"):
    np.float = float  # modAL.expected_error's annotation; numpy 2 removed the alias
if not hasattr(pd.DataFrame, "append"):
    def _append(self, other, ignore_index=False):
        others = other if isinstance(other, (list, tuple)) else [other]
        others = [o.to_frame().T if isinstance(o, pd.Series) else o for o in others]
        return pd.concat([self, *others], ignore_index=ignore_index)
    pd.DataFrame.append = _append  # pandas 2 removed it; modAL.utils.data calls it

import modAL.acquisition as their_acquisition  # noqa: E402
import modAL.batch as their_batch  # noqa: E402
import modAL.disagreement as their_disagreement  # noqa: E402
import modAL.dropout as their_dropout  # noqa: E402
import modAL.expected_error as their_eer  # noqa: E402
import modAL.multilabel as their_multilabel  # noqa: E402
import modAL.uncertainty as their_uncertainty  # noqa: E402
import modAL.utils.selection as their_selection  # noqa: E402


def _loop(models, estimator, strategy, X, y, init, n_queries, query_kwargs=None, seed=0):
    """One seeded pool-based loop; returns the picks and the accuracy after each query."""
    np.random.seed(seed)
    learner = models.ActiveLearner(estimator, strategy, X_training=X[init], y_training=y[init])
    pool = np.delete(np.arange(len(X)), init)
    picks, scores = [], []
    for _ in range(n_queries):
        idx, _ = learner.query(X[pool], **(query_kwargs or {}))
        idx = np.atleast_1d(np.asarray(idx))
        learner.teach(X[pool][idx], y[pool][idx])
        picks.append(pool[idx].tolist())
        scores.append(learner.score(X, y))
        pool = np.delete(pool, idx)
    return picks, scores, learner


def _same_loop(estimator_factory, ours, theirs, X, y, init, n_queries, **query_kwargs):
    a = _loop(our_models, estimator_factory(), ours, X, y, init, n_queries, query_kwargs)
    b = _loop(modal_models, estimator_factory(), theirs, X, y, init, n_queries, query_kwargs)
    assert a[0] == b[0]  # the same picks, in the same order
    assert a[1] == b[1]  # the same scores
    return a, b


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.mark.parametrize("name", ["uncertainty_sampling", "margin_sampling", "entropy_sampling"])
@pytest.mark.parametrize("random_tie_break", [False, True])
def test_uncertainty_loops_on_iris(iris, name, random_tie_break):
    X, y = iris
    (picks, scores, learner), _ = _same_loop(
        lambda: KNeighborsClassifier(n_neighbors=3), getattr(our_uncertainty, name),
        getattr(their_uncertainty, name), X, y, [0, 50, 100], 20,
        random_tie_break=random_tie_break)
    assert len(learner.X_training) == 23


@pytest.mark.parametrize("name", ["uncertainty_sampling", "margin_sampling", "entropy_sampling"])
def test_skactive_strategies_functions_pick_modals_samples(iris, name):
    X, y = iris
    _same_loop(lambda: KNeighborsClassifier(n_neighbors=3), getattr(sk_strategies, name),
               getattr(their_uncertainty, name), X, y, [0, 50, 100], 20)


def test_ranked_batch_loop_as_in_modals_example(iris):
    X, y = iris
    np.random.seed(123)
    init = np.random.randint(0, 150, size=3)
    strategy = "uncertainty_batch_sampling"
    (_, scores, learner), _ = _same_loop(
        lambda: KNeighborsClassifier(n_neighbors=3), partial(getattr(our_batch, strategy),
                                                              n_instances=3),
        partial(getattr(their_batch, strategy), n_instances=3), X, y, init, 6)
    assert len(learner.X_training) == 21


def test_ranked_batch_cold_start():
    X, _ = make_classification(n_samples=40, n_features=3, n_informative=2, n_redundant=0,
                               random_state=0)
    a, _ = our_batch.uncertainty_batch_sampling(our_models.ActiveLearner(KNeighborsClassifier()),
                                                X, n_instances=5)
    b, _ = their_batch.uncertainty_batch_sampling(
        modal_models.ActiveLearner(KNeighborsClassifier()), X, n_instances=5)
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("loss", ["binary", "log"])
def test_expected_error_reduction_loop(loss):
    X, y = make_classification(n_samples=40, n_features=3, n_informative=2, n_redundant=0,
                               random_state=1)
    _same_loop(lambda: LogisticRegression(), partial(our_eer.expected_error_reduction, loss=loss,
                                                     p_subsample=0.7),
               partial(their_eer.expected_error_reduction, loss=loss, p_subsample=0.7),
               X, y, np.r_[np.flatnonzero(y == 0)[:2], np.flatnonzero(y == 1)[:2]], 3)


@pytest.mark.parametrize("name", ["vote_entropy_sampling", "consensus_entropy_sampling",
                                  "max_disagreement_sampling"])
def test_committee_loops(iris, name):
    X, y = iris
    runs = []
    for models, module in ((our_models, our_disagreement), (modal_models, their_disagreement)):
        np.random.seed(0)
        members = [models.ActiveLearner(RandomForestClassifier(n_estimators=5, random_state=i),
                                        X_training=X[idx], y_training=y[idx], bootstrap_init=True)
                   for i, idx in enumerate([[0, 1, 50, 100], [2, 51, 52, 101]])]
        committee = models.Committee(members, query_strategy=getattr(module, name))
        pool, picks = np.arange(150), []
        for _ in range(8):
            idx, _ = committee.query(X[pool], n_instances=2)
            committee.teach(X[pool][idx], y[pool][idx], bootstrap=True)
            picks.append(pool[idx].tolist())
            pool = np.delete(pool, idx)
        committee.rebag()
        runs.append((picks, committee.predict_proba(X).tolist(), committee.score(X, y)))
    assert runs[0] == runs[1]


def test_committee_regressor_max_std():
    X = np.linspace(-1, 1, 60).reshape(-1, 1)
    y = np.abs(X).ravel()
    runs = []
    for models in (our_models, modal_models):
        members = [models.ActiveLearner(GaussianProcessRegressor(), X_training=X[idx],
                                        y_training=y[idx]) for idx in ([0, 10], [50, 59])]
        committee = models.CommitteeRegressor(members)
        picks = []
        for _ in range(5):
            idx, _ = committee.query(X)
            committee.teach(X[idx], y[idx])
            picks.append(np.asarray(idx).tolist())
        runs.append((picks, committee.predict(X, return_std=True)[1].tolist()))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("name", ["max_PI", "max_EI", "max_UCB"])
def test_bayesian_optimization(name):
    X = np.linspace(0, 20, 500).reshape(-1, 1)
    y = (np.sin(X) / 2 - ((10 - X) ** 2) / 50 + 2).ravel()
    runs = []
    for models, module in ((our_models, our_acquisition), (modal_models, their_acquisition)):
        opt = models.BayesianOptimizer(GaussianProcessRegressor(kernel=Matern(length_scale=1.0)),
                                       query_strategy=getattr(module, name),
                                       X_training=X[[150]], y_training=y[[150]])
        picks = []
        for _ in range(5):
            idx, _ = opt.query(X)
            opt.teach(X[idx].reshape(1, -1), y[idx].reshape(1))
            picks.append(np.asarray(idx).tolist())
        X_max, y_max = opt.get_max()
        runs.append((picks, X_max.tolist(), float(y_max)))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("name", ["mean_max_loss", "max_loss", "min_confidence",
                                  "avg_confidence", "max_score", "avg_score"])
def test_multilabel_strategies(name):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 2))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    clf = OneVsRestClassifier(SVC(probability=True, random_state=0)).fit(X[:20], Y[:20])
    for random_tie_break in (False, True):
        np.random.seed(1)
        a = getattr(our_multilabel, name)(clf, X[20:], 3, random_tie_break=random_tie_break)
        np.random.seed(1)
        b = getattr(their_multilabel, name)(clf, X[20:], 3, random_tie_break=random_tie_break)
        assert a[0].tolist() == b[0].tolist()
        np.testing.assert_array_equal(a[1], b[1])
    learner_a = our_models.ActiveLearner(clf)
    learner_b = modal_models.ActiveLearner(clf)
    assert our_multilabel.SVM_binary_minimum(learner_a, X[20:]) == \
        their_multilabel.SVM_binary_minimum(learner_b, X[20:])


def test_selection_ties_and_dropout_measures():
    rng = np.random.RandomState(0)
    for _ in range(20):
        values = rng.randint(0, 3, size=15).astype(float)
        k = rng.randint(1, 16)
        a, b = our_selection.multi_argmax(values, k), their_selection.multi_argmax(values, k)
        assert a[0].tolist() == b[0].tolist()
        seed = rng.randint(1000)
        np.random.seed(seed)
        a = our_selection.shuffled_argmax(values, k)
        np.random.seed(seed)
        b = their_selection.shuffled_argmax(values, k)
        assert a[0].tolist() == b[0].tolist()
    preds = [rng.dirichlet(np.ones(4), size=10) for _ in range(6)]
    for measure in ("_bald_divergence", "_entropy", "_variation_ratios",
                    "_mean_standard_deviation"):
        np.testing.assert_allclose(getattr(our_dropout, measure)(preds),
                                   getattr(their_dropout, measure)(preds), rtol=1e-12)
