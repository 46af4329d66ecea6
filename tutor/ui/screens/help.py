"""Every key, on one screen (? or f1)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.i18n import t
from tutor.ui.widgets.keybar import KeyBar


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                border: round $accent; padding: 0 1; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = t("help.title", self.app.lang)
            yield Static(t("help.body", self.app.lang), id="help-body")
        yield KeyBar([("esc", "key.close")])
