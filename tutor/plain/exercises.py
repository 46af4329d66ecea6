"""An exercise in plain mode: the learner's function from a file or typed in, the kernel's check,
hints then (as the reveal rule allows) the solution, and the `then:` run beside the core's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tutor.content.model import Code, Exercise
from tutor.i18n import t
from tutor.kernel import protocol as P
from tutor.plain.commands import Leave
from tutor.plain.console import INTERRUPT
from tutor.plain.experiments import Experiments
from tutor.practice.reveal import solution_available
from tutor.safe_text import visible

# Lines that end code typed at an exercise prompt (the prompt names the first).
END_OF_CODE = ("end", "结束")


class Exercises(Experiments):
    async def exercise(self, block: Exercise) -> None:
        name = block.implements.rsplit(".", 1)[-1]
        s, store = self.s, self.s.store
        s.say("ex.title", "heading", name=name)
        s.say("plain.ex.starter", "muted")
        s.code(Code("static", block.starter, block.where))
        used = store.hints_used(self.key, block.id)
        self.show_hints(block, used)
        while True:
            saved = s.progress(store.load_exercise, self.key, block.id)
            key = "plain.prompt.exercise_saved" if saved else "plain.prompt.exercise"
            command, line = await s.ask(t(key, self.lang, end=END_OF_CODE[0]), ("hint", "skip", "again"))
            if command == "skip":
                return
            if command == "hint":
                self.next_hint(block)
                continue
            source = await self.source_from(line, saved)
            if source is None:
                continue
            s.progress(store.save_exercise, self.key, block.id, source)
            if await self.check(block, source, name):
                return

    async def source_from(self, line: str, saved: str | None) -> str | None:
        """The learner's code: a file's, typed lines up to the end line, or (on enter) the saved code."""
        s = self.s
        text = line.strip()
        if not text:
            if saved:
                return saved
            s.say("plain.ex.nothing_saved", "warn")
            return None
        path = Path(text).expanduser()
        if path.suffix == ".py" or path.is_file():
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                s.say("plain.ex.unreadable", "warn", path=visible(text), error=visible(str(error)))
                return None
        if not text.startswith(("def ", "import ", "from ", "@", "class ", "#")):
            s.say("plain.ex.not_code", "warn", line=visible(text), end=END_OF_CODE[0])
            return None
        lines = [line]
        while True:
            more = await s.console.read_line("...")
            if more is None or more is INTERRUPT:
                raise Leave("eof" if more is None else "quit")
            assert isinstance(more, str)
            if more.strip() in END_OF_CODE:
                return "\n".join(lines) + "\n"
            lines.append(more)

    def next_hint(self, block: Exercise) -> None:
        """The next hint; once they are all shown, the solution if the exercise's reveal rule allows
        (as the app does)."""
        store = self.s.store
        used = store.hints_used(self.key, block.id)
        if used < len(block.hints):
            self.s.progress(store.record_hint, self.key, block.id)
            self.show_hints(block, used + 1, start=used)
            if used + 1 == len(block.hints) and solution_available(block, used + 1):
                self.s.say("plain.ex.solution_next", "muted")
            return
        passed = store.exercise_state(self.key, block.id).first_pass is not None
        if solution_available(block, used, passed):
            self.s.progress(store.record_solution_seen, self.key, block.id)
            self.s.say("plain.ex.solution", "heading")
            self.s.code(Code("static", block.solution, block.where))
            return
        self.s.say("ex.no_more_hints", "muted" if block.hints else "warn")

    def show_hints(self, block: Exercise, count: int, start: int = 0) -> None:
        for n, hint in enumerate(block.hints[start:count], start=start + 1):
            text = t("ex.hint_n", self.lang, n=n, m=len(block.hints)) + hint.strip()
            self.s.console.lines([self.s.console.style(x, "hint") for x in self.md(text)])

    async def check(self, block: Exercise, source: str, name: str) -> bool:
        s = self.s
        s.say("ex.checking", "muted")
        outcome: P.CheckResult | None = None

        def on_event(event: Any) -> None:
            nonlocal outcome
            if isinstance(event, P.CheckResult):
                outcome = event
            elif isinstance(event, P.KernelDied):
                s.say("kernel.died", "wrong", reason=visible(event.reason))

        await s.run(s.kernel.check(block.implements, source), on_event)
        if outcome is None:
            return False
        result: P.CheckResult = outcome
        message = result.message.strip()
        diagnosis = visible(message.splitlines()[0]) if message and not result.passed else ""
        s.progress(s.store.record_check, self.key, block.id, result.passed, diagnosis)
        if not result.passed:
            s.say("ex.failed", "wrong")
            s.text(visible(result.message.strip()), indent="  ")
            if result.case:
                s.say("ex.case", "muted", case=visible(result.case))
            if result.line:
                s.say("ex.line", "muted", line=result.line)
            return False
        s.say("plain.ex.passed", "right", name=name)
        if block.then is not None:
            then = block.then
            impl = {block.implements: source}

            async def run() -> None:
                await self.run_experiment(then, dict(then.params), impl)

            s.last_run = run
            await run()
        return True
