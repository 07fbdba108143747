"""Model factory: a fresh, seeded estimator for each round of a simulation."""

import importlib

from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..datasets import make_table_preprocessor

#: Model names -> (class name in ``skactive``, input kind).
MODELS = {
    "mlp": ("MLPClassifier", "table"),
    "textcnn": ("TextCNNClassifier", "text"),
    "bilstm": ("BiLSTMClassifier", "text"),
}

#: Extra model parameters some strategies need. The DAMI paper runs BALD with dropout 0.5
#: (its MC-dropout samples need dropout layers); the text models already have dropout.
STRATEGY_MODEL_PARAMS = {"mlp": {"bald": {"dropout": 0.5}}}


def model_names():
    """Names :func:`make_model` accepts besides a callable.

    Examples
    --------
    >>> from skactive.experiment import model_names
    >>> model_names()
    ['mlp', 'textcnn', 'bilstm']
    """
    return list(MODELS)


def resolve_model_name(model, input_kind):
    """The model name to use: ``'auto'`` is ``'mlp'`` for tables and ``'textcnn'`` for text."""
    if callable(model):
        return getattr(model, "__name__", type(model).__name__)
    key = str(model).strip().lower()
    if key == "auto":
        return "mlp" if input_kind == "table" else "textcnn"
    if key not in MODELS:
        raise ValueError(f"Unknown model {model!r}; choose from: auto, {', '.join(MODELS)}.")
    kind = MODELS[key][1]
    if kind != input_kind:
        other = "mlp" if input_kind == "table" else "textcnn or bilstm"
        raise ValueError(
            f"Model {key!r} reads {kind}s but the data are {input_kind}s; use {other}."
        )
    return key


def _model_class(name):
    class_name = MODELS[name][0]
    module = importlib.import_module("skactive")
    try:
        return getattr(module, class_name)
    except AttributeError:
        raise NotImplementedError(
            f"Model {name!r} ({class_name}) is not available in this version of skactive."
        ) from None


def check_model_available(model, input_kind):
    """Raise early (ValueError / NotImplementedError) when ``model`` cannot be built."""
    name = resolve_model_name(model, input_kind)
    if not callable(model):
        _model_class(name)
    return name


def fit_text_embedding(texts, *, random_state=None, params=None):
    """Word vectors trained once on ``texts``, for the text models to reuse every round.

    Returns None when ``params`` already chooses an ``embedding`` (e.g. ``'random'``), so the
    user's choice stands. The vector size follows ``params['embedding_dim']`` (default 100).
    """
    params = params or {}
    if "embedding" in params:
        return None
    from ..text import Word2VecEmbedding

    return Word2VecEmbedding(params.get("embedding_dim", 100),
                             random_state=random_state).fit(texts)


def make_model(model, dataset, *, random_state=None, params=None, embedding=None):
    """A new unfitted estimator for ``dataset``.

    Parameters
    ----------
    model : {'auto', 'mlp', 'textcnn', 'bilstm'} or callable
        ``'mlp'`` is ``Pipeline([('preprocess', P), ('clf', MLPClassifier())])`` with ``P`` a
        :class:`~sklearn.preprocessing.StandardScaler`, or
        :func:`skactive.datasets.make_table_preprocessor` when the data set names categorical
        columns. ``'textcnn'`` / ``'bilstm'`` are :class:`skactive.TextCNNClassifier` /
        ``BiLSTMClassifier`` on the raw sentences. A callable is called as
        ``model(random_state=seed)`` and must return a new estimator (``params`` is then not
        used).
    dataset : Dataset
    random_state : int, default=None
        Seed of the classifier's training.
    params : dict, default=None
        Parameters of the classifier, for example ``{'max_epochs': 20}``; names the
        classifier does not have are an error.
    embedding : fitted embedding, default=None
        For the text models: word vectors fitted once (see :func:`fit_text_embedding`),
        passed as their ``embedding`` parameter unless ``params`` sets it.

    Returns
    -------
    estimator : scikit-learn classifier

    Examples
    --------
    >>> from skactive.datasets import make_sigmoid
    >>> from skactive.experiment import Dataset, make_model
    >>> X, y = make_sigmoid(100, random_state=0)
    >>> est = make_model("mlp", Dataset("sigmoid", X, y), random_state=0,
    ...                  params={"max_epochs": 5})
    >>> est[-1].max_epochs, est[-1].random_state
    (5, 0)
    """
    if callable(model):
        return model(random_state=random_state)
    name = resolve_model_name(model, dataset.input_kind)
    clf = _model_class(name)()
    params = dict(params or {})
    valid = clf.get_params(deep=False)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(
            f"Model {name!r} has no parameter(s) {unknown}; its parameters are {sorted(valid)}."
        )
    clf.set_params(**params, random_state=random_state)
    if dataset.input_kind == "text":
        if embedding is not None and "embedding" not in params and "embedding" in valid:
            clf.set_params(embedding=embedding)
        return clf
    if dataset.categorical_features or dataset.numeric_features:  # a user's table: impute
        preprocess = make_table_preprocessor(dataset.categorical_features,
                                             dataset.numeric_features or [])
    else:
        preprocess = StandardScaler()
    return Pipeline([("preprocess", preprocess), ("clf", clf)])
