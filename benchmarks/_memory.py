"""Resident-memory figures of the running process, shared by the benchmark scripts.

The scripts run as ``python benchmarks/NAME.py``, so this folder is ``sys.path[0]`` and they
(and the children they start on their own file, in whatever environment) ``import _memory``.
Standard library only, for those other environments.

Two kinds of figure:

- :func:`peak_bytes`: the high-water mark of the whole process since it started (``VmHWM``);
- :class:`PeakMemory`: what one block of code added at its peak, measured by resetting that
  mark just before the block.

``ru_maxrss`` is only a fallback: Linux carries it across ``exec`` from the forking parent, so
in a child it can show the parent's peak, and it cannot be reset.
"""

import resource
import sys

__all__ = ["status_bytes", "maxrss_bytes", "peak_bytes", "PeakMemory"]


def status_bytes(field):
    """A memory field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``, ``RssAnon``...) in bytes.

    Raises LookupError where the file or the field is missing (not Linux, an old kernel).
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024  # the kernel writes kB (KiB)
    except OSError:
        pass
    raise LookupError("no %s in /proc/self/status (this figure needs Linux)" % field)


def maxrss_bytes():
    """``ru_maxrss`` of this process in bytes (the kernel gives KiB on Linux, bytes on macOS)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def peak_bytes():
    """The peak resident set of this process since it started, in bytes.

    ``VmHWM``; where there is none, ``ru_maxrss``, an upper bound (see the module docstring).
    """
    try:
        return status_bytes("VmHWM")
    except LookupError:
        return maxrss_bytes()


class PeakMemory:
    """The peak resident-set increase of a ``with`` block: peak during it minus RSS before it.

    On Linux (>= 4.0) entering the block writes ``5`` to ``/proc/self/clear_refs``, which
    resets the kernel's peak counter ``VmHWM`` to the current RSS; the figure is then every
    allocation the block held at once, numpy, torch and Rust alike (tracemalloc sees only
    Python's allocator). Where the counter cannot be reset, the figure is the growth of
    ``ru_maxrss`` across the block, a lower bound: a block whose peak stays under an earlier
    one (loading the data, say) shows less than it used, down to 0. ``method`` says which.

    After the block: ``start`` and ``peak`` (bytes), ``bytes = peak - start`` and ``mb`` (MiB).
    """

    RESET = "VmHWM reset"
    FALLBACK = "ru_maxrss (lower bound)"

    def __enter__(self):
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
            self.method = self.RESET
            self.start = status_bytes("VmRSS")
        except (OSError, LookupError):
            self.method = self.FALLBACK
            self.start = maxrss_bytes()
        return self

    def __exit__(self, *exc):
        self.peak = status_bytes("VmHWM") if self.method == self.RESET else maxrss_bytes()
        self.bytes = self.peak - self.start
        self.mb = self.bytes / 2**20
