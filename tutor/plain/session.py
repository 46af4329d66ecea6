"""One plain-mode session: choose a lesson, walk its steps, answer at prompts, until quit or EOF.

The course, the grader, the progress store and the kernel are the app's own (tutor.content,
tutor.quiz, tutor.progress, tutor.kernel.client); this module only holds the conversation. Moving
between steps and lessons is done by exceptions raised from any prompt (`Move`, `Leave`), so each
block's code reads as the dialogue it is.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from tutor.content.catalog import source_of
from tutor.content.model import Code, Course, Exercise, Experiment, Lesson, Prose, Quiz
from tutor.i18n import t
from tutor.kernel.client import KernelClient, Request
from tutor.plain.commands import COMMANDS, Leave, Move, command_of
from tutor.plain.console import INTERRUPT, Console
from tutor.plain.text import markdown_lines, wrap
from tutor.progress import DONE, ProgressError, ProgressStore
from tutor.safe_text import visible

# torch- and textual-free, shared so that both front ends continue at the same step
from tutor.ui.navigation import continue_point


class Session:
    def __init__(self, console: Console, courses: list[Course], store: ProgressStore,
                 kernel: KernelClient, lang: str, *, plot: bool) -> None:
        self.console = console
        self.courses = courses
        self.store = store
        self.kernel = kernel
        self.lang = lang
        self.plot = plot
        self.lessons = [lesson for course in courses for lesson in course.in_language(lang)]
        self.running: Request | None = None
        self._interrupting: asyncio.Future[str] | None = None
        # what `again` runs when the current prompt has nothing of its own to run again
        self.last_run: Callable[[], Awaitable[None]] | None = None

    # ---------------------------------------------------------------- output helpers

    def say(self, key: str, kind: str = "", **values: Any) -> None:
        """One translated line (or paragraph), wrapped."""
        self.text(t(key, self.lang, **values), kind)

    def text(self, text: str, kind: str = "", indent: str = "") -> None:
        for part in text.split("\n"):
            for line in wrap(part, self.console.width, indent):
                self.console.write(self.console.style(line, kind) if kind else line)

    def markdown(self, markdown: str) -> None:
        self.console.lines(markdown_lines(markdown, self.console.width, self.console.style))

    def blank(self) -> None:
        self.console.write()

    def progress(self, action: Callable[..., Any], *args: Any) -> Any:
        """`action(*args)`, a progress-store call; a failed save is said in one line, never a crash."""
        try:
            return action(*args)
        except ProgressError as error:
            self.say("plain.save_failed", "warn", error=error)
            return None

    # ---------------------------------------------------------------- prompts

    async def ask(self, prompt: str, handles: tuple[str, ...] = ()) -> tuple[str | None, str]:
        """Read one line: (command, "") for a command in `handles`, else (None, the line).

        Every other command is dealt with here: help is printed, next/back/lessons/quit raise
        Move or Leave, again re-runs the last cell or experiment. End of input raises Leave("eof").
        """
        while True:
            line = await self.console.read_line(prompt)
            if line is None:
                raise Leave("eof")
            if line is INTERRUPT:
                raise Leave("quit")
            assert isinstance(line, str)
            command = command_of(line)
            if command in handles:
                return command, ""
            if command is None:
                return None, line
            if command == "help":
                self.help()
            elif command in ("next", "back"):
                raise Move(1 if command == "next" else -1)
            elif command in ("lessons", "quit"):
                raise Leave(command)
            elif command == "again" and self.last_run is not None:
                await self.last_run()
            elif command == "again":
                self.say("plain.nothing_again", "warn")
            elif command == "hint":
                self.say("plain.no_hint_here", "warn")
            elif command == "skip":
                return "skip", ""

    def help(self) -> None:
        self.say("plain.help.title", "heading")
        for name in ("next", "back", "again", "hint", "skip", "lessons", "quit", "help"):
            words = [w for w in COMMANDS[name] if (w.isascii()) == (self.lang == "en") or w in "?？"]
            self.text(" / ".join(words or COMMANDS[name]) + " — " + t(f"plain.help.{name}", self.lang), indent="    ")
        self.say("plain.help.quotes", "muted")

    # ---------------------------------------------------------------- the kernel

    async def run(self, request: Request, on_event: Callable[[Any], None]) -> Any:
        """Feed every event of `request` to `on_event`; ctrl+c meanwhile interrupts it."""
        if not self.kernel.ready:
            self.say("kernel.waiting", "muted")
        self.running = request
        last = None
        try:
            async for event in request:
                last = event
                on_event(event)
        finally:
            self.running = None
        return last

    def on_sigint(self) -> None:
        if self.running is not None:
            self._interrupting = asyncio.ensure_future(self.kernel.interrupt())
        else:
            self.console.interrupt()

    # ---------------------------------------------------------------- the session

    async def main(self, first: str | None) -> int:
        """The whole session; 0 at quit or end of input, with progress saved."""
        loop = asyncio.get_running_loop()
        self.console.start()
        try:
            loop.add_signal_handler(signal.SIGINT, self.on_sigint)
        except (NotImplementedError, RuntimeError):  # not the main thread (a test)
            pass
        warning = self.store.load()
        if warning:
            self.text(warning, "warn")
        self.say("plain.welcome", "heading")
        self.say("plain.welcome_help", "muted")
        try:
            lesson, step = await self.choose(first)
            while lesson is not None:
                lesson, step = await self.lesson(lesson, step)
        except Leave as leave:
            if leave.why == "eof":
                self.say("plain.end_of_input", "muted")
        finally:
            await self.kernel.shutdown()
        self.say("plain.bye")
        return 0

    def find(self, text: str) -> Lesson | None:
        """A lesson by its number in the list, its id, its key or its file name (01-data)."""
        text = text.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.lessons):
            return self.lessons[int(text) - 1]
        return next((lesson for lesson in self.lessons
                     if text in (lesson.id, lesson.key, lesson.stem)), None)

    def resume(self) -> tuple[Lesson, int] | None:
        """Where "continue" goes, the same step as the app's: the first unfinished step of the
        first unfinished lesson (None once the course is done)."""
        return continue_point(self.store, self.lessons)

    def start_step(self, lesson: Lesson) -> int:
        return max(0, min(self.store.step_of(lesson.key), len(lesson.steps) - 1))

    async def choose(self, first: str | None) -> tuple[Lesson | None, int]:
        """The lesson to open: `first` if it names one, else asked for (raises Leave at quit)."""
        if first:
            lesson = self.find(first)
            if lesson is not None:
                return lesson, self.start_step(lesson)
            self.say("plain.no_such_lesson", "warn", name=visible(first))
        if not self.lessons:
            self.say("home.no_lessons", "warn")
            raise Leave("quit")
        while True:
            self.list_lessons()
            resume = self.resume()
            if resume is not None:
                prompt = t("plain.choose_resume", self.lang, title=visible(resume[0].title), step=resume[1] + 1)
            else:
                prompt = t("plain.choose_first", self.lang, title=visible(self.lessons[0].title))
            try:
                _, line = await self.ask(prompt)
            except Move:
                continue
            except Leave as leave:
                if leave.why == "lessons":
                    continue
                raise
            if not line.strip():
                return resume if resume is not None else (self.lessons[0], 0)
            lesson = self.find(line)
            if lesson is not None:
                return lesson, self.start_step(lesson)
            self.say("plain.no_such_lesson", "warn", name=visible(line.strip()))

    def list_lessons(self) -> None:
        self.blank()
        self.say("plain.lessons", "heading")
        marks = {DONE: "✓", "in progress": "◐", "not started": "·"}
        for n, lesson in enumerate(self.lessons, start=1):
            status = self.status(lesson)
            words = t("status." + status, self.lang)
            entry = f"{marks.get(status, '·')} {visible(lesson.title)} ({lesson.stem}, {words})"
            self.console.lines(wrap(entry, self.console.width, "       ", first=f"{n:>4}. "))
        # a file that cannot be loaded is named with its errors, as on the app's home screen
        for broken in (b for course in self.courses for b in course.broken):
            key = "home.broken.one" if len(broken.errors) == 1 else "home.broken"
            line = t(key, self.lang, name=visible(broken.path.name), n=len(broken.errors))
            lines = wrap(line, self.console.width, "        ", first="      ✗ ")
            self.console.lines([self.console.style(x, "warn") for x in lines])
            for error in broken.errors:
                self.text(visible(str(error)), indent="         ")

    def status(self, lesson: Lesson) -> str:
        return self.store.status(lesson.key, len(lesson.steps), [q.id for q in lesson.quizzes()],
                                 [e.id for e in lesson.exercises()])

    async def lesson(self, lesson: Lesson, step: int) -> tuple[Lesson | None, int]:
        """Walk `lesson` from `step`; the next lesson to open (None to leave the session)."""
        from tutor.plain.cells import Cells
        from tutor.plain.exercises import Exercises
        from tutor.plain.experiments import Experiments
        from tutor.plain.quizzes import Quizzes

        blocks = (Cells(self, lesson), Experiments(self, lesson), Quizzes(self, lesson), Exercises(self, lesson))
        # as the app does: torch loads once a lesson is open (not at the list), while the learner reads
        await self.kernel.ensure_started()
        while True:
            try:
                await self.step(lesson, step, blocks)
                step += 1
            except Move as move:
                step += move.delta
            except Leave as leave:
                if leave.why == "lessons":
                    return await self.choose(None)
                raise
            if step < 0:
                step = 0
                self.say("plain.first_step", "muted")
            if step >= len(lesson.steps):
                return await self.after(lesson)

    async def step(self, lesson: Lesson, index: int, blocks: tuple[Any, Any, Any, Any]) -> None:
        cells, experiments, quizzes, exercises = blocks
        step = lesson.steps[index]
        self.progress(self.store.set_step, lesson.key, index)
        self.last_run = None
        self.blank()
        self.text(t("plain.step", self.lang, lesson=visible(lesson.title), n=index + 1, m=len(lesson.steps),
                    title=visible(step.title)), "heading")
        self.blank()
        for block in step.blocks:
            if isinstance(block, Prose):
                self.markdown(block.markdown)
            elif isinstance(block, Code) and block.kind == "run":
                await cells.cell(block)
            elif isinstance(block, Code):
                self.code(block)
            elif isinstance(block, Experiment):
                await experiments.experiment(block)
            elif isinstance(block, Quiz):
                await quizzes.quiz(block)
            elif isinstance(block, Exercise):
                await exercises.exercise(block)
            self.blank()
        last = index == len(lesson.steps) - 1
        self.say("plain.end_of_lesson" if last else "plain.end_of_step", "muted", n=index + 1, m=len(lesson.steps))
        await self.go_on(t("plain.prompt.last_step" if last else "plain.prompt.step", self.lang))

    async def go_on(self, prompt: str) -> None:
        """Wait for enter (or skip) at `prompt`; anything else is said to be no command here."""
        while True:
            _, line = await self.ask(prompt)
            if not line.strip():
                return
            self.say("plain.not_a_command", "warn", line=visible(line.strip()))

    def code(self, block: Code) -> None:
        source = block.source
        if block.kind == "show" and block.show:
            try:
                source = source_of(block.show)
            except LookupError:
                pass
            self.say("lesson.source", "muted", name=block.show)
        self.console.lines(markdown_lines(f"```\n{source.rstrip()}\n```", self.console.width, self.console.style))

    async def after(self, lesson: Lesson) -> tuple[Lesson | None, int]:
        """The lesson's last step is behind: say where the learner stands, offer the next lesson."""
        status = t("status." + self.status(lesson), self.lang)
        self.say("plain.lesson_status", "heading", title=visible(lesson.title), status=status)
        position = self.lessons.index(lesson) if lesson in self.lessons else len(self.lessons)
        if position + 1 >= len(self.lessons):
            self.say("plain.course_end")
            return await self.choose(None)
        upcoming = self.lessons[position + 1]
        try:
            await self.go_on(t("plain.prompt.next_lesson", self.lang, title=visible(upcoming.title)))
        except Move as move:
            if move.delta < 0:
                return lesson, len(lesson.steps) - 1
        return upcoming, self.start_step(upcoming)
