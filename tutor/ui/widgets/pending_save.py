"""Saving an editor's text shortly after the learner stops typing, and at once on `flush()`.

Saving on every keystroke is cheap (a few hundred bytes, atomically) but costs an fsync each time;
a short pause spares the disk while the learner types a word. The text to save is kept here when
it changes, so `flush()` never needs the editor widget: it works while the step is being torn
down, after the editor was removed (issue 11's one crash: a flush that queried `#editor` then).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget

SAVE_DELAY = 0.3


class PendingSave:
    """The edit not saved yet, and the timer that will save it."""

    def __init__(self, owner: Widget, save: Callable[[str], None], delay: float = SAVE_DELAY) -> None:
        self._owner = owner
        self._save = save
        self._delay = delay
        self._text: str | None = None
        self._timer: Timer | None = None

    @property
    def pending(self) -> bool:
        return self._text is not None

    def changed(self, text: str) -> None:
        """The learner changed the text: save it after the pause (or at the next flush)."""
        self._text = text
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._owner.set_timer(self._delay, self.flush, name="save-edit")

    def flush(self) -> None:
        """Save the pending text now; nothing when there is none."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text, self._text = self._text, None
        if text is not None:
            self._save(text)
