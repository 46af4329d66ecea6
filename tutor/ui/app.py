"""TutorApp and make_app(), shared by the CLI and the tests.

The app never imports torch: everything that needs it runs in the kernel process, which is
started after the first frame so the lessons appear at the speed of a bare Textual app.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import TextArea

from tutor.content.model import Course, Lesson
from tutor.i18n import t
from tutor.kernel.client import KernelOptions
from tutor.progress import ProgressError, ProgressStore
from tutor.ui.kernel_host import KernelHost
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen


class SafeProgress:
    """The progress store as the UI uses it: a failed save is reported, never a crash.

    The in-memory state stays, so the learner keeps working and the next save may succeed
    (a full disk freed, a read-only home remounted).
    """

    def __init__(self, store: ProgressStore, app: App) -> None:
        self._store = store
        self._app = app

    def __getattr__(self, name: str):
        attribute = getattr(self._store, name)
        if not callable(attribute):
            return attribute

        def guarded(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except ProgressError as error:
                self._app.notify(t("progress.save_failed", self._app.lang, error=error), severity="error", timeout=10)
                return None

        return guarded


class TutorApp(App[int]):
    CSS_PATH = "tutor.tcss"
    TITLE = "tutor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", priority=True, show=False),
        Binding("ctrl+c", "interrupt", priority=True, show=False),
        Binding("f1", "help", priority=True, show=False),
        Binding("question_mark", "help", show=False),
    ]

    def __init__(
        self,
        courses: list[Course],
        data_dir: Path,
        lang: str = "en",
        kernel_options: KernelOptions | None = None,
        *,
        start_kernel: bool = True,
        stable_clock: bool = False,
    ) -> None:
        super().__init__()
        self.courses = courses
        self.lang = lang
        self.store = ProgressStore(data_dir)
        self.progress = SafeProgress(self.store, self)
        self.kernel = KernelHost(self, kernel_options or KernelOptions(), enabled=start_kernel)
        # snapshot tests: times would differ from run to run
        self.stable_clock = stable_clock

    # -- life cycle ------------------------------------------------------------

    def on_mount(self) -> None:
        warning = self.store.load()
        self.push_screen(HomeScreen())
        if warning:
            self.notify(warning, title=t("progress.corrupt", self.lang), severity="warning", timeout=30)
        self.check_size()
        # after the first frame: the lessons are readable while torch loads next door
        self.call_after_refresh(lambda: self.run_worker(self.kernel.start(), exit_on_error=False))

    async def action_quit(self) -> None:
        await self.kernel.shutdown()
        self.exit(0)

    async def on_unmount(self) -> None:
        await self.kernel.shutdown()

    def on_resize(self, event: events.Resize) -> None:
        # the event's size: self.size may still be the old one while the event is handled
        self.check_size(event.size)

    def check_size(self, size: Size | None = None) -> None:
        size = size or self.size
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif not small and showing:
            self.pop_screen()

    # -- navigation --------------------------------------------------------------

    def open_lesson(self, lesson: Lesson, step: int = 0) -> None:
        # imported here: the lesson screen brings the plots and editors, which the first
        # frame (the home screen) does not need
        from tutor.ui.screens.lesson import LessonScreen

        self.push_screen(LessonScreen(lesson, step))

    def record_step(self, lesson: Lesson, step: int) -> None:
        self.progress.set_step(lesson.id, step)

    def all_lessons(self) -> list[Lesson]:
        return [lesson for course in self.courses for lesson in course.in_language(self.lang)]

    def resume_point(self) -> tuple[Lesson, int] | None:
        """The lesson and step the learner left, in the current language."""
        last = self.store.last()
        if last is None:
            return None
        lesson_id, step = last
        for lesson in self.all_lessons():
            if lesson.id == lesson_id:
                return lesson, max(0, min(step, len(lesson.steps) - 1))
        return None

    def lesson_status(self, lesson: Lesson) -> str:
        return self.store.status(
            lesson.id, len(lesson.steps), [q.id for q in lesson.quizzes()], [e.id for e in lesson.exercises()]
        )

    # -- keys ----------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_interrupt(self) -> None:
        """ctrl+c stops running code, as in any terminal; with nothing running it copies."""
        outcome = await self.kernel.interrupt()
        if outcome is not None:
            self.notify(t("kernel.interrupted" if outcome == "interrupted" else "kernel.restarted", self.lang), timeout=4)
            return
        focused = self.focused
        if isinstance(focused, TextArea) and focused.selected_text:
            focused.action_copy()
            return
        self.notify(t("kernel.nothing_to_interrupt", self.lang), timeout=3)

    def elapsed_text(self, seconds: float) -> str:
        return "–" if self.stable_clock else t("seconds", self.lang, s=seconds)


def make_app(
    courses: list[Course] | None = None,
    data_dir: Path | None = None,
    lang: str = "en",
    kernel_options: KernelOptions | None = None,
    **kwargs,
) -> TutorApp:
    """The app as the CLI runs it; tests pass a temporary data dir and their own courses."""
    from tutor.content.discover import discover
    from tutor.progress import default_data_dir

    if courses is None:
        courses = discover([], None)
    return TutorApp(courses, data_dir or default_data_dir(), lang, kernel_options, **kwargs)


def run_app(courses: list[Course], data_dir: Path, lang: str, kernel_memory: int) -> int:
    app = make_app(courses, data_dir, lang, KernelOptions(memory_bytes=kernel_memory))
    code = app.run()
    return code or 0
