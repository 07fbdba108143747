"""Model readouts: batched, memory-bounded functions from (model view, X) to numpy arrays.

Query strategies call these and never the torch module directly. ``classifier`` may be a
:class:`ModelView` (what a strategy holds once :func:`model_view` has resolved its argument), a
skactive :class:`~skactive.ActiveLearner`, a modAL ``ActiveLearner`` (anything with a fitted
``.estimator``), a skactive classifier, or a :class:`~sklearn.pipeline.Pipeline` ending in one;
with a Pipeline the readouts are taken on the pool as transformed by the earlier steps.
Probabilities also work for any scikit-learn classifier with ``predict_proba``; the other
readouts need a skactive neural classifier.

Every readout runs the network on large slices of the pool (``batch_size`` rows, the
classifier's inference batch by default), in float32, with gradients only where they are read.
The table readouts read the pool one chunk at a time (:func:`skactive.utils.iter_chunks`): a
memory-mapped array, a dask array or a pool object is never copied whole, and a Pipeline's
earlier steps transform one chunk at a time.
The modules: ``_view`` (resolution), ``_forward`` (logits, probabilities, features),
``_gradients`` (input gradients, EGL), ``_dropout`` (MC dropout), ``_text`` (per-word readouts).
"""

from ._dropout import mc_dropout_probas
from ._forward import (
    features_and_logits, gradient_embedding, logits, penultimate_features, predict_proba,
)
from ._gradients import expected_gradient_norms, input_gradients
from ._text import (
    expected_word_gradient_norms, text_gradient_gram, word_gradients, word_interpretations,
)
from ._view import (
    PER_SAMPLE_GRADIENT_BUDGET, ModelView, final_estimator, labeled_set, model_view, neural_view,
)

__all__ = [
    "ModelView",
    "model_view",
    "final_estimator",
    "neural_view",
    "labeled_set",
    "logits",
    "predict_proba",
    "penultimate_features",
    "features_and_logits",
    "gradient_embedding",
    "input_gradients",
    "expected_gradient_norms",
    "mc_dropout_probas",
    "word_gradients",
    "word_interpretations",
    "expected_word_gradient_norms",
]
