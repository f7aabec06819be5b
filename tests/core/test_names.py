"""Names from outside made safe to store, compare and show."""

from __future__ import annotations

import unicodedata

from livedetect_gui.core.names import for_terminal, operator_name, visible


def test_undecodable_bytes_become_visible_and_encodable() -> None:
    name = b"caf\xe9.jpg".decode("utf-8", "surrogateescape")
    shown = visible(name)
    assert shown == "caf\\xe9.jpg"
    shown.encode("utf-8")  # storable
    assert visible("café.jpg") == "café.jpg"


def test_terminal_escapes_and_bidi_controls_are_written_out() -> None:
    hostile = "photo\x1b]0;pwned\x07\r\u202egpj.exe\x9b"
    shown = for_terminal(hostile)
    assert "\x1b" not in shown and "\r" not in shown and "\u202e" not in shown
    assert "\x9b" not in shown
    assert shown == "photo\\x1b]0;pwned\\x07\\x0d\\u202egpj.exe\\x9b"
    assert for_terminal("José 张三") == "José 张三"


def test_operator_names_are_nfc_without_bidi_or_controls() -> None:
    nfd = unicodedata.normalize("NFD", "José")
    assert nfd != "José" and operator_name(nfd) == operator_name("José") == "José"
    assert operator_name("\u202enimda") == "nimda"
    assert operator_name("  Ann\tLee\x1b \u2066x\u2069 ") == "Ann Lee x"
    assert operator_name(b"Jos\xe9".decode("utf-8", "surrogateescape")) == "Jos\\xe9"
    assert operator_name(None) == "" and len(operator_name("x" * 1000)) == 200
