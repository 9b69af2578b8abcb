"""``python -m nghiquyet`` runs the command-line interface."""

import sys

from nghiquyet.cli import main

sys.exit(main())
