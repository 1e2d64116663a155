"""``python -m graph_builder`` runs the ``sco-kg`` command."""

import sys

from .cli import main

sys.exit(main())
