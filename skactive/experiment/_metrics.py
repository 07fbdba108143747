"""Scores of a fitted model on held-out data."""

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

#: Metric columns of the results, in order.
METRICS = ("auc", "accuracy", "f1_macro")


def evaluate(estimator, X, y):
    """AUC (binary tasks only, else NaN), accuracy and macro F1 of ``estimator`` on ``(X, y)``.

    The AUC scores the probability of ``estimator.classes_[1]``. Classes of ``y`` the model never
    saw count as errors. An empty ``X`` gives NaN everywhere.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.experiment import evaluate
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> evaluate(LogisticRegression().fit(X, y), X, y)
    {'auc': 1.0, 'accuracy': 1.0, 'f1_macro': 1.0}
    """
    y = np.asarray(y)
    if len(y) == 0:
        return dict.fromkeys(METRICS, float("nan"))
    proba = np.asarray(estimator.predict_proba(X))
    classes = np.asarray(estimator.classes_)
    y_pred = classes[np.argmax(proba, axis=1)]
    labels = np.unique(y)
    auc = float("nan")
    if len(labels) == 2 and len(classes) == 2:
        auc = float(roc_auc_score(y == classes[1], proba[:, 1]))
    return {
        "auc": auc,
        "accuracy": float(accuracy_score(y, y_pred)),
        "f1_macro": float(f1_score(y, y_pred, average="macro", labels=labels, zero_division=0)),
    }


def default_metric(n_classes):
    """The paper's metric: ``'auc'`` for two classes, ``'accuracy'`` otherwise.

    Examples
    --------
    >>> from skactive.experiment import default_metric
    >>> default_metric(2), default_metric(3)
    ('auc', 'accuracy')
    """
    return "auc" if n_classes == 2 else "accuracy"
