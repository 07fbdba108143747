"""modAL's API with modAL's semantics, for today's numpy, pandas and scikit-learn.

``skactive.modal`` is a from-scratch implementation of the public API of modAL-python 0.4.2.1
(its last release): change ``modAL`` to ``skactive.modal`` in the imports and a modAL loop gives
modAL's picks. See :ref:`modal` for what is identical and what differs.

Examples
--------
>>> from skactive.modal.models import ActiveLearner
>>> from skactive.modal.uncertainty import entropy_sampling
>>> ActiveLearner.__module__
'skactive.modal.models.learners'
"""

from .models import ActiveLearner, Committee, CommitteeRegressor

__all__ = ["ActiveLearner", "Committee", "CommitteeRegressor"]
