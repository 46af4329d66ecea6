"""A lesson, one `##` step per screen: prose, code, experiments, quizzes and exercises."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Markdown, Static

from tutor.content.catalog import source_of
from tutor.content.model import Code, Exercise, Experiment, Lesson, Prose, Quiz
from tutor.i18n import t
from tutor.ui.widgets.code_cell import CodeCell, CodeView
from tutor.ui.widgets.exercise import ExercisePanel
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.keybar import KeyBar
from tutor.ui.widgets.quiz import QuizPanel

RUNNABLE = (CodeCell, ExperimentPanel, ExercisePanel, QuizPanel)


class LessonScreen(Screen):
    BINDINGS = [
        # ctrl+ keys work even inside an editor; bare letters and arrows reach the screen only
        # when the focused widget does not use them (an editor or input keeps its text keys)
        Binding("ctrl+n", "next", priority=True, show=False),
        Binding("ctrl+p", "previous", priority=True, show=False),
        Binding("n", "next", show=False),
        Binding("p", "previous", show=False),
        Binding("escape", "home", show=False),
        Binding("ctrl+r", "run", priority=True, show=False),
        Binding("ctrl+o", "reset_code", priority=True, show=False),
        Binding("ctrl+t", "hint", priority=True, show=False),
        Binding("ctrl+g", "external_editor", priority=True, show=False),
        Binding("v", "toggle_view", show=False),
        Binding("q", "app.quit", show=False),
    ]
    DEFAULT_CSS = """
    LessonScreen #bar { height: 1; background: $primary; color: $text; }
    LessonScreen #title { width: 1fr; text-style: bold; padding: 0 1; }
    LessonScreen #kernel { width: auto; padding: 0 1; }
    LessonScreen #content { height: 1fr; padding: 0 1; }
    LessonScreen #content Markdown { margin: 0; padding: 0; }
    LessonScreen #content MarkdownH2 { margin: 0; }
    """

    def __init__(self, lesson: Lesson, step: int = 0) -> None:
        super().__init__()
        self.lesson = lesson
        self.step = max(0, min(step, len(lesson.steps) - 1))

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Static(id="title")
            yield Static(self.app.kernel.status_text(), id="kernel")
        yield VerticalScroll(id="content")
        yield KeyBar(
            [
                ("ctrl+n", "key.next"),
                ("ctrl+p", "key.previous"),
                ("ctrl+r", "key.run"),
                ("ctrl+c", "key.interrupt"),
                ("esc", "key.home"),
                ("?", "key.help"),
            ]
        )

    async def on_mount(self) -> None:
        self.app.kernel.listeners.append(self.kernel_changed)
        await self.show_step(self.step)

    def on_unmount(self) -> None:
        if self.kernel_changed in self.app.kernel.listeners:
            self.app.kernel.listeners.remove(self.kernel_changed)

    def kernel_changed(self, status: str) -> None:
        self.query_one("#kernel", Static).update(self.app.kernel.status_text())

    # -- steps -------------------------------------------------------------

    async def show_step(self, index: int) -> None:
        self.step = index
        step = self.lesson.steps[index]
        lang = self.app.lang
        title = Text(self.lesson.title, style="bold")
        title.append(f"  ·  {t('lesson.step', lang, n=index + 1, m=len(self.lesson.steps))}", style="not bold")
        self.query_one("#title", Static).update(title)
        content = self.query_one("#content", VerticalScroll)
        await content.remove_children()
        widgets: list[Widget] = [Markdown(f"## {step.title}")]
        widgets.extend(self.widget_for(block) for block in step.blocks)
        if index == len(self.lesson.steps) - 1:
            widgets.append(Static(Text(t("lesson.last_step", lang), style="italic")))
        await content.mount_all(widgets)
        content.scroll_home(animate=False)
        # the prose has the focus, so arrows and page keys read the step from its top; tab
        # moves into the cells and panels, and ctrl+r runs the step's first one from anywhere
        content.focus()
        self.app.record_step(self.lesson, index)

    def widget_for(self, block) -> Widget:
        lesson_id = self.lesson.id
        if isinstance(block, Prose):
            return Markdown(block.markdown)
        if isinstance(block, Code):
            if block.kind == "show" and block.show:
                return CodeView(source_of(block.show), caption=t("lesson.source", self.app.lang, name=block.show))
            if block.kind == "run":
                return CodeCell(block, lesson_id, self.app.progress.load_cell(block.cell_id))
            return CodeView(block.source)
        if isinstance(block, Experiment):
            return ExperimentPanel(block)
        if isinstance(block, Quiz):
            return QuizPanel(block, lesson_id)
        if isinstance(block, Exercise):
            return ExercisePanel(block, lesson_id)
        raise TypeError(f"no widget for {type(block).__name__}")

    async def action_next(self) -> None:
        if self.step + 1 < len(self.lesson.steps):
            await self.show_step(self.step + 1)

    async def action_previous(self) -> None:
        if self.step > 0:
            await self.show_step(self.step - 1)

    def action_home(self) -> None:
        """The first esc leaves an input or editor (back to the prose), the next leaves the lesson."""
        content = self.query_one("#content", VerticalScroll)
        if self.focused is not None and self.focused is not content:
            content.focus()
            return
        self.app.pop_screen()

    # -- the block the learner is in -----------------------------------------

    def current(self, kinds=RUNNABLE) -> Widget | None:
        """The block that holds the focus, or else the step's first block of that kind."""
        node = self.focused
        while node is not None:
            if isinstance(node, kinds):
                return node
            node = node.parent
        return next(iter(self.blocks(kinds)), None)

    def blocks(self, kinds=RUNNABLE) -> list[Widget]:
        return [w for w in self.query_one("#content").children if isinstance(w, kinds)]

    def action_run(self) -> None:
        block = self.current()
        if block is None:
            self.app.notify(t("lesson.nothing_to_run", self.app.lang), timeout=3)
            return
        # what runs, and its output, must be on screen even when ctrl+r came from the prose
        self.query_one("#content", VerticalScroll).scroll_to_widget(block, animate=False, top=True)
        if isinstance(block, CodeCell):
            self.run_worker(block.run(), group="kernel", exit_on_error=False)
        elif isinstance(block, (ExperimentPanel, ExercisePanel)):
            block.start()
        elif isinstance(block, QuizPanel):
            block.submit()

    def action_reset_code(self) -> None:
        block = self.current((CodeCell, ExercisePanel))
        if block is not None:
            block.reset()

    def action_hint(self) -> None:
        block = self.current((ExercisePanel, QuizPanel))
        if isinstance(block, ExercisePanel):
            block.next_hint()
        elif isinstance(block, QuizPanel):
            block.show_hint()

    def action_external_editor(self) -> None:
        block = self.current((ExercisePanel,))
        if block is not None:
            block.open_in_editor()

    def action_toggle_view(self) -> None:
        block = self.current((ExperimentPanel,))
        if block is not None:
            block.toggle_view()
