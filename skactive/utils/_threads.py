"""Scoped control of torch's intra-op thread count.

On small machines torch's default thread pool makes each tiny matrix product wait on thread
hand-offs: a (16, 8) MLP trains tens of times faster on one thread than on two. skactive's
classifiers therefore run small modules single-threaded, only for the duration of their own
fit, predict and readout calls, and leave the process-wide setting as they found it.
"""

from contextlib import contextmanager

#: Modules with fewer trainable parameters than this run on one thread when ``n_threads=None``.
SMALL_MODULE_PARAMETERS = 1_000_000


def resolve_n_threads(n_threads, module=None, device="cpu"):
    """Number of intra-op threads to use for ``module``, or None to leave torch's setting."""
    if n_threads is not None:
        if int(n_threads) < 1:
            raise ValueError(f"n_threads must be a positive integer or None, got {n_threads!r}.")
        return int(n_threads)
    if str(device).startswith("cuda") or module is None:
        return None
    n_params = sum(p.numel() for p in module.parameters())
    return 1 if n_params < SMALL_MODULE_PARAMETERS else None


@contextmanager
def torch_threads(n_threads):
    """Run the block with ``torch.set_num_threads(n_threads)``; None leaves it unchanged."""
    if n_threads is None:
        yield
        return
    import torch  # here, not at import: skactive.utils serves torch-free entry points too

    previous = torch.get_num_threads()
    if previous == n_threads:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
