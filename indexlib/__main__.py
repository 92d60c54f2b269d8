"""``python -m indexlib`` runs the command line."""

import sys

from indexlib.cli import main

sys.exit(main())
