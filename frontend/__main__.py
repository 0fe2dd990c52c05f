"""`python -m gradc` runs the gradc command line."""

import sys

from .cli import main

sys.exit(main())
