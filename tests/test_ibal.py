"""IBAL and IBAL-D against explicit sums and brute-force distances, inside both learners."""

import warnings

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skactive
from skactive import ActiveLearner, MLPClassifier, readouts
from skactive.autoencoder import MLPAutoencoder
from skactive.base import softmax
from skactive.datasets import make_ibal
from skactive.strategies import IBAL, IBALD, get_strategy
from skactive.strategies._ibal import encode_labels, ibal_values, min_distances

N_POOL, N_LABELED = 60, 25


# --------------------------------------------------------------------------- references
def double_sum(proba, F, F_lab, y_lab, reading):
    """IBAL by definition: a sum over pool samples, labeled targets and classes (2 lambda n = 1)."""
    n, k = proba.shape
    out = np.zeros(n)
    for i in range(n):
        for t in range(len(F_lab)):
            kernel = F[i] @ F_lab[t]
            if reading == "pseudo_label":
                y_hat = np.argmax(proba[i])
                alpha = -(proba[i] - np.eye(k)[y_hat])
                out[i] += alpha[y_lab[t]] * kernel
            else:
                for y in range(k):
                    alpha = -(proba[i] - np.eye(k)[y])
                    out[i] += proba[i, y] * alpha[y] * kernel
    return out


def random_problem(seed, k=3, d=5):
    rng = np.random.RandomState(seed)
    proba = softmax(rng.randn(N_POOL, k) * 2)
    F = np.maximum(rng.randn(N_POOL, d), 0)  # ReLU features
    F_lab = np.maximum(rng.randn(N_LABELED, d), 0)
    y_lab = rng.randint(k, size=N_LABELED)
    return proba, F, F_lab, y_lab


@pytest.fixture(scope="module")
def data():
    X, y = make_ibal((300, 100, 30), random_state=0)
    return X, np.array(["maj", "mid", "rare"])[y]  # string labels: checks the mapping


@pytest.fixture(scope="module")
def learner(data):
    X, y = data
    # The labeled set starts with the rare class, so its order differs from classes_.
    order = np.concatenate([np.flatnonzero(y == "rare")[:8], np.flatnonzero(y != "rare")[:17]])
    learner = ActiveLearner(MLPClassifier((16, 8), max_epochs=30, random_state=0),
                            X_training=X[order], y_training=y[order])
    learner._ensure_fitted()
    pool = np.setdiff1d(np.arange(len(X)), order)
    return learner, X[pool]


# --------------------------------------------------------------------------- IBAL values
@pytest.mark.parametrize("reading", ["pseudo_label", "expected_label"])
@pytest.mark.parametrize("seed", [0, 1])
def test_ibal_values_match_the_double_sum(reading, seed):
    proba, F, F_lab, y_lab = random_problem(seed)
    expected = double_sum(proba, F, F_lab, y_lab, reading)
    got = ibal_values(proba, F.astype(np.float32), F_lab, y_lab, reading)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_literal_eq2_is_identically_zero():
    # Why skactive does not score Eq. 2 literally: with each target's own label and the
    # p-weighted mean over hypothetical labels, the sum vanishes for every pool sample.
    proba, F, F_lab, y_lab = random_problem(3)
    k = proba.shape[1]
    literal = np.zeros(N_POOL)
    for i in range(N_POOL):
        for t in range(N_LABELED):
            for y in range(k):
                literal[i] += proba[i, y] * -(proba[i] - np.eye(k)[y])[y_lab[t]] * (F[i] @ F_lab[t])
    np.testing.assert_allclose(literal, 0, atol=1e-12)
    assert np.abs(ibal_values(proba, F, F_lab, y_lab)).max() > 0.1


def test_strategy_values_use_readouts_and_classes(learner):
    learner, X_pool = learner
    proba = readouts.predict_proba(learner, X_pool)
    F = readouts.penultimate_features(learner, X_pool)
    F_lab = readouts.penultimate_features(learner, learner.X_training_)
    y_lab = np.searchsorted(learner.classes_, learner.y_training_)
    for reading in ("pseudo_label", "expected_label"):
        expected = double_sum(proba.astype(np.float64), F.astype(np.float64),
                              F_lab.astype(np.float64), y_lab, reading)
        got = IBAL(reading=reading).ibal_values(learner, X_pool)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_query_takes_the_lowest_values(learner):
    learner, X_pool = learner
    strategy = IBAL()
    values = strategy.ibal_values(learner, X_pool)
    idx, metrics = strategy(learner, X_pool, n_instances=7)
    np.testing.assert_array_equal(idx, np.argsort(values, kind="stable")[:7])
    np.testing.assert_allclose(metrics, -values[idx])


def test_encode_labels_maps_to_model_classes():
    np.testing.assert_array_equal(encode_labels(["c", "a", "c", "b"], ["a", "b", "c"]),
                                  [2, 0, 2, 1])
    with pytest.raises(ValueError, match="does not know"):
        encode_labels([0, 5], [0, 1])


def test_ibal_errors(learner):
    learner, X_pool = learner
    with pytest.raises(ValueError, match="reading must be one of"):
        IBAL(reading="literal")(learner, X_pool)
    with pytest.raises(TypeError, match="labeled set"):
        IBAL()(learner.estimator_, X_pool)  # a bare classifier has no labeled set
    with pytest.raises(ValueError, match="gamma"):
        IBALD(gamma=-1, autoencoder="features")(learner, X_pool)
    with pytest.raises(ValueError, match="autoencoder"):
        IBALD(autoencoder="pca")(learner, X_pool)


# --------------------------------------------------------------------------- IBAL-D
@pytest.mark.parametrize("block", [7, 2**22])
def test_min_distances_match_brute_force(block):
    rng = np.random.RandomState(0)
    Z, R = rng.randn(101, 3), rng.randn(13, 3)
    np.testing.assert_allclose(min_distances(Z, R, block_elements=block),
                               cdist(Z, R).min(axis=1), rtol=1e-10, atol=1e-10)
    assert min_distances(R, R).max() < 1e-6  # a labeled point is at distance 0 from itself


def test_ibald_score_matches_its_definition(learner, data):
    learner, X_pool = learner
    ae = MLPAutoencoder(latent_dim=2, max_epochs=5, random_state=0).fit(data[0])
    strategy = IBALD(gamma=0.7, autoencoder=ae)
    Z, Z_lab = ae.transform(X_pool), ae.transform(learner.X_training_)
    dist = cdist(Z.astype(np.float64), Z_lab.astype(np.float64)).min(axis=1)
    np.testing.assert_allclose(strategy.distances(learner, X_pool), dist, rtol=1e-6, atol=1e-6)
    values = IBAL().ibal_values(learner, X_pool)
    unit = (values - values.min()) / (values.max() - values.min())
    expected = unit - 0.7 * dist / dist.max()
    np.testing.assert_allclose(-strategy.score_samples(learner, X_pool), expected, atol=1e-6)
    idx, _ = strategy(learner, X_pool, n_instances=5)
    np.testing.assert_array_equal(np.sort(idx), np.sort(np.argsort(expected)[:5]))
    assert not hasattr(strategy, "autoencoder_")  # a fitted autoencoder is used as it is
    # gamma = 0 is plain IBAL
    idx0, _ = IBALD(gamma=0, autoencoder=ae)(learner, X_pool, n_instances=5)
    np.testing.assert_array_equal(idx0, IBAL()(learner, X_pool, n_instances=5)[0])


def test_ibald_features_distance(learner):
    learner, X_pool = learner
    F = readouts.penultimate_features(learner, X_pool)
    F_lab = readouts.penultimate_features(learner, learner.X_training_)
    np.testing.assert_allclose(IBALD(autoencoder="features").distances(learner, X_pool),
                               cdist(F.astype(float), F_lab.astype(float)).min(axis=1), atol=1e-5)


def small_autoencoder():
    return MLPAutoencoder(latent_dim=2, max_epochs=3, random_state=0)


def test_autoencoder_fitted_once_across_rounds(data):
    X, y = data
    strategy = IBALD(autoencoder=small_autoencoder())
    learner = ActiveLearner(MLPClassifier(max_epochs=10, random_state=0), strategy,
                            X_training=X[:20], y_training=y[:20])
    pool = np.arange(20, len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no refit warning in the usual loop
        for _ in range(3):
            idx, _ = learner.query(X[pool], n_instances=4)
            learner.teach(X[pool[idx]], y[pool[idx]])
            pool = np.delete(pool, idx)
    assert strategy.n_autoencoder_fits_ == 1
    assert strategy.autoencoder_key_[0] == (len(X), 2)
    # A different pool: refitted, and the user is told.
    with pytest.warns(UserWarning, match="refitting"):
        learner.query(X[pool[:50]], n_instances=2)
    assert strategy.n_autoencoder_fits_ == 2


def test_explicit_fit_is_never_redone(data):
    X, y = data
    strategy = IBALD(autoencoder=small_autoencoder()).fit(X)
    learner = ActiveLearner(MLPClassifier(max_epochs=10, random_state=0), strategy,
                            X_training=X[:20], y_training=y[:20])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        learner.query(X[20:200], n_instances=3)
        learner.query(X[100:300], n_instances=3)
    assert strategy.n_autoencoder_fits_ == 1
    assert strategy.autoencoder_.n_features_in_ == 2
    with pytest.raises(ValueError, match="nothing to fit"):
        IBALD(autoencoder="features").fit(X)
    with pytest.raises(ValueError, match="sentence representation"):
        IBALD().fit(np.array(["a good film", "a dull plot"], dtype=object))


def test_ibald_params_clone_and_determinism(learner):
    learner, X_pool = learner
    strategy = IBALD(gamma=0.3, reading="expected_label", random_state=0)
    assert clone(strategy).get_params() == strategy.get_params()
    assert get_strategy("ibal-d", gamma=0.3).gamma == 0.3
    assert isinstance(get_strategy("ibal"), IBAL)
    first = strategy(learner, X_pool, n_instances=6)[0]
    assert strategy.autoencoder_.random_state == 0
    second = clone(strategy)(learner, X_pool, n_instances=6)[0]
    np.testing.assert_array_equal(first, second)


def test_pipeline_and_pandas(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=["a", "b"])
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=10, random_state=0))
    for strategy in (IBAL(), IBALD(autoencoder=small_autoencoder())):
        learner = ActiveLearner(pipe, strategy, X_training=frame.iloc[:20], y_training=y[:20])
        idx, rows = learner.query(frame.iloc[20:], n_instances=5)
        assert len(set(idx.tolist())) == 5 and isinstance(rows, pd.DataFrame)


# --------------------------------------------------------------------------- text models
def test_text_classifier_uses_sentence_representation():
    TextCNN = skactive.TextCNNClassifier
    rng = np.random.RandomState(0)
    words = ["good", "great", "fine", "bad", "awful", "poor", "film", "plot", "the", "a"]
    texts = np.array([" ".join(rng.choice(words, size=6)) for _ in range(80)], dtype=object)
    y = np.array([int(sum(w in t.split() for w in words[:3]) >= 2) for t in texts])
    learner = ActiveLearner(TextCNN(max_epochs=2, random_state=0), X_training=texts[:20],
                            y_training=y[:20])
    learner._ensure_fitted()
    strategy = IBALD()  # default: the classifier's own representation for text
    F = readouts.penultimate_features(learner, texts[20:])
    F_lab = readouts.penultimate_features(learner, texts[:20])
    np.testing.assert_allclose(strategy.distances(learner, texts[20:]),
                               cdist(F.astype(float), F_lab.astype(float)).min(axis=1), atol=1e-4)
    for s in (IBAL(), strategy):
        idx, _ = s(learner, texts[20:], n_instances=4)
        assert len(set(idx.tolist())) == 4
    assert not hasattr(strategy, "autoencoder_")


# --------------------------------------------------------------------------- modAL
@pytest.mark.parametrize("make_strategy", [IBAL, lambda: IBALD(autoencoder=small_autoencoder())],
                         ids=["ibal", "ibal-d"])
def test_in_modal_learner(data, make_strategy):
    modal_models = pytest.importorskip("modAL.models", reason="modAL-python is not installed")
    X, y = data
    strategy = make_strategy()
    learner = modal_models.ActiveLearner(
        estimator=MLPClassifier(max_epochs=10, random_state=0), query_strategy=strategy,
        X_training=X[:20], y_training=y[:20])
    pool = np.arange(20, len(X))
    for _ in range(2):
        idx, rows = learner.query(X[pool], n_instances=5)
        assert len(set(np.asarray(idx).tolist())) == 5
        np.testing.assert_array_equal(rows, X[pool][idx])
        learner.teach(X[pool][idx], y[pool][idx])
        pool = np.delete(pool, idx)
    assert len(learner.y_training) == 30
    if isinstance(strategy, IBALD):
        assert strategy.n_autoencoder_fits_ == 1
