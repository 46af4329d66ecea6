"""Lesson Markdown as plain text, reflowed to a width: what plain mode prints.

No markers are left for a screen reader to read out: `code` loses its backticks, **bold** and
*emphasis* their stars, a heading its hashes; lists keep a bullet or number, code blocks are
indented four spaces. Wrapping counts terminal cells, so Chinese (two cells a character, no spaces
between words) wraps at the same width as English, and never before a closing punctuation mark.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len

from tutor.safe_text import visible

# What a styled span looks like; plain mode passes a function that adds ANSI codes, or none.
Style = Callable[[str, str], str]

_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
# A line may not start with these: they stay with the word before them.
_CLOSING = "，。、；：！？）」』》〉】,.;:!?)]}%”’"
_TOKEN = re.compile(rf"[{_WIDE}][{re.escape(_CLOSING)}]*|[^\s{_WIDE}]+[{re.escape(_CLOSING)}]*|\s+")


def no_style(text: str, kind: str) -> str:
    return text


def wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """`text` (one paragraph) in lines of at most `width` cells; `first` prefixes the first line."""
    lines: list[str] = []
    prefix = indent if first is None else first
    line, used = prefix, cell_len(prefix)
    room = max(10, width)
    for token in _TOKEN.findall(" ".join(text.split("\n"))):
        if token.isspace():
            if used > cell_len(prefix):
                line, used = line + " ", used + 1
            continue
        size = cell_len(token)
        if used + size > room and line.strip():
            lines.append(line.rstrip())
            prefix = indent
            line, used = prefix, cell_len(prefix)
        while cell_len(token) > room - used:  # a word longer than the line: cut it
            cut = _fit(token, room - used)
            lines.append(line + token[:cut])
            token = token[cut:]
            line, used = indent, cell_len(indent)
        line, used = line + token, used + cell_len(token)
    if line.strip():
        lines.append(line.rstrip())
    return lines or [prefix.rstrip()]


def _fit(token: str, room: int) -> int:
    n = 0
    while n < len(token) and cell_len(token[: n + 1]) <= max(1, room):
        n += 1
    return max(1, n)


def _inline(children: list[Token], style: Style) -> str:
    out: list[str] = []
    bold = italic = 0
    for token in children:
        kind = token.type
        if kind == "text" or kind == "html_inline":
            text = token.content
            out.append(style(text, "bold") if bold else style(text, "italic") if italic else text)
        elif kind == "code_inline":
            out.append(style(token.content, "code"))
        elif kind in ("softbreak",):
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_close":
            href = next((t.attrs.get("href") for t in children if t.type == "link_open"), None)
            if href:
                out.append(f" ({href})")
        elif kind == "image":
            out.append(token.content)
    return "".join(out)


def markdown_lines(markdown: str, width: int, style: Style = no_style) -> list[str]:
    """`markdown` rendered as plain lines of at most `width` cells (blank lines between blocks)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(visible(markdown))
    lines: list[str] = []
    lists: list[list[int]] = []  # per open list: [next number] (0 for a bullet list)
    quote = 0
    item_first: str | None = None
    row: list[str] = []

    def block(text_lines: list[str]) -> None:
        if lines and lines[-1] != "" and not lists:
            lines.append("")
        lines.extend(text_lines)

    for i, token in enumerate(tokens):
        kind = token.type
        indent = "  " * len(lists) + "> " * quote
        if kind == "heading_open":
            text = _inline(tokens[i + 1].children or [], style)
            block([style(line, "heading") for line in wrap(text, width, indent)])
        elif kind == "paragraph_open" and tokens[i + 1].type == "inline":
            text = _inline(tokens[i + 1].children or [], style)
            paragraph: list[str] = []
            for part in text.split("\n"):
                first = item_first if item_first is not None and not paragraph else None
                paragraph.extend(wrap(part, width, indent, first))
            item_first = None
            block(paragraph)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start") or 1) if kind == "ordered_list_open" else 0
            if not lists and lines and lines[-1] != "":
                lines.append("")
            lists.append([start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                lines.append("")
        elif kind == "list_item_open":
            number = lists[-1][0]
            marker = f"{number}. " if number else "• "
            if number:
                lists[-1][0] += 1
            item_first = "  " * (len(lists) - 1) + marker
        elif kind in ("fence", "code_block"):
            code = [indent + "    " + line for line in token.content.rstrip("\n").split("\n")]
            block([style(line, "code") for line in code])
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "hr":
            block([indent + "—" * min(width, 20)])
        elif kind == "table_open":
            block([])
        elif kind == "tr_open":
            row = []
        elif kind == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(_inline(token.children or [], style))
        elif kind == "tr_close":
            lines.extend(wrap(" | ".join(row), width, indent))
    while lines and lines[-1] == "":
        lines.pop()
    return lines
