"""Shown instead of the home screen when the learner already has a session open (two SSH
logins, two browser tabs): it says which, and offers only safe choices (tutor/session_lock.py)."""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from tutor.i18n import t
from tutor.session_lock import Holder, SessionLock
from tutor.ui.widgets.keybar import KeyBar

TAKE_OVER_TIMEOUT = 5.0


class SecondSessionScreen(Screen[bool]):
    """Dismissed with True once this session holds the lock (taken over), False to quit."""

    BINDINGS = [
        Binding("t", "take_over", show=False),
        Binding("q,escape", "quit_here", show=False),
    ]
    DEFAULT_CSS = """
    SecondSessionScreen { align: center middle; }
    SecondSessionScreen Vertical { width: 76; max-width: 100%; height: auto; border: round $warning;
                                   padding: 0 1; }
    SecondSessionScreen #choices { margin-top: 1; }
    """

    def __init__(self, lock: SessionLock, holder: Holder, front_end: str, lang: str) -> None:
        super().__init__()
        self.session_lock = lock
        self.holder = holder
        self.front_end = front_end
        self.lang = lang

    def compose(self) -> ComposeResult:
        holder = self.holder
        where = t(f"session.{holder.front_end}", self.lang) if holder.front_end in ("terminal", "web", "plain") else "?"
        with Vertical():
            yield Static(t("session.other", self.lang, since=holder.since_text(), front_end=where,
                           pid=holder.pid or "?", host=holder.host or "?"), id="other")
            choices = t("session.choices" if holder.here else "session.elsewhere", self.lang)
            yield Static(choices, id="choices")
        keys = [("t", "session.key.take_over")] if holder.here else []
        yield KeyBar([*keys, ("q", "session.key.quit")], self.lang)

    def action_quit_here(self) -> None:
        self.dismiss(False)

    def action_take_over(self) -> None:
        if self.holder.here:
            self.query_one("#choices", Static).update(t("session.taking_over", self.lang))
            self.take_over()

    @work(exclusive=True, exit_on_error=False)
    async def take_over(self) -> None:
        taken = await asyncio.to_thread(self.session_lock.take_over, self.holder, self.front_end, TAKE_OVER_TIMEOUT)
        if taken:
            self.dismiss(True)
        else:
            self.query_one("#choices", Static).update(
                t("session.take_over_failed", self.lang, seconds=int(TAKE_OVER_TIMEOUT)))
