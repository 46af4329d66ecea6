"""What every plain-mode block handler shares: the session, the lesson and its progress key.

The handlers (cells.py, experiments.py, quizzes.py, exercises.py) each do what their app widget
does, through the same shared pieces: the kernel client for running, `tutor.quiz.grade` for
verdicts, the progress store (by `lesson.key`) for what the learner did, `tutor.narrate` for the
curve in words. Everything from the kernel or a lesson goes through `visible()` before it is printed.
"""

from __future__ import annotations

from tutor.content.model import Lesson
from tutor.plain.session import Session
from tutor.plain.text import markdown_lines


class Blocks:
    def __init__(self, session: Session, lesson: Lesson) -> None:
        self.s = session
        self.lesson = lesson
        self.key = lesson.key

    @property
    def lang(self) -> str:
        return self.s.lang

    def md(self, text: str, indent: str = "") -> list[str]:
        """Lesson Markdown (a hint, an option, a why) as lines, `indent` in front of each."""
        console = self.s.console
        lines = markdown_lines(text, console.width - len(indent), console.style)
        return [indent + line for line in lines] or [indent]
