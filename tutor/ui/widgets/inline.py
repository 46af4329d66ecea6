"""Inline Markdown for one-paragraph texts (hints, explanations, diagnoses) inside styled feedback.

A full Markdown widget would put margins around every hint; these texts only use `code` and
**bold**, so they become a Rich Text with those spans styled and the markers gone.
"""

from __future__ import annotations

import re

from rich.text import Text

SPANS = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def inline_markdown(source: str, style: str = "") -> Text:
    text = Text(style=style)
    position = 0
    for match in SPANS.finditer(source):
        text.append(source[position : match.start()])
        code, bold = match.groups()
        text.append(code if code is not None else bold, style="bold")
        position = match.end()
    text.append(source[position:])
    return text
