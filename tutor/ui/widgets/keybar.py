"""The footer: the keys that matter on this screen, in the learner's language.

Textual's Footer takes its labels from class-level bindings, which cannot follow a language
switch; this bar is rebuilt from i18n whenever the screen shows it.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tutor.i18n import t


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text; }
    """

    def __init__(self, keys: list[tuple[str, str]], **kwargs) -> None:
        super().__init__("", **kwargs)
        self.keys = keys

    def on_mount(self) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, label in self.keys:
            # nano's notation: ^n is ctrl+n; it keeps the whole bar within 80 columns
            key = "^" + key.removeprefix("ctrl+") if key.startswith("ctrl+") else key
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {t(label, self.app.lang)} ")
        self.update(text)
