"""Tooltips that show text as text.

Qt renders a tooltip as rich text when it *looks* like HTML, so a file named
``<img src=...>.jpg`` or a note line with markup would be rendered, not shown. Every tooltip
made of names or notes goes through here: escaped, and explicitly rich text, line by line.
"""

from __future__ import annotations

import html
from collections.abc import Iterable


def plain_tooltip(lines: Iterable[str] | str) -> str:
    """The lines as a tooltip that shows exactly these characters; empty for no text."""
    parts = [lines] if isinstance(lines, str) else list(lines)
    text = "\n".join(part for part in parts if part)
    if not text:
        return ""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"
