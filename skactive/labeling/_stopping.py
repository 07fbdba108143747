"""The accuracy estimate and the stopping signal of a labeling session."""

import math

import numpy as np
from sklearn.metrics import cohen_kappa_score


def wilson_interval(correct, n, z=1.959964):
    """Wilson score interval of a proportion ``correct / n`` (95% by default).

    Examples
    --------
    >>> from skactive.labeling import wilson_interval
    >>> [round(v, 3) for v in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if n == 0:
        return 0.0, 1.0
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def agreement_kappa(previous, current):
    """Cohen's kappa between two models' predictions on the stop set (1 where identical).

    Examples
    --------
    >>> from skactive.labeling import agreement_kappa
    >>> agreement_kappa(["a", "b", "a", "a"], ["a", "b", "a", "a"])
    1.0
    >>> round(agreement_kappa(["a", "b", "a", "b"], ["a", "b", "b", "b"]), 3)
    0.5
    """
    previous, current = np.asarray(previous, dtype=str), np.asarray(current, dtype=str)
    if np.array_equal(previous, current):
        return 1.0
    return float(cohen_kappa_score(previous, current))


def stop_signal(kappas, threshold=0.99, window=3):
    """Stabilizing predictions (Bloodgood and Vijay-Shanker, 2009): stop once the last
    ``window`` agreements between successive models on the stop set reach ``threshold``.

    Examples
    --------
    >>> from skactive.labeling import stop_signal
    >>> stop_signal([0.8, 0.995, 0.999, 1.0]), stop_signal([0.995, 0.98, 1.0])
    (True, False)
    """
    recent = [k for k in kappas if k is not None][-window:]
    return len(recent) == window and min(recent) >= threshold
