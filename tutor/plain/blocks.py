"""The interactive blocks of a lesson in plain mode: code cells, experiments, quizzes, exercises.

Each does what its app widget does, through the same shared pieces: the kernel client for
running, `tutor.quiz.grade` for verdicts, the progress store (by `lesson.key`) for what the learner
did, `tutor.narrate` for the curve in words. Everything from the kernel or a lesson goes through
`visible()` before it is printed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tutor.content.catalog import EXPERIMENT_PARAMS, defaults, validate_params, validate_value
from tutor.content.model import Code, Exercise, Experiment, Lesson, Quiz
from tutor.i18n import t
from tutor.kernel import protocol as P
from tutor.kernel.protocol import ExperimentResult
from tutor.narrate import describe
from tutor.plain.commands import Leave
from tutor.plain.console import INTERRUPT
from tutor.plain.plot import plot_lines
from tutor.plain.session import Session
from tutor.plain.text import markdown_lines
from tutor.practice.reveal import solution_available
from tutor.quiz import grade, has_hint, option_order, parse_number
from tutor.safe_text import visible

# Seconds between two progress lines of a running experiment, on a terminal only.
PROGRESS_EVERY = 5.0
# Lines that end code typed at an exercise prompt (the prompt names the first).
END_OF_CODE = ("end", "结束")


def format_value(value: Any) -> str:
    """A fact for people: 4 significant digits, lists inline, None as a dash."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        if len(value) > 8:
            return "[" + ", ".join(format_value(v) for v in value[:6]) + f", … ({len(value)} values)]"
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return visible(str(value))


class Blocks:
    def __init__(self, session: Session, lesson: Lesson) -> None:
        self.s = session
        self.lesson = lesson
        self.key = lesson.key

    @property
    def lang(self) -> str:
        return self.s.lang

    # ---------------------------------------------------------------- code cells

    async def cell(self, block: Code) -> None:
        saved = self.s.progress(self.s.store.load_cell, self.key, block.cell_id)
        code = saved if saved is not None else block.source
        if saved is not None:
            self.s.say("plain.cell.saved", "muted")
        self.s.code(Code("static", code, block.where))
        while True:
            command, line = await self.s.ask(t("plain.prompt.cell", self.lang), ("skip",))
            if command == "skip":
                return
            if not line.strip():
                break
            self.s.say("plain.cell.enter", "warn", line=visible(line.strip()))

        async def run() -> None:
            await self.run_cell(block, code)

        self.s.last_run = run
        await run()

    async def run_cell(self, block: Code, code: str) -> None:
        out = self.s.console
        wrote: list[str] = []  # everything printed, to end it with a line end and to know if any

        def on_event(event: Any) -> None:
            if isinstance(event, P.Stream):
                text = visible(event.text)
                wrote.append(text)
                out.write(out.style(text, "wrong") if event.name == "stderr" else text, end="")
            elif isinstance(event, P.Result):
                wrote.append(event.text + "\n")
                out.write(visible(event.text))
            elif isinstance(event, P.Error):
                wrote.append(event.traceback.rstrip("\n") + "\n")
                out.write(out.style(visible(event.traceback.rstrip("\n")), "wrong"))
            elif isinstance(event, P.Done) and event.status == "interrupted":
                self.s.say("kernel.interrupted", "warn")
            elif isinstance(event, P.KernelDied):
                self.s.say("kernel.died", "wrong", reason=visible(event.reason))

        request = self.s.kernel.execute(code, cell_id=block.cell_id, namespace=self.lesson.id)
        last = await self.s.run(request, on_event)
        if wrote and not "".join(wrote).endswith("\n"):
            out.write("")
        if not wrote and isinstance(last, P.Done) and last.status == "ok":
            self.s.say("cell.no_output", "muted")

    # ---------------------------------------------------------------- experiments

    async def experiment(self, block: Experiment, *, impl: dict[str, str] | None = None) -> None:
        """Show the parameters, run at enter, change an editable one with name=value and run again."""
        specs = EXPERIMENT_PARAMS.get(block.run, {})
        params = dict(block.params)
        saved = self.s.progress(self.s.store.load_params, self.key, block.id) if block.id else None
        if saved:
            params.update({k: v for k, v in saved.items() if k in block.editable})
        self.s.say("plain.exp.title", "heading", run=block.run)
        ran = False
        while True:
            self.show_params(block, params)
            prompt = "plain.prompt.exp_again" if ran else "plain.prompt.exp"
            example = block.editable[0] if block.editable else ""
            key = prompt + (".editable" if block.editable else "")
            command, line = await self.s.ask(t(key, self.lang, example=example), ("again", "skip"))
            if command == "skip" or (ran and command is None and not line.strip()):
                return
            if command is None and line.strip():
                changed = self.change(block, specs, params, line)
                if changed is None:
                    continue
                params = changed
                if block.id:
                    edited = {k: params[k] for k in block.editable if k in params}
                    self.s.progress(self.s.store.save_params, self.key, block.id, edited)

            async def run(params: dict[str, Any] = params) -> None:
                await self.run_experiment(block, params, impl)

            self.s.last_run = run
            await run()
            ran = True

    def show_params(self, block: Experiment, params: dict[str, Any]) -> None:
        values = {**defaults(block.run), **params} if block.run in EXPERIMENT_PARAMS else params
        shown = ", ".join(f"{k} = {format_value(v)}" for k, v in values.items() if k in params or k in block.editable)
        self.s.say("plain.exp.params", name_list=shown or "—")
        if block.editable:
            self.s.say("plain.exp.editable", "muted", names=", ".join(block.editable))
        if block.sweep:
            (name, values_list), = block.sweep.items()
            self.s.say("plain.exp.sweep", "muted", name=name, values=format_value(values_list))

    def change(self, block: Experiment, specs: dict[str, Any], params: dict[str, Any],
               line: str) -> dict[str, Any] | None:
        """params with the change `line` asks for ("lr=0.1", "lr 0.1"); None (and why) if invalid."""
        name, sep, raw = line.replace("＝", "=").partition("=")
        if not sep:
            name, _, raw = line.strip().partition(" ")
        name, raw = name.strip(), raw.strip()
        if name not in block.editable:
            if block.editable:
                self.s.say("plain.exp.not_editable", "warn", name=visible(name), names=", ".join(block.editable))
            else:
                self.s.say("plain.exp.nothing_editable", "warn")
            return None
        value, problem = validate_value(specs[name], raw, self.lang)
        if problem is not None:
            self.s.say("plain.exp.bad_value", "warn", problem=problem)
            return None
        changed = {**params, name: value}
        problems = validate_params(block.run, changed, self.lang)
        if problems:
            for param, message in problems:
                self.s.say("plain.exp.bad_value", "warn", problem=f"{param}: {message}")
            return None
        return changed

    async def run_experiment(self, block: Experiment, params: dict[str, Any], impl: dict[str, str] | None) -> None:
        errors: list[str] = []
        self.s.say("cell.running", "muted")
        said = time.monotonic()

        def on_event(event: Any) -> None:
            nonlocal said
            if isinstance(event, P.Points) and self.s.console.live and time.monotonic() - said > PROGRESS_EVERY:
                # a whole line now and then, never a line rewritten in place: screen readers read lines
                label, points = next(reversed(event.series.items()))
                if points:
                    x, y = points[-1]
                    loss = "inf" if y is None else f"{y:.3g}"
                    named = f" ({visible(label)})" if label not in ("", "loss") else ""
                    self.s.say("plain.exp.progress", "muted", label=named,
                               where=t(f"plain.axis.{block.x_axis}", self.lang, x=f"{x:.4g}"), loss=loss)
                    said = time.monotonic()
            elif isinstance(event, P.Stream):
                errors.append(event.text)
            elif isinstance(event, P.Error):
                errors.append(f"{event.ename}: {event.evalue}")

        request = self.s.kernel.experiment(block.run, params, seed=0, sweep=block.sweep, impl=impl,
                                           compare=impl is not None, x_axis=block.x_axis)
        last = await self.s.run(request, on_event)
        if isinstance(last, P.KernelDied):
            self.s.say("kernel.died", "wrong", reason=visible(last.reason))
            return
        if not isinstance(last, P.Done) or (last.status == "interrupted" and last.result is None):
            self.s.say("exp.cancelled", "warn")
            return
        if last.status == "error" or last.result is None:
            message = errors[-1].strip() if errors else last.status
            self.s.say("exp.failed", "wrong", error=visible(message))
            return
        try:
            result = ExperimentResult.from_wire(last.result)
        except P.ProtocolError as error:
            self.s.say("exp.failed", "wrong", error=visible(str(error)))
            return
        self.report(result)

    def report(self, result: ExperimentResult) -> None:
        """The facts, the curve in words, then the plot (unless --no-plot)."""
        self.s.say("plain.exp.facts", "heading")
        for name, value in result.facts.items():
            self.s.text(f"{visible(name)} = {format_value(value)}", indent="  ")
        words = describe(result, self.lang)
        if words:
            self.s.blank()
            self.s.text(words)
        if self.s.plot:
            lines = plot_lines(result, self.s.console.width, self.s.console.color, self.lang)
            if lines:
                self.s.blank()
                self.s.console.lines(lines)

    # ---------------------------------------------------------------- quizzes

    async def quiz(self, block: Quiz) -> None:
        store = self.s.store
        order = option_order(block, store.learner_seed()) if block.type == "choice" else ()
        self.s.markdown(block.prompt)
        if block.type == "choice":
            for n, index in enumerate(order, start=1):
                lines = _md(block.choices[index].text, self.s, indent="      ")
                self.s.console.lines([f"  {n:>2}. " + lines[0].lstrip(), *lines[1:]])
            if block.multiple:
                self.s.say("quiz.choose_several", "muted")
        attempts = store.quiz_attempts(self.key, block.id)
        if any(a["correct"] for a in attempts):
            self.s.say("plain.quiz.solved", "muted")
        key = {"choice": "plain.prompt.choice_several" if block.multiple else "plain.prompt.choice",
               "number": "plain.prompt.number"}.get(block.type, "plain.prompt.text")
        while True:
            command, line = await self.s.ask(t(key, self.lang), ("hint", "skip"))
            if command == "skip":
                return
            if command == "hint":
                if has_hint(block):
                    self.s.console.lines([self.s.console.style(x, "hint") for x in
                                          _md(t("quiz.hint", self.lang) + block.hint.strip(), self.s)])
                else:
                    self.s.say("quiz.no_hint", "muted")
                continue
            answer: Any = line
            if block.type == "choice":
                answer = self.choices(line, order)
                if answer is None:
                    continue
            earlier_wrong = sum(not a["correct"] for a in store.quiz_attempts(self.key, block.id))
            verdict = grade(block, answer, order=order or None, earlier_wrong=earlier_wrong)
            if not verdict.valid:
                self.s.say(f"quiz.problem.{verdict.problem}", "warn")
                continue
            self.s.progress(store.record_quiz, self.key, block.id, answer, verdict.correct)
            self.verdict(verdict)
            if verdict.correct:
                return

    def choices(self, line: str, order: tuple[int, ...]) -> list[int] | None:
        """The 0-based choice indices the typed numbers (as shown: 1..n) stand for; None if not numbers."""
        parts = line.replace(",", " ").replace("，", " ").replace("、", " ").split()
        numbers = [parse_number(p) for p in parts]
        if not parts or any(n is None or n != int(n) or not 1 <= n <= len(order) for n in numbers):
            self.s.say("plain.quiz.bad_choice", "warn", n=len(order))
            return None
        return sorted({order[int(n) - 1] for n in numbers if n is not None})

    def verdict(self, verdict: Any) -> None:
        s = self.s
        if verdict.correct:
            s.say("quiz.right", "right")
        else:
            s.say("plain.quiz.wrong", "wrong")
        for note in verdict.picks:
            mark = "✓" if note.mark == "picked_right" else "✗"
            why = f" — {note.why.strip()}" if note.why else ""
            s.console.lines(_md(f"{mark} {note.text}{why}", s, indent="  "))
        if verdict.revealed:
            for note in verdict.missed:
                why = f" — {note.why.strip()}" if note.why else ""
                s.console.lines(_md(t("quiz.missed", self.lang, text=note.text) + why, s, indent="  "))
            if verdict.explain:
                s.console.lines(_md(t("quiz.explain", self.lang) + verdict.explain.strip(), s))

    # ---------------------------------------------------------------- exercises

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
        if not text or text == "again":
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
            self.s.console.lines([self.s.console.style(x, "hint") for x in _md(text, self.s)])

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


def _md(text: str, session: Session, indent: str = "") -> list[str]:
    """Lesson Markdown (a hint, a why) as lines, `indent` in front of each."""
    lines = markdown_lines(text, session.console.width - len(indent), session.console.style)
    return [indent + line for line in lines] or [indent]
