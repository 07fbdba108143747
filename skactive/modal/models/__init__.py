"""modAL's learners and committees (``skactive.modal.models``).

Examples
--------
>>> from skactive.modal.models import ActiveLearner, Committee
>>> ActiveLearner.__name__, Committee.__name__
('ActiveLearner', 'Committee')
"""

from .learners import (ActiveLearner, BayesianOptimizer, Committee, CommitteeRegressor,
                       DeepActiveLearner)

__all__ = ["ActiveLearner", "DeepActiveLearner", "BayesianOptimizer", "Committee",
           "CommitteeRegressor"]
