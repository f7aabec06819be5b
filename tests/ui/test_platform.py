"""Guards against known-bad Qt bindings the desk cannot work around."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    ping = Signal(int)


def test_signal_emit_keeps_reference_counts() -> None:
    # PySide6 6.12.0 loses a reference to True per emit() on Python 3.11: the app then
    # aborts after a few thousand signals. pyproject.toml excludes it; this catches a regression.
    emitter = _Emitter()
    emitter.ping.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for i in range(2000):
        emitter.ping.emit(i)
    assert sys.getrefcount(True) - before > -10
