"""The random-sampling protocol the model comparisons share (compare_models, employee_model_study).

Per repeat ``r``: a stratified 70/10/20 train/validation/test split seeded with ``r`` (the
validation part is set aside, as in the runner's random-sampling curves); the first
``fraction * n_train`` rows of a permutation of the training part seeded with ``r`` are
labeled; each model is fitted on them and scored by ROC AUC on the test part.
"""

import time

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split


def random_sampling_scores(X, y, repeats, fractions, models):
    """Yield ``(repeat, fraction, n_labeled, model_name, auc, fit_seconds)`` for every fit.

    ``models(repeat)`` returns the ``{name: unfitted estimator}`` of one repeat, called once
    per (repeat, fraction) so that every fit starts from a fresh estimator.
    """
    for repeat in range(repeats):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.2, stratify=y, random_state=repeat)
        X_train, _, y_train, _ = train_test_split(
            X_train, y_train, test_size=0.125, stratify=y_train, random_state=repeat)
        order = np.random.RandomState(repeat).permutation(len(y_train))
        for fraction in fractions:
            n = max(10, int(round(fraction * len(y_train))))
            idx = order[:n]
            for name, model in models(repeat).items():
                start = time.perf_counter()
                model.fit(X_train[idx], y_train[idx])
                seconds = time.perf_counter() - start
                auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
                yield repeat, fraction, n, name, auc, seconds
