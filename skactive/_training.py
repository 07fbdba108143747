"""Training that a user can interrupt, and fits that leave no half-trained model behind.

skorch's ``NeuralNet.partial_fit`` catches ``KeyboardInterrupt``: its ``EarlyStopping`` (and any
callback, such as the text models' ``StopAtLoss``) raises it to end training. Left alone, a
user's Ctrl-C during a fit would therefore return a half-trained model as if training had
finished. Here the two are told apart:

* a ``KeyboardInterrupt`` raised by a callback hook during the fit loop is a request to stop;
  training ends cleanly as in skorch;
* any other ``KeyboardInterrupt`` (a SIGINT, or a SIGTERM that the caller's own handler turns
  into an exception, arriving anywhere, including while a callback runs) reaches the caller.

To recognise a signal that arrives while a callback runs, the Python-level handlers of SIGINT and
SIGTERM that are in place are wrapped for the duration of the fit (main thread only, restored
afterwards): the wrapper calls the original handler and notes the exception it raises. Nothing is
installed where no Python handler was (a default SIGTERM still ends the process).

:func:`keep_state_on_error` makes an estimator's ``fit`` all-or-nothing: when it raises (an
interrupt or an error), the estimator's attributes are put back as they were before the call, so
a fitted estimator keeps its previous model and an unfitted one stays unfitted.
"""

import functools
import signal
import threading
from contextlib import contextmanager

from skorch import NeuralNet, NeuralNetClassifier

_WATCHED_SIGNALS = tuple(
    sig for sig in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if sig
)
#: Callback hooks that run inside skorch's fit loop, where a KeyboardInterrupt means "stop".
_LOOP_HOOKS = frozenset({"on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end"})


class _StopRequested(Exception):
    """A callback asked to end training (skorch's KeyboardInterrupt convention)."""


class _Interrupted(BaseException):
    """Carries a user's KeyboardInterrupt past skorch's ``except KeyboardInterrupt``."""

    def __init__(self, interrupt):
        super().__init__()
        self.interrupt = interrupt


class _SignalWatch:
    """Records the exceptions raised by the SIGINT/SIGTERM handlers while it is active."""

    def __init__(self):
        self.raised = []

    def caused(self, exc):
        """Whether ``exc`` (or an exception it was raised while handling) came from a signal."""
        seen = set()
        while exc is not None and id(exc) not in seen:
            if any(exc is r for r in self.raised):
                return True
            seen.add(id(exc))
            exc = exc.__context__
        return False

    @contextmanager
    def active(self):
        if threading.current_thread() is not threading.main_thread():
            # Python runs signal handlers in the main thread only: none can interrupt this one.
            yield self
            return
        previous = {}
        try:
            for sig in _WATCHED_SIGNALS:
                handler = signal.getsignal(sig)
                if callable(handler):
                    previous[sig] = handler
                    signal.signal(sig, self._wrap(handler))
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _wrap(self, handler):
        def watched(signum, frame):
            try:
                handler(signum, frame)
            except BaseException as exc:
                self.raised.append(exc)
                raise
        return watched


class InterruptibleNetMixin:
    """skorch net mixin: callbacks still stop training early; a user's interrupt propagates."""

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        watch = _SignalWatch()
        self._signal_watch = watch
        try:
            with watch.active():
                return super().partial_fit(X, y, classes, **fit_params)
        except _Interrupted as wrapped:
            raise wrapped.interrupt from None
        finally:
            del self._signal_watch

    def fit_loop(self, X, y=None, *args, **kwargs):
        try:
            return super().fit_loop(X, y, *args, **kwargs)
        except _StopRequested:
            return self
        except KeyboardInterrupt as exc:
            raise _Interrupted(exc) from None

    def notify(self, method_name, **cb_kwargs):
        if method_name not in _LOOP_HOOKS:
            return super().notify(method_name, **cb_kwargs)
        try:
            return super().notify(method_name, **cb_kwargs)
        except KeyboardInterrupt as exc:
            watch = getattr(self, "_signal_watch", None)
            if watch is not None and watch.caused(exc):
                raise
            raise _StopRequested() from None


class InterruptibleNet(InterruptibleNetMixin, NeuralNet):
    """:class:`skorch.NeuralNet` whose fit lets a user's ``KeyboardInterrupt`` through."""


class InterruptibleNetClassifier(InterruptibleNetMixin, NeuralNetClassifier):
    """:class:`skorch.NeuralNetClassifier` whose fit lets a user's ``KeyboardInterrupt`` through."""


def keep_state_on_error(fit):
    """Decorate ``fit`` so that an exception or interrupt restores the estimator's attributes.

    ``fit`` rebinds its fitted attributes rather than mutating them in place, so a shallow copy of
    ``__dict__`` is the whole previous state.
    """
    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = dict(self.__dict__)
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
    return wrapper
