"""``python -m indexlib.cli`` runs the command line."""

import sys

from indexlib.cli import main

sys.exit(main())
