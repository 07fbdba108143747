"""``python -m skactive``: the same as the ``skactive`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
