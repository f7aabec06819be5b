"""``python -m livedetect_gui.cli``."""

import sys

from livedetect_gui.cli.main import main

sys.exit(main())
