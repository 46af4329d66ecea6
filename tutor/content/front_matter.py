"""A lesson's front matter (id:, title:, lang: between `---` lines) and its file's name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node

from tutor.content.context import Context
from tutor.content.fields import ID_PATTERN, ID_RULE, YamlBlock
from tutor.content.model import Where
from tutor.i18n import LANGUAGES

FRONT_MATTER_KEYS = ("id", "title", "lang")
LANG_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")


def split_file_name(path: Path) -> tuple[str, str | None]:
    """("01-data", "zh") for 01-data.zh.md; ("01-data", None) for 01-data.md (which means en)."""
    name = path.name
    base = name[: -len(path.suffix)] if path.suffix else name
    stem, dot, suffix = base.rpartition(".")
    if dot and stem and LANG_PATTERN.match(suffix):
        return stem, suffix
    return base, None


@dataclass
class Header:
    """What the front matter gave, as far as it could be read (a broken lesson keeps it too)."""

    id: str = ""
    title: str = ""
    lang: str = ""
    id_where: Where | None = None


def read_front_matter(ctx: Context, header: Header) -> int | None:
    """Read the front matter into `header`; the index of the body's first line (None: no body).

    The file has a line that is not blank.
    """
    lines = ctx.lines
    first = next(i for i, line in enumerate(lines) if line.strip())
    if lines[first].rstrip() != "---":
        ctx.error(1, 1, "the lesson has no front matter; its first line must be '---', "
                        "followed by id:, title: and lang: lines and another '---'")
        return 0
    if first > 0:
        ctx.error(1, 1, "the front matter must start on the first line; remove the blank "
                        "lines above '---'")
    close = next((i for i in range(first + 1, len(lines)) if lines[i].rstrip() == "---"), None)
    if close is None:
        ctx.error(first + 1, 1, "the front matter opened here is never closed; add a line "
                                "'---' after its id:, title: and lang: lines")
        return None
    block = YamlBlock(ctx, first + 2, 0, lines[first + 1:close], "front matter")
    node = block.compose()
    if node is not False:
        _keys(block, node, first + 1, header)
    return close + 1


def _keys(block: YamlBlock, node: Node | None, line: int, header: Header) -> None:
    entries = block.mapping(node, "the front matter", FRONT_MATTER_KEYS, FRONT_MATTER_KEYS,
                            (line, 1), "a lesson's front matter needs id:, title: and lang:")
    if entries is None:
        return
    if "id" in entries:
        key, value = entries["id"]
        lesson_id = block.text(key, value)
        if lesson_id is not None:
            header.id = lesson_id
            header.id_where = Where(block.ctx.path, *block.at(value))
            if not ID_PATTERN.match(lesson_id):
                block.node_error(value, f"lesson id {lesson_id!r} is not allowed; use {ID_RULE}")
    if "title" in entries:
        title = block.text(*entries["title"])
        if title is not None:
            header.title = title.strip()
    if "lang" in entries:
        key, value = entries["lang"]
        lang = block.text(key, value)
        if lang is not None:
            header.lang = lang
            _check_lang(block, value, lang)


def _check_lang(block: YamlBlock, node: Node, lang: str) -> None:
    if not LANG_PATTERN.match(lang):
        block.node_error(node, f"lang {lang!r} is not a language code; write a code such as en "
                               f"or zh")
        return
    if lang not in LANGUAGES:
        block.node_error(node, f"lang {lang} cannot be shown: the tutor's screens are in "
                               f"{' and '.join(LANGUAGES)} only; write lang: "
                               f"{' or lang: '.join(LANGUAGES)}")
        return
    stem, suffix = split_file_name(block.ctx.path)
    expected = suffix or "en"
    if lang != expected:
        renamed = f"{stem}.md" if lang == "en" else f"{stem}.{lang}.md"
        if suffix:
            hint = f"write lang: {suffix}, or name the file {renamed}"
        else:
            hint = (f"a file name without a language suffix means en: write lang: en, or "
                    f"name the file {renamed}")
        block.node_error(node, f"lang is {lang} but the file name says {expected}; {hint}")
