"""A quiz in plain mode: numbered options in the learner's own order, one line of answer, the
grader's verdict rendered as the app renders it."""

from __future__ import annotations

from typing import Any

from tutor.content.model import Quiz
from tutor.i18n import t
from tutor.plain.blocks import Blocks
from tutor.quiz import Verdict, grade, has_hint, option_order, parse_number


class Quizzes(Blocks):
    async def quiz(self, block: Quiz) -> None:
        store = self.s.store
        order = option_order(block, store.learner_seed()) if block.type == "choice" else ()
        self.s.markdown(block.prompt)
        if block.type == "choice":
            for n, index in enumerate(order, start=1):
                lines = self.md(block.choices[index].text, indent="      ")
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
                                          self.md(t("quiz.hint", self.lang) + block.hint.strip())])
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

    def verdict(self, verdict: Verdict) -> None:
        s = self.s
        if verdict.correct:
            s.say("quiz.right", "right")
        else:
            s.say("plain.quiz.wrong", "wrong")
        for note in verdict.picks:
            mark = "✓" if note.mark == "picked_right" else "✗"
            why = f" — {note.why.strip()}" if note.why else ""
            s.console.lines(self.md(f"{mark} {note.text}{why}", indent="  "))
        if verdict.revealed:
            for note in verdict.missed:
                why = f" — {note.why.strip()}" if note.why else ""
                s.console.lines(self.md(t("quiz.missed", self.lang, text=note.text) + why, indent="  "))
            if verdict.explain:
                s.console.lines(self.md(t("quiz.explain", self.lang) + verdict.explain.strip()))
