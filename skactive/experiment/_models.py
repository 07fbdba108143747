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

def model_has_dropout(model, dataset, params):
    """Whether the model built from ``params`` has dropout; None when it cannot be told.

    Parameters
    ----------
    model : str or callable
        As for :func:`make_model`; a callable cannot be told (None).
    dataset : Dataset
    params : dict
        The classifier parameters.

    Returns
    -------
    has_dropout : bool or None

    Examples
    --------
    >>> from skactive.experiment import Dataset, model_has_dropout
    >>> ds = Dataset("tiny", [[0.0], [1.0]], [0, 1])
    >>> model_has_dropout("mlp", ds, {}), model_has_dropout("mlp", ds, {"dropout": 0.0})
    (True, False)
    """
    if callable(model):
        return None
    estimator = make_model(model, dataset, params={k: v for k, v in params.items()
                                                   if k != "embedding"})
    if isinstance(estimator, Pipeline):
        estimator = estimator[-1]
    rate = estimator.get_params().get("dropout")
    return None if rate is None else rate > 0


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
    """The model name to use: ``'auto'`` is ``'mlp'`` for tables and ``'textcnn'`` for text.

    Parameters
    ----------
    model : str or callable
        A name of :func:`model_names`, ``'auto'``, or a factory (its ``__name__`` is used).
    input_kind : {'table', 'text'}
        What the data are.

    Returns
    -------
    name : str

    Raises
    ------
    ValueError
        For an unknown name or a model that reads the other kind of data.

    Examples
    --------
    >>> from skactive.experiment import resolve_model_name
    >>> resolve_model_name("auto", "text"), resolve_model_name("MLP", "table")
    ('textcnn', 'mlp')
    """
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
    return getattr(importlib.import_module("skactive"), MODELS[name][0])


def check_model_available(model, input_kind):
    """Raise a ValueError early when ``model`` cannot be built for ``input_kind``."""
    name = resolve_model_name(model, input_kind)
    if not callable(model):
        _model_class(name)
    return name


def fit_text_embedding(texts, *, random_state=None, params=None):
    """Word vectors trained once on ``texts``, for the text models to reuse every round.

    Returns None when ``params`` already chooses an ``embedding`` (e.g. ``'random'``), so the
    user's choice stands. The vector size follows ``params['embedding_dim']`` (default 100).

    Parameters
    ----------
    texts : 1-D array-like of str
        Every sentence at hand (labeled and pool).
    random_state : int or None, default=None
    params : dict or None, default=None
        The classifier parameters (``embedding``, ``embedding_dim``).

    Returns
    -------
    embedding : Word2VecEmbedding or None

    Examples
    --------
    >>> from skactive.experiment import fit_text_embedding
    >>> fit_text_embedding(["a b"], params={"embedding": "random"}) is None
    True
    >>> vectors = fit_text_embedding(["good fun", "bad dull"] * 5, random_state=0,
    ...                              params={"embedding_dim": 8})
    >>> type(vectors).__name__
    'Word2VecEmbedding'
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
