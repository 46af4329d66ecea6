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

EXERCISE_KEYS = ("id", "implements", "starter", "hints", "then")
_REQUIRED = ("id", "implements", "starter", "hints")
REQUIRED_NOTE = "an exercise needs id:, implements:, starter: and hints:, and may have then:"


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
        starter = _starter(block, entries["starter"], implements)
    hints = _hints(block, entries["hints"]) if "hints" in entries else None
    ok = ok and None not in (ident, implements, starter, hints)
    then = None
    if "then" in entries:
        key, value = entries["then"]
        then = read_experiment(block, value, Where(block.ctx.path, *block.at(key)),
                               "then: (the experiment run with the learner's function)",
                               block.at(key))
        ok = ok and then is not None
    if not ok:
        return None
    return Exercise(ident, implements, starter, where, hints=hints, then=then)


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


def _starter(block: YamlBlock, entry: tuple[Node, Node], implements: str | None) -> str | None:
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
        block.error(line, col, f"the starter is not valid Python: {message}")
        return None
    if implements is not None:
        name = implements.rpartition(".")[2]
        tree = ast.parse(source)
        if not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
                   for n in tree.body):
            block.node_error(key, f"the starter must define {name}(...), the function the "
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
