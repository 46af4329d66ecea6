"""Inline Markdown for the short texts inside a block: options, feedback, hints, explanations.

A full Markdown widget would put margins around every option; these texts use only `code`,
**bold** and *emphasis*, so they become a Rich Text with those spans styled and the markers gone,
the same way everywhere. Lesson files wrap their prose at ~80 columns; those line breaks are not
the author's meaning, so a paragraph is reflowed (its lines joined) and Rich wraps it to the
panel's width. Blank lines and list items stay where the author put them.
"""

from __future__ import annotations

import re
import unicodedata

from rich.text import Text

from tutor.safe_text import visible

SPANS = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])")
CODE_SPANS = re.compile(r"`([^`]+)`()()")
LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")


def _wide(char: str) -> bool:
    # Chinese and Japanese text has no spaces between words: joining two of its lines adds none
    return unicodedata.east_asian_width(char) in ("W", "F")


def reflow(source: str) -> str:
    """Join the lines of each paragraph; keep paragraph breaks and list items on lines of their own."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", source.strip()):
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if not lines or LIST_ITEM.match(raw):
                lines.append(line)
            elif _wide(lines[-1][-1]) and _wide(line[0]):
                lines[-1] += line
            else:
                lines[-1] += " " + line
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def inline_markdown(source: str, style: str = "", *, reflow_lines: bool = True, emphasis: bool = True) -> Text:
    """`source` reflowed, its control characters made visible, its inline Markdown styled.

    A check's diagnosis quotes the learner's code line by line (`x ** 2`, a caret under a
    column): `reflow_lines=False` keeps its lines and `emphasis=False` styles only `code`.
    """
    source = visible(reflow(source) if reflow_lines else source.strip())
    text = Text(style=style)
    position = 0
    for match in (SPANS if emphasis else CODE_SPANS).finditer(source):
        text.append(source[position : match.start()])
        code, bold, italic = match.groups()
        if code is not None:
            text.append(code, style="bold")
        elif bold is not None:
            text.append(bold, style="bold")
        else:
            text.append(italic, style="italic")
        position = match.end()
    text.append(source[position:])
    return text
