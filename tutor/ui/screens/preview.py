"""What `tutor preview` shows while the lesson file is broken: its errors, in place of the lesson."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tutor.content.model import LessonError
from tutor.i18n import t
from tutor.safe_text import visible


class PreviewErrors(Screen[None]):
    """Every error of the file as `line:col: message`, and how to get the lesson back."""

    DEFAULT_CSS = """
    PreviewErrors #errors-title { padding: 0 1; text-style: bold; color: $error; }
    PreviewErrors #errors { height: 1fr; padding: 0 1; }
    PreviewErrors #errors-hint { padding: 0 1; color: $text-muted; }
    """

    def __init__(self, name: str, errors: list[LessonError], lang: str) -> None:
        super().__init__()
        self.file_name = name
        self.errors = errors
        self.lang = lang

    def compose(self) -> ComposeResult:
        key = "preview.broken.title.one" if len(self.errors) == 1 else "preview.broken.title"
        yield Static(t(key, self.lang, path=visible(self.file_name), n=len(self.errors)), id="errors-title")
        with VerticalScroll(id="errors"):
            for error in self.errors:
                where = f"{error.where.line}:{error.where.col}" if error.where.line else ""
                yield Static(Text(f"{where}  {visible(error.message)}"), classes="error")
        yield Static(t("preview.broken.hint", self.lang), id="errors-hint")
