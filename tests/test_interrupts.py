"""A user's interrupt reaches the caller; early stopping still ends training quietly.

The interrupts are real signals: a timer thread sends SIGINT to this process while a long fit
runs, or a callback raises a signal while skorch is inside a callback hook (the one place where a
KeyboardInterrupt also means "stop early").
"""

import os
import signal
import sys
import threading
from contextlib import contextmanager

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from skorch.callbacks import Callback, EarlyStopping

from skactive import ActiveLearner, MLPClassifier, TextCNNClassifier
from skactive.autoencoder import MLPAutoencoder

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals"),
              pytest.mark.usefixtures("interruptible")]

LONG = dict(max_epochs=100_000, n_iter_no_change=None, random_state=0)


@contextmanager
def sigint_after(seconds):
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=600, n_features=8, random_state=0)
    # torch imports parts of itself lazily on the first training step; a signal landing inside
    # such an import would leave torch half-imported for the rest of the session, so train once
    # before any test interrupts.
    MLPClassifier(max_epochs=1).fit(X, y)
    return X, y


def texts(n=200):
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, n)
    words = np.array(["good", "fun", "bad", "dull", "the", "film", "a", "plot"])
    X = [" ".join(rng.choice(words[4:], 5)) + (" good fun" if label else " bad dull")
         for label in y]
    return np.array(X, dtype=object), y


class RaiseSignalAt(Callback):
    """Raises ``sig`` from inside a callback hook at the end of epoch ``epoch``."""

    def __init__(self, sig, epoch=2):
        self.sig = sig
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            signal.raise_signal(self.sig)


class StopAt(Callback):
    """Asks skorch to stop at ``epoch`` the way EarlyStopping does."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_sigint_interrupts_mlp_fit_and_leaves_it_unfitted(data):
    X, y = data
    clf = MLPClassifier(**LONG)
    with pytest.raises(KeyboardInterrupt), sigint_after(0.3):
        clf.fit(X, y)
    assert not hasattr(clf, "net_")
    assert not hasattr(clf, "classes_")
    assert not hasattr(clf, "n_features_in_")


def test_interrupted_refit_keeps_previous_model(data):
    X, y = data
    clf = MLPClassifier(max_epochs=5, random_state=0).fit(X[:100], y[:100])
    before = clf.predict_proba(X)
    net = clf.net_
    clf.set_params(**LONG)
    y_str = np.where(y == 1, "b", "a")  # a refit with other classes and features must not leak
    with pytest.raises(KeyboardInterrupt), sigint_after(0.3):
        clf.fit(X[:, :5], y_str)
    assert clf.net_ is net
    assert clf.n_features_in_ == 8
    assert_array_equal(clf.classes_, [0, 1])
    assert_array_equal(clf.predict_proba(X), before)


def test_sigint_interrupts_text_fit(data):
    X, y = texts()
    clf = TextCNNClassifier(embedding="random", embedding_dim=8, n_filters=4, filter_sizes=(2,),
                            target_loss=None, **LONG)
    with pytest.raises(KeyboardInterrupt), sigint_after(0.3):
        clf.fit(X, y)
    assert not hasattr(clf, "net_")
    assert not hasattr(clf, "vocabulary_")


def test_sigint_interrupts_autoencoder_fit(data):
    X, _ = data
    ae = MLPAutoencoder(max_epochs=100_000, n_iter_no_change=None, random_state=0)
    with pytest.raises(KeyboardInterrupt), sigint_after(0.3):
        ae.fit(X)
    assert not hasattr(ae, "net_")


def test_sigint_inside_a_callback_hook_is_not_taken_for_early_stopping(data):
    # The signal lands while skorch runs a callback, where EarlyStopping's KeyboardInterrupt
    # would be caught: it must still reach the caller.
    X, y = data
    clf = MLPClassifier(max_epochs=50, callbacks=[RaiseSignalAt(signal.SIGINT)], random_state=0)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert not hasattr(clf, "net_")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


@pytest.mark.parametrize("exception", [KeyboardInterrupt, SystemExit])
def test_sigterm_made_an_exception_by_the_caller_propagates(data, exception):
    X, y = data

    def to_exception(signum, frame):
        raise exception("SIGTERM")

    previous = signal.signal(signal.SIGTERM, to_exception)
    try:
        clf = MLPClassifier(max_epochs=50, callbacks=[RaiseSignalAt(signal.SIGTERM)],
                            random_state=0)
        with pytest.raises(exception, match="SIGTERM"):
            clf.fit(X, y)
        assert signal.getsignal(signal.SIGTERM) is to_exception
        assert not hasattr(clf, "net_")
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_sigterm_handler_that_only_records_lets_training_finish(data):
    X, y = data
    received = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        clf = MLPClassifier(max_epochs=8, n_iter_no_change=None,
                            callbacks=[RaiseSignalAt(signal.SIGTERM), StopAt(5)], random_state=0)
        clf.fit(X, y)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert received == [signal.SIGTERM]
    assert clf.n_iter_ == 5


@pytest.mark.parametrize("early_stopping", [False, True])
def test_early_stopping_still_stops_without_raising(data, early_stopping):
    X, y = data
    clf = MLPClassifier(max_epochs=2000, n_iter_no_change=3, early_stopping=early_stopping,
                        random_state=0).fit(X, y)
    assert clf.n_iter_ < 2000
    assert hasattr(clf, "net_")


def test_skorch_early_stopping_callback_still_stops(data):
    X, y = data
    stop = EarlyStopping(monitor="train_loss", patience=2, threshold=10.0, threshold_mode="abs",
                         sink=lambda *a, **k: None)
    clf = MLPClassifier(max_epochs=100, n_iter_no_change=None, callbacks=[("stop", stop)],
                        random_state=0).fit(X, y)
    assert clf.n_iter_ == 3  # epoch 1 sets the threshold, 2 and 3 miss it


def test_text_target_loss_still_stops_early():
    X, y = texts()
    clf = TextCNNClassifier(embedding="random", embedding_dim=8, n_filters=4, filter_sizes=(2,),
                            target_loss=0.5, max_epochs=500, random_state=0).fit(X, y)
    assert clf.n_iter_ < 500
    assert clf.loss_curve_[-1] < 0.5


def test_interrupted_teach_keeps_labels_and_refits_on_next_use(data):
    X, y = data
    learner = ActiveLearner(MLPClassifier(max_epochs=3, random_state=0),
                            X_training=X[:20], y_training=y[:20])
    learner.query(X[20:])
    learner.estimator = MLPClassifier(**LONG)
    with pytest.raises(KeyboardInterrupt), sigint_after(0.3):
        learner.teach(X[20:30], y[20:30])
    assert_array_equal(learner.y_training_, y[:30])
    assert "estimator_" not in learner.__dict__  # no model that looks fitted on the 30 labels
    learner.estimator = MLPClassifier(max_epochs=3, random_state=0)
    learner.query(X[30:])  # refits on all 30 labels first
    assert_array_equal(learner.predict_proba(X),
                       MLPClassifier(max_epochs=3, random_state=0).fit(X[:30], y[:30])
                       .predict_proba(X))


def test_sigint_during_query_propagates_and_leaves_the_strategy_unfitted(data):
    # IBAL-D fits its autoencoder inside query: a Ctrl-C there reaches the caller
    from skactive.strategies import IBALD

    X, y = data
    strategy = IBALD(autoencoder=MLPAutoencoder(max_epochs=100_000, n_iter_no_change=None,
                                                random_state=0))
    learner = ActiveLearner(MLPClassifier(max_epochs=3, random_state=0), strategy,
                            X_training=X[:20], y_training=y[:20])
    learner.predict(X[:1])
    with pytest.raises(KeyboardInterrupt), sigint_after(0.3):
        learner.query(X[20:], n_instances=3)
    assert not hasattr(strategy, "autoencoder_")
    assert_array_equal(learner.y_training_, y[:20])
