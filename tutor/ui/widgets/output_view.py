"""What a run printed, its last value or its traceback: the end always in view, the rest a scroll away.

Output is kept from the end: a runaway print loop must not flood the screen or the memory, and the
line that matters most — the error, a RecursionError's last line — comes last. What was dropped
from the start is counted and said on the first line. Every chunk is made visible first
(tutor.safe_text), so nothing the learner's code prints can drive the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tutor.i18n import t
from tutor.safe_text import visible

# Output beyond this many characters is dropped from the start.
MAX_OUTPUT_CHARS = 8000
# A cut moves forward to the next line start, if one is this close, so no half line is kept.
LINE_SLACK = 200


class OutputView(VerticalScroll):
    """A scrollable view of a run's output, anchored to its end while output streams in."""

    DEFAULT_CSS = """
    OutputView { height: auto; max-height: 12; padding: 0 1; color: $text-muted; }
    OutputView.-error { color: $error; }
    OutputView > Static { height: auto; }
    """

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.kept = Text()
        self.dropped_chars = 0
        self.dropped_lines = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="output-text")

    def on_mount(self) -> None:
        self.display = False  # nothing empty is drawn before there is output
        # the end stays in view as output grows, until the learner scrolls up to read
        self.anchor()

    @property
    def plain(self) -> str:
        """The kept output as plain text (without the dropped-lines note)."""
        return self.kept.plain

    def clear(self, message: str = "") -> None:
        self.kept = Text(visible(message))
        self.dropped_chars = self.dropped_lines = 0
        self.remove_class("-error")
        self._show()
        self.anchor()

    def append(self, chunk: str, style: str = "") -> None:
        self.kept.append(visible(chunk), style=style)
        excess = len(self.kept) - MAX_OUTPUT_CHARS
        if excess > 0:
            plain = self.kept.plain
            newline = plain.find("\n", excess, excess + LINE_SLACK)
            cut = newline + 1 if newline >= 0 else excess
            self.dropped_chars += cut
            self.dropped_lines += plain.count("\n", 0, cut)
            self.kept = self.kept[cut:]
        self._show()

    def mark_error(self) -> None:
        self.add_class("-error")

    def _show(self) -> None:
        shown = Text()
        if self.dropped_chars:
            note = t("cell.output_dropped", self.lang, lines=self.dropped_lines, chars=self.dropped_chars)
            shown.append(note + "\n", style="italic")
        shown.append_text(self.kept)
        shown.rstrip()  # output ends with a line end: no blank row under it
        self.query_one("#output-text", Static).update(shown)
        self.display = bool(shown)
        self.call_after_refresh(self._clamp_scroll)

    def _clamp_scroll(self) -> None:
        # Anchored, the view scrolls to its end as it grows; when it grows in height in the same
        # refresh (1 line, then 2), the offset scrolled to before the new height can be left past
        # the end, hiding the first line above the view. Keep it within what the view can scroll.
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
