"""The one interface every lesson block the learner acts on implements (code cell, experiment,
exercise, quiz), and the messages blocks post up to their screen.

Attributes down, messages up (Textual's guide): the screen builds each block with what it needs
(the kernel host, the lesson's progress, the language) and handles what blocks post; a block never
reaches into `self.app.<service>`. Each block has one runner: `run()` starts it unless it is already
running, in which case it posts `AlreadyRunning` and the screen says so — a second ctrl+r never
queues a second run. `running` is a reactive, so a block's Run button follows it (disabled while a
run is on) without hand-written updates.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive


class LessonBlock(Vertical):
    """A block of a step with something to run (run), to put back (reset) or to hint (hint).

    Subclasses implement `start_run()` (start the block's exclusive worker and return; the worker
    sets `running` back to False when it ends, however it ends) and override `reset`, `hint` and
    `flush` where they mean something. `flush()` saves whatever the learner typed and is not saved
    yet: the screen calls it before the block goes away (leaving the step, quitting, a signal).
    """

    running: reactive[bool] = reactive(False)

    # -- messages -------------------------------------------------------------------------

    @dataclass
    class AlreadyRunning(Message):
        """Posted when `run()` is asked while this block's run is still going."""

        block: "LessonBlock"

    @dataclass
    class Failed(Message):
        """Posted when a block's run failed inside the tutor (not in the learner's code): the
        screen shows `error` so that nothing is left saying "running…" for good."""

        block: "LessonBlock"
        error: str

    # -- the interface --------------------------------------------------------------------

    def run(self) -> None:
        """ctrl+r: start this block's run, or say that it is already running."""
        if self.running:
            self.post_message(self.AlreadyRunning(self))
            return
        self.start_run()

    def start_run(self) -> None:
        raise NotImplementedError

    def reset(self) -> bool:
        """ctrl+o: put the lesson's version back; False when the block has nothing to reset."""
        return False

    def hint(self) -> bool:
        """ctrl+t: show the next hint; False when the block has none."""
        return False

    def flush(self) -> None:
        """Save pending edits now."""
