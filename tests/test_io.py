"""skactive.io: saving without pickle gives back the same predictions and the same next query."""

import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import skactive
import skactive._version
from skactive import ActiveLearner, BiLSTMClassifier, MLPClassifier, TextCNNClassifier
from skactive.autoencoder import MLPAutoencoder
from skactive.exceptions import InconsistentVersionWarning
from skactive.io import dump, load
from skactive.strategies import (
    DAMI,
    IBAL,
    IBALD,
    CoreSet,
    EntropySampling,
    RandomSampling,
    entropy_sampling,
)
from skactive.text import Word2VecEmbedding


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=300, n_features=6, n_informative=4, random_state=0)


def texts(n=60):
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, n)
    fill = np.array(["the", "film", "a", "plot", "was", "and"])
    X = [" ".join(rng.choice(fill, 4)) + (" good fun" if label else " bad dull") for label in y]
    return np.array(X, dtype=object), y


def round_trip(obj, tmp_path, name="obj.skactive"):
    path = tmp_path / name
    dump(obj, path)
    return load(path)


def rewrite(path, member, transform):
    """Rewrites one member of a saved file (to simulate another version or tampering)."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[member] = transform(members[member])
    with zipfile.ZipFile(path, "w") as archive:
        for n, d in members.items():
            archive.writestr(n, d)


def edit_manifest(path, edit):
    def transform(raw):
        manifest = json.loads(raw)
        edit(manifest)
        return json.dumps(manifest).encode()
    rewrite(path, "manifest.json", transform)


def test_mlp_round_trip_same_predictions_and_attributes(data, tmp_path):
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    labels = np.array(["no", "yes"])[y]
    clf = MLPClassifier((8, 4), dropout=0.1, max_epochs=5, random_state=0).fit(frame, labels)
    back = round_trip(clf, tmp_path)
    assert type(back) is MLPClassifier
    assert back.get_params() == clf.get_params()
    assert_array_equal(back.predict_proba(frame), clf.predict_proba(frame))
    assert_array_equal(back.classes_, clf.classes_)
    assert_array_equal(back.feature_names_in_, clf.feature_names_in_)
    assert back.n_iter_ == clf.n_iter_ and back.loss_curve_ == clf.loss_curve_
    assert back.net_.history[:, "train_loss"] == clf.net_.history[:, "train_loss"]
    back.fit(frame, labels)  # a loaded classifier trains like the original
    assert_array_equal(back.predict_proba(frame), clf.fit(frame, labels).predict_proba(frame))


def test_unfitted_classifier_and_strategy_round_trip(tmp_path):
    clf = MLPClassifier(hidden_layer_sizes=(3,), optimizer=torch.optim.SGD, random_state=2)
    back = round_trip(clf, tmp_path)
    assert back.get_params() == clf.get_params() and not hasattr(back, "net_")
    strategy = DAMI(method="alternate", random_state=4)
    assert round_trip(strategy, tmp_path).get_params() == strategy.get_params()


@pytest.mark.parametrize("cls, own", [(TextCNNClassifier, dict(n_filters=4, filter_sizes=(2, 3))),
                                      (BiLSTMClassifier, dict(hidden_size=6))])
def test_text_classifiers_keep_vocabulary_and_embedding(cls, own, tmp_path):
    X, y = texts()
    embedding = Word2VecEmbedding(vector_size=8, min_count=1, random_state=0).fit(X)
    clf = cls(embedding=embedding, embedding_dim=8, max_epochs=3, random_state=0, **own)
    clf.fit(X, y)
    back = round_trip(clf, tmp_path)
    assert back.vocabulary_ == clf.vocabulary_
    assert_array_equal(back.embedding_.vectors_, clf.embedding_.vectors_)
    assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    unseen = ["good plot unseenword", "dull"]
    assert_array_equal(back.predict_proba(unseen), clf.predict_proba(unseen))


def test_autoencoder_and_pipeline_round_trip(data, tmp_path):
    X, y = data
    ae = MLPAutoencoder(latent_dim=2, max_epochs=3, random_state=0).fit(X)
    assert_array_equal(round_trip(ae, tmp_path).transform(X), ae.transform(X))
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=3, random_state=0)).fit(X, y)
    assert_array_equal(round_trip(pipe, tmp_path).predict_proba(X), pipe.predict_proba(X))
    linear = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    assert_array_equal(round_trip(linear, tmp_path).predict_proba(X), linear.predict_proba(X))


STRATEGIES = {
    "entropy": lambda: EntropySampling(),
    "entropy_function": lambda: entropy_sampling,
    "dami": lambda: DAMI(random_state=0),
    "coreset": lambda: CoreSet(random_state=0),
    "ibal": lambda: IBAL(),
    "ibald": lambda: IBALD(random_state=0),
    "random_rng": lambda: RandomSampling(random_state=np.random.RandomState(7)),
}


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_learner_mid_loop_gives_same_next_query(name, data, tmp_path):
    X, y = data
    learner = ActiveLearner(MLPClassifier(max_epochs=5), STRATEGIES[name](),
                            X_training=X[:20], y_training=y[:20], random_state=0)
    pool = np.arange(20, 300)
    idx, _ = learner.query(X[pool], n_instances=4)
    learner.teach(X[pool[idx]], y[pool[idx]])
    pool = np.delete(pool, idx)
    back = round_trip(learner, tmp_path)
    assert_array_equal(back.X_training_, learner.X_training_)
    assert_array_equal(back.y_training_, learner.y_training_)
    assert_array_equal(back.predict_proba(X), learner.predict_proba(X))
    idx_a, _ = learner.query(X[pool], n_instances=4)
    idx_b, _ = back.query(X[pool], n_instances=4)
    assert_array_equal(idx_b, idx_a)
    # and the loop goes on identically
    learner.teach(X[pool[idx_a]], y[pool[idx_a]])
    back.teach(X[pool[idx_b]], y[pool[idx_b]])
    assert_array_equal(back.predict_proba(X), learner.predict_proba(X))


def test_learner_with_dataframe_and_text_labeled_sets(data, tmp_path):
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcdef"))
    labels = pd.Series(np.array(["no", "yes"])[y], name="answer")
    learner = ActiveLearner(LogisticRegression(), X_training=frame.iloc[:10],
                            y_training=labels.iloc[:10])
    learner.teach(frame.iloc[50:55], labels.iloc[50:55])
    back = round_trip(learner, tmp_path)
    pd.testing.assert_frame_equal(back.X_training_, learner.X_training_)
    pd.testing.assert_series_equal(back.y_training_, learner.y_training_)
    T, yt = texts(30)
    text_learner = ActiveLearner(TextCNNClassifier(embedding="random", embedding_dim=4,
                                                   n_filters=2, max_epochs=2, random_state=0))
    text_learner.teach(list(T[:10]), yt[:10])
    back = round_trip(text_learner, tmp_path)
    assert back.X_training_ == list(T[:10])
    assert_array_equal(back.predict_proba(T), text_learner.predict_proba(T))
    with zipfile.ZipFile(tmp_path / "obj.skactive") as archive:
        lines = archive.read("strings/s0.jsonl").decode().splitlines()
    assert [json.loads(line) for line in lines] == list(T[:10])  # texts as JSON lines


def test_load_runs_no_pickle(data, tmp_path, monkeypatch):
    X, y = data
    learner = ActiveLearner(MLPClassifier(max_epochs=2, random_state=0), IBALD(random_state=0),
                            X_training=X[:20], y_training=y[:20])
    learner.query(X[20:])
    dump(learner, tmp_path / "l.skactive")

    def forbidden(*args, **kwargs):
        raise AssertionError("load used pickle")

    for module, name in [(pickle, "load"), (pickle, "loads"), (pickle, "Unpickler"),
                         (torch, "load"), (np, "load")]:
        monkeypatch.setattr(module, name, forbidden)
    back = load(tmp_path / "l.skactive")
    assert_array_equal(back.predict_proba(X), learner.predict_proba(X))
    with zipfile.ZipFile(tmp_path / "l.skactive") as archive:
        names = archive.namelist()
    assert all(n == "manifest.json" or n.endswith((".safetensors", ".jsonl")) for n in names)


def test_other_version_warns_and_other_format_is_refused(data, tmp_path):
    X, y = data
    clf = MLPClassifier(max_epochs=2, random_state=0).fit(X, y)
    path = tmp_path / "m.skactive"
    dump(clf, path)
    edit_manifest(path, lambda m: m.update(skactive_version="0.0.1"))
    with pytest.warns(InconsistentVersionWarning, match="saved by skactive 0.0.1"):
        back = load(path)
    assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    edit_manifest(path, lambda m: m.update(format_version=2))
    with pytest.raises(ValueError, match="format version 2"):
        load(path)


def test_tampered_or_foreign_files_are_refused(data, tmp_path):
    X, y = data
    clf = MLPClassifier(max_epochs=2, random_state=0).fit(X, y)
    path = tmp_path / "m.skactive"
    dump(clf, path)
    rewrite(path, "tensors.safetensors", lambda raw: raw[:-4] + b"\x00\x00\x80\x7f")
    with pytest.raises(ValueError, match="does not match the checksum"):
        load(path)

    dump(clf, path)
    edit_manifest(path, lambda m: m["root"].update({"class": "os.system"}))
    with pytest.raises(ValueError, match="'os.system', which skactive.io does not load"):
        load(path)

    dump(clf, path)
    edit_manifest(path, lambda m: m["root"]["params"].update(
        hidden_layer_sizes={"__type__": "tuple", "items": [3]}))
    with pytest.raises(ValueError, match="weights do not fit"):
        load(path)

    pickled = tmp_path / "m.pkl"
    pickled.write_bytes(pickle.dumps(clf))
    with pytest.raises(ValueError, match="not a file written by skactive.io.dump"):
        load(pickled)


def test_what_cannot_be_saved_is_refused_at_dump(data, tmp_path):
    X, y = data
    with pytest.raises(TypeError, match="FunctionTransformer"):
        dump(make_pipeline(FunctionTransformer(np.log1p), LogisticRegression()),
             tmp_path / "p.skactive")
    with pytest.raises(TypeError, match="callbacks"):
        dump(MLPClassifier(callbacks=[object()]), tmp_path / "c.skactive")
    frame = pd.DataFrame({"a": pd.Categorical(["x", "y"])})
    with pytest.raises(TypeError, match="category"):
        dump(ActiveLearner(LogisticRegression(), X_training=frame, y_training=[0, 1]),
             tmp_path / "f.skactive")
    assert not list(tmp_path.glob("*.skactive"))  # nothing half-written


def test_pickles_carry_the_version_and_warn_on_mismatch(data, monkeypatch):
    X, y = data
    clf = MLPClassifier(max_epochs=2, random_state=0).fit(X, y)
    learner = ActiveLearner(LogisticRegression(), X_training=X[:10], y_training=y[:10])
    for obj in (clf, learner):
        assert obj.__getstate__()["_skactive_version"] == skactive.__version__
        blob = pickle.dumps(obj)
        with pytest.warns(InconsistentVersionWarning, match="saved by skactive 0.1.0.dev0"):
            monkeypatch.setattr(skactive._version, "__version__", "9.9")
            pickle.loads(blob)
        monkeypatch.setattr(skactive._version, "__version__", skactive.__version__)
        back = pickle.loads(blob)  # same version: no warning (pytest's filter would fail it)
        assert "_skactive_version" not in vars(back)


def test_table_pipeline_with_column_transformer_round_trip(tmp_path):
    # the model `skactive query` and `skactive label` train on a user's table
    import pandas as pd
    from sklearn.pipeline import make_pipeline

    from skactive import MLPClassifier
    from skactive.datasets import make_table_preprocessor
    from skactive.io import dump, load

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(120), "city": rng.choice(["Oslo", "Rome", "Lima"], 120),
                      "c": rng.randn(120)})
    X.loc[3, "a"] = np.nan
    y = np.where(X["a"].fillna(0) > 0, "yes", "no")
    pipe = make_pipeline(make_table_preprocessor(["city"], ["a", "c"], min_frequency=1),
                         MLPClassifier(max_epochs=5, random_state=0)).fit(X, y)
    dump(pipe, tmp_path / "model.skactive")
    back = load(tmp_path / "model.skactive")
    unseen = X.assign(city=["Paris"] * len(X))  # unknown category: all zeros, as before
    for data in (X, unseen):
        np.testing.assert_array_equal(back.predict_proba(data), pipe.predict_proba(data))
    assert back[0].named_transformers_["numeric"][0].statistics_.dtype == np.float64
