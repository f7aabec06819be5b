"""The bundle's entry point: the desk itself (``livedetect-gui``)."""

import sys

from livedetect_gui.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
