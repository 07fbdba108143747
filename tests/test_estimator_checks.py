"""scikit-learn's own conformance battery, with nothing marked as expected to fail."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skactive import ActiveLearner, MLPClassifier


@parametrize_with_checks([MLPClassifier(), ActiveLearner()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
