"""A quiz: the question, a way to answer by keyboard, feedback, a hint, then the explanation.

The grading is tutor.quiz's (the same for every front end); this module only renders its Verdict.
Choice options are shown in the learner's own stable order (`tutor.quiz.option_order`), while
answers stay indices into the quiz's choices as written, so recorded attempts never depend on it.
Keys, for single and multiple choice alike: arrows move, space picks, enter submits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Button, Input, OptionList, RadioButton, RadioSet, SelectionList, Static
from textual.widgets._toggle_button import ToggleButton

from tutor.content.model import Quiz
from tutor.i18n import t
from tutor.quiz import PICKED_RIGHT, Verdict, grade, has_hint, option_order
from tutor.ui.context import LessonContext
from tutor.ui.widgets.block import LessonBlock
from tutor.ui.widgets.inline import inline_markdown

# the mark inside an option's box when it is picked; an option not picked shows an empty box, so
# the learner sees their pick without colour (NO_COLOR, a 16-colour console)
PICKED = "●"
NOT_PICKED = " "


class WrappingRadioButton(RadioButton):
    """A radio button whose long answer wraps onto more lines instead of being cut off."""

    BUTTON_INNER = NOT_PICKED

    def watch_value(self) -> None:
        self.BUTTON_INNER = PICKED if self.value else NOT_PICKED
        super().watch_value()

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return max(1, len(self.render().wrap(width)))


class SubmitRequested(Message):
    """Posted when the learner pressed enter in a quiz's answer list."""


class Choices(RadioSet):
    """One answer: space picks the highlighted option, enter submits."""

    BINDINGS = [
        Binding("space", "toggle_button", "Pick", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    def action_submit(self) -> None:
        self.post_message(SubmitRequested())


class SeveralChoices(SelectionList[int]):
    """Several answers: space picks or unpicks the highlighted option, enter submits."""

    BINDINGS = [
        Binding("space", "select", "Pick", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    def action_submit(self) -> None:
        self.post_message(SubmitRequested())

    def render_line(self, y: int) -> Strip:
        # SelectionList draws a box on screen line y for option y, which is wrong once an option
        # wraps onto more lines; here each option's box is on its first line, its other lines are
        # indented under its text, and the box shows a mark when picked (not only a colour).
        line = OptionList.render_line(self, y)
        try:
            index, offset = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return line
        underlying = next(iter(line)).style or self.rich_style
        if offset:
            return Strip([Segment(" " * self._get_left_gutter_width(), underlying), *line])
        picked = self.get_option_at_index(index).value in self.selected
        component = "selection-list--button" + ("-selected" if picked else "")
        if self.highlighted == index:
            component += "-highlighted"
        meta = Style(meta={"option": index})
        button = self.get_component_rich_style(component) + meta
        side = Style.from_color(button.bgcolor, underlying.bgcolor) + meta
        return Strip(
            [
                Segment(ToggleButton.BUTTON_LEFT, side),
                Segment(PICKED if picked else NOT_PICKED, button),
                Segment(ToggleButton.BUTTON_RIGHT, side),
                Segment(" ", underlying),
                *line,
            ]
        )


class QuizPanel(LessonBlock):
    """One question of a lesson. Its `run` is submitting the answer (ctrl+r, enter, the button)."""

    DEFAULT_CSS = """
    QuizPanel { height: auto; border: round $secondary; padding: 0 1; margin: 0 0 1 0; }
    QuizPanel #prompt { height: auto; margin-bottom: 1; }
    QuizPanel RadioSet, QuizPanel SelectionList { height: auto; width: 1fr; }
    /* long answers wrap instead of being cut at the panel's edge */
    QuizPanel RadioButton { width: 1fr; height: auto; text-wrap: wrap; text-overflow: fold; }
    QuizPanel SelectionList { text-wrap: wrap; text-overflow: fold; }
    QuizPanel #buttons { height: 1; margin-top: 1; }
    QuizPanel #buttons Button { margin-right: 1; }
    QuizPanel #feedback { height: auto; margin-top: 1; }
    """

    @dataclass
    class Answered(Message):
        """Posted when the learner's answer was graded and recorded."""

        panel: QuizPanel
        answer: Any
        verdict: Verdict

    def __init__(self, quiz: Quiz, context: LessonContext, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.quiz = quiz
        self.context = context
        self.order: tuple[int, ...] = option_order(quiz, context.progress.learner_seed())

    @property
    def lang(self) -> str:
        return self.context.lang

    def compose(self) -> ComposeResult:
        quiz = self.quiz
        prompt = inline_markdown(quiz.prompt)
        if quiz.multiple:
            prompt.append("\n" + t("quiz.choose_several", self.lang), style="italic")
        yield Static(prompt, id="prompt")
        if quiz.type == "choice" and quiz.multiple:
            yield SeveralChoices(*[(inline_markdown(quiz.choices[i].text), i) for i in self.order], id="answer")
        elif quiz.type == "choice":
            with Choices(id="answer"):
                for i in self.order:
                    yield WrappingRadioButton(inline_markdown(quiz.choices[i].text))
        else:
            placeholder = t(f"quiz.placeholder.{quiz.type}", self.lang)
            yield Input(placeholder=placeholder, compact=True, id="answer")
        with Horizontal(id="buttons"):
            yield Button(t("quiz.submit", self.lang), id="submit", compact=True, variant="primary")
            if has_hint(quiz):
                yield Button(t("quiz.hint_button", self.lang), id="hint", compact=True)
        yield Static("", id="feedback")

    def on_mount(self) -> None:
        self.query_one("#feedback").display = False
        attempts = self.context.progress.quiz_attempts(self.quiz.id)
        if attempts:
            last = attempts[-1]["answer"]
            self.restore(last)
            earlier_wrong = sum(not a["correct"] for a in attempts[:-1])
            self.show_verdict(grade(self.quiz, last, order=self.order, earlier_wrong=earlier_wrong))

    # -- the learner's answer ------------------------------------------------

    def answer(self) -> Any:
        """Indices into the quiz's choices (whatever the order shown), or the typed text."""
        widget = self.query_one("#answer")
        if isinstance(widget, SelectionList):
            return sorted(widget.selected)
        if isinstance(widget, RadioSet):
            shown = widget.pressed_index
            return [] if shown < 0 else [self.order[shown]]
        assert isinstance(widget, Input)
        return widget.value

    def restore(self, answer: Any) -> None:
        widget = self.query_one("#answer")
        if isinstance(widget, SelectionList):
            for index in answer:
                widget.select(index)
        elif isinstance(widget, RadioSet):
            buttons = list(widget.query(RadioButton))
            for index in answer:
                if index in self.order:
                    buttons[self.order.index(index)].value = True
        elif isinstance(widget, Input):
            widget.value = str(answer)

    # -- the interface ---------------------------------------------------------

    def start_run(self) -> None:
        """Grading is instant and local: nothing to run in the kernel, so no worker."""
        self.submit()

    def submit(self) -> None:
        answer = self.answer()
        progress = self.context.progress
        attempts = progress.quiz_attempts(self.quiz.id)
        earlier_wrong = sum(not a["correct"] for a in attempts)
        verdict = grade(self.quiz, answer, order=self.order, earlier_wrong=earlier_wrong)
        if not verdict.valid:
            self.feedback(Text(t(f"quiz.problem.{verdict.problem}", self.lang), style="yellow"))
            return
        progress.record_quiz(self.quiz.id, answer, verdict.correct)
        self.show_verdict(verdict)
        self.post_message(self.Answered(self, answer, verdict))

    def hint(self) -> bool:
        if not has_hint(self.quiz):
            return False
        text = Text()
        text.append(t("quiz.hint", self.lang), style="bold")
        self.feedback(text.append_text(inline_markdown(self.quiz.hint)))
        return True

    # -- feedback ----------------------------------------------------------------

    def show_verdict(self, verdict: Verdict) -> None:
        hint_key = ("t" if self.context.settings.in_browser else "ctrl+t") if has_hint(self.quiz) else None
        self.feedback(render_verdict(verdict, hint_key, self.lang))

    def feedback(self, text: Text) -> None:
        widget = self.query_one("#feedback", Static)
        widget.update(text)
        widget.display = bool(text)

    # -- keys and buttons ----------------------------------------------------

    @on(Input.Submitted, "#answer")
    @on(SubmitRequested)
    def _submit_key(self, event: Message) -> None:
        event.stop()
        self.run()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.run()

    @on(Button.Pressed, "#hint")
    def _hint_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.hint()


def render_verdict(verdict: Verdict, hint_key: str | None, lang: str) -> Text:
    """The headline (with the hint's key, if there is a hint), one line per chosen option (named),
    then — once revealed — the options missed and the explanation. Each thing is said once."""
    text = Text()
    if verdict.correct:
        text.append(t("quiz.right", lang), style="bold green")
    else:
        wrong = t("quiz.wrong_hint", lang, press=hint_key) if hint_key else t("quiz.wrong_no_hint", lang)
        text.append(wrong, style="bold red")
    for note in verdict.picks:
        right = note.mark == PICKED_RIGHT
        text.append("\n✓ " if right else "\n✗ ", style="green" if right else "red")
        text.append_text(inline_markdown(note.text, style="bold"))
        if note.why:
            text.append(" — ")
            text.append_text(inline_markdown(note.why))
    if verdict.revealed:
        for note in verdict.missed:
            text.append("\n" + t("quiz.missed_option", lang), style="yellow")
            text.append_text(inline_markdown(note.text, style="bold"))
            if note.why:
                text.append(" — ")
                text.append_text(inline_markdown(note.why))
        if verdict.explain.strip():
            text.append("\n")
            text.append(t("quiz.explain", lang), style="bold")
            text.append_text(inline_markdown(verdict.explain))
    return text
