"""Shared test fixtures: where the project's real data lives, and small fitted models."""

import os
from pathlib import Path

import pytest

SHARED_DATASETS = Path(
    os.environ.get("SKACTIVE_SHARED_DATASETS")
    or Path(__file__).resolve().parents[2] / "shared" / "datasets"
)


@pytest.fixture(scope="session")
def shared_datasets():
    """Path to ../shared/datasets; skips the test where it is absent (a user's clone)."""
    if not SHARED_DATASETS.is_dir():
        pytest.skip(
            f"real datasets not found at {SHARED_DATASETS} (set SKACTIVE_SHARED_DATASETS to the "
            "folder holding telescope/, employee/ and mr/)"
        )
    return SHARED_DATASETS


@pytest.fixture
def interruptible():
    """SIGINT raises KeyboardInterrupt here and in the processes the test starts.

    A shell without job control starts background commands with SIGINT ignored, and the
    children of such a process inherit that (``pytest &`` in a script): the interrupt tests set
    Python's own handler for their duration, as an interactive terminal would have it.
    """
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="module")
def cluster_client():
    """A ``dask.distributed`` client of a 2-worker ``LocalCluster`` (worker processes), one per
    test module; skips where dask or distributed is not installed."""
    pytest.importorskip("dask.array", reason="dask is not installed")
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
