"""Clustering estimators used by the query strategies (e.g. DAMI)."""

from ._kmedoids import KMedoids

__all__ = ["KMedoids"]
