"""Query strategies: which pool samples to label next.

Every strategy follows modAL's protocol,
``strategy(classifier, X_pool, n_instances=1) -> (query_idx, metrics)``, and works as the
``query_strategy`` of skactive's or modAL's ``ActiveLearner``.
"""

from ._albl import ActiveLearningByLearning
from ._badge import BADGE
from ._bald import BALD, mutual_information
from ._base import (
    QueryStrategy, ScoreBasedStrategy, check_query_size, check_strategy_applicable,
    seeded_strategy, stream_scores, top_n,
)
from ._coreset import CoreSet
from ._dami import DAMI
from ._egl import EGL
from ._egl_word import EGLWord
from ._ibal import IBAL, IBALD
from ._mixture import RandomMixture
from ._ralif import RALIF
from ._random import RandomSampling
from ._until_trusted import RandomUntilTrusted
from ._registry import AUTO_STRATEGY, canonical_strategy_name, get_strategy, strategy_names
from ._uncertainty import (
    EntropySampling,
    LeastConfidence,
    MarginSampling,
    entropy,
    entropy_sampling,
    least_confidence,
    margin,
    margin_sampling,
    uncertainty_sampling,
)

__all__ = [
    "AUTO_STRATEGY",
    "QueryStrategy",
    "ScoreBasedStrategy",
    "check_query_size",
    "check_strategy_applicable",
    "top_n",
    "stream_scores",
    "seeded_strategy",
    "canonical_strategy_name",
    "get_strategy",
    "strategy_names",
    "RandomSampling",
    "LeastConfidence",
    "MarginSampling",
    "EntropySampling",
    "least_confidence",
    "margin",
    "entropy",
    "uncertainty_sampling",
    "margin_sampling",
    "entropy_sampling",
    "EGL",
    "EGLWord",
    "BALD",
    "mutual_information",
    "DAMI",
    "CoreSet",
    "BADGE",
    "IBAL",
    "IBALD",
    "RALIF",
    "RandomMixture",
    "ActiveLearningByLearning",
    "RandomUntilTrusted",
]
