"""``livedetect``: the command line, one module per command."""

from livedetect_gui.cli.main import main

__all__ = ["main"]
