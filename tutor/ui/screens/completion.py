"""The end of the course: the learner's own record (lessons, quizzes right first time, exercises)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from tutor.content.model import Lesson
from tutor.i18n import t
from tutor.progress import ProgressStore
from tutor.safe_text import visible
from tutor.ui.navigation import record
from tutor.ui.widgets.keybar import KeyBar


class CompletionScreen(Screen[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss", show=False)]
    DEFAULT_CSS = """
    CompletionScreen { align: center middle; }
    CompletionScreen Vertical { width: 74; max-width: 100%; height: auto; border: round $success;
                                padding: 1 2; }
    """

    def __init__(self, store: ProgressStore, lessons: list[Lesson], lang: str) -> None:
        super().__init__()
        self.record = record(store, lessons)
        self.lang = lang

    def compose(self) -> ComposeResult:
        r, lang = self.record, self.lang
        text = Text(t("shell.done.title" if r.complete else "shell.done.not_yet", lang) + "\n", style="bold")
        for title in r.unfinished:
            text.append(f"  · {visible(title)}\n")
        text.append("\n")
        text.append(t("shell.done.lessons", lang, n=r.lessons_done, m=r.lessons) + "\n")
        text.append(t("shell.done.quizzes", lang, n=r.quizzes_first_time, m=r.quizzes, solved=r.quizzes_solved) + "\n")
        text.append(t("shell.done.exercises", lang, n=r.exercises_passed, m=r.exercises) + "\n")
        if r.solutions_seen:
            text.append(t("shell.done.solutions", lang, n=r.solutions_seen) + "\n")
        with Vertical() as box:
            box.border_title = t("shell.done.box", lang)
            yield Static(text, id="record")
        yield KeyBar([("esc", "key.home")], lang)
