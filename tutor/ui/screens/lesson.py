"""A lesson, one `##` step per screen: prose, code, experiments, quizzes and exercises.

The screen builds each block of a step with the lesson's `LessonContext` and dispatches the
learner's keys to the selected block through the `LessonBlock` interface (run, reset, hint,
external_edit, flush). It keeps one focus model, Jupyter's:

- command mode: a block is selected (it holds the focus; its border shows it). tab / shift+tab
  select the next / previous block, up / down / page keys scroll, bare letters act (r run, o reset,
  t hint, n / p step, i interrupt, k restart the kernel), and nothing is typed anywhere;
- enter: edit mode, inside the selected block (its editor, inputs or options); tab stays inside it;
- esc: back to command mode on the same block; esc again: back to the lessons.
ctrl+ keys (ctrl+r, ctrl+n, ...) work in both modes, except in a browser, which keeps ctrl+n,
ctrl+t, ctrl+w for itself: there the footer and help show only the bare letters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Markdown, Static
from textual.worker import Worker, WorkerState

from tutor.content.catalog import source_of
from tutor.content.model import Block, Code, Exercise, Experiment, Lesson, Prose, Quiz
from tutor.i18n import t
from tutor.safe_text import visible
from tutor.ui.context import LessonContext
from tutor.ui.kernel_host import KernelStatus
from tutor.ui.widgets.block import LessonBlock
from tutor.ui.widgets.code_cell import CodeCell, CodeView
from tutor.ui.widgets.exercise import ExercisePanel
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.keybar import KeyBar, Keys
from tutor.ui.widgets.quiz import QuizPanel

# each block is built as Block(model, context)
PANELS: dict[type, Callable[[Any, LessonContext], LessonBlock]] = {
    Experiment: ExperimentPanel,
    Quiz: QuizPanel,
    Exercise: ExercisePanel,
}

STATUS_KEYS: dict[KernelStatus, str] = {
    "off": "shell.kernel.off",
    "loading": "kernel.loading",
    "ready": "kernel.ready",
    "busy": "kernel.busy",
    "restarting": "kernel.restarting",
    "stopped": "shell.kernel.stopped",
    "dead": "kernel.dead",
}

# The footer in each mode; in a browser, keys a page cannot capture are left out.
COMMAND_KEYS: Keys = [("enter", "shell.key.edit"), ("tab", "shell.key.select"), ("ctrl+r", "key.run"),
                      ("ctrl+n", "key.next"), ("ctrl+p", "key.previous"), ("esc", "key.home"), ("?", "key.help")]
EDIT_KEYS: Keys = [("esc", "shell.key.leave"), ("ctrl+r", "key.run"), ("ctrl+c", "key.interrupt"),
                   ("ctrl+n", "key.next"), ("ctrl+p", "key.previous"), ("f1", "key.help")]
BROWSER_COMMAND_KEYS: Keys = [("enter", "shell.key.edit"), ("tab", "shell.key.select"), ("r", "key.run"),
                              ("n", "key.next"), ("p", "key.previous"), ("esc", "key.home"), ("?", "key.help")]
BROWSER_EDIT_KEYS: Keys = [("esc", "shell.key.leave_to_run"), ("f1", "key.help")]


class LessonScreen(Screen[None]):
    BINDINGS = [
        # ctrl+ keys reach the screen even inside an editor (priority); bare letters only when the
        # focused widget does not use them, i.e. in command mode (an editor or input types them)
        Binding("ctrl+n", "next", priority=True, show=False),
        Binding("ctrl+p", "previous", priority=True, show=False),
        Binding("ctrl+r", "run", priority=True, show=False),
        Binding("ctrl+o", "reset", priority=True, show=False),
        Binding("ctrl+t", "hint", priority=True, show=False),
        Binding("ctrl+g", "external_edit", priority=True, show=False),
        # esc leaves an editor before the editor sees it (a TextArea would move the focus on)
        Binding("escape", "escape", priority=True, show=False),
        Binding("enter", "enter", show=False),
        # command mode only (check_action): inside a block, a letter is the block's, even where
        # the focused part does not type it (an option list, a button)
        Binding("n", "command('next')", show=False),
        Binding("p", "command('previous')", show=False),
        Binding("r", "command('run')", show=False),
        Binding("o", "command('reset')", show=False),
        Binding("t", "command('hint')", show=False),
        Binding("e", "command('external_edit')", show=False),
        Binding("i", "command('app.interrupt')", show=False),
        Binding("k", "command('app.restart_kernel')", show=False),
        Binding("q", "command('app.quit')", show=False),
    ]
    DEFAULT_CSS = """
    LessonScreen #bar { height: 1; background: $primary; color: $text; }
    LessonScreen #title { width: 1fr; height: 1; text-style: bold; padding: 0 0 0 1; text-wrap: nowrap;
                          text-overflow: ellipsis; }
    LessonScreen #counter { width: auto; padding: 0 1; }
    LessonScreen #kernel { width: auto; padding: 0 1; }
    LessonScreen #content { height: 1fr; padding: 0 1; }
    LessonScreen #content Markdown { margin: 0; padding: 0; }
    LessonScreen #content MarkdownH2 { margin: 0; }
    """

    @dataclass
    class Finished(Message):
        """Posted when the learner steps past the lesson's last step (the app opens what follows)."""

        lesson: Lesson

    def __init__(self, context: LessonContext, step: int = 0) -> None:
        super().__init__()
        self.context = context
        self.lesson = context.lesson
        self.step = max(0, min(step, len(self.lesson.steps) - 1))
        self.lang = context.lang
        self.in_browser = context.settings.in_browser

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Static(visible(self.lesson.title), id="title")
            yield Static(id="counter")
            yield Static(id="kernel")
        yield VerticalScroll(id="content")
        yield KeyBar(self.keys_for(editing=False), self.lang)

    async def on_mount(self) -> None:
        self.watch(self.app, "kernel_status", self.show_kernel_status)
        # the kernel starts when a lesson opens (not at the home screen): torch loads while the
        # learner reads the first step
        self.run_worker(self.context.host.ensure_started(), exit_on_error=False)
        await self.show_step(self.step)

    def show_kernel_status(self, status: KernelStatus) -> None:
        self.query_one("#kernel", Static).update(t(STATUS_KEYS[status], self.lang))

    # -- steps -------------------------------------------------------------

    @property
    def content(self) -> VerticalScroll:
        return self.query_one("#content", VerticalScroll)

    def blocks(self) -> list[LessonBlock]:
        return list(self.content.query_children(LessonBlock))

    def flush(self) -> None:
        """Save every block's pending edits (before the step goes away)."""
        for block in self.blocks():
            block.flush()

    async def show_step(self, index: int) -> None:
        self.flush()
        self.step = index
        step = self.lesson.steps[index]
        self.query_one("#counter", Static).update(t("lesson.step", self.lang, n=index + 1, m=len(self.lesson.steps)))
        content = self.content
        await content.remove_children()
        widgets: list[Widget] = [Markdown(f"## {visible(step.title)}")]
        widgets.extend(self.widget_for(block) for block in step.blocks)
        if index == len(self.lesson.steps) - 1:
            widgets.append(Static(Text(t("shell.last_step", self.lang), style="italic"), id="last-step"))
        await content.mount_all(widgets)
        content.scroll_home(animate=False)
        # command mode on the step's first block, so ctrl+r runs it from the start; a step with
        # nothing to act on gives the focus to the prose, so arrows scroll it
        blocks = self.blocks()
        (blocks[0] if blocks else content).focus(scroll_visible=False)
        self.context.progress.set_step(index)

    def widget_for(self, block: Block) -> Widget:
        if isinstance(block, Prose):
            return Markdown(visible(block.markdown))
        if isinstance(block, Code):
            if block.kind == "show" and block.show:
                return CodeView(source_of(block.show), caption=t("lesson.source", self.lang, name=block.show))
            if block.kind == "run":
                return CodeCell(block, self.context)
            return CodeView(block.source)
        return PANELS[type(block)](block, self.context)

    async def action_next(self) -> None:
        if self.step + 1 < len(self.lesson.steps):
            await self.show_step(self.step + 1)
        else:
            self.flush()
            self.post_message(self.Finished(self.lesson))

    async def action_previous(self) -> None:
        if self.step > 0:
            await self.show_step(self.step - 1)

    # -- the focus model ---------------------------------------------------------

    def block_of(self, widget: Widget | None) -> LessonBlock | None:
        """The block `widget` is (in), if any."""
        node = widget
        while node is not None and node is not self:
            if isinstance(node, LessonBlock):
                return node
            node = node.parent  # type: ignore[assignment]
        return None

    def selected(self) -> LessonBlock | None:
        """The block the keys act on: the one holding the focus, else the step's first."""
        return self.block_of(self.focused) or next(iter(self.blocks()), None)

    @property
    def editing(self) -> bool:
        focused = self.focused
        return focused is not None and self.block_of(focused) not in (None, focused)

    def keys_for(self, editing: bool) -> Keys:
        if self.in_browser:
            return BROWSER_EDIT_KEYS if editing else BROWSER_COMMAND_KEYS
        return EDIT_KEYS if editing else COMMAND_KEYS

    @on(events.DescendantFocus)
    def _focus_moved(self) -> None:
        self.query_one(KeyBar).keys = self.keys_for(self.editing)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "command" and self.editing)

    async def action_command(self, action: str) -> None:
        """A bare letter's action, in command mode."""
        await self.run_action(action)

    def action_escape(self) -> None:
        """Edit mode -> command mode on the same block; command mode -> back to the lessons."""
        if self.editing:
            block = self.block_of(self.focused)
            if block is not None:
                block.focus(scroll_visible=False)
            return
        self.flush()
        self.dismiss()

    def action_enter(self) -> None:
        block = self.block_of(self.focused)
        if block is not None and block is self.focused:
            block.enter()

    def focus_next(self, selector: str | type[Widget] = "*") -> Widget | None:
        return self.tab_to(+1)

    def focus_previous(self, selector: str | type[Widget] = "*") -> Widget | None:
        return self.tab_to(-1)

    def tab_to(self, direction: int) -> Widget | None:
        """tab: within the block being edited, else from block to block (never into one)."""
        focused = self.focused
        block = self.block_of(focused)
        if block is not None and self.editing:
            parts = [w for w in block.query("*") if w.focusable]
            if parts and focused in parts:
                target = parts[(parts.index(focused) + direction) % len(parts)]
                target.focus()
                return target
            return focused
        blocks = self.blocks()
        if not blocks:
            return focused
        position = blocks.index(block) + direction if block in blocks else 0
        target = blocks[position % len(blocks)]
        target.focus()
        return target

    # -- the block the learner is on ---------------------------------------------

    def action_run(self) -> None:
        block = self.selected()
        if block is None:
            key = "shell.nothing_to_run_browser" if self.in_browser else "lesson.nothing_to_run"
            self.notify(t(key, self.lang), timeout=3)
            return
        # what runs, and its output, must be on screen even when ctrl+r came from the prose
        self.content.scroll_to_widget(block, animate=False, top=True)
        focused = self.focused
        if focused is not None and focused is not block:
            # ctrl+r is a priority binding, handled as it arrives; keys typed just before it may
            # still wait in the editor's queue (a burst over a laggy link). Run once the editor
            # has taken them in, so what runs is what the learner typed.
            focused.call_later(block.run)
        else:
            block.run()

    def action_reset(self) -> None:
        block = self.selected()
        if block is None or not block.reset():
            self.notify(t("shell.nothing_to_reset", self.lang), timeout=3)

    def action_hint(self) -> None:
        block = self.selected()
        if block is None or not block.hint():
            self.notify(t("shell.no_hint", self.lang), timeout=3)

    def action_external_edit(self) -> None:
        if self.in_browser:
            self.notify(t("shell.no_editor_in_browser", self.lang), timeout=4)
            return
        block = self.selected()
        if block is None or not block.external_edit():
            self.notify(t("shell.nothing_to_edit", self.lang), timeout=3)

    # -- what blocks post ----------------------------------------------------------

    @on(CodeCell.Finished)
    def _show_cell_output(self, message: CodeCell.Finished) -> None:
        # ctrl+r put the cell at the top of the screen; a long cell's output (its error last) can
        # end below the fold of a 24-row terminal: bring the end of what it printed into view
        output = message.cell.output
        if output.display:
            self.call_after_refresh(self.content.scroll_to_widget, output, animate=False)

    @on(LessonBlock.AlreadyRunning)
    def _already_running(self) -> None:
        self.notify(t("shell.already_running", self.lang), timeout=3)

    @on(LessonBlock.Failed)
    def _block_failed(self, message: LessonBlock.Failed) -> None:
        self.notify(t("shell.failed", self.lang, error=visible(message.error)), severity="error", timeout=10)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(t("shell.failed", self.lang, error=str(event.worker.error)), severity="error", timeout=10)
