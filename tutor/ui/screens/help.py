"""Every key, on one screen (? or f1). In a browser, only the keys a web page can receive."""

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

    def __init__(self, lang: str, in_browser: bool = False) -> None:
        super().__init__()
        self.lang = lang
        self.in_browser = in_browser

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = t("help.title", self.lang)
            body = "shell.help.browser" if self.in_browser else "shell.help.terminal"
            yield Static(t(body, self.lang), id="help-body")
        yield KeyBar([("esc", "key.close")], self.lang)
