"""```exercise blocks: the core function the learner writes, its starter, hints and then:."""

from __future__ import annotations

import ast

from yaml.nodes import Node, ScalarNode, SequenceNode

from tutor.content import catalog
from tutor.content.experiment_block import read_experiment
from tutor.content.fields import YamlBlock
from tutor.content.model import Exercise, Where
from tutor.content.python_block import python_error
from tutor.content.words import quoted, suggest

EXERCISE_KEYS = ("id", "implements", "starter", "hints", "solution", "reveal", "then")
_REQUIRED = ("id", "implements", "starter", "hints")
REQUIRED_NOTE = ("an exercise needs id:, implements:, starter: and hints:, and may have "
                 "solution:, reveal: and then:")
# when the learner may ask for the solution
REVEAL_RULES = ("after-hints", "always", "never")
_REVEAL_NOTE = ("after-hints (once every hint was shown, the default), always (at any time) or "
                "never")


def read_exercise(block: YamlBlock, node: Node, where: Where) -> Exercise | None:
    at = (where.line, where.col)
    entries = block.mapping(node, "the exercise block", EXERCISE_KEYS, _REQUIRED, at,
                            REQUIRED_NOTE)
    if entries is None:
        return None
    ok = all(k in entries for k in _REQUIRED)
    ident = block.identifier(*entries["id"], "exercise") if "id" in entries else None
    implements = _implements(block, entries["implements"]) if "implements" in entries else None
    starter = None
    if "starter" in entries:
        starter = _function(block, entries["starter"], implements, "the starter")
    hints = _hints(block, entries["hints"]) if "hints" in entries else None
    ok = ok and None not in (ident, implements, starter, hints)
    solution, reveal = "", REVEAL_RULES[0]
    if "solution" in entries:
        solution = _function(block, entries["solution"], implements, "the solution") or ""
        ok = ok and bool(solution)
    if "reveal" in entries:
        reveal = _reveal(block, entries["reveal"], has_solution="solution" in entries) or ""
        ok = ok and bool(reveal)
    then = None
    if "then" in entries:
        key, value = entries["then"]
        then = read_experiment(block, value, Where(block.ctx.path, *block.at(key)),
                               "then: (the experiment run with the learner's function)",
                               block.at(key))
        ok = ok and then is not None
    if not ok or ident is None or implements is None or starter is None or hints is None:
        return None
    return Exercise(ident, implements, starter, where, hints=hints, then=then, solution=solution,
                    reveal=reveal)


def _implements(block: YamlBlock, entry: tuple[Node, Node]) -> str | None:
    name = block.text(*entry)
    if name is None:
        return None
    if name not in catalog.PRACTICE_TARGETS:
        reason = ("has no practice check" if name in catalog.show_targets()
                  else f"is not a core function{suggest(name, catalog.PRACTICE_TARGETS)}")
        block.node_error(entry[1], f"{name} {reason}; an exercise can implement: "
                                   f"{quoted(catalog.PRACTICE_TARGETS)}")
        return None
    return name


def _reveal(block: YamlBlock, entry: tuple[Node, Node], has_solution: bool) -> str | None:
    key, node = entry
    rule = block.text(key, node)
    if rule is None:
        return None
    if rule not in REVEAL_RULES:
        block.node_error(node, f"unknown reveal rule {rule!r}{suggest(rule, REVEAL_RULES)}; "
                               f"the solution can be shown {_REVEAL_NOTE}")
        return None
    if not has_solution:
        block.node_error(key, "reveal: says when the solution is shown, but there is no "
                              "solution:; add one (a function that passes the check)")
        return None
    return rule


def _function(block: YamlBlock, entry: tuple[Node, Node], implements: str | None,
              what: str) -> str | None:
    """The starter's or the solution's source: valid Python that defines the function."""
    key, node = entry
    source = block.text(key, node)
    if source is None:
        return None
    problem = python_error(source)
    if problem:
        (row, col), message = problem
        line, col0 = block.at(node)
        if node.style in ("|", ">"):
            # a block scalar's text starts on the line after its | or >
            first = line - block.line + 1
            content = block.lines[first] if first < len(block.lines) else ""
            indent = len(content) - len(content.lstrip(" "))
            line, col = line + row, block.col + indent + col
        elif node.start_mark.line == node.end_mark.line:
            col = col0 + col - 1 + (1 if node.style in ("'", '"') else 0)
        block.error(line, col, f"{what} is not valid Python: {message}")
        return None
    if implements is not None:
        name = implements.rpartition(".")[2]
        tree = ast.parse(source)
        if not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
                   for n in tree.body):
            block.node_error(key, f"{what} must define {name}(...), the function the "
                                  f"learner writes")
            return None
    return source


def _hints(block: YamlBlock, entry: tuple[Node, Node]) -> list[str] | None:
    key, node = entry
    if isinstance(node, SequenceNode) and not node.value:
        block.node_error(key, "hints is empty; give at least one hint, revealed one at a time")
        return None
    if isinstance(node, ScalarNode) and (not node.value.strip() or node.tag.endswith(":null")):
        block.node_error(key, "hints is empty; give at least one hint, as a list of '- hint' "
                              "lines")
        return None
    found = block.texts(key, node, single_ok=False)
    return None if found is None else [text.strip() for text, _ in found]
