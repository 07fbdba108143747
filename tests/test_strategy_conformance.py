"""The conformance battery every registered query strategy runs.

Each check is parametrised over :func:`skactive.strategies.strategy_names`, so a new strategy
joins by being registered. Text-only strategies (``TEXT_ONLY``) run on a small text model
and a pool of sentences; every other strategy on a small MLP and a numeric pool.

To add a strategy: register it in ``skactive/strategies/_registry.py``; declare its needs on the
class (``needs_labeled_set``, ``needs_dropout``, ``input_kinds``) and pin them in
``NEEDS_LABELED_SET``, ``NEEDS_DROPOUT`` and ``TEXT_ONLY``; if its defaults are slow on the tiny fixtures, give cheaper
hyper-parameters in ``FAST_PARAMS`` (never turn a check off there).
"""

import inspect
from dataclasses import dataclass

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner, MLPClassifier
from skactive.strategies import check_strategy_applicable, get_strategy, strategy_names

#: Strategies that only work on text classifiers.
TEXT_ONLY = {"egl-word"}
#: Strategies that never look at the model (no model-related errors expected).
MODEL_FREE = {"random"}
#: Strategies that read the labeled set: a bare classifier is refused with a TypeError.
NEEDS_LABELED_SET = {"albl", "coreset", "ibal", "ibal-d", "ralif", "random-until-trusted"}
#: Strategies that, at first, read only the rows they draw at random (a NaN elsewhere in the
#: pool is found once those rows are drawn, or once the strategy reads the whole pool).
READS_DRAWN_ROWS = {"random-until-trusted"}
#: Strategies that sample the model's dropout layers.
NEEDS_DROPOUT = {"bald"}


def _fast_params(name):
    """Cheaper hyper-parameters for the tiny fixtures (same code paths)."""
    if name == "bald":
        return {"n_passes": 5}
    if name == "ibal-d":
        from skactive.autoencoder import MLPAutoencoder

        return {"autoencoder": MLPAutoencoder(max_epochs=5, random_state=0)}
    return {}


FAST_PARAMS = _fast_params


def make_strategy(name):
    """The registered strategy with fixture-friendly parameters and random_state=0."""
    strategy = get_strategy(name)
    params = FAST_PARAMS(name)
    if "random_state" in strategy.get_params(deep=False):
        params["random_state"] = 0
    return strategy.set_params(**params)


# --------------------------------------------------------------------------- fixtures
@dataclass
class Case:
    """A learner factory, a pool and its labeled start for one kind of model."""

    kind: str
    X: object
    y: np.ndarray
    n_labeled: int
    make_estimator: object

    @property
    def pool(self):
        return self.X[self.n_labeled:]

    def learner(self, strategy=None, estimator=None):
        return ActiveLearner(estimator or self.make_estimator(), strategy,
                             X_training=self.X[:self.n_labeled], y_training=self.y[:self.n_labeled])


@pytest.fixture(scope="module")
def table_case():
    X, y = make_classification(n_samples=160, n_features=5, n_informative=4, n_redundant=0,
                               n_classes=3, random_state=0)
    return Case("table", X.astype(np.float32), y, 40,
                lambda: MLPClassifier((8, 4), dropout=0.2, max_epochs=5, random_state=0))


@pytest.fixture(scope="module")
def text_case():
    from skactive import TextCNNClassifier

    words = np.array(["good", "bad", "fun", "dull", "plot", "film", "great", "awful"])
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 120)
    texts = np.array([" ".join(rng.choice(words[label::2], 4)) + " " + rng.choice(words)
                      for label in y])
    return Case("text", texts, y, 30,
                lambda: TextCNNClassifier(filter_sizes=(2,), n_filters=4, embedding="random",
                                          embedding_dim=8, dropout=0.2, max_epochs=3,
                                          random_state=0))


def case_for(name, request):
    return request.getfixturevalue("text_case" if name in TEXT_ONLY else "table_case")


@pytest.fixture(scope="module")
def fitted():
    """One fitted learner per kind, shared by the read-only checks."""
    cache = {}

    def get(case):
        if case.kind not in cache:
            learner = case.learner()
            learner._ensure_fitted()
            cache[case.kind] = learner
        return cache[case.kind]

    return get


def check_query(idx, metrics, n, n_pool):
    assert isinstance(idx, np.ndarray) and idx.ndim == 1
    assert np.issubdtype(idx.dtype, np.integer)
    assert len(idx) == n and len(np.unique(idx)) == n
    assert idx.min() >= 0 and idx.max() < n_pool
    assert metrics is None or len(metrics) == n


NAMES = strategy_names()


# --------------------------------------------------------------------------- the battery
@pytest.mark.parametrize("name", NAMES)
def test_params_clone_round_trip(name):
    strategy = make_strategy(name)
    params = strategy.get_params(deep=False)
    init = [p.name for p in inspect.signature(type(strategy).__init__).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert set(params) == set(init), "parameters are __init__ arguments, stored as is"
    twin = clone(strategy)
    assert type(twin) is type(strategy) and twin is not strategy
    assert {k: repr(v) for k, v in twin.get_params(deep=False).items()} == \
        {k: repr(v) for k, v in params.items()}
    assert twin.set_params(**params) is twin
    repr(strategy)


@pytest.mark.parametrize("name", NAMES)
def test_returns_n_distinct_indices(name, request, fitted):
    case = case_for(name, request)
    learner, pool = fitted(case), case.pool
    for n in (1, 7, len(pool)):
        idx, metrics = make_strategy(name)(learner, pool, n_instances=n)
        check_query(idx, metrics, n, len(pool))
    idx, _ = make_strategy(name)(learner, pool)  # n_instances defaults to 1
    check_query(idx, None, 1, len(pool))


@pytest.mark.parametrize("name", NAMES)
def test_bad_batch_sizes_and_pools(name, request, fitted):
    case = case_for(name, request)
    learner, pool = fitted(case), case.pool
    strategy = make_strategy(name)
    for n in (0, -1, len(pool) + 1, 2.5):
        with pytest.raises(ValueError, match="n_instances"):
            strategy(learner, pool, n_instances=n)
    with pytest.raises(ValueError, match="empty"):
        strategy(learner, pool[:0], n_instances=1)


@pytest.mark.parametrize("name", sorted(set(NAMES) - TEXT_ONLY - MODEL_FREE))
def test_pools_the_model_cannot_read(name, table_case, fitted):
    learner, pool = fitted(table_case), table_case.pool
    strategy = make_strategy(name)
    with pytest.raises(ValueError, match="features"):
        strategy(learner, pool[:, :-1], n_instances=2)
    bad = pool.copy()
    bad[slice(None) if name in READS_DRAWN_ROWS else 3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        strategy(learner, bad, n_instances=2)


@pytest.mark.parametrize("name", sorted(set(NAMES) - MODEL_FREE))
def test_unfitted_learner_or_classifier(name, request):
    case = case_for(name, request)
    strategy = make_strategy(name)
    with pytest.raises(NotFittedError):
        strategy(ActiveLearner(case.make_estimator()), case.pool, n_instances=2)
    with pytest.raises((NotFittedError, TypeError)):  # TypeError: needs the labeled set first
        strategy(case.make_estimator(), case.pool, n_instances=2)


@pytest.mark.parametrize("name", NAMES)
def test_same_random_state_same_indices_on_a_fresh_learner(name, request):
    case = case_for(name, request)
    runs = []
    for _ in range(2):
        learner = case.learner()
        learner._ensure_fitted()
        runs.append(make_strategy(name)(learner, case.pool, n_instances=6)[0])
    np.testing.assert_array_equal(runs[0], runs[1])


def test_which_strategies_declare_their_needs():
    declared = {name: get_strategy(name) for name in NAMES}
    assert {n for n, s in declared.items() if s.needs_labeled_set} == NEEDS_LABELED_SET
    assert {n for n, s in declared.items() if s.needs_dropout} == NEEDS_DROPOUT
    assert {n for n, s in declared.items() if "table" not in s.input_kinds} == TEXT_ONLY
    assert all("text" in s.input_kinds for s in declared.values())


@pytest.mark.parametrize("name", NAMES)
def test_bare_classifier_works_or_asks_for_the_labeled_set(name, request, fitted):
    case = case_for(name, request)
    estimator = fitted(case).estimator_
    if name in NEEDS_LABELED_SET:
        with pytest.raises(TypeError, match="needs the labeled set"):
            make_strategy(name)(estimator, case.pool, n_instances=4)
    else:
        idx, metrics = make_strategy(name)(estimator, case.pool, n_instances=4)
        check_query(idx, metrics, 4, len(case.pool))


@pytest.mark.parametrize("name", NAMES)
def test_inside_the_active_learning_loop(name, request):
    case = case_for(name, request)
    learner = case.learner(make_strategy(name))
    pool_idx = np.arange(case.n_labeled, len(case.y))
    for _ in range(2):
        idx, rows, metrics = learner.query(case.X[pool_idx], n_instances=4, return_metrics=True)
        check_query(idx, metrics, 4, len(pool_idx))
        np.testing.assert_array_equal(rows, case.X[pool_idx][idx])
        learner.teach(rows, case.y[pool_idx][idx])
        pool_idx = np.delete(pool_idx, idx)
    assert len(learner.y_training_) == case.n_labeled + 8


@pytest.mark.parametrize("name", sorted(set(NAMES) - TEXT_ONLY))
def test_pipeline_estimator(name, table_case):
    X = table_case.X * np.float32(40) + np.float32(3)  # far from standardised
    n = table_case.n_labeled
    learner = ActiveLearner(make_pipeline(StandardScaler(), table_case.make_estimator()),
                            make_strategy(name), X_training=X[:n], y_training=table_case.y[:n])
    idx, rows = learner.query(X[n:], n_instances=5)
    check_query(idx, None, 5, len(X) - n)
    np.testing.assert_array_equal(rows, X[n:][idx])


@pytest.mark.parametrize("name", NAMES)
def test_duplicate_rows_still_give_distinct_indices(name, request, fitted):
    case = case_for(name, request)
    learner = fitted(case)
    pool = np.concatenate([case.pool[:4]] * 5)  # 20 rows, 4 distinct
    for n in (3, 4, 9, 20):
        idx, metrics = make_strategy(name)(learner, pool, n_instances=n)
        check_query(idx, metrics, n, len(pool))


@pytest.mark.parametrize("name", NAMES)
def test_applicability_follows_the_declarations(name):
    strategy = get_strategy(name)
    for kind in ("table", "text"):
        if kind in strategy.input_kinds:
            check_strategy_applicable(strategy, input_kind=kind, has_dropout=True)
        else:
            with pytest.raises(ValueError, match=f"{type(strategy).__name__} reads text only"):
                check_strategy_applicable(strategy, input_kind=kind)
    if strategy.needs_dropout:
        with pytest.raises(ValueError, match="dropout"):
            check_strategy_applicable(strategy, has_dropout=False)
    else:
        check_strategy_applicable(strategy, has_dropout=False)
