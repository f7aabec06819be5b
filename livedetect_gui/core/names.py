"""Names that come from outside (file names, operator names, the login name) made safe to
store, to compare and to show.

A POSIX file name is bytes: one that is not valid UTF-8 reaches Python with lone surrogates
(``surrogateescape``), which no database, JSON writer or terminal accepts. It is shown as the
bytes it holds (``caf\\xe9.jpg``): visible, and reversible by whoever reads the record. A name
may also carry terminal escapes or bidirectional controls that make it print as something else
(``\\u202enimda`` reads "admin"): a terminal gets them escaped, an operator name never keeps
them. Operator names are NFC, so one person typing "José" two ways stays one operator.
"""

from __future__ import annotations

import unicodedata

# Characters that reorder the text around them (Unicode's explicit bidi formatting
# characters and marks): harmless in a word processor, misleading in an audit trail.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
OPERATOR_MAX = 200


def visible(text: str) -> str:
    """``text`` with every lone surrogate written as the byte or code point it stands for
    (``\\xe9`` for a byte of a non-UTF-8 file name): always encodable as UTF-8."""
    if text.isascii() or not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: one undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: object) -> str:
    """A name or message as a terminal may print it: control characters (escape sequences,
    carriage returns, C1 controls) and bidi controls written out as ``\\x1b``/``\\u202e``."""
    shown = visible(str(text))
    if shown.isprintable() and not BIDI_CONTROLS.intersection(shown):
        return shown
    return "".join(_escaped(c) if (unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS)
                   else c for c in shown)


def operator_name(text: str | None) -> str:
    """An operator name as recorded: UTF-8 safe, NFC, without bidi or control characters,
    spaces trimmed, at most ``OPERATOR_MAX`` characters. Empty when nothing is left."""
    if not text:
        return ""
    name = unicodedata.normalize("NFC", visible(text))
    name = "".join(" " if unicodedata.category(c) == "Cc" else c for c in name
                   if c not in BIDI_CONTROLS)
    return " ".join(name.split())[:OPERATOR_MAX]
