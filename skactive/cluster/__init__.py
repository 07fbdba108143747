"""Clustering estimators used by the query strategies (e.g. DAMI)."""

from ._distances import nearest_medoids
from ._kmedoids import AUTO_FULL_MATRIX_MAX_SAMPLES, KMedoids

__all__ = ["KMedoids", "AUTO_FULL_MATRIX_MAX_SAMPLES", "nearest_medoids"]
