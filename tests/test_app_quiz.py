"""Quizzes as a learner meets them at 80x24: their own stable option order, no internal id on the box,
space picks and enter submits, feedback that names each option once, a Hint button only with a
hint, and options, feedback and explanations wrapped and rendered the same way."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, RadioSet, SelectionList

from tests.app_helpers import text_of
from tests.block_helpers import BlockApp
from tutor.content.model import Choice, Quiz, Where
from tutor.quiz import grade, option_order
from tutor.ui.widgets.quiz import QuizPanel

HERE = Where(Path("quiz.md"))

SINGLE = Quiz(
    id="pick-the-loss",
    type="choice",
    prompt="Which loss does the chapter use?",
    where=HERE,
    choices=[
        Choice("absolute loss", why="Not differentiable at 0."),
        Choice("squared loss `(y_hat - y)**2 / 2`", correct=True, why="The chapter halves the squared error."),
        Choice("cross-entropy", why="That is for classification."),
        Choice("hinge loss", why="That is for margins."),
    ],
    hint="Look at `squared_loss`.",
    explain="The chapter's loss is\n`squared_loss`, whose gradient\nis simply the error.",
)

LONG = (
    "every sample is used once per epoch and the last batch is shorter than the others, so `sgd` "
    "divides by `batch_size` instead of the batch's true length"
)
SEVERAL = Quiz(
    id="what-holds",
    type="choice",
    prompt="Which hold for `data_iter`?",
    where=HERE,
    choices=[
        Choice(LONG, correct=True, why="Slicing past the end is safe."),
        Choice("it raises at the end", why="Slicing never raises."),
        Choice("it shuffles indices", correct=True, why="A list of indices is shuffled."),
    ],
    explain="两者都对：\n自己写一遍\n就明白了。",
)

NO_HINT = Quiz(id="no-hint", type="number", prompt="How many?", where=HERE, answer=40)


def quiz_app(tmp_path, quiz: Quiz, lang: str = "en") -> BlockApp:
    return BlockApp(tmp_path, lambda context: QuizPanel(quiz, context), lang=lang)


def shown_options(panel: QuizPanel) -> list[str]:
    widget = panel.query_one("#answer")
    if isinstance(widget, SelectionList):
        return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]
    return [str(button.label) for button in widget.query("RadioButton")]


async def test_options_come_in_the_learners_own_order_every_time(tmp_path):
    orders = []
    for _ in range(2):
        app = quiz_app(tmp_path, SINGLE)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            panel = app.query_one(QuizPanel)
            seed = app.store.learner_seed()
            expected = [SINGLE.choices[i].text.replace("`", "") for i in option_order(SINGLE, seed)]
            assert shown_options(panel) == expected
            orders.append(shown_options(panel))
    assert orders[0] == orders[1]
    # another learner (another data dir) gets the order their own seed gives
    other = quiz_app(tmp_path / "other", SINGLE)
    async with other.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seed = other.store.learner_seed()
        expected = [SINGLE.choices[i].text.replace("`", "") for i in option_order(SINGLE, seed)]
        assert shown_options(other.query_one(QuizPanel)) == expected


async def test_space_picks_enter_submits_and_the_box_has_no_internal_id(tmp_path):
    messages: list[object] = []
    app = quiz_app(tmp_path, SINGLE)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.pause()
        panel = app.query_one(QuizPanel)
        assert SINGLE.id not in str(panel.border_title or "")
        assert SINGLE.id not in screen_text(app)
        order = panel.order
        radio = panel.query_one(RadioSet)
        radio.focus()
        await pilot.pause()
        # move to the correct option as shown, pick it with space, submit with enter
        for _ in range(order.index(1)):
            await pilot.press("down")
        await pilot.press("space")
        await pilot.pause()
        assert not [m for m in messages if isinstance(m, QuizPanel.Answered)]  # space only picks
        assert picked_lines(app) == ["squared loss (y_hat - y)**2 / 2"]  # seen without colour
        await pilot.press("enter")
        await pilot.pause()
        answered = [m for m in messages if isinstance(m, QuizPanel.Answered)]
        assert answered and answered[0].answer == [1] and answered[0].verdict.correct
        feedback = text_of(panel.query_one("#feedback"))
        lines = feedback.split("\n")
        assert lines[0] == "✓ Right."
        # the line about the option names it, without backticks, and says its why once
        assert "squared loss (y_hat - y)**2 / 2 — The chapter halves the squared error." in feedback
        assert feedback.count("The chapter halves") == 1
        assert "`" not in feedback
        # the explanation is reflowed: the source's line breaks inside the paragraph are gone
        assert "Why: The chapter's loss is squared_loss, whose gradient is simply the error." in feedback


async def test_several_choices_wrap_space_picks_enter_submits(tmp_path):
    messages: list[object] = []
    app = quiz_app(tmp_path, SEVERAL, lang="zh")
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.pause()
        panel = app.query_one(QuizPanel)
        options = panel.query_one(SelectionList)
        # the long option wraps: every word of it is on screen
        shown = screen_text(app)
        for word in ("instead", "true", "length"):
            assert word in shown, shown
        options.focus()
        await pilot.pause()
        for i, index in enumerate(panel.order):
            if SEVERAL.choices[index].correct:
                options.highlighted = i
                await pilot.press("space")
        await pilot.pause()
        assert not [m for m in messages if isinstance(m, QuizPanel.Answered)]
        assert len(picked_lines(app)) == 2 and "it shuffles indices" in picked_lines(app)
        await pilot.press("enter")
        await pilot.pause()
        [answered] = {id(m): m for m in messages if isinstance(m, QuizPanel.Answered)}.values()
        assert answered.answer == [0, 2] and answered.verdict.correct
        feedback = text_of(panel.query_one("#feedback"))
        # the Chinese explanation is one paragraph: no lone "自己写一遍" line
        assert "两者都对：自己写一遍就明白了。" in feedback
        assert "自己写一遍" not in [line.strip() for line in feedback.split("\n")]


async def test_a_wrong_pick_is_named_and_the_answer_is_kept_back_until_revealed(tmp_path):
    app = quiz_app(tmp_path, SEVERAL)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.query_one(QuizPanel)
        options = panel.query_one(SelectionList)
        options.select(1)  # "it raises at the end", wrong
        panel.run()
        await pilot.pause()
        feedback = text_of(panel.query_one("#feedback"))
        assert "✗ it raises at the end — Slicing never raises." in feedback
        assert "shuffles" not in feedback  # the missed right option is not told yet
        panel.run()  # a second wrong answer reveals
        await pilot.pause()
        feedback = text_of(panel.query_one("#feedback"))
        assert feedback.count("it shuffles indices") == 1 and "Also right, not chosen" in feedback
        # what the grader says, rendered: the verdict for this learner's order
        verdict = grade(SEVERAL, [1], order=panel.order, earlier_wrong=1)
        assert verdict.revealed and [n.index for n in verdict.missed] == [i for i in panel.order if i in (0, 2)]


async def test_the_hint_button_is_there_only_with_a_hint(tmp_path):
    for quiz, has in ((SINGLE, True), (NO_HINT, False)):
        app = quiz_app(tmp_path / quiz.id, quiz)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            panel = app.query_one(QuizPanel)
            assert bool(panel.query("#hint")) is has
            assert [b.id for b in panel.query(Button)] == (["submit", "hint"] if has else ["submit"])
            assert panel.hint() is has
            await pilot.pause()
            if has:
                assert text_of(panel.query_one("#feedback")) == "Hint: Look at squared_loss."


def screen_text(app: BlockApp) -> str:
    """Every character the screen shows, line by line, as the terminal gets it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def picked_lines(app: BlockApp) -> list[str]:
    """The options whose box shows the picked mark (a mark, not only a colour)."""
    return [line.split("▐●▌", 1)[1].strip(" ▎│║") for line in screen_text(app).split("\n") if "▐●▌" in line]


async def test_in_the_lesson_enter_goes_into_the_quiz_space_picks_and_enter_submits(tmp_path):
    from tests.app_helpers import fixture_app, open_demo_lesson

    messages: list[object] = []
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await open_demo_lesson(pilot, "Quizzes")
        panel = next(q for q in app.screen.query(QuizPanel) if q.quiz.id == "demo-choice")
        # select the quiz block (tab), go into it (enter): the options take the keys
        for _ in range(6):
            if app.focused is panel:
                break
            await pilot.press("tab")
            await pilot.pause()
        assert app.focused is panel
        await pilot.press("enter")
        await pilot.pause()
        radio = panel.query_one(RadioSet)
        assert app.focused is radio
        right = panel.order.index(0)  # "squared loss" is the demo quiz's first choice as written
        for _ in range(right):
            await pilot.press("down")
        await pilot.press("space", "enter")
        await pilot.pause()
        answered = [m for m in messages if isinstance(m, QuizPanel.Answered)]
        assert answered and answered[0].answer == [0] and answered[0].verdict.correct
        assert app.store.quiz_solved(app.screen.lesson.key, "demo-choice")
