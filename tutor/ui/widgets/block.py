"""The one interface every lesson block the learner acts on implements (code cell, experiment,
exercise, quiz), and the messages blocks post up to their screen.

Attributes down, messages up (Textual's guide): the screen builds each block as
`Block(model, context)` with a `LessonContext` (tutor/ui/context.py: the kernel host, the lesson's
progress, the language, the settings) and handles what blocks post; a block never reaches into
`self.app.<service>`. Each block has one runner: `run()` starts it unless it is already running, in
which case it posts `AlreadyRunning` and the screen says so — a second ctrl+r never queues a second
run. `running` is a reactive, so a block's Run button follows it (disabled while a run is on)
without hand-written updates. A worker of the block that fails (an exception inside the tutor,
not in the learner's code) ends the run and becomes a `Failed` message: nothing is left saying
"running…" for good.

Focus, the Jupyter model: a block can hold the focus itself. Focused, it is *selected* (command
mode: its border shows it, bare-letter keys act on it, typing goes nowhere); `enter()` moves the
focus inside it (edit mode) and the screen's esc brings it back to the block.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState


class LessonBlock(Vertical, can_focus=True):
    """A block of a step with something to run (run), to put back (reset) or to hint (hint).

    Subclasses implement `start_run()` (start the block's exclusive worker and return; the worker
    sets `running` back to False when it ends, however it ends) and override `reset`, `hint`,
    `external_edit` and `flush` where they mean something. `flush()` saves whatever the learner
    typed and is not saved yet: the screen calls it before the block goes away (leaving the step,
    quitting, a signal, a kernel restart).
    """

    running: reactive[bool] = reactive(False)

    # -- messages -------------------------------------------------------------------------

    @dataclass
    class AlreadyRunning(Message):
        """Posted when `run()` is asked while this block's run is still going."""

        block: LessonBlock

    @dataclass
    class Failed(Message):
        """Posted when a block's run failed inside the tutor (not in the learner's code): the
        screen shows `error` so that nothing is left saying "running…" for good."""

        block: LessonBlock
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

    def external_edit(self) -> bool:
        """ctrl+g: edit in the learner's own editor; False when the block has nothing to edit."""
        return False

    def flush(self) -> None:
        """Save pending edits now."""

    # -- focus ------------------------------------------------------------------------------

    def enter(self) -> bool:
        """Edit mode: focus the block's first focusable part; False when it has none."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return True
        return False

    # -- failures -----------------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.running = False
            self.post_message(self.Failed(self, f"{type(event.worker.error).__name__}: {event.worker.error}"))
