"""Model and strategy plumbing shared by the one-file query and the labeling session."""

import numpy as np

from ..experiment import Dataset, canonical_strategy_name, make_model
from ..learner import ActiveLearner
from ..strategies import ScoreBasedStrategy, get_strategy, stream_scores, top_n


def check_strategy(name):
    """The registry's short name (ValueError for a typo, before any data is read)."""
    return canonical_strategy_name(name)


def make_strategy(name, seed):
    strategy = get_strategy(name)
    if "random_state" in strategy.get_params(deep=False):
        strategy.set_params(random_state=seed)
    return strategy


def text_embedding(rows, model, model_params, seed):
    """Word vectors trained once on every sentence of the file, for the text models."""
    params = model_params or {}
    name = str(model).strip().lower() if not callable(model) else ""
    if rows.kind != "text" or "embedding" in params or name not in ("auto", "textcnn",
                                                                     "bilstm"):
        return None
    from ..text import Word2VecEmbedding

    return Word2VecEmbedding(params.get("embedding_dim", 100), random_state=seed).fit(rows.X)


def fit_learner(rows, positions, y, *, model, model_params, strategy, seed, embedding=None):
    """An ActiveLearner fitted from scratch on the rows at ``positions`` with labels ``y``."""
    dataset = Dataset("labeling", rows.take_X(positions), np.asarray(y, dtype=object),
                      input_kind=rows.kind, categorical_features=rows.categorical_features,
                      numeric_features=rows.numeric_features)
    estimator = make_model(model, dataset, random_state=seed, params=model_params,
                           embedding=embedding)
    learner = ActiveLearner(estimator, query_strategy=strategy)
    return learner.fit(dataset.X, dataset.y.astype(str))


def has_row_scores(strategy):
    """Whether the strategy ranks rows one by one by a score (its batch is the top scores)."""
    return (isinstance(strategy, ScoreBasedStrategy)
            and type(strategy).query is ScoreBasedStrategy.query)


def choose(learner, strategy, X_pool, n):
    """``(positions in X_pool, score)``: the strategy's batch and, where the strategy ranks
    rows one by one, their score (higher = more informative), else NaN."""
    if has_row_scores(strategy):
        # the scores the strategy's own query ranks: chunk by chunk where they are pointwise
        scores = np.asarray(stream_scores(strategy, learner, X_pool), dtype=float)
        idx = top_n(scores, n)
        return idx, scores[idx]
    idx, _ = strategy(learner, X_pool, n_instances=n)
    return np.asarray(idx, dtype=np.intp), np.full(len(idx), np.nan)


def predict(learner, X):
    """``(predicted label, confidence = its probability)`` for each row."""
    proba = learner.predict_proba(X)
    best = proba.argmax(axis=1)
    return np.asarray(learner.classes_)[best], proba[np.arange(len(best)), best]
