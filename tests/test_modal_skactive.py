"""skactive inside skactive.modal, and modAL-style code on skactive's own learner: every
skactive strategy in skactive.modal's ActiveLearner, skactive learners as Committee members,
strategies that read the labeled set seeing the current one, and the modAL-named functions of
skactive.strategies selecting exactly what skactive.modal's (modAL's) do."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier

import skactive
from skactive import MLPClassifier, readouts
from skactive import strategies as sk_strategies
from skactive.modal import batch, disagreement, dropout, expected_error, uncertainty
from skactive.modal.models import ActiveLearner, Committee, DeepActiveLearner


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=3, n_redundant=0,
                               n_classes=3, random_state=0)
    return X.astype(np.float32), y


def _net(**params):
    params = {"random_state": 0, **params}
    return MLPClassifier(hidden_layer_sizes=(16,), max_epochs=3, **params)


@pytest.mark.parametrize("name", sk_strategies.strategy_names())
def test_every_skactive_strategy_in_modals_learner(data, name):
    X, y = data
    if name == "egl-word":
        pytest.skip("EGL-word reads word embeddings: text classifiers only")
    params = {"random_state": 0} if "random_state" in sk_strategies.get_strategy(
        name).get_params() else {}
    learner = ActiveLearner(_net(dropout=0.2), sk_strategies.get_strategy(name, **params),
                            X_training=X[:15], y_training=y[:15])
    pool_idx = np.arange(15, 150)
    for round_ in range(2):
        query_idx, rows = learner.query(X[pool_idx], n_instances=4)
        assert len(set(np.asarray(query_idx).tolist())) == 4
        np.testing.assert_array_equal(rows, X[pool_idx][query_idx])
        learner.teach(X[pool_idx][query_idx], y[pool_idx][query_idx])
        pool_idx = np.delete(pool_idx, query_idx)
        # what a strategy reads is the grown labeled set and the model fitted in place
        X_labeled, _ = readouts.labeled_set(learner)
        assert len(X_labeled) == 15 + 4 * (round_ + 1)
        assert readouts.final_estimator(learner)[0] is learner.estimator


def test_strategies_see_the_current_labeled_set_on_both_learners(data):
    X, y = data
    seen = []

    def spy(learner, X_pool, n_instances=1):
        seen.append((type(learner).__module__, len(learner.X_training),
                     len(readouts.labeled_set(learner)[0])))
        return np.arange(n_instances), None

    for learner in (ActiveLearner(KNeighborsClassifier(3), spy, X[:5], y[:5]),
                    skactive.ActiveLearner(KNeighborsClassifier(3), spy, X[:5], y[:5])):
        for _ in range(2):
            idx, _ = learner.query(X[100:], n_instances=3)
            learner.teach(X[100:][idx], y[100:][idx])
    assert [s[1:] for s in seen] == [(5, 5), (8, 8), (5, 5), (8, 8)]


@pytest.mark.parametrize("strategy", [batch.uncertainty_batch_sampling,
                                      expected_error.expected_error_reduction])
def test_modal_strategies_pick_the_same_on_skactives_learner(data, strategy):
    X, y = data
    X, y = X[:60], y[:60]
    theirs = ActiveLearner(KNeighborsClassifier(3), strategy, X[:5], y[:5])
    ours = skactive.ActiveLearner(KNeighborsClassifier(3), strategy, X[:5], y[:5])
    pool_a = pool_b = np.arange(5, 60)
    for _ in range(3):
        np.random.seed(0)
        idx_a, _ = theirs.query(X[pool_a], n_instances=3)
        np.random.seed(0)
        idx_b, _ = ours.query(X[pool_b], n_instances=3)
        assert np.asarray(idx_a).tolist() == np.asarray(idx_b).tolist()
        theirs.teach(X[pool_a][idx_a], y[pool_a][idx_a])
        ours.teach(X[pool_b][idx_b], y[pool_b][idx_b])
        pool_a, pool_b = np.delete(pool_a, idx_a), np.delete(pool_b, idx_b)
    assert len(theirs.X_training) == len(ours.X_training_) == 14


def test_skactive_learners_and_classifiers_as_committee_members(data):
    X, y = data
    members = [skactive.ActiveLearner(_net(), X_training=X[:20], y_training=y[:20]),
               ActiveLearner(_net(random_state=1), X_training=X[5:25], y_training=y[5:25])]
    committee = Committee(members)
    assert committee.classes_.tolist() == [0, 1, 2]
    idx, _ = committee.query(X[30:], n_instances=3)
    committee.teach(X[30:][idx], y[30:][idx])
    assert len(members[0].X_training_) == 23 and len(members[1].X_training) == 23
    assert committee.vote_proba(X[:4]).shape == (4, 2, 3)
    committee.rebag()
    assert len(members[0].X_training_) == 23


def test_skactive_strategy_as_committee_query_strategy(data):
    X, y = data
    members = [ActiveLearner(KNeighborsClassifier(k), X_training=X[:30], y_training=y[:30])
               for k in (3, 7)]
    committee = Committee(members, query_strategy=sk_strategies.EntropySampling())
    idx, _ = committee.query(X[30:], n_instances=5)
    ref, _ = disagreement.consensus_entropy_sampling(committee, X[30:], n_instances=5)
    consensus = disagreement.consensus_entropy(committee, X[30:])
    # same entropies selected (the order among equal ones may differ)
    np.testing.assert_allclose(np.sort(consensus[idx]), np.sort(consensus[ref]))
    committee.query_strategy = sk_strategies.CoreSet()
    with pytest.raises(TypeError, match="cannot be a Committee's query_strategy"):
        committee.query(X[30:], n_instances=2)


def test_modal_named_functions_in_strategies_select_exactly_modals_picks():
    rng = np.random.RandomState(0)
    proba = np.repeat(rng.dirichlet(np.ones(3), size=6), 5, axis=0)  # every row 5 times: ties
    rng.shuffle(proba)

    class Fixed:
        classes_ = np.arange(3)

        def fit(self, X, y):
            return self

        def predict_proba(self, X):
            return proba

    clf, pool = Fixed(), np.zeros((30, 1))
    pairs = [(sk_strategies.uncertainty_sampling, uncertainty.uncertainty_sampling),
             (sk_strategies.margin_sampling, uncertainty.margin_sampling),
             (sk_strategies.entropy_sampling, uncertainty.entropy_sampling)]
    for ours, modal_style in pairs:
        for n in (1, 4, 7, 30):
            a, va = ours(clf, pool, n_instances=n)
            b, vb = modal_style(clf, pool, n_instances=n)
            assert a.tolist() == b.tolist()
            np.testing.assert_array_equal(va, vb)
            for seed in range(3):
                np.random.seed(seed)
                a, _ = ours(clf, pool, n_instances=n, random_tie_break=True)
                np.random.seed(seed)
                b, _ = modal_style(clf, pool, n_instances=n, random_tie_break=True)
                assert a.tolist() == b.tolist()


def test_mc_dropout_on_a_skactive_classifier_and_deep_learner_on_skorch(data):
    X, y = data
    learner = ActiveLearner(_net(dropout=0.5), dropout.mc_dropout_bald, X_training=X[:30],
                            y_training=y[:30])
    torch.manual_seed(0)
    a, _ = learner.query(X[30:], n_instances=3, num_cycles=5)
    torch.manual_seed(0)
    b, _ = learner.query(X[30:], n_instances=3, num_cycles=5)
    assert a.tolist() == b.tolist()

    from skorch import NeuralNetClassifier

    torch.manual_seed(0)
    net = NeuralNetClassifier(torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Dropout(0.5),
                                                  torch.nn.Linear(8, 3)),
                              criterion=torch.nn.CrossEntropyLoss, max_epochs=2,
                              train_split=None, verbose=0)
    deep = DeepActiveLearner(net, dropout.mc_dropout_max_entropy)
    deep.teach(X[:30], y[:30])
    idx, _ = deep.query(torch.as_tensor(X[30:]), n_instances=2, num_cycles=3)
    assert len(idx) == 2
    with pytest.raises(TypeError, match="partial_fit"):
        DeepActiveLearner(_net()).teach(X[:30], y[:30])
