"""One lesson block in an app of its own, built the way the lesson screen builds it (a LessonContext),
for Pilot tests of a block's behaviour at 80x24."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget

import tutor.ui
from tests.app_helpers import FIXTURE_COURSE
from tutor.content.discover import load_course
from tutor.content.model import Lesson
from tutor.kernel.client import KernelOptions
from tutor.progress import ProgressStore
from tutor.settings import Settings
from tutor.ui.context import LessonContext, LessonProgress
from tutor.ui.kernel_host import KernelHost


def demo_lesson() -> Lesson:
    return next(lesson for lesson in load_course(FIXTURE_COURSE).lessons if lesson.id == "demo")


class BlockApp(App[None]):
    """Shows `make(context)` in a scrolling column, as a step would: the tutor's styles, and the
    lesson screen's padding, so widths are the ones a learner gets."""

    CSS_PATH = str(Path(tutor.ui.__file__).parent / "tutor.tcss")
    # a step is longer than the screen: its scrollbar takes its columns too
    CSS = "#content { height: 1fr; padding: 0 1; overflow-y: scroll; }"

    def __init__(
        self,
        data_dir: Path,
        make: Callable[[LessonContext], Widget],
        *,
        lesson: Lesson | None = None,
        kernel: bool = False,
        lang: str = "en",
    ) -> None:
        super().__init__()
        self.store = ProgressStore(data_dir)
        self.store.load()
        self.reports: list[str] = []
        self.host = KernelHost(KernelOptions(interrupt_grace=2.0), enabled=kernel)
        lesson = lesson or demo_lesson()
        settings = Settings(data_dir=data_dir, lang=lang, cursor_blink=False, stable_clock=True)
        progress = LessonProgress(self.store, lesson, self.reports.append)
        self.context = LessonContext(lesson, self.host, progress, lang, settings)
        self.make = make

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="content"):
            yield self.make(self.context)

    async def on_unmount(self) -> None:
        await self.host.shutdown()
