"""TutorApp and make_app(), shared by the CLI and the tests.

The app never imports torch: everything that needs it runs in the kernel process, started when the
learner first opens a lesson, so the home screen appears at the speed of a bare Textual app.

The app owns the state every screen shows — `kernel_status` and `lang`, two reactives screens watch
— and the services they pass down: the progress store and the KernelHost (see
docs/architecture.md, "Message flow"). It also owns every way out: ctrl+q, SIGTERM and SIGHUP each
save the blocks' pending edits, end the kernel and restore the terminal.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.widgets import TextArea
from textual.worker import Worker, WorkerState

from tutor.content.discover import legacy_keys
from tutor.content.model import Course, Lesson
from tutor.i18n import t
from tutor.kernel.client import KernelOptions
from tutor.progress import ProgressError, ProgressStore
from tutor.session_lock import SessionLock
from tutor.settings import Settings
from tutor.ui.kernel_host import KernelHost, KernelStatus
from tutor.ui.navigation import continue_point, first_unfinished_step, next_lesson
from tutor.ui.screens.confirm import ConfirmScreen
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.second_session import SecondSessionScreen
from tutor.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from tutor.ui.widgets.block import LessonBlock

if TYPE_CHECKING:
    from tutor.ui.screens.lesson import LessonScreen

# A signal that ends the app: the kernel gets this long to end after it is asked to, so the whole
# exit stays within 2 s; one that takes longer is ended by its sentinel once the app has gone
# (tutor/kernel/server.py).
SIGNAL_KERNEL_GRACE = 0.5
# ... and the whole app this long to be gone, terminal restored or not (see _on_signal).
SIGNAL_EXIT_DEADLINE = 1.5


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

    kernel_status: reactive[KernelStatus] = reactive("off")
    lang: reactive[str] = reactive("en")

    def __init__(self, settings: Settings, courses: list[Course], *, start_kernel: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.courses = courses
        self.set_reactive(TutorApp.lang, settings.lang)
        self.store = ProgressStore(settings.data_dir)
        self.session = SessionLock(settings.data_dir)
        options = KernelOptions(
            memory_bytes=settings.kernel_memory,
            env=dict(settings.kernel_env),
            idle_timeout=settings.kernel_idle_timeout,
        )
        self.host = KernelHost(
            options, enabled=start_kernel, on_status=self._kernel_status_changed, on_death=self._kernel_died
        )
        self._leaving = False

    # -- life cycle ------------------------------------------------------------

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self._on_signal, signum)
        # one session per learner: a second login is told and chooses (tutor/session_lock.py)
        holder = self.session.acquire(self.settings.front_end)
        if holder is None:
            self.start_session()
        else:
            self.push_screen(SecondSessionScreen(self.session, holder, self.settings.front_end, self.lang),
                             self._second_session_chosen)
        self.check_size()

    def _second_session_chosen(self, taken: bool | None) -> None:
        if taken:
            self.start_session()
        else:
            self.exit(0)

    def start_session(self) -> None:
        """This session holds the data dir: read the progress and show the lessons."""
        warning = self.store.load()
        try:
            self.store.migrate_lessons(legacy_keys(self.courses))
        except ProgressError as error:
            self.report_progress_error(str(error))
        self.push_screen(HomeScreen())
        if warning:
            self.notify(warning, title=t("progress.corrupt", self.lang), severity="warning", timeout=30)

    def _on_signal(self, signum: int) -> None:
        if self._leaving:
            return
        # Save first, here in the event loop, before anything can block. Then make sure the
        # process ends: when the terminal itself is gone (SIGHUP from a dropped link, a closed
        # terminal window), Textual's restore of it blocks for ever on a writer that can no
        # longer write, so a timer ends the process with 128+signal whatever happens.
        self.flush_edits()
        watchdog = threading.Timer(SIGNAL_EXIT_DEADLINE, os._exit, args=(128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        self.run_worker(self.leave(128 + signum, SIGNAL_KERNEL_GRACE), exit_on_error=False)

    async def leave(self, return_code: int = 0, kernel_grace: float | None = None) -> None:
        """Save every pending edit, end the kernel, exit (Textual restores the terminal)."""
        self._leaving = True
        self.flush_edits()
        try:
            await asyncio.wait_for(self.host.shutdown(), kernel_grace)
        except TimeoutError:
            pass
        self.exit(return_code, return_code=return_code)

    async def action_quit(self) -> None:
        await self.leave(0)

    async def on_unmount(self) -> None:
        if not self._leaving:  # leave() has ended the kernel (or, on a signal, asked it to end)
            await self.host.shutdown()
        self.session.release()  # at exit the OS would; tests run many apps in one process

    def flush_edits(self) -> None:
        """Every block's pending edits, saved now (a way out, a kernel restart)."""
        for screen in self.screen_stack:
            for block in screen.query(LessonBlock):
                block.flush()

    def on_resize(self, event: events.Resize) -> None:
        # the event's size: self.size may still be the old one while the event is handled
        self.check_size(event.size)

    def check_size(self, size: Size | None = None) -> None:
        size = size or self.size
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen(self.lang))
        elif not small and showing:
            self.pop_screen()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # a blinking cursor redraws its line twice a second: bytes on a slow link, noise in tests
        if not self.settings.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A worker of the app itself failed: say so, never fail silently."""
        if event.state == WorkerState.ERROR:
            self.show_error(str(event.worker.error))

    def show_error(self, error: str) -> None:
        self.notify(t("shell.failed", self.lang, error=error), severity="error", timeout=10)

    # -- the kernel --------------------------------------------------------------

    def _kernel_status_changed(self, status: KernelStatus, detail: str) -> None:
        if status == "stopped" and self.kernel_status != "stopped":
            self.notify(t("shell.kernel_stopped_idle", self.lang), timeout=10)
        self.kernel_status = status

    def _kernel_died(self, reason: str, while_idle: bool) -> None:
        key = "shell.kernel_died_idle" if while_idle else "kernel.died"
        self.notify(t(key, self.lang, reason=reason), severity="warning", timeout=10)

    async def action_interrupt(self) -> None:
        """ctrl+c stops running code, as in any terminal; with nothing running it copies."""
        outcome = await self.host.interrupt()
        if outcome != "idle":
            key = "kernel.interrupted" if outcome == "interrupted" else "kernel.restarted"
            self.notify(t(key, self.lang), timeout=4)
            return
        focused = self.focused
        if isinstance(focused, TextArea) and focused.selected_text:
            focused.action_copy()
            return
        self.notify(t("kernel.nothing_to_interrupt", self.lang), timeout=3)

    def action_restart_kernel(self) -> None:
        """A fresh kernel; asks first when code is running (its run would be lost)."""
        if self.host.busy:
            question = t("shell.restart_confirm", self.lang)
            self.push_screen(ConfirmScreen(question, self.lang), self._restart_confirmed)
        else:
            self.run_worker(self.restart_kernel(), exit_on_error=False)

    def _restart_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.run_worker(self.restart_kernel(), exit_on_error=False)

    async def restart_kernel(self) -> None:
        self.flush_edits()
        await self.host.restart()
        self.notify(t("shell.restarted", self.lang), timeout=6)

    # -- navigation --------------------------------------------------------------

    def all_lessons(self) -> list[Lesson]:
        return [lesson for course in self.courses for lesson in course.in_language(self.lang)]

    def continue_point(self) -> tuple[Lesson, int] | None:
        """The first unfinished step of the first unfinished lesson (None: the course is done)."""
        return continue_point(self.store, self.all_lessons())

    def lesson_status(self, lesson: Lesson) -> str:
        return self.store.status(
            lesson.key, len(lesson.steps), [q.id for q in lesson.quizzes()], [e.id for e in lesson.exercises()]
        )

    def lesson_screen(self, lesson: Lesson, step: int) -> LessonScreen:
        # imported here: the lesson screen brings the plots and editors, which the first frame
        # (the home screen) does not need
        from tutor.ui.context import LessonContext, LessonProgress
        from tutor.ui.screens.lesson import LessonScreen

        progress = LessonProgress(self.store, lesson, self.report_progress_error)
        context = LessonContext(lesson, self.host, progress, self.lang, self.settings)
        return LessonScreen(context, step)

    def open_lesson(self, lesson: Lesson, step: int | None = None) -> None:
        """Open `lesson` at `step` (default: the step the learner was last on in it)."""
        self.push_screen(self.lesson_screen(lesson, self.store.step_of(lesson.key) if step is None else step))

    def report_progress_error(self, error: str) -> None:
        self.notify(t("progress.save_failed", self.lang, error=error), severity="error", timeout=10)

    def on_lesson_screen_finished(self, message: LessonScreen.Finished) -> None:
        """The learner went past a lesson's last step: the next lesson, or the course's end."""
        following = next_lesson(self.all_lessons(), message.lesson)
        if following is not None:
            self.switch_screen(self.lesson_screen(following, first_unfinished_step(self.store, following) or 0))
            return
        from tutor.ui.screens.completion import CompletionScreen

        self.switch_screen(CompletionScreen(self.store, self.all_lessons(), self.lang))

    # -- keys ----------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang, self.settings.in_browser))


def make_app(settings: Settings, courses: list[Course] | None = None, *, start_kernel: bool = True) -> TutorApp:
    """The app as the CLI runs it; tests pass settings with a temporary data dir, and their courses."""
    if courses is None:
        from tutor.content.discover import discover

        courses = discover(list(settings.lesson_dirs), settings.lessons_env)
    return TutorApp(settings, courses, start_kernel=start_kernel)


def run_app(settings: Settings) -> int:
    app = make_app(settings)
    app.run()
    code = app.return_code or 0
    if code > 128:
        # Ended by a signal: the edits are saved, the kernel is told to end (its sentinel ends it
        # otherwise) and the terminal is restored. The interpreter's own teardown takes over a
        # second on a loaded class server, and the learner, or the system, asked us to go now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
