"""A YAML text of the lesson file (front matter, a block's body) read into typed values.

The text is read with yaml.compose so that every key and value keeps its own line and column,
and an error can point at the exact place in the lesson file rather than at its block.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.content import catalog
from tutor.content.context import FAILED, Context
from tutor.content.words import closest, quoted, suggest

# libyaml is several times faster than the pure-Python reader; both give the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
ID_RULE = ("lowercase letters, digits and '-', starting with a letter or digit "
           "(like remainder-batch)")


class YamlBlock:
    """Where a YAML text sits in the file, to turn YAML marks (0-based) into file positions."""

    def __init__(self, ctx: Context, line: int, col: int, lines: list[str], kind: str):
        self.ctx = ctx
        self.line = line    # file line of the YAML text's first line
        self.col = col      # columns removed from the start of each line (a fence's indentation)
        self.lines = lines  # the YAML text's lines, as YAML saw them
        self.kind = kind    # "front matter", "quiz block", ... for messages

    # -- positions and errors -------------------------------------------------------------------

    def at(self, node: Node | None) -> tuple[int, int]:
        if node is None:
            return self.line - 1, self.col + 1
        return self.line + node.start_mark.line, self.col + node.start_mark.column + 1

    def error(self, line: int, col: int, message: str) -> None:
        self.ctx.error(line, col, message)

    def node_error(self, node: Node | None, message: str) -> None:
        self.ctx.error(*self.at(node), message)

    # -- the YAML text --------------------------------------------------------------------------

    def compose(self) -> Node | bool | None:
        """The YAML node of the text (None when empty); False after reporting bad YAML."""
        text = "\n".join(self.lines)
        try:
            return yaml.compose(text, Loader=_Loader)
        except RecursionError:
            self.error(self.line, self.col + 1, f"bad YAML in the {self.kind}: it is nested "
                                                f"too deeply; write plain key: value lines")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "unreadable YAML"
            if mark is None:
                line, col = self.line, self.col + 1
            else:
                line, col = self.line + mark.line, self.col + mark.column + 1
            tab = (mark is not None and mark.line < len(self.lines)
                   and self.lines[mark.line][mark.column:mark.column + 1] == "\t")
            indented = _misindented_key(self.lines, mark) if mark is not None else None
            if indented is not None:
                key, above, key_col, above_col = indented
                line, col = self.line + mark.line, self.col + key_col + 1
                self.error(line, col, f"bad YAML in the {self.kind}: {key}: is indented to "
                                      f"column {self.col + key_col + 1} but {above}: above it to "
                                      f"column {self.col + above_col + 1}; the keys of one "
                                      f"item line up: indent {key}: like {above}:")
                return False
            hint = "indent with spaces, not tabs" if tab else _yaml_hint(problem, exc)
            self.error(line, col, f"bad YAML in the {self.kind}: {problem}; {hint}")
        except yaml.YAMLError as exc:
            position = getattr(exc, "position", None)
            if isinstance(position, int):
                before = text[:position]
                line = self.line + before.count("\n")
                col = self.col + position - (before.rfind("\n") + 1) + 1
            else:
                line, col = self.line, self.col + 1
            reason = getattr(exc, "reason", None) or str(exc)
            self.error(line, col, f"bad YAML in the {self.kind}: {reason}; remove control "
                                  f"characters and write plain text")
        return False

    # -- typed fields ---------------------------------------------------------------------------

    def mapping(self, node: Node | None, what: str, allowed: tuple[str, ...],
                required: tuple[str, ...], at: tuple[int, int], note: str
                ) -> dict[str, tuple[ScalarNode, Node]] | None:
        """The entries of a mapping by key, after reporting unknown, repeated and missing keys."""
        if not isinstance(node, MappingNode):
            shape = ("empty" if node is None else "a list" if isinstance(node, SequenceNode)
                     else "a single value")
            line, col = at if node is None else self.at(node)
            self.error(line, col, f"{what} must be 'key: value' lines, not {shape}; {note}")
            return None
        entries: dict[str, tuple[ScalarNode, Node]] = {}
        meant: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.node_error(key, f"a key in {what} must be a plain word; allowed keys: "
                                     f"{quoted(allowed)}")
                continue
            name = key.value
            if name in entries:
                first = entries[name][0].start_mark.line + self.line
                self.node_error(key, f"{name!r} is given twice in {what} (first at line "
                                     f"{first}); keep one")
                continue
            if name not in allowed:
                meant.add(closest(name, allowed) or "")
                self.node_error(key, f"unknown key {name!r} in {what}{suggest(name, allowed)}; "
                                     f"allowed keys: {quoted(allowed)}")
                continue
            entries[name] = (key, value)
        for name in required:
            # a misspelt key was already reported with a "did you mean"
            if name not in entries and name not in meant:
                self.error(*at, f"{what} has no {name!r} key; {note}")
        return entries

    def text(self, key: Node, value: Node, *, what: str = "") -> str | None:
        """A text value as written (YAML's `yes` stays the text 'yes')."""
        name = what or key.value
        if isinstance(value, ScalarNode):
            if value.tag.endswith(":null") or not value.value.strip():
                self.node_error(key, f"{name} is empty; write it, or remove the key")
                return None
            return value.value
        shape = "a list" if isinstance(value, SequenceNode) else "a mapping"
        self.node_error(value, f"{name} must be text, not {shape}")
        return None

    def value(self, node: Node) -> Any:
        """The Python value of a node; FAILED after reporting what YAML could not read."""
        try:
            return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
        except Exception as exc:  # pyyaml's constructors raise assorted errors on odd tags
            problem = getattr(exc, "problem", None) or str(exc) or type(exc).__name__
            self.node_error(node, f"cannot read this value: {problem}")
            return FAILED

    def identifier(self, key: Node, value: Node, kind: str) -> str | None:
        """A block's id: well formed, and not given to another block of its kind in the file."""
        ident = self.text(key, value)
        if ident is None:
            return None
        if not ID_PATTERN.match(ident):
            self.node_error(value, f"{kind} id {ident!r} is not allowed; use {ID_RULE}")
            return None
        seen = self.ctx.ids[kind]
        line = self.at(value)[0]
        if ident in seen:
            self.node_error(value, f"{kind} id {ident!r} is already used at line {seen[ident]} "
                                   f"of this file; each {kind} needs its own id")
            return None
        seen[ident] = line
        return ident

    def number(self, node: Node, name: str, minimum: float | None = None) -> float | None:
        raw = self.value(node)
        if raw is FAILED:
            return None
        number = catalog.parse_number(raw)
        if (number is None or not math.isfinite(number)
                or (minimum is not None and number < minimum)):
            bound = f" of at least {minimum:g}" if minimum is not None else ""
            self.node_error(node, f"{name} must be a number{bound}, like 0.5 or 40")
            return None
        return float(number)

    def texts(self, key: Node, value: Node, *, single_ok: bool) -> list[tuple[str, Node]] | None:
        """A list of texts, each with its node; a single text too when single_ok."""
        if isinstance(value, ScalarNode) and single_ok:
            text = self.text(key, value)
            return None if text is None else [(text, value)]
        if not isinstance(value, SequenceNode):
            self.node_error(value, f"{key.value} must be a list, one '- item' per line")
            return None
        found = []
        for item in value.value:
            if (not isinstance(item, ScalarNode) or not item.value.strip()
                    or item.tag.endswith(":null")):
                self.node_error(item, f"each item of {key.value} must be text, not empty, "
                                      f"not a list or mapping")
                return None
            found.append((item.value, item))
        return found


_KEY_LINE = re.compile(r"( *(?:- +)?)([A-Za-z_][\w-]*):(?: |\Z)")


def _misindented_key(lines: list[str], mark: yaml.Mark) -> tuple[str, str, int, int] | None:
    """(key, the key above, their columns) when YAML's "mapping values are not allowed" comes
    from a key indented unlike the key on the line above, as in

        - text: 40
           correct: true

    where YAML reads "40 correct" as one text and then trips on the second ':'.
    """
    if not 0 < mark.line < len(lines):
        return None
    here = _KEY_LINE.match(lines[mark.line])
    if here is None or mark.column not in (here.start(2), here.end(2)):
        return None
    text_above = next((text for text in reversed(lines[:mark.line]) if text.strip()), "")
    above = _KEY_LINE.match(text_above)
    if above is None:
        return None
    key_col, above_col = here.start(2), above.start(2)
    opens_a_mapping = text_above.rstrip().endswith(":") and key_col > above_col
    if key_col == above_col or opens_a_mapping:
        return None
    return here.group(2), above.group(2), key_col, above_col


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
