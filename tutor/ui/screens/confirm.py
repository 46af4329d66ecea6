"""A yes/no question before something that loses work (restarting a kernel that is running)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.ui.widgets.keybar import KeyBar


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True for y (or enter), False for n or esc."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", show=False),
        Binding("n,escape", "answer(False)", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen Vertical { width: 60; max-width: 100%; height: auto; border: round $warning;
                             padding: 0 1; background: $surface; }
    """

    def __init__(self, question: str, lang: str) -> None:
        super().__init__()
        self.question = question
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
        yield KeyBar([("y", "shell.key.yes"), ("n", "shell.key.no")], self.lang)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
