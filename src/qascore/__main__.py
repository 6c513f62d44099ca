"""``python -m qascore``: the same as the ``qascore`` command."""

import sys

from qascore.cli import main

if __name__ == "__main__":
    sys.exit(main())
