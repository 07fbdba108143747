"""The model view: what a readout needs from whatever a strategy was called with.

A query strategy is called with a skactive ActiveLearner, a modAL ActiveLearner, a classifier
or a Pipeline ending in one. :func:`model_view` turns any of these into one small
:class:`ModelView`, once, at the strategy boundary; the readouts read the view and never see a
learner. A skactive learner builds its own view (:meth:`skactive.ActiveLearner.model_view`,
fitting on its constructor's data first); a modAL learner is read through its public
``estimator``, ``X_training`` and ``y_training``.
"""

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..base import BaseNeuralClassifier
from ..utils import MEMORY_BUDGET_BYTES, iter_chunks, num_samples

#: Upper bound on the float32 values a per-sample-gradient readout holds at once (256 MB).
PER_SAMPLE_GRADIENT_BUDGET = MEMORY_BUDGET_BYTES // 4


def _input_kind(estimator):
    """'text' when scikit-learn's tags say the estimator reads strings, else 'table'."""
    tags = getattr(estimator, "__sklearn_tags__", None)
    if tags is None:
        return "table"
    return "text" if tags().input_tags.string else "table"


class ModelView:
    """The fitted model behind a strategy's ``classifier`` argument, resolved once.

    Build it with :func:`model_view`; readouts and strategies accept it wherever they accept a
    classifier, so resolving again costs nothing.

    Parameters
    ----------
    estimator : classifier
        The final estimator (the last step of a Pipeline).
    transform : callable or None, default=None
        Applies a Pipeline's earlier steps to raw input, or None.
    X_labeled, y_labeled : array-like or None, default=None
        The labeled set held by an active learner, or None for a bare classifier.

    Attributes
    ----------
    input_kind : {'table', 'text'}
        What the estimator reads, from scikit-learn's ``input_tags.string``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive import ActiveLearner
    >>> from skactive.readouts import model_view
    >>> X, y = make_classification(n_samples=50, n_features=4, random_state=0)
    >>> view = model_view(ActiveLearner(LogisticRegression(), X_training=X, y_training=y))
    >>> type(view.estimator).__name__, view.input_kind, view.X_labeled.shape
    ('LogisticRegression', 'table', (50, 4))
    >>> view.transformed(X[:2]).shape
    (2, 4)
    """

    __slots__ = ("estimator", "transform", "X_labeled", "y_labeled", "input_kind")

    def __init__(self, estimator, transform=None, X_labeled=None, y_labeled=None):
        self.estimator = estimator
        self.transform = transform
        self.X_labeled = X_labeled
        self.y_labeled = y_labeled
        self.input_kind = _input_kind(estimator)

    @property
    def has_labeled_set(self):
        """Whether the view holds a labeled set (it came from an active learner)."""
        return self.X_labeled is not None

    def transformed(self, X):
        """``X`` as the final estimator reads it (a Pipeline's earlier steps applied).

        Applied to what it is given: the readouts give it one chunk of the pool at a time.
        """
        return X if self.transform is None else self.transform(X)

    def __repr__(self):
        return (f"ModelView({type(self.estimator).__name__}, input_kind={self.input_kind!r}, "
                f"labeled_set={self.has_labeled_set})")


def model_view(classifier):
    """Resolve a strategy's ``classifier`` argument into a :class:`ModelView`.

    Parameters
    ----------
    classifier : ModelView, ActiveLearner, modAL ActiveLearner, classifier or Pipeline
        An object with a ``model_view()`` method (skactive's ActiveLearner) builds its own view;
        an object with ``estimator``, ``query`` and ``teach`` (modAL's ActiveLearner) is read
        through ``estimator``, ``X_training`` and ``y_training``; anything else is the
        classifier itself. A view is returned as it is.

    Returns
    -------
    view : ModelView

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skactive import MLPClassifier
    >>> from skactive.readouts import model_view
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=2)).fit(X, y)
    >>> view = model_view(pipe)
    >>> type(view.estimator).__name__, view.transform is not None, view.has_labeled_set
    ('MLPClassifier', True, False)
    """
    if isinstance(classifier, ModelView):
        return classifier
    if callable(getattr(classifier, "model_view", None)):
        view = classifier.model_view()
        if not isinstance(view, ModelView):
            raise TypeError(f"{type(classifier).__name__}.model_view() must return a ModelView.")
        return view
    X_labeled = y_labeled = None
    estimator = classifier
    if hasattr(classifier, "query") and hasattr(classifier, "teach"):  # modAL's learner
        estimator = classifier.estimator
        X_labeled = getattr(classifier, "X_training", None)
        y_labeled = getattr(classifier, "y_training", None) if X_labeled is not None else None
    transform = None
    if isinstance(estimator, Pipeline):
        transform = estimator[:-1].transform
        estimator = estimator[-1]
    return ModelView(estimator, transform, X_labeled, y_labeled)


def final_estimator(classifier):
    """The fitted classifier behind ``classifier`` and the transform that feeds it.

    Parameters
    ----------
    classifier : ModelView, ActiveLearner, modAL ActiveLearner, classifier or Pipeline

    Returns
    -------
    estimator : fitted classifier (the last step of a Pipeline)
    transform : callable or None
        Applies the Pipeline's earlier steps, or None.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=2)).fit(X, y)
    >>> estimator, transform = readouts.final_estimator(pipe)
    >>> type(estimator).__name__, transform is not None
    ('MLPClassifier', True)
    """
    view = model_view(classifier)
    check_is_fitted(view.estimator)
    return view.estimator, view.transform


def neural_view(classifier, X, readout="This readout"):
    """The skactive network behind ``classifier`` and ``X`` validated for it.

    ``X`` is transformed and validated whole; the readouts themselves walk a pool one chunk at
    a time (a Pipeline's earlier steps and the validation applied per chunk), so that a
    memory-mapped or dask pool is never copied whole.

    Parameters
    ----------
    classifier : ModelView, ActiveLearner, modAL ActiveLearner, classifier or Pipeline
    X : array-like
        Samples, as given to the classifier.
    readout : str, default="This readout"
        Name used in the error raised for a classifier that is not a skactive network.

    Returns
    -------
    estimator : BaseNeuralClassifier
    X : validated input (float32 array for tables, token ids for text)

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skactive import MLPClassifier, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = MLPClassifier(max_epochs=2).fit(X, y)
    >>> estimator, X_valid = readouts.neural_view(clf, X)
    >>> X_valid.dtype
    dtype('float32')
    """
    estimator, transform = final_estimator(classifier)
    _check_neural(estimator, readout)
    if transform is not None:
        X = transform(X)
    return estimator, estimator.validate_input(X)


def neural_chunks(classifier, X, readout="This readout"):
    """The skactive network behind ``classifier`` and ``X`` validated for it, chunk by chunk.

    Like :func:`neural_view`, but the pool is walked with :func:`skactive.utils.iter_chunks`:
    a Pipeline's earlier steps and the validation run on one chunk at a time, so that a
    memory-mapped or dask pool is never copied whole. Text is validated whole (the text
    readouts sort the pool by length into batches).

    Returns
    -------
    estimator : BaseNeuralClassifier
    n_rows : int
    chunks : iterator of (start, stop, X_valid)
    """
    estimator, transform = final_estimator(classifier)
    _check_neural(estimator, readout)
    n = num_samples(X)
    if _input_kind(estimator) == "text" or n == 0:  # n == 0: validation says what is wrong
        X_valid = estimator.validate_input(X if transform is None else transform(X))
        return estimator, len(X_valid), iter([(0, len(X_valid), X_valid)])

    def chunks():
        for start, stop, block in iter_chunks(X):
            if transform is not None:
                block = transform(block)
            yield start, stop, estimator.validate_input(block)

    return estimator, n, chunks()


def _check_neural(estimator, readout):
    if not isinstance(estimator, BaseNeuralClassifier):
        raise TypeError(
            f"{readout} needs a skactive neural classifier (MLPClassifier, TextCNNClassifier, "
            f"BiLSTMClassifier, or a Pipeline ending in one); got {type(estimator).__name__}."
        )


def labeled_set(classifier):
    """The labeled samples and labels held by an active learner.

    Parameters
    ----------
    classifier : ModelView, ActiveLearner or modAL ActiveLearner

    Returns
    -------
    X_labeled, y_labeled : array-like

    Raises
    ------
    TypeError
        If ``classifier`` holds no labeled set (a bare classifier).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive import ActiveLearner, readouts
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> learner = ActiveLearner(LogisticRegression(), X_training=X[:10], y_training=y[:10])
    >>> X_labeled, y_labeled = readouts.labeled_set(learner)
    >>> X_labeled.shape
    (10, 4)
    """
    view = model_view(classifier)
    if not view.has_labeled_set:
        raise TypeError(
            "This strategy needs the labeled set: pass an ActiveLearner (skactive's or modAL's) "
            f"that holds it, not a bare {type(view.estimator).__name__}."
        )
    return view.X_labeled, view.y_labeled


def check_target(target):
    """Raise a ValueError unless ``target`` is 'logit' or 'proba' (what a gradient differentiates)."""
    if target not in ("logit", "proba"):
        raise ValueError(f"target must be 'logit' or 'proba', got {target!r}.")


def batch_rows(estimator, batch_size, values_per_row=1):
    """Rows per slice: ``batch_size`` (the inference batch by default) within the budget."""
    if batch_size is None:
        batch_size = estimator.inference_batch_size
    return max(1, min(batch_size, PER_SAMPLE_GRADIENT_BUDGET // max(1, values_per_row)))
