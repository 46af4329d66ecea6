"""One lesson file -> a Lesson, or a BrokenLesson listing every problem with file, line and column.

The file is scanned line by line: front matter between `---` lines, `##` headings that start
steps, and fenced blocks (``` or ~~~). The bodies of `experiment`, `quiz` and `exercise` blocks are
YAML; they are read with yaml.compose so that every key and value keeps its own line and column,
and an error can point at the exact place in the lesson file rather than at its block.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.content import catalog
from tutor.content.model import (
    BrokenLesson, Choice, Code, Exercise, Experiment, Lesson, LessonError, Prose, Quiz, Step,
    Where,
)

# libyaml is several times faster than the pure-Python reader; both give the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DIRECTIVES = ("experiment", "quiz", "exercise")
QUIZ_TYPES = ("choice", "number", "text")
VIEWS = ("loss", "path")
# Real languages (Pygments names) within two edits of a directive: not typos.
_LANGUAGES_NEAR_DIRECTIVES = {"kuin", "qlik", "squid"}
# Python written another way; `run`/`show=` on these is a mistake, not a static block.
_PYTHON_ALIASES = {"py", "py3", "python3", "ipython", "ipython3", "pycon"}

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
LANG_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
_ID_RULE = "lowercase letters, digits and '-', starting with a letter or digit (like remainder-batch)"

_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)\Z")
_CLOSING_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*\Z")

FRONT_MATTER_KEYS = ("id", "title", "lang")
EXPERIMENT_KEYS = ("run", "params", "editable", "sweep", "view", "id")
QUIZ_KEYS = ("id", "type", "prompt", "choices", "answer", "tolerance", "accept", "pattern",
             "hint", "explain")
EXERCISE_KEYS = ("id", "implements", "starter", "hints", "then")
CHOICE_KEYS = ("text", "correct", "why")
# keys that belong to one quiz type only, and the type they belong to
_QUIZ_TYPE_KEYS = {"choices": "choice", "tolerance": "number", "accept": "text", "pattern": "text"}
MAX_SWEEP = 10


def split_file_name(path: Path) -> tuple[str, str | None]:
    """("01-data", "zh") for 01-data.zh.md; ("01-data", None) for 01-data.md (which means en)."""
    name = path.name
    base = name[: -len(path.suffix)] if path.suffix else name
    stem, dot, suffix = base.rpartition(".")
    if dot and stem and LANG_PATTERN.match(suffix):
        return stem, suffix
    return base, None


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a near miss was meant to be (one edit for short words, two for longer)."""
    best, best_distance = None, None
    limit = 1 if len(word) <= 4 else 2
    for candidate in candidates:
        distance = levenshtein(word.lower(), candidate.lower())
        if distance <= limit and (best_distance is None or distance < best_distance):
            best, best_distance = candidate, distance
    return best


def suggest(word: str, candidates: Iterable[str]) -> str:
    """" (did you mean 'lr'?)" for a near miss, else ""."""
    best = closest(word, candidates)
    return f" (did you mean {best!r}?)" if best else ""


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(names)


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


@dataclass
class _Block:
    """Where a YAML text sits in the file, to turn YAML marks (0-based) into file positions."""

    line: int          # file line of the YAML text's first line
    col: int           # columns removed from the start of each line (a fence's indentation)
    lines: list[str]   # the YAML text's lines, as YAML saw them
    kind: str          # "front matter", "quiz block", ... for messages


class _LessonReader:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.errors: list[LessonError] = []
        self.id = ""
        self.title = ""
        self.lang = ""
        self.id_where: Where | None = None
        self.run_cells = 0
        self.ids: dict[str, dict[str, int]] = {"quiz": {}, "exercise": {}, "experiment": {}}

    # -- errors ---------------------------------------------------------------------------------

    def error(self, line: int, col: int, message: str) -> None:
        # YAML may count line breaks the splitter does not (U+2028); never point past the file.
        line = max(1, min(line, max(len(self.lines), 1)))
        self.errors.append(LessonError(Where(self.path, line, max(col, 1)), message))

    def at(self, block: _Block, node: Node | None) -> tuple[int, int]:
        if node is None:
            return block.line - 1, block.col + 1
        return block.line + node.start_mark.line, block.col + node.start_mark.column + 1

    def node_error(self, block: _Block, node: Node | None, message: str) -> None:
        self.error(*self.at(block, node), message)

    # -- the file -------------------------------------------------------------------------------

    def read(self) -> Lesson | BrokenLesson:
        if not any(line.strip() for line in self.lines):
            self.error(1, 1, "the file is empty; a lesson starts with front matter: a line '---', "
                             "then id:, title: and lang:, then '---', then its steps")
            return self.result([])
        body_start = self.front_matter()
        if body_start is None:
            return self.result([])
        steps = self.body(body_start)
        if not steps and not self.errors:
            self.error(len(self.lines), 1, "the lesson has no content after its front matter; "
                                           "write its steps, each under a '## ' heading")
        return self.result(steps)

    def result(self, steps: list[Step]) -> Lesson | BrokenLesson:
        if self.errors:
            errors = sorted(self.errors, key=lambda e: (e.where.line, e.where.col))
            return BrokenLesson(self.path, errors, id=self.id, title=self.title, lang=self.lang)
        stem, _ = split_file_name(self.path)
        return Lesson(self.id, self.title, self.lang, steps, self.path, stem=stem,
                      where=self.id_where)

    def front_matter(self) -> int | None:
        """Read the front matter; return the index of the body's first line (None: no body)."""
        first = next(i for i, line in enumerate(self.lines) if line.strip())
        if self.lines[first].rstrip() != "---":
            self.error(1, 1, "the lesson has no front matter; its first line must be '---', "
                             "followed by id:, title: and lang: lines and another '---'")
            return 0
        if first > 0:
            self.error(1, 1, "the front matter must start on the first line; remove the blank "
                             "lines above '---'")
        close = next((i for i in range(first + 1, len(self.lines))
                      if self.lines[i].rstrip() == "---"), None)
        if close is None:
            self.error(first + 1, 1, "the front matter opened here is never closed; add a line "
                                     "'---' after its id:, title: and lang: lines")
            return None
        block = _Block(first + 2, 0, self.lines[first + 1:close], "front matter")
        node = self.compose(block)
        if node is not False:
            self.front_matter_keys(block, node, first + 1)
        return close + 1

    def front_matter_keys(self, block: _Block, node: Node | None, line: int) -> None:
        what = "the front matter"
        entries = self.mapping(block, node, what, FRONT_MATTER_KEYS, FRONT_MATTER_KEYS,
                               (line, 1), "a lesson's front matter needs id:, title: and lang:")
        if entries is None:
            return
        if "id" in entries:
            key, value = entries["id"]
            lesson_id = self.text(block, key, value)
            if lesson_id is not None:
                self.id = lesson_id
                self.id_where = Where(self.path, *self.at(block, value))
                if not ID_PATTERN.match(lesson_id):
                    self.node_error(block, value, f"lesson id {lesson_id!r} is not allowed; use "
                                                  f"{_ID_RULE}")
        if "title" in entries:
            title = self.text(block, *entries["title"])
            if title is not None:
                self.title = title.strip()
        if "lang" in entries:
            key, value = entries["lang"]
            lang = self.text(block, key, value)
            if lang is not None:
                self.lang = lang
                self.check_lang(block, value, lang)

    def check_lang(self, block: _Block, node: Node, lang: str) -> None:
        if not LANG_PATTERN.match(lang):
            self.node_error(block, node, f"lang {lang!r} is not a language code; write a code "
                                         f"such as en or zh")
            return
        stem, suffix = split_file_name(self.path)
        expected = suffix or "en"
        if lang != expected:
            renamed = f"{stem}.md" if lang == "en" else f"{stem}.{lang}.md"
            if suffix:
                hint = f"write lang: {suffix}, or name the file {renamed}"
            else:
                hint = (f"a file name without a language suffix means en: write lang: en, or "
                        f"name the file {renamed}")
            self.node_error(block, node, f"lang is {lang} but the file name says {expected}; "
                                         f"{hint}")

    # -- the body: steps, prose and fenced blocks ---------------------------------------------

    def body(self, start: int) -> list[Step]:
        steps: list[Step] = []
        title, where = self.title, Where(self.path, start + 1, 1)
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
                blocks.append(Prose(text, Where(self.path, prose_line, 1)))
            prose, prose_line = [], 0

        def add_prose(index: int) -> None:
            nonlocal prose_line
            if not prose_line and self.lines[index].strip():
                prose_line = index + 1
            if prose_line:
                prose.append(self.lines[index])

        def close_step() -> None:
            flush_prose()
            if blocks:
                steps.append(Step(title, list(blocks), where))
            elif explicit_step and not failed_block:
                self.error(where.line, where.col, f"the step {title!r} is empty; write text or "
                                                  f"a block under its heading, or remove it")

        i = start
        while i < len(self.lines):
            line = self.lines[i]
            fence = _FENCE.match(line)
            if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
                end = self.closing_fence(i, fence.group(2))
                if end is None:
                    self.error(i + 1, len(fence.group(1)) + 1,
                               f"this block opened with {fence.group(2)} is never closed; add a "
                               f"line {fence.group(2)} after its last line")
                    failed_block = True
                    break
                block = self.fenced(i, fence.group(1), fence.group(2), fence.group(3), end)
                if block is None:
                    for index in range(i, end + 1):
                        add_prose(index)
                else:
                    flush_prose()
                    if block is _FAILED:
                        failed_block = True
                    else:
                        blocks.append(block)
                i = end + 1
                continue
            heading = _heading(line)
            if heading is not None:
                close_step()
                blocks = []
                title, where, explicit_step = heading, Where(self.path, i + 1, 1), True
                failed_block = False
                if not heading:
                    self.error(i + 1, 1, "a step heading needs a title after '## '")
            else:
                add_prose(i)
            i += 1
        close_step()
        return steps

    def closing_fence(self, opening: int, fence: str) -> int | None:
        for index in range(opening + 1, len(self.lines)):
            match = _CLOSING_FENCE.match(self.lines[index])
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                return index
        return None

    def fenced(self, opening: int, indent: str, fence: str, info: str, end: int):
        """The block of a fence, _FAILED when it is wrong, None when it is plain Markdown."""
        offset = len(indent) + len(fence) + 1
        words = [(m.group(), offset + m.start()) for m in re.finditer(r"\S+", info)]
        word, word_col = words[0] if words else ("", offset)
        attrs = words[1:]
        line = opening + 1
        body = self.lines[opening + 1:end]
        if indent:
            body = [_dedent(text, len(indent)) for text in body]
        if word == "python":
            return self.python(line, attrs, body, len(indent))
        if word in DIRECTIVES:
            if attrs:
                self.error(line, attrs[0][1], f"nothing may follow {word!r} on the fence line; "
                                              f"put the block's settings inside it as YAML lines")
                return _FAILED
            return self.directive(word, opening, body, len(indent))
        lowered = word.lower()
        if lowered in DIRECTIVES:
            self.error(line, word_col, f"unknown block {word!r}; did you mean {lowered!r}? "
                                       f"block names are lowercase")
            return _FAILED
        if lowered not in _LANGUAGES_NEAR_DIRECTIVES:
            near = [d for d in DIRECTIVES if levenshtein(lowered, d) <= 2]
            if near:
                self.error(line, word_col,
                           f"unknown block {word!r}; did you mean {near[0]!r}? Blocks are "
                           f"experiment, quiz, exercise and python; for a plain code block write "
                           f"a language name such as text or bash")
                return _FAILED
        if (lowered in _PYTHON_ALIASES or lowered == "python") and any(
                a == "run" or a.startswith("show=") for a, _ in attrs):
            self.error(line, word_col, f"'run' and 'show=' work only on blocks written "
                                       f"'python' (lowercase); write python instead of {word!r}")
            return _FAILED
        return None

    # -- python blocks --------------------------------------------------------------------------

    def python(self, line: int, attrs: list[tuple[str, int]], body: list[str], indent: int):
        run, show, failed = False, None, False
        show_col = run_col = 0
        for attr, col in attrs:
            if attr == "run":
                run, run_col = True, col
            elif attr.startswith("show="):
                show, show_col = attr[len("show="):], col
            else:
                failed = True
                self.error(line, col, f"unknown option {attr!r} on a python block"
                                      f"{suggest(attr, ['run', 'show='])}; write 'python run' (a "
                                      f"cell the learner runs), 'python show=tutor.scratch.model.sgd' "
                                      f"(the real source of a core function) or plain 'python' "
                                      f"(shown only)")
        where = Where(self.path, line, indent + 1)
        source = "\n".join(body)
        if run and show is not None:
            self.error(line, min(run_col, show_col), "a python block is either 'run' or "
                                                     "'show=NAME', not both")
            return _FAILED
        if show is not None:
            return _FAILED if failed else self.show_block(line, show_col, show, source, where)
        if run:
            self.run_cells += 1
            cell_id = f"{self.id}:{self.run_cells}"
            if not source.strip():
                self.error(line, run_col, "this run cell is empty; write the code the learner "
                                          "runs, or remove the block")
                return _FAILED
            problem = _python_error(source)
            if problem:
                (row, col), message = problem
                self.error(line + row, indent + col, f"this run cell is not valid Python: "
                                                     f"{message}")
                return _FAILED
            return _FAILED if failed else Code("run", source, where, cell_id=cell_id)
        return _FAILED if failed else Code("static", source, where)

    def show_block(self, line: int, col: int, show: str, source: str, where: Where):
        targets = catalog.show_targets()
        ok = True
        if show not in targets:
            ok = False
            best = closest(show, targets)
            if best is None:
                # `show=sgd` or `show=tutor.scratch.data.sgd`: match on the function's own name
                by_name = {t.rpartition(".")[2]: t for t in targets}
                name = closest(show.rpartition(".")[2], by_name)
                best = by_name[name] if name else None
            close = f" (did you mean {best!r}?)" if best else ""
            self.error(line, col, f"show={show} names no function of the core{close}; "
                                  f"you can show {_quoted(catalog.CORE_FUNCTIONS)}, or any "
                                  f"public function of {_quoted(catalog.SCRATCH_MODULES)}")
        if source.strip():
            ok = False
            first = next(i for i, text in enumerate(source.split("\n")) if text.strip())
            self.error(line + 1 + first, 1, f"a show= block must be empty: it displays the real source "
                                    f"of {show}; put other code in its own python block")
        return Code("show", "", where, show=show) if ok else _FAILED

    # -- YAML blocks ----------------------------------------------------------------------------

    def directive(self, kind: str, opening: int, body: list[str], indent: int):
        block = _Block(opening + 2, indent, body, f"{kind} block")
        node = self.compose(block)
        if node is False:
            return _FAILED
        where = Where(self.path, opening + 1, indent + 1)
        if node is None:
            self.error(opening + 1, indent + 1, f"the {kind} block is empty; "
                                                f"{_REQUIRED_NOTE[kind]}")
            return _FAILED
        read = {"experiment": self.experiment, "quiz": self.quiz, "exercise": self.exercise}[kind]
        made = read(block, node, where)
        return _FAILED if made is None else made

    def compose(self, block: _Block) -> Node | None | bool:
        """The YAML node of a block (None when empty); False after reporting bad YAML."""
        text = "\n".join(block.lines)
        try:
            return yaml.compose(text, Loader=_Loader)
        except RecursionError:
            self.error(block.line, block.col + 1, f"bad YAML in the {block.kind}: it is nested "
                                                  f"too deeply; write plain key: value lines")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "unreadable YAML"
            if mark is None:
                line, col = block.line, block.col + 1
            else:
                line, col = block.line + mark.line, block.col + mark.column + 1
            tab = (mark is not None and mark.line < len(block.lines)
                   and block.lines[mark.line][mark.column:mark.column + 1] == "\t")
            hint = "indent with spaces, not tabs" if tab else _yaml_hint(problem, exc)
            self.error(line, col, f"bad YAML in the {block.kind}: {problem}; {hint}")
        except yaml.YAMLError as exc:
            position = getattr(exc, "position", None)
            if isinstance(position, int):
                before = text[:position]
                line = block.line + before.count("\n")
                col = block.col + position - (before.rfind("\n") + 1) + 1
            else:
                line, col = block.line, block.col + 1
            reason = getattr(exc, "reason", None) or str(exc)
            self.error(line, col, f"bad YAML in the {block.kind}: {reason}; remove control "
                                  f"characters and write plain text")
        return False

    def mapping(self, block: _Block, node: Node | None, what: str, allowed: tuple[str, ...],
                required: tuple[str, ...], at: tuple[int, int], note: str
                ) -> dict[str, tuple[ScalarNode, Node]] | None:
        """The entries of a YAML mapping by key, after reporting unknown, repeated and missing keys."""
        if not isinstance(node, MappingNode):
            shape = "empty" if node is None else "a list" if isinstance(node, SequenceNode) else "a single value"
            line, col = at if node is None else self.at(block, node)
            self.error(line, col, f"{what} must be 'key: value' lines, not {shape}; {note}")
            return None
        entries: dict[str, tuple[ScalarNode, Node]] = {}
        meant: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.node_error(block, key, f"a key in {what} must be a plain word; allowed keys: "
                                            f"{_quoted(allowed)}")
                continue
            name = key.value
            if name in entries:
                first = entries[name][0].start_mark.line + block.line
                self.node_error(block, key, f"{name!r} is given twice in {what} (first at line "
                                            f"{first}); keep one")
                continue
            if name not in allowed:
                meant.add(closest(name, allowed) or "")
                self.node_error(block, key, f"unknown key {name!r} in {what}"
                                            f"{suggest(name, allowed)}; allowed keys: "
                                            f"{_quoted(allowed)}")
                continue
            entries[name] = (key, value)
        for name in required:
            # a misspelt key was already reported with a "did you mean"
            if name not in entries and name not in meant:
                self.error(*at, f"{what} has no {name!r} key; {note}")
        return entries

    def text(self, block: _Block, key: Node, value: Node, *, what: str = "") -> str | None:
        """A text value as written (YAML's `yes` stays the text 'yes')."""
        name = what or key.value
        if isinstance(value, ScalarNode):
            if value.tag.endswith(":null") or not value.value.strip():
                self.node_error(block, key, f"{name} is empty; write it, or remove the key")
                return None
            return value.value
        shape = "a list" if isinstance(value, SequenceNode) else "a mapping"
        self.node_error(block, value, f"{name} must be text, not {shape}")
        return None

    def value(self, block: _Block, node: Node) -> Any:
        """The Python value of a node; _FAILED after reporting what YAML could not read."""
        try:
            return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
        except Exception as exc:  # pyyaml's constructors raise assorted errors on odd tags
            problem = getattr(exc, "problem", None) or str(exc) or type(exc).__name__
            self.node_error(block, node, f"cannot read this value: {problem}")
            return _FAILED

    def identifier(self, block: _Block, key: Node, value: Node, kind: str) -> str | None:
        ident = self.text(block, key, value)
        if ident is None:
            return None
        if not ID_PATTERN.match(ident):
            self.node_error(block, value, f"{kind} id {ident!r} is not allowed; use {_ID_RULE}")
            return None
        seen = self.ids[kind]
        line = self.at(block, value)[0]
        if ident in seen:
            self.node_error(block, value, f"{kind} id {ident!r} is already used at line "
                                          f"{seen[ident]} of this file; each {kind} needs its "
                                          f"own id")
            return None
        seen[ident] = line
        return ident

    def number(self, block: _Block, node: Node, name: str, minimum: float | None = None) -> float | None:
        raw = self.value(block, node)
        if raw is _FAILED:
            return None
        number = catalog.parse_number(raw)
        if number is None or not math.isfinite(number) or (minimum is not None and number < minimum):
            bound = f" of at least {minimum:g}" if minimum is not None else ""
            self.node_error(block, node, f"{name} must be a number{bound}, like 0.5 or 40")
            return None
        return float(number)

    def texts(self, block: _Block, key: Node, value: Node, *, single_ok: bool) -> list[tuple[str, Node]] | None:
        """A list of texts, each with its node; a single text too when single_ok."""
        if isinstance(value, ScalarNode) and single_ok:
            text = self.text(block, key, value)
            return None if text is None else [(text, value)]
        if not isinstance(value, SequenceNode):
            self.node_error(block, value, f"{key.value} must be a list, one '- item' per line")
            return None
        found = []
        for item in value.value:
            if not isinstance(item, ScalarNode) or not item.value.strip() or item.tag.endswith(":null"):
                self.node_error(block, item, f"each item of {key.value} must be text, not empty, "
                                             f"not a list or mapping")
                return None
            found.append((item.value, item))
        return found

    # -- experiment ---------------------------------------------------------------------------

    def experiment(self, block: _Block, node: Node, where: Where, what: str = "the experiment block",
                   at: tuple[int, int] | None = None) -> Experiment | None:
        at = at or (where.line, where.col)
        entries = self.mapping(block, node, what, EXPERIMENT_KEYS, ("run",), at,
                               _REQUIRED_NOTE["experiment"])
        if entries is None:
            return None
        ok = "run" in entries
        run = self.text(block, *entries["run"]) if ok else None
        specs = catalog.EXPERIMENT_PARAMS.get(run or "")
        if run is not None and specs is None:
            self.node_error(block, entries["run"][1],
                            f"unknown experiment {run!r}{suggest(run, catalog.EXPERIMENT_PARAMS)}; "
                            f"experiments: {_quoted(catalog.EXPERIMENT_PARAMS)}")
        if specs is None:
            return None
        experiment = Experiment(run, {}, where)
        params_ok = self.params(block, entries.get("params"), run, specs, experiment)
        ok = params_ok and ok
        if "editable" in entries:
            names = self.texts(block, *entries["editable"], single_ok=False)
            if names is None:
                ok = False
            for name, item in names or []:
                if name not in specs:
                    ok = False
                    self.node_error(block, item, f"{name!r} is not a parameter of {run}"
                                                 f"{suggest(name, specs)}; editable lists the "
                                                 f"parameters the learner may change: "
                                                 f"{_quoted(specs)}")
                elif name not in experiment.editable:
                    experiment.editable.append(name)
        if "sweep" in entries:
            ok = self.sweep(block, entries["sweep"], run, specs, experiment, params_ok) and ok
        if "view" in entries:
            ok = self.view(block, entries["view"], run, experiment) and ok
        if "id" in entries:
            ident = self.identifier(block, *entries["id"], "experiment")
            ok = ok and ident is not None
            experiment.id = ident or ""
        return experiment if ok else None

    def params(self, block: _Block, entry: tuple[Node, Node] | None, run: str,
               specs: dict[str, catalog.ParamSpec], experiment: Experiment) -> bool:
        if entry is None:
            return True
        key, node = entry
        if not isinstance(node, MappingNode):
            self.node_error(block, key, f"params must be a mapping of parameter: value, like "
                            f"{{lr: 0.03, batch_size: 10}}; {run}'s parameters: {_quoted(specs)}")
            return False
        ok = True
        keys: dict[str, Node] = {}
        for name_node, value_node in node.value:
            name = name_node.value if isinstance(name_node, ScalarNode) else None
            if name is None or name not in specs:
                ok = False
                shown = name if name is not None else "this key"
                self.node_error(block, name_node, f"experiment {run!r} has no parameter "
                                                  f"{shown!r}{suggest(shown, specs)}; its "
                                                  f"parameters: {_quoted(specs)}")
                continue
            if name in keys:
                ok = False
                self.node_error(block, name_node, f"{name!r} is given twice in params; keep one")
                continue
            keys[name] = name_node
            raw = self.value(block, value_node)
            if raw is _FAILED:
                ok = False
                continue
            value, problem = catalog.validate_value(specs[name], raw)
            if problem:
                ok = False
                self.node_error(block, value_node, f"bad value for {name}: {problem}")
            else:
                experiment.params[name] = value
        if ok:
            for name, problem in catalog.validate_params(run, experiment.params):
                ok = False
                self.node_error(block, keys.get(name, key), problem)
        return ok

    def sweep(self, block: _Block, entry: tuple[Node, Node], run: str,
              specs: dict[str, catalog.ParamSpec], experiment: Experiment, params_ok: bool) -> bool:
        key, node = entry
        usage = "sweep must be one parameter with a list of values, like sweep: {lr: [0.01, 0.1, 1]}"
        if not isinstance(node, MappingNode) or len(node.value) != 1:
            self.node_error(block, key, usage)
            return False
        name_node, values_node = node.value[0]
        name = name_node.value if isinstance(name_node, ScalarNode) else ""
        if name not in specs:
            self.node_error(block, name_node, f"{name!r} is not a parameter of {run}"
                                              f"{suggest(name, specs)}; its parameters: "
                                              f"{_quoted(specs)}")
            return False
        if not isinstance(values_node, SequenceNode) or not 2 <= len(values_node.value) <= MAX_SWEEP:
            self.node_error(block, values_node, f"{usage}; a sweep has 2 to {MAX_SWEEP} values, "
                                                f"one curve each")
            return False
        ok = True
        values = []
        for item in values_node.value:
            raw = self.value(block, item)
            if raw is _FAILED:
                ok = False
                continue
            value, problem = catalog.validate_value(specs[name], raw)
            if problem is None and params_ok:
                crossed = catalog.validate_params(run, {**experiment.params, name: value})
                problem = crossed[0][1] if crossed else None
            if problem:
                ok = False
                self.node_error(block, item, f"bad value in the sweep of {name}: {problem}")
            values.append(value)
        if name in experiment.editable:
            ok = False
            self.node_error(block, name_node, f"{name!r} is both swept and editable; the sweep "
                                              f"sets its values, so remove it from editable")
        experiment.sweep = {name: values}
        return ok

    def view(self, block: _Block, entry: tuple[Node, Node], run: str, experiment: Experiment) -> bool:
        key, node = entry
        view = self.text(block, key, node)
        if view is None:
            return False
        if view not in VIEWS:
            self.node_error(block, node, f"unknown view {view!r}; views: loss (the loss curve), "
                                         f"path (the (w1, w2) path of SGD over the loss surface)")
            return False
        if view == "path":
            if run not in catalog.PATH_EXPERIMENTS:
                self.node_error(block, node, f"{run} records no (w1, w2) path; view: path works "
                                             f"with {' and '.join(catalog.PATH_EXPERIMENTS)}")
                return False
            if run == "train" and not experiment.params.get("record_path"):
                self.node_error(block, node, "view: path needs the path of w: add record_path: "
                                             "true to params")
                return False
        experiment.view = view
        return True

    # -- quiz -----------------------------------------------------------------------------------

    def quiz(self, block: _Block, node: Node, where: Where) -> Quiz | None:
        at = (where.line, where.col)
        entries = self.mapping(block, node, "the quiz block", QUIZ_KEYS, ("id", "type", "prompt"),
                               at, _REQUIRED_NOTE["quiz"])
        if entries is None:
            return None
        ok = all(k in entries for k in ("id", "type", "prompt"))
        ident = self.identifier(block, *entries["id"], "quiz") if "id" in entries else None
        kind = self.text(block, *entries["type"]) if "type" in entries else None
        prompt = self.text(block, *entries["prompt"]) if "prompt" in entries else None
        ok = ok and None not in (ident, kind, prompt)
        if kind is not None and kind not in QUIZ_TYPES:
            self.node_error(block, entries["type"][1],
                            f"unknown quiz type {kind!r}{suggest(kind, QUIZ_TYPES)}; types: "
                            f"choice (pick among choices), number (answer with tolerance), "
                            f"text (accept list or pattern)")
            return None
        quiz = Quiz(ident or "", kind or "", (prompt or "").strip(), where)
        for name in ("hint", "explain"):
            if name in entries:
                text = self.text(block, *entries[name])
                ok = ok and text is not None
                setattr(quiz, name, (text or "").strip())
        if kind is None:
            return None
        for name, owner in _QUIZ_TYPE_KEYS.items():
            if name in entries and owner != kind:
                ok = False
                self.node_error(block, entries[name][0],
                                f"{name!r} belongs to {owner} quizzes; {_TYPE_KEYS_NOTE[kind]}")
        if kind == "choice":
            ok = self.choice_quiz(block, entries, quiz, at) and ok
        elif kind == "number":
            ok = self.number_quiz(block, entries, quiz, at) and ok
        else:
            ok = self.text_quiz(block, entries, quiz, at) and ok
        return quiz if ok else None

    def choice_quiz(self, block: _Block, entries: dict, quiz: Quiz, at: tuple[int, int]) -> bool:
        if "choices" not in entries:
            self.error(*at, "a choice quiz needs choices:, a list of {text, correct, why}")
            return False
        key, node = entries["choices"]
        if not isinstance(node, SequenceNode) or len(node.value) < 2:
            self.node_error(block, key, "choices must be a list of at least two choices, each "
                                        "'- text: ...' with correct: true on the right one(s) "
                                        "and an optional why:")
            return False
        ok = True
        seen: dict[str, int] = {}
        flagged: set[int] = set()
        for index, item in enumerate(node.value):
            choice = self.choice(block, item)
            if choice is None:
                ok = False
                continue
            if choice.text in seen:
                ok = False
                self.node_error(block, item, f"the choice {choice.text!r} is given twice; each "
                                             f"choice needs its own text")
                continue
            seen[choice.text] = index
            if choice.correct:
                flagged.add(index)
            quiz.choices.append(choice)
        if not ok:
            return False
        if "answer" in entries:
            answers = self.texts(block, *entries["answer"], single_ok=True)
            if answers is None:
                return False
            chosen: set[int] = set()
            for text, item in answers:
                if text.strip() not in seen:
                    self.node_error(block, item, f"the answer {text!r} is not among the choices; "
                                                 f"the choices are: "
                                                 f"{_quoted(repr(c.text) for c in quiz.choices)}")
                    return False
                chosen.add(seen[text.strip()])
            if flagged and flagged != chosen:
                self.node_error(block, entries["answer"][0],
                                "answer: and the choices' correct: disagree; use one of them")
                return False
            for index in chosen:
                quiz.choices[index].correct = True
        if not any(c.correct for c in quiz.choices):
            self.node_error(block, key, "no choice is correct; add correct: true to the right "
                                        "choice(s), or give answer: with the right choice's text")
            return False
        return True

    def choice(self, block: _Block, item: Node) -> Choice | None:
        if isinstance(item, ScalarNode):
            if not item.value.strip() or item.tag.endswith(":null"):
                self.node_error(block, item, "a choice is empty; write its text")
                return None
            return Choice(item.value.strip())
        entries = self.mapping(block, item, "a choice", CHOICE_KEYS, ("text",),
                               self.at(block, item), "a choice is text: with optional correct: "
                                                     "true/false and why:")
        if entries is None or "text" not in entries:
            return None
        text = self.text(block, *entries["text"])
        choice = Choice((text or "").strip())
        ok = text is not None
        if "correct" in entries:
            correct = self.value(block, entries["correct"][1])
            if not isinstance(correct, bool):
                ok = False
                if correct is not _FAILED:
                    self.node_error(block, entries["correct"][1], "correct must be true or false")
            else:
                choice.correct = correct
        if "why" in entries:
            why = self.text(block, *entries["why"])
            ok = ok and why is not None
            choice.why = (why or "").strip()
        return choice if ok else None

    def number_quiz(self, block: _Block, entries: dict, quiz: Quiz, at: tuple[int, int]) -> bool:
        if "answer" not in entries:
            self.error(*at, "a number quiz needs answer: with the right number (and optionally "
                            "tolerance:, how far an answer may be from it)")
            return False
        quiz.answer = self.number(block, entries["answer"][1], "answer")
        ok = quiz.answer is not None
        if "tolerance" in entries:
            tolerance = self.number(block, entries["tolerance"][1], "tolerance", minimum=0.0)
            ok = ok and tolerance is not None
            quiz.tolerance = tolerance or 0.0
        return ok

    def text_quiz(self, block: _Block, entries: dict, quiz: Quiz, at: tuple[int, int]) -> bool:
        if "answer" in entries:
            self.node_error(block, entries["answer"][0], "a text quiz takes accept: (a list of "
                                                         "right answers) or pattern: (a regular "
                                                         "expression), not answer:")
            return False
        if "accept" not in entries and "pattern" not in entries:
            self.error(*at, "a text quiz needs accept: (a list of right answers) or pattern: "
                            "(a regular expression the whole answer must match)")
            return False
        ok = True
        if "accept" in entries:
            accepted = self.texts(block, *entries["accept"], single_ok=True)
            ok = accepted is not None
            quiz.accept = [text.strip() for text, _ in accepted or []]
        if "pattern" in entries:
            key, node = entries["pattern"]
            pattern = self.text(block, key, node)
            if pattern is None:
                return False
            try:
                re.compile(pattern, re.IGNORECASE)
            except (re.error, OverflowError, RecursionError, ValueError) as exc:
                line, col = self.at(block, node)
                position = getattr(exc, "pos", None)
                if position is not None and node.start_mark.line == node.end_mark.line:
                    col += position + (1 if node.style in ("'", '"') else 0)
                reason = getattr(exc, "msg", None) or str(exc)
                self.error(line, col, f"pattern is not a valid regular expression: {reason}; "
                                      f"it must match the whole answer (case does not matter)")
                return False
            quiz.pattern = pattern
        return ok

    # -- exercise -----------------------------------------------------------------------------

    def exercise(self, block: _Block, node: Node, where: Where) -> Exercise | None:
        at = (where.line, where.col)
        required = ("id", "implements", "starter", "hints")
        entries = self.mapping(block, node, "the exercise block", EXERCISE_KEYS, required, at,
                               _REQUIRED_NOTE["exercise"])
        if entries is None:
            return None
        ok = all(k in entries for k in required)
        ident = self.identifier(block, *entries["id"], "exercise") if "id" in entries else None
        implements = self.implements(block, entries["implements"]) if "implements" in entries else None
        starter = None
        if "starter" in entries:
            starter = self.starter(block, entries["starter"], implements)
        hints = self.hints(block, entries["hints"]) if "hints" in entries else None
        ok = ok and None not in (ident, implements, starter, hints)
        then = None
        if "then" in entries:
            key, value = entries["then"]
            then = self.experiment(block, value, Where(self.path, *self.at(block, key)),
                                   "then: (the experiment run with the learner's function)",
                                   self.at(block, key))
            ok = ok and then is not None
        if not ok:
            return None
        return Exercise(ident, implements, starter, where, hints=hints, then=then)

    def implements(self, block: _Block, entry: tuple[Node, Node]) -> str | None:
        name = self.text(block, *entry)
        if name is None:
            return None
        if name not in catalog.PRACTICE_TARGETS:
            reason = ("has no practice check" if name in catalog.show_targets()
                      else f"is not a core function{suggest(name, catalog.PRACTICE_TARGETS)}")
            self.node_error(block, entry[1], f"{name} {reason}; an exercise can implement: "
                                             f"{_quoted(catalog.PRACTICE_TARGETS)}")
            return None
        return name

    def starter(self, block: _Block, entry: tuple[Node, Node], implements: str | None) -> str | None:
        key, node = entry
        source = self.text(block, key, node)
        if source is None:
            return None
        problem = _python_error(source)
        if problem:
            (row, col), message = problem
            line, col0 = self.at(block, node)
            if node.style in ("|", ">"):
                # a block scalar's text starts on the line after its | or >
                first = line - block.line + 1
                content = block.lines[first] if first < len(block.lines) else ""
                indent = len(content) - len(content.lstrip(" "))
                line, col = line + row, block.col + indent + col
            elif node.start_mark.line == node.end_mark.line:
                col = col0 + col - 1 + (1 if node.style in ("'", '"') else 0)
            self.error(line, col, f"the starter is not valid Python: {message}")
            return None
        if implements is not None:
            name = implements.rpartition(".")[2]
            tree = ast.parse(source)
            if not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
                       for n in tree.body):
                self.node_error(block, key, f"the starter must define {name}(...), the function "
                                            f"the learner writes")
                return None
        return source

    def hints(self, block: _Block, entry: tuple[Node, Node]) -> list[str] | None:
        key, node = entry
        if isinstance(node, SequenceNode) and not node.value:
            self.node_error(block, key, "hints is empty; give at least one hint, revealed one at "
                                        "a time")
            return None
        if isinstance(node, ScalarNode) and (not node.value.strip() or node.tag.endswith(":null")):
            self.node_error(block, key, "hints is empty; give at least one hint, as a list of "
                                        "'- hint' lines")
            return None
        found = self.texts(block, key, node, single_ok=False)
        return None if found is None else [text.strip() for text, _ in found]


class _Failed:
    """A block that was reported as wrong: not Markdown, not in the model."""


_FAILED: Any = _Failed()

_REQUIRED_NOTE = {
    "experiment": "an experiment needs run: (one of "
                  + ", ".join(catalog.EXPERIMENT_PARAMS)
                  + ") and may have params:, editable:, sweep:, view: and id:",
    "quiz": "a quiz needs id:, type: (choice, number or text) and prompt:",
    "exercise": "an exercise needs id:, implements:, starter: and hints:, and may have then:",
}

_TYPE_KEYS_NOTE = {
    "choice": "a choice quiz takes choices: and answer: (optional)",
    "number": "a number quiz takes answer: and tolerance:",
    "text": "a text quiz takes accept: and/or pattern:",
}


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


def _python_error(source: str) -> tuple[tuple[int, int], str] | None:
    """((line, col) 1-based within source, message) when source is not valid Python."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        line = exc.lineno or 1
        col = exc.offset or 1
        return (max(line, 1), max(col, 1)), f"{exc.msg} (line {line} of the code)"
    except (ValueError, RecursionError, MemoryError) as exc:
        return (1, 1), str(exc) or type(exc).__name__
    return None


def _yaml_hint(problem: str, exc: yaml.YAMLError) -> str:
    if "\\t" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "put text that contains ': ' in quotes, or use a '|' block"
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return "each line is 'key: value', and the lines under a key are indented the same"
    if "another document" in problem or "expected a single document" in str(exc):
        return "a block holds one YAML mapping; a '---' line inside it starts a second one"
    if "found undefined alias" in problem or "found character" in problem:
        return "put text that starts with a special character (* & ! % @ `) in quotes"
    return "each line is 'key: value'; put text with special characters in quotes"


def parse_lesson(path: Path, text: str | None = None) -> Lesson | BrokenLesson:
    """Read one lesson file; never raises for what the file contains."""
    path = Path(path)
    if text is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return BrokenLesson(path, [LessonError(Where(path), f"cannot read the file: "
                                                                f"{exc.strerror or exc}")])
        text, problem = decode(path, data)
        if problem is not None:
            return BrokenLesson(path, [problem])
    return _LessonReader(path, text).read()
