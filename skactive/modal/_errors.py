"""The error raised for bad arguments where modAL asserted."""


class ArgumentError(ValueError, AssertionError):
    """A bad argument: a ValueError, and an AssertionError for code written against modAL,
    whose ``assert`` statements raised that."""
