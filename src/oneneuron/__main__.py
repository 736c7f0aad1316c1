"""``python -m oneneuron``: the same as the ``oneneuron`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
