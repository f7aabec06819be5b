"""Entry point of ``livedetect-gui`` (the Qt main window arrives with the GUI issue)."""

from __future__ import annotations

import sys


def main() -> int:
    from livedetect_gui import __version__

    if "--version" in sys.argv[1:]:
        print(f"livedetect-gui {__version__}")
        return 0
    print("GUI not built yet: use `livedetect check --sandbox PHOTO` meanwhile.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
