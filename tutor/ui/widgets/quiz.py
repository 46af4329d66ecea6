"""A quiz: the question, a way to answer by keyboard, feedback, a hint, then the explanation."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Markdown, RadioButton, RadioSet, SelectionList, Static

from tutor.content.model import Quiz
from tutor.i18n import t
from tutor.quiz import grade
from tutor.ui.widgets.inline import inline_markdown

# After this many wrong answers the explanation is shown anyway: a learner who is stuck
# learns more from the reasoning than from guessing on.
EXPLAIN_AFTER_WRONG = 2


class WrappingRadioButton(RadioButton):
    """A radio button whose long answer wraps onto more lines instead of being cut off."""

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.render().wrap(width)))


class QuizPanel(Vertical):
    DEFAULT_CSS = """
    QuizPanel { height: auto; border: round $secondary; padding: 0 1; margin: 0 0 1 0; }
    QuizPanel Markdown { margin: 0; padding: 0; }
    QuizPanel RadioSet, QuizPanel SelectionList { height: auto; width: 1fr; }
    /* long answers wrap instead of being cut at the panel's edge */
    QuizPanel RadioButton { width: 1fr; height: auto; text-wrap: wrap; text-overflow: fold; }
    QuizPanel #buttons { height: 1; margin-top: 1; }
    QuizPanel #buttons Button { margin-right: 1; }
    QuizPanel #feedback { height: auto; }
    """

    def __init__(self, quiz: Quiz, lesson_id: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.quiz = quiz
        self.lesson_id = lesson_id
        self.border_title = quiz.id

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        quiz = self.quiz
        prompt = quiz.prompt + (f"  \n*{t('quiz.choose_several', self.lang)}*" if quiz.multiple else "")
        yield Markdown(prompt)
        if quiz.type == "choice" and quiz.multiple:
            yield SelectionList[int](*[(c.text, i) for i, c in enumerate(quiz.choices)], id="answer")
        elif quiz.type == "choice":
            with RadioSet(id="answer"):
                for choice in quiz.choices:
                    yield WrappingRadioButton(choice.text)
        else:
            placeholder = t(f"quiz.placeholder.{quiz.type}", self.lang)
            yield Input(placeholder=placeholder, compact=True, id="answer")
        with Horizontal(id="buttons"):
            yield Button(t("quiz.submit", self.lang), id="submit", compact=True, variant="primary")
            yield Button(t("quiz.hint_button", self.lang), id="hint", compact=True)
        yield Static("", id="feedback")

    def on_mount(self) -> None:
        attempts = self.app.progress.quiz_attempts(self.lesson_id, self.quiz.id)
        if attempts:
            last = attempts[-1]["answer"]
            self.restore(last)
            self.show_verdict(last, attempts)

    # -- the learner's answer ------------------------------------------------

    def answer(self):
        widget = self.query_one("#answer")
        if isinstance(widget, SelectionList):
            return sorted(widget.selected)
        if isinstance(widget, RadioSet):
            index = widget.pressed_index
            return [] if index < 0 else [index]
        return widget.value

    def restore(self, answer) -> None:
        widget = self.query_one("#answer")
        if isinstance(widget, SelectionList):
            for index in answer:
                widget.select(index)
        elif isinstance(widget, RadioSet):
            buttons = list(widget.query(RadioButton))
            for index in answer:
                if 0 <= index < len(buttons):
                    buttons[index].value = True
        else:
            widget.value = str(answer)

    def submit(self) -> None:
        answer = self.answer()
        verdict = grade(self.quiz, answer)
        if not verdict.valid:
            self.feedback(Text(t(f"quiz.problem.{verdict.problem}", self.lang), style="yellow"))
            return
        self.app.progress.record_quiz(self.lesson_id, self.quiz.id, answer, verdict.correct)
        self.show_verdict(answer, self.app.progress.quiz_attempts(self.lesson_id, self.quiz.id))

    def show_verdict(self, answer, attempts: list[dict]) -> None:
        verdict = grade(self.quiz, answer)
        text = Text()
        if verdict.correct:
            text.append(t("quiz.right", self.lang) + "\n", style="bold green")
        else:
            text.append(t("quiz.wrong", self.lang) + "\n", style="bold red")
        for why in verdict.feedback:
            text.append("• ")
            text.append(inline_markdown(why))
            text.append("\n")
        wrong = sum(not a["correct"] for a in attempts)
        # what was right is revealed only with the explanation, so a retry still means something
        if verdict.correct or wrong >= EXPLAIN_AFTER_WRONG:
            for missed in verdict.missed:
                why = f" — {missed.why}" if missed.why else ""
                text.append("• " + t("quiz.missed", self.lang, text=missed.text) + why + "\n")
            if verdict.explain:
                text.append(t("quiz.explain", self.lang), style="bold")
                text.append(inline_markdown(verdict.explain.strip()))
        self.feedback(text)

    def show_hint(self) -> None:
        if self.quiz.hint:
            self.feedback(inline_markdown(t("quiz.hint", self.lang) + self.quiz.hint.strip(), style="cyan"))
        else:
            self.feedback(Text(t("quiz.no_hint", self.lang)))

    def feedback(self, text: Text) -> None:
        self.query_one("#feedback", Static).update(text)

    # -- keys and buttons ----------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.submit()
        elif event.button.id == "hint":
            self.show_hint()
