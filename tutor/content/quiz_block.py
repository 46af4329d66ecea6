"""```quiz blocks: a choice, number or text quiz, with the keys each type takes."""

from __future__ import annotations

import re

from yaml.nodes import Node, ScalarNode, SequenceNode

from tutor.content.context import FAILED
from tutor.content.fields import YamlBlock
from tutor.content.model import Choice, Quiz, Where
from tutor.content.words import quoted, suggest

QUIZ_TYPES = ("choice", "number", "text")
QUIZ_KEYS = ("id", "type", "prompt", "choices", "answer", "tolerance", "accept", "pattern",
             "shuffle", "hint", "explain")
CHOICE_KEYS = ("text", "correct", "why")
# keys that belong to one quiz type only, and the type they belong to
_QUIZ_TYPE_KEYS = {"choices": "choice", "shuffle": "choice", "tolerance": "number",
                   "accept": "text", "pattern": "text"}

REQUIRED_NOTE = "a quiz needs id:, type: (choice, number or text) and prompt:"
_TYPE_KEYS_NOTE = {
    "choice": "a choice quiz takes choices:, and optionally answer: and shuffle:",
    "number": "a number quiz takes answer: and tolerance:",
    "text": "a text quiz takes accept: and/or pattern:",
}


def read_quiz(block: YamlBlock, node: Node, where: Where) -> Quiz | None:
    at = (where.line, where.col)
    entries = block.mapping(node, "the quiz block", QUIZ_KEYS, ("id", "type", "prompt"), at,
                            REQUIRED_NOTE)
    if entries is None:
        return None
    ok = all(k in entries for k in ("id", "type", "prompt"))
    ident = block.identifier(*entries["id"], "quiz") if "id" in entries else None
    kind = block.text(*entries["type"]) if "type" in entries else None
    prompt = block.text(*entries["prompt"]) if "prompt" in entries else None
    ok = ok and None not in (ident, kind, prompt)
    if kind is not None and kind not in QUIZ_TYPES:
        block.node_error(entries["type"][1],
                         f"unknown quiz type {kind!r}{suggest(kind, QUIZ_TYPES)}; types: "
                         f"choice (pick among choices), number (answer with tolerance), "
                         f"text (accept list or pattern)")
        return None
    quiz = Quiz(ident or "", kind or "", (prompt or "").strip(), where)
    for name in ("hint", "explain"):
        if name in entries:
            text = block.text(*entries[name])
            ok = ok and text is not None
            setattr(quiz, name, (text or "").strip())
    if kind is None:
        return None
    for name, owner in _QUIZ_TYPE_KEYS.items():
        if name in entries and owner != kind:
            ok = False
            block.node_error(entries[name][0],
                             f"{name!r} belongs to {owner} quizzes; {_TYPE_KEYS_NOTE[kind]}")
    if kind == "choice":
        ok = _choice_quiz(block, entries, quiz, at) and ok
    elif kind == "number":
        ok = _number_quiz(block, entries, quiz, at) and ok
    else:
        ok = _text_quiz(block, entries, quiz, at) and ok
    return quiz if ok else None


def _choice_quiz(block: YamlBlock, entries: dict, quiz: Quiz, at: tuple[int, int]) -> bool:
    if "choices" not in entries:
        block.error(*at, "a choice quiz needs choices:, a list of {text, correct, why}")
        return False
    key, node = entries["choices"]
    if not isinstance(node, SequenceNode) or len(node.value) < 2:
        block.node_error(key, "choices must be a list of at least two choices, each "
                              "'- text: ...' with correct: true on the right one(s) "
                              "and an optional why:")
        return False
    ok = True
    seen: dict[str, int] = {}
    flagged: set[int] = set()
    for index, item in enumerate(node.value):
        choice = _choice(block, item)
        if choice is None:
            ok = False
            continue
        if choice.text in seen:
            ok = False
            block.node_error(item, f"the choice {choice.text!r} is given twice; each choice "
                                   f"needs its own text")
            continue
        seen[choice.text] = index
        if choice.correct:
            flagged.add(index)
        quiz.choices.append(choice)
    if not ok:
        return False
    if "shuffle" in entries:
        shuffle = block.value(entries["shuffle"][1])
        if not isinstance(shuffle, bool):
            if shuffle is not FAILED:
                block.node_error(entries["shuffle"][1],
                                 "shuffle must be true (each learner sees the options in an order "
                                 "of their own, the default) or false (the order written here)")
            return False
        quiz.shuffle = shuffle
    if "answer" in entries:
        answers = block.texts(*entries["answer"], single_ok=True)
        if answers is None:
            return False
        chosen: set[int] = set()
        for text, item in answers:
            if text.strip() not in seen:
                block.node_error(item, f"the answer {text!r} is not among the choices; the "
                                       f"choices are: {quoted(repr(c.text) for c in quiz.choices)}")
                return False
            chosen.add(seen[text.strip()])
        if flagged and flagged != chosen:
            block.node_error(entries["answer"][0],
                             "answer: and the choices' correct: disagree; use one of them")
            return False
        for index in chosen:
            quiz.choices[index].correct = True
    if not any(c.correct for c in quiz.choices):
        block.node_error(key, "no choice is correct; add correct: true to the right "
                              "choice(s), or give answer: with the right choice's text")
        return False
    return True


def _choice(block: YamlBlock, item: Node) -> Choice | None:
    if isinstance(item, ScalarNode):
        if not item.value.strip() or item.tag.endswith(":null"):
            block.node_error(item, "a choice is empty; write its text")
            return None
        return Choice(item.value.strip())
    entries = block.mapping(item, "a choice", CHOICE_KEYS, ("text",), block.at(item),
                            "a choice is text: with optional correct: true/false and why:")
    if entries is None or "text" not in entries:
        return None
    text = block.text(*entries["text"])
    choice = Choice((text or "").strip())
    ok = text is not None
    if "correct" in entries:
        correct = block.value(entries["correct"][1])
        if not isinstance(correct, bool):
            ok = False
            if correct is not FAILED:
                block.node_error(entries["correct"][1], "correct must be true or false")
        else:
            choice.correct = correct
    if "why" in entries:
        why = block.text(*entries["why"])
        ok = ok and why is not None
        choice.why = (why or "").strip()
    return choice if ok else None


def _number_quiz(block: YamlBlock, entries: dict, quiz: Quiz, at: tuple[int, int]) -> bool:
    if "answer" not in entries:
        block.error(*at, "a number quiz needs answer: with the right number (and optionally "
                         "tolerance:, how far an answer may be from it)")
        return False
    quiz.answer = block.number(entries["answer"][1], "answer")
    ok = quiz.answer is not None
    if "tolerance" in entries:
        tolerance = block.number(entries["tolerance"][1], "tolerance", minimum=0.0)
        ok = ok and tolerance is not None
        quiz.tolerance = tolerance or 0.0
    return ok


def _text_quiz(block: YamlBlock, entries: dict, quiz: Quiz, at: tuple[int, int]) -> bool:
    if "answer" in entries:
        block.node_error(entries["answer"][0], "a text quiz takes accept: (a list of right "
                                               "answers) or pattern: (a regular expression), "
                                               "not answer:")
        return False
    if "accept" not in entries and "pattern" not in entries:
        block.error(*at, "a text quiz needs accept: (a list of right answers) or pattern: "
                         "(a regular expression the whole answer must match)")
        return False
    ok = True
    if "accept" in entries:
        accepted = block.texts(*entries["accept"], single_ok=True)
        ok = accepted is not None
        quiz.accept = [text.strip() for text, _ in accepted or []]
    if "pattern" in entries:
        key, node = entries["pattern"]
        pattern = block.text(key, node)
        if pattern is None:
            return False
        try:
            re.compile(pattern, re.IGNORECASE)
        except (re.error, OverflowError, RecursionError, ValueError) as exc:
            line, col = block.at(node)
            position = getattr(exc, "pos", None)
            if position is not None and node.start_mark.line == node.end_mark.line:
                col += position + (1 if node.style in ("'", '"') else 0)
            reason = getattr(exc, "msg", None) or str(exc)
            block.error(line, col, f"pattern is not a valid regular expression: {reason}; "
                                   f"it must match the whole answer (case does not matter)")
            return False
        quiz.pattern = pattern
    return ok
