"""Run crmgen as ``python -m crmgen``."""

import sys

from crmgen.cli import main

sys.exit(main())
