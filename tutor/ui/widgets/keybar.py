"""The footer: the keys that matter on this screen now, in the learner's language.

Textual's Footer takes its labels from class-level bindings, which cannot follow a language switch
or the lesson screen's two modes; this bar shows the (key, label key) pairs its screen gives it.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tutor.i18n import t

Keys = list[tuple[str, str]]


def key_name(key: str) -> str:
    # nano's notation: ^n is ctrl+n; it keeps the whole bar within 80 columns
    return "^" + key.removeprefix("ctrl+") if key.startswith("ctrl+") else key


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; }
    """

    keys: reactive[Keys] = reactive(list, always_update=True)
    lang: reactive[str] = reactive("en")

    def __init__(self, keys: Keys, lang: str, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.set_reactive(KeyBar.keys, keys)
        self.set_reactive(KeyBar.lang, lang)

    def on_mount(self) -> None:
        self.show()

    def watch_keys(self) -> None:
        self.show()

    def watch_lang(self) -> None:
        self.show()

    def show(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, label in self.keys:
            text.append(f" {key_name(key)} ", style="bold reverse")
            text.append(f" {t(label, self.lang)} ")
        self.update(text)
