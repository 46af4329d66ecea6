"""One lesson file -> a Lesson, or a BrokenLesson listing every problem with file, line and column.

The file is scanned line by line: front matter between `---` lines, `##` headings that start
steps, and fenced blocks (``` or ~~~). Each part is read by its own module, which reports what is
wrong to the file's Context and carries on:

    front_matter.py      id:, title:, lang:, and what the file's name says
    python_block.py      ```python blocks: static, `run` cells, `show=` a core function
    experiment_block.py  ```experiment blocks (and an exercise's then:)
    quiz_block.py        ```quiz blocks
    exercise_block.py    ```exercise blocks
    fields.py            the YAML of the front matter and blocks, read with line and column
    words.py             "did you mean" for near misses
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from tutor.content.context import FAILED, Context
from tutor.content.exercise_block import EXERCISE_KEYS, read_exercise
from tutor.content.exercise_block import REQUIRED_NOTE as _EXERCISE_NOTE
from tutor.content.experiment_block import (
    EXPERIMENT_KEYS,
    MAX_SWEEP,
    VIEWS,
    read_experiment,
)
from tutor.content.experiment_block import REQUIRED_NOTE as _EXPERIMENT_NOTE
from tutor.content.fields import ID_PATTERN, YamlBlock
from tutor.content.front_matter import (
    FRONT_MATTER_KEYS,
    LANG_PATTERN,
    Header,
    read_front_matter,
    split_file_name,
)
from tutor.content.model import BrokenLesson, Lesson, LessonError, Prose, Step, Where
from tutor.content.python_block import read_python
from tutor.content.quiz_block import CHOICE_KEYS, QUIZ_KEYS, QUIZ_TYPES, read_quiz
from tutor.content.quiz_block import REQUIRED_NOTE as _QUIZ_NOTE
from tutor.content.words import closest, levenshtein, suggest

__all__ = [
    "CHOICE_KEYS",
    "DIRECTIVES",
    "EXERCISE_KEYS",
    "EXPERIMENT_KEYS",
    "FRONT_MATTER_KEYS",
    "ID_PATTERN",
    "LANG_PATTERN",
    "MAX_SWEEP",
    "QUIZ_KEYS",
    "QUIZ_TYPES",
    "VIEWS",
    "closest",
    "decode",
    "levenshtein",
    "parse_lesson",
    "split_file_name",
    "suggest",
]

DIRECTIVES = ("experiment", "quiz", "exercise")
_READERS: dict[str, Callable[[YamlBlock, Node, Where], Any]] = {
    "experiment": read_experiment, "quiz": read_quiz, "exercise": read_exercise}
_REQUIRED_NOTE = {"experiment": _EXPERIMENT_NOTE, "quiz": _QUIZ_NOTE, "exercise": _EXERCISE_NOTE}
# Real languages (Pygments names) within two edits of a directive: not typos.
_LANGUAGES_NEAR_DIRECTIVES = {"kuin", "qlik", "squid"}
# Python written another way; `run`/`show=` on these is a mistake, not a static block.
_PYTHON_ALIASES = {"py", "py3", "python3", "ipython", "ipython3", "pycon"}

_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)\Z")
_CLOSING_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*\Z")


# The largest built-in lesson is under 10 KB; a file past this is a mistake (a data file, a log)
# that would otherwise open as thousands of steps.
MAX_LESSON_BYTES = 1 << 20


def parse_lesson(path: Path, text: str | None = None) -> Lesson | BrokenLesson:
    """Read one lesson file; never raises for what the file contains."""
    path = Path(path)
    if text is not None and len(text.encode("utf-8", "surrogatepass")) > MAX_LESSON_BYTES:
        return BrokenLesson(path, [LessonError(Where(path), _too_large(len(text.encode(
            "utf-8", "surrogatepass"))))])
    if text is None:
        try:
            size = path.stat().st_size
            if size > MAX_LESSON_BYTES:
                return BrokenLesson(path, [LessonError(Where(path), _too_large(size))])
            data = path.read_bytes()
        except OSError as exc:
            return BrokenLesson(path, [LessonError(Where(path), f"cannot read the file: "
                                                                f"{exc.strerror or exc}")])
        text, problem = decode(path, data)
        if problem is not None or text is None:
            return BrokenLesson(path, [problem] if problem else [])
    return _read(path, text)


def _too_large(size: int) -> str:
    return (f"the file is {size / (1 << 20):.1f} MB; a lesson file may be at most "
            f"{MAX_LESSON_BYTES >> 20} MB (a lesson is text, not data): split it into several "
            f"lessons, or move the data out of the lessons folder")


def decode(path: Path, data: bytes) -> tuple[str | None, LessonError | None]:
    """The file's text, or an error pointing at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start]
        return None, LessonError(
            Where(path, line, col),
            f"the file is not UTF-8: byte 0x{byte:02x} cannot be read; save the lesson as UTF-8 "
            f"(lessons are UTF-8 text)")


def _read(path: Path, text: str) -> Lesson | BrokenLesson:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    ctx = Context(path, lines)
    header = Header()
    if not any(line.strip() for line in lines):
        ctx.error(1, 1, "the file is empty; a lesson starts with front matter: a line '---', "
                        "then id:, title: and lang:, then '---', then its steps")
        return _result(ctx, header, [])
    body_start = read_front_matter(ctx, header)
    if body_start is None:
        return _result(ctx, header, [])
    ctx.lesson_id = header.id
    steps = _body(ctx, body_start, header.title)
    if not steps and not ctx.errors:
        ctx.error(len(lines), 1, "the lesson has no content after its front matter; "
                                 "write its steps, each under a '## ' heading")
    return _result(ctx, header, steps)


def _result(ctx: Context, header: Header, steps: list[Step]) -> Lesson | BrokenLesson:
    stem, _ = split_file_name(ctx.path)
    lesson = Lesson(header.id, header.title, header.lang, steps, ctx.path, stem=stem,
                    where=header.id_where)
    if ctx.errors:
        errors = sorted(ctx.errors, key=lambda e: (e.where.line, e.where.col))
        return BrokenLesson(ctx.path, errors, id=header.id, title=header.title, lang=header.lang,
                            partial=lesson if header.id and header.lang else None)
    return lesson


# -- the body: steps, prose and fenced blocks -----------------------------------------------------

def _body(ctx: Context, start: int, title: str) -> list[Step]:
    """The steps from line index `start` on; before the first heading, a step named `title`."""
    lines = ctx.lines
    steps: list[Step] = []
    where = Where(ctx.path, start + 1, 1)
    blocks: list[Any] = []
    prose: list[str] = []
    prose_line = 0
    explicit_step = False
    # a step whose only block was reported as wrong is not also "empty"
    failed_block = False

    def flush_prose() -> None:
        nonlocal prose, prose_line
        text = "\n".join(prose).strip("\n")
        if text.strip():
            blocks.append(Prose(text, Where(ctx.path, prose_line, 1)))
        prose, prose_line = [], 0

    def add_prose(index: int) -> None:
        nonlocal prose_line
        if not prose_line and lines[index].strip():
            prose_line = index + 1
        if prose_line:
            prose.append(lines[index])

    def close_step() -> None:
        flush_prose()
        if blocks:
            steps.append(Step(title, list(blocks), where))
        elif explicit_step and not failed_block:
            ctx.error(where.line, where.col, f"the step {title!r} is empty; write text or "
                                             f"a block under its heading, or remove it")

    i = start
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            end, runs_into = _closing_fence(lines, i, fence.group(2), fence.group(3))
            if end is None:
                ctx.error(i + 1, len(fence.group(1)) + 1,
                          _unclosed(fence.group(2), runs_into, lines))
                failed_block = True
                if runs_into is None:
                    break
                # read on from where the block should have ended, so what follows is checked
                i = runs_into
                continue
            block = _fenced(ctx, i, fence.group(1), fence.group(2), fence.group(3), end)
            if block is None:
                for index in range(i, end + 1):
                    add_prose(index)
            else:
                flush_prose()
                if block is FAILED:
                    failed_block = True
                else:
                    blocks.append(block)
            i = end + 1
            continue
        heading = _heading(line)
        if heading is not None:
            close_step()
            blocks = []
            title, where, explicit_step = heading, Where(ctx.path, i + 1, 1), True
            failed_block = False
            if not heading:
                ctx.error(i + 1, 1, "a step heading needs a title after '## '")
        else:
            add_prose(i)
        i += 1
    close_step()
    return steps


def _closing_fence(lines: list[str], opening: int, fence: str, info: str
                   ) -> tuple[int | None, int | None]:
    """(the index of the line that closes the block, None) when it is closed; (None, the index
    of the first line that shows it was left open by mistake) or (None, None) when it is not.

    Markdown lets a block run on to any later closing fence, so a forgotten one silently
    swallows the steps and blocks after it. Inside a block, a new fence opener like its own
    (```text after ```python) or a `## ` step heading is taken as that mistake. Blocks that
    show Markdown (```markdown) may hold headings, and a longer fence (````) may hold ```
    fences and headings: that is how a lesson shows them.
    """
    may_hold_headings = len(fence) > 3 or info.strip().split(" ")[0].lower() in ("markdown", "md")
    for index in range(opening + 1, len(lines)):
        line = lines[index]
        head = line.lstrip(" ")
        if not head or head[0] not in (fence[0], "#") or len(line) - len(head) > 3:
            continue  # most lines of a block: neither a fence nor a heading
        match = _CLOSING_FENCE.match(line)
        if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            return index, None
        opener = _FENCE.match(line)
        if (opener and opener.group(3).strip() and opener.group(2)[0] == fence[0]
                and len(opener.group(2)) >= len(fence)):
            return None, index
        if not may_hold_headings and _heading(line) is not None:
            return None, index
    return None, None


def _unclosed(fence: str, runs_into: int | None, lines: list[str]) -> str:
    if runs_into is None:
        return f"this block opened with {fence} is never closed; add a line {fence} after its last line"
    what = ("a new block opens" if _heading(lines[runs_into]) is None
            else "a step heading starts")
    return (f"this block opened with {fence} is not closed before line {runs_into + 1}, where "
            f"{what} ({lines[runs_into].strip()[:40]!r}); add a line {fence} after the block's "
            f"last line (to show such a line inside a block, open the block with a longer fence, "
            f"like {fence[0] * (len(fence) + 1)})")


def _fenced(ctx: Context, opening: int, indent: str, fence: str, info: str, end: int):
    """The block of a fence, FAILED when it is wrong, None when it is plain Markdown."""
    offset = len(indent) + len(fence) + 1
    words = [(m.group(), offset + m.start()) for m in re.finditer(r"\S+", info)]
    word, word_col = words[0] if words else ("", offset)
    attrs = words[1:]
    line = opening + 1
    body = ctx.lines[opening + 1:end]
    if indent:
        body = [_dedent(text, len(indent)) for text in body]
    if word == "python":
        return read_python(ctx, line, attrs, body, len(indent))
    if word in DIRECTIVES:
        if attrs:
            ctx.error(line, attrs[0][1], f"nothing may follow {word!r} on the fence line; "
                                         f"put the block's settings inside it as YAML lines")
            return FAILED
        return _directive(ctx, word, opening, body, len(indent))
    lowered = word.lower()
    if lowered in DIRECTIVES:
        ctx.error(line, word_col, f"unknown block {word!r}; did you mean {lowered!r}? "
                                  f"block names are lowercase")
        return FAILED
    if lowered not in _LANGUAGES_NEAR_DIRECTIVES:
        near = [d for d in DIRECTIVES if levenshtein(lowered, d) <= 2]
        if near:
            ctx.error(line, word_col,
                      f"unknown block {word!r}; did you mean {near[0]!r}? Blocks are "
                      f"experiment, quiz, exercise and python; for a plain code block write "
                      f"a language name such as text or bash")
            return FAILED
    if (lowered in _PYTHON_ALIASES or lowered == "python") and any(
            a == "run" or a.startswith("show=") for a, _ in attrs):
        ctx.error(line, word_col, f"'run' and 'show=' work only on blocks written "
                                  f"'python' (lowercase); write python instead of {word!r}")
        return FAILED
    return None


def _directive(ctx: Context, kind: str, opening: int, body: list[str], indent: int):
    """The model object of an experiment, quiz or exercise block; FAILED when it is wrong."""
    block = YamlBlock(ctx, opening + 2, indent, body, f"{kind} block")
    node = block.compose()
    if node is False:
        return FAILED
    where = Where(ctx.path, opening + 1, indent + 1)
    if node is None:
        ctx.error(opening + 1, indent + 1, f"the {kind} block is empty; {_REQUIRED_NOTE[kind]}")
        return FAILED
    made = _READERS[kind](block, node, where)
    return FAILED if made is None else made


def _heading(line: str) -> str | None:
    """The title of a `## ` step heading, or None when the line is not one."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("##"):
        return None
    rest = stripped[2:]
    if rest.startswith("#") or (rest and rest[0] not in " \t"):
        return None
    title = rest.strip()
    # an optional closing sequence of #s, as Markdown allows
    if title.endswith("#"):
        trimmed = title.rstrip("#")
        if not trimmed or trimmed[-1] in " \t":
            title = trimmed.strip()
    return title


def _dedent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable):]
