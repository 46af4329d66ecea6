"""The words a learner may type at any plain-mode prompt, in English and Chinese.

Both languages' words work whatever the lesson's language; `help` lists those of the learner's.
Only whole words count, never single letters: a text quiz may well be answered "b" (the bias).
To give a command word as a quiz answer, put it in quotes ("next"): the grader drops the quotes.
"""

from __future__ import annotations

import unicodedata

COMMANDS: dict[str, tuple[str, ...]] = {
    "next": ("next", "下一步"),
    "back": ("back", "previous", "上一步", "返回"),
    "again": ("again", "run again", "rerun", "再运行", "重新运行"),
    "hint": ("hint", "提示"),
    "skip": ("skip", "跳过"),
    "lessons": ("lessons", "课程", "课程列表"),
    "quit": ("quit", "exit", "退出"),
    "help": ("help", "?", "？", "帮助"),
}

class Move(Exception):
    """`next` or `back` at a prompt: go to another step."""

    def __init__(self, delta: int) -> None:
        self.delta = delta


class Leave(Exception):
    """Leave the lesson: `why` is "lessons" (to the list), "quit", or "eof" (end of input)."""

    def __init__(self, why: str) -> None:
        self.why = why


_BY_WORD = {word: name for name, words in COMMANDS.items() for word in words}


def command_of(line: str) -> str | None:
    """The command `line` names ("next", "hint", ...), or None if it is not one."""
    key = " ".join(unicodedata.normalize("NFKC", line).casefold().split())
    return _BY_WORD.get(key)
