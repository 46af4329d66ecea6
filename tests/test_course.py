"""The built-in course: it loads without errors, both languages agree, and what it teaches is true.

Every number a quiz of the chapter lessons (01-08) marks right is measured here on the scratch
core: by running the lesson's own code cell in a namespace built as the kernel builds it, or the
lesson's own experiment through tutor.scratch.exercises.EXPERIMENTS.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import re

import pytest
import torch

from tests.course_helpers import CHAPTER, COURSE, LESSONS
from tutor.content.catalog import EXPERIMENT_PARAMS, source_of
from tutor.content.check import check_paths
from tutor.content.discover import load_course
from tutor.content.model import Code, Experiment, Lesson, Prose, Quiz, Step
from tutor.quiz import grade

torch.set_num_threads(1)

# exercise id -> (lesson stem, the core function the learner writes)
EXERCISES = {
    "synthetic-data": ("01-data", "tutor.scratch.data.synthetic_data"),
    "data-iter": ("02-minibatches", "tutor.scratch.data.data_iter"),
    "linreg": ("04-model", "tutor.scratch.model.linreg"),
    "squared-loss": ("05-loss", "tutor.scratch.model.squared_loss"),
    "sgd": ("06-sgd", "tutor.scratch.model.sgd"),
}


@pytest.fixture(scope="module")
def course():
    return load_course(LESSONS)


def lessons_by(course, stem: str) -> dict[str, Lesson]:
    return {lesson.lang: lesson for lesson in course.lessons if lesson.stem == stem}


def lesson(course, stem: str, lang: str = "en") -> Lesson:
    return lessons_by(course, stem)[lang]


# ------------------------------------------------------------------------------ the files load


def test_the_builtin_course_has_no_errors():
    errors = check_paths([LESSONS])
    assert errors == [], "\n".join(map(str, errors))


def test_all_fifteen_lessons_exist_in_english_and_chinese(course):
    assert course.broken == []
    found = {(l.stem, l.lang): l.id for l in course.lessons}
    for stem, lesson_id in COURSE.items():
        for lang in ("en", "zh"):
            assert found.get((stem, lang)) == lesson_id, f"{stem} ({lang}) missing or misnamed"


def test_every_lesson_has_an_experiment_and_a_quiz(course):
    for l in course.lessons:
        assert l.experiments(), f"{l.path.name} has no experiment"
        assert l.quizzes(), f"{l.path.name} has no quiz"
        for quiz in l.quizzes():
            assert quiz.hint.strip() and quiz.explain.strip(), f"{quiz.id} needs a hint and an explanation"


def test_the_exercise_lessons_with_traps_ask_three_quizzes_of_two_types(course):
    for stem in ("09-zero-init", "13-reshape", "14-learning-rate", "15-remainder"):
        assert set(lessons_by(course, stem)) == {"en", "zh"}, f"{stem} missing"
        for lang, l in lessons_by(course, stem).items():
            quizzes = l.quizzes()
            assert len(quizzes) >= 3 and len({q.type for q in quizzes}) >= 2, f"{stem} ({lang})"


def test_every_show_and_run_resolves(course):
    for l in course.lessons:
        for step in l.steps:
            for block in step.blocks:
                if isinstance(block, Code) and block.kind == "show":
                    assert "def " in source_of(block.show), block.show
        for experiment in l.experiments():
            assert experiment.run in EXPERIMENT_PARAMS, f"{l.path.name}: {experiment.run}"


def test_translations_ask_the_same_quizzes_with_the_same_answers(course):
    for stem in COURSE:
        both = lessons_by(course, stem)
        assert set(both) == {"en", "zh"}, f"{stem}: found {sorted(both)}"
        en, zh = both["en"], both["zh"]
        assert en.id == zh.id
        assert [answer_key(q) for q in en.quizzes()] == [answer_key(q) for q in zh.quizzes()], stem
        assert [(e.id, e.implements, len(e.hints), e.then.run, e.then.params) for e in en.exercises()] == \
               [(e.id, e.implements, len(e.hints), e.then.run, e.then.params) for e in zh.exercises()], stem
        assert [(x.run, x.params, x.sweep, x.view) for x in en.experiments()] == \
               [(x.run, x.params, x.sweep, x.view) for x in zh.experiments()], stem


# A line break inside a Markdown paragraph renders as a space: between two Chinese characters
# that is a visible gap ("到目前为止 所有梯度"), so Chinese paragraphs are written on one line.
CJK_SOFT_BREAK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]\n[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_chinese_paragraphs_have_no_line_breaks_that_render_as_spaces(course):
    for l in course.lessons:
        if l.lang != "zh":
            continue
        texts = [(b.where, b.markdown) for s in l.steps for b in s.blocks if isinstance(b, Prose)]
        for quiz in l.quizzes():
            texts += [(quiz.where, t) for t in (quiz.prompt, quiz.hint, quiz.explain)]
            texts += [(quiz.where, t) for c in quiz.choices for t in (c.text, c.why)]
        for exercise in l.exercises():
            texts += [(exercise.where, hint) for hint in exercise.hints]
        for where, text in texts:
            found = CJK_SOFT_BREAK.search(text)
            assert found is None, f"{where}: line break between {found.group()!r} shows as a space"


def answer_key(quiz: Quiz):
    # a text quiz's accept list and pattern are per language (zh also takes 运行时错误 for RuntimeError)
    return (quiz.id, quiz.type, quiz.answer, quiz.tolerance, [c.correct for c in quiz.choices])


def test_quiz_ids_carry_their_lesson_id(course):
    for l in course.lessons:
        for quiz in l.quizzes():
            assert quiz.id.startswith(l.id + "-"), f"{quiz.id} in lesson {l.id}"


def test_the_five_exercises_lead_to_the_answer(course):
    for exercise_id, (stem, implements) in EXERCISES.items():
        for lang, l in lessons_by(course, stem).items():
            found = {e.id: e for e in l.exercises()}
            assert exercise_id in found, f"{exercise_id} missing from {stem} ({lang})"
            exercise = found[exercise_id]
            assert exercise.implements == implements
            assert len(exercise.hints) >= 3
            assert exercise.then is not None and exercise.then.run in EXPERIMENT_PARAMS
            # the starter is a signature to fill in, not the answer
            name = implements.rpartition(".")[2]
            tree = ast.parse(exercise.starter)
            functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
            assert [f.name for f in functions] == [name]
            assert ast.get_docstring(functions[0])
            assert isinstance(functions[0].body[-1].value, ast.Constant)
            assert functions[0].body[-1].value.value is Ellipsis


# What the hints spell out, step by step; the last hint's code must be part of it.
HINTED_SOLUTIONS = {
    "synthetic-data": """
def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))
""",
    "data-iter": """
def data_iter(batch_size, features, labels):
    indices = list(range(len(features)))
    random.shuffle(indices)
    for i in range(0, len(features), batch_size):
        batch_indices = torch.tensor(indices[i: i + batch_size])
        yield features[batch_indices], labels[batch_indices]
""",
    "linreg": """
def linreg(X, w, b):
    return torch.matmul(X, w) + b
""",
    "squared-loss": """
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
""",
    "sgd": """
def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
""",
}


def test_the_hints_lead_to_code_that_passes_the_check_and_the_starter_does_not(course):
    from tutor.practice.checks import check_source

    for exercise_id, (stem, implements) in EXERCISES.items():
        solution = HINTED_SOLUTIONS[exercise_id]
        for l in lessons_by(course, stem).values():
            exercise = next(e for e in l.exercises() if e.id == exercise_id)
            for snippet in re.findall(r"`([^`]+)`", exercise.hints[-1]):
                assert snippet in solution, f"{exercise_id} ({l.lang}): last hint's {snippet!r}"
            assert not check_source(implements, exercise.starter).passed
        verdict = check_source(implements, solution)
        assert verdict.passed, f"{exercise_id}: {verdict.message}"


# ------------------------------------------------------------------------------ the cells run


def kernel_namespace() -> dict:
    """The namespace a lesson's cells run in, built by the kernel's own loader."""
    from tutor.kernel.server import load_core

    core, problem = load_core()
    assert problem is None, problem
    namespace = {"__name__": "__main__", "torch": torch, "random": __import__("random"), "math": math}
    namespace.update({k: v.clone() if isinstance(v, torch.Tensor) else v for k, v in core.items()})
    return namespace


def run_cell(source: str) -> tuple[dict, str]:
    namespace = kernel_namespace()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace, out.getvalue()


def run_cells(course):
    for l in course.lessons:
        for step in l.steps:
            for block in step.blocks:
                if isinstance(block, Code) and block.kind == "run":
                    yield l, block


def test_every_code_cell_runs_on_its_own(course):
    for _, cell in run_cells(course):
        try:
            run_cell(cell.source)
        except Exception as error:  # the message names the cell that failed
            pytest.fail(f"{cell.where}: the cell raises {type(error).__name__}: {error}")


def step_of(l: Lesson, quiz_id: str) -> Step:
    return next(s for s in l.steps if any(isinstance(b, Quiz) and b.id == quiz_id for b in s.blocks))


def quiz_of(l: Lesson, quiz_id: str) -> Quiz:
    return next(q for q in l.quizzes() if q.id == quiz_id)


def cell_before(l: Lesson, quiz_id: str) -> dict:
    """Run the last code cell before the quiz in its step; return the namespace it leaves."""
    blocks = step_of(l, quiz_id).blocks
    position = next(i for i, b in enumerate(blocks) if isinstance(b, Quiz) and b.id == quiz_id)
    cell = [b for b in blocks[:position] if isinstance(b, Code) and b.kind == "run"][-1]
    return run_cell(cell.source)[0]


def experiment_in_step(l: Lesson, quiz_id: str, **changes) -> dict:
    """Run the experiment of the quiz's step, with the lesson's params (and `changes`)."""
    experiment = next(b for b in step_of(l, quiz_id).blocks if isinstance(b, Experiment))
    return run_experiment(experiment.run, {**experiment.params, **changes})


_runs: dict = {}


def run_experiment(run: str, params: dict) -> dict:
    from tutor.scratch.exercises import EXPERIMENTS

    key = (run, tuple(sorted(params.items())))
    if key not in _runs:
        _runs[key] = EXPERIMENTS[run](seed=0, **params)
    return _runs[key]


def test_every_experiment_of_the_chapter_runs_and_converges_or_says_why(course):
    for stem in CHAPTER:
        for experiment in lesson(course, stem).experiments():
            (name, values), = (experiment.sweep or {"": [None]}).items()
            for value in values:
                params = {**experiment.params, **({name: value} if name else {})}
                result = run_experiment(experiment.run, params)
                # a robust-loss or shuffling comparison may end high on purpose, but none diverges
                assert set(result["diverged"].values()) == {None}, (experiment.where, params)
                assert all(curve["y"] for curve in result["curves"].values()), (experiment.where, params)
                if experiment.view == "path":
                    assert len(result["path"]["loss"]) == len(result["curves"]["loss"]["x"]) + 1


# ------------------------------------------------------------------------------ numbers are measured

# quiz id -> how the lesson's code or experiment measures the quantity the quiz asks for
MEASURED = {
    "data-noise-std": lambda l, q: float(cell_before(l, q)["residual"].std()),
    "data-noise-loss": lambda l, q: experiment_in_step(l, q)["facts"]["final_loss"],
    "minibatches-steps": lambda l, q: len(experiment_in_step(l, q)["curves"]["loss"]["x"]),
    "init-variance": lambda l, q: float(cell_before(l, q)["w"].var()),
    "loss-gradient": lambda l, q: float(cell_before(l, q)["y_hat"].grad),
    "sgd-accumulate": lambda l, q: ratio(cell_before(l, q)),
    "training-final-loss": lambda l, q: experiment_in_step(l, q)["facts"]["final_loss"],
    "training-spread": lambda l, q: spread(cell_before(l, q)),
    "evaluation-noise-floor": lambda l, q: experiment_in_step(l, q)["facts"]["closed_form_loss"],
}


def spread(namespace: dict) -> float:
    last = namespace["last"]
    return float(last.std() / last.mean())


def ratio(namespace: dict) -> float:
    ratios = (namespace["w"].grad / namespace["first"]).reshape(-1)
    assert torch.allclose(ratios, ratios[0].expand_as(ratios))
    return float(ratios[0])


def test_every_number_quiz_of_the_chapter_is_measured(course):
    asked = {q.id for stem in CHAPTER for q in lesson(course, stem).quizzes() if q.type == "number"}
    assert asked == set(MEASURED)


@pytest.mark.parametrize("quiz_id", sorted(MEASURED))
def test_number_answers_are_what_the_core_produces(course, quiz_id):
    l = next(lesson(course, s) for s in CHAPTER if any(q.id == quiz_id for q in lesson(course, s).quizzes()))
    quiz = quiz_of(l, quiz_id)
    measured = MEASURED[quiz_id](l, quiz_id)
    assert abs(measured - quiz.answer) <= quiz.tolerance, (
        f"{quiz_id}: the lesson says {quiz.answer} ± {quiz.tolerance}, the core measures {measured}")
    # a learner who types what the tutor showed (facts are shown to 4 significant digits) is right
    assert grade(quiz, f"{measured:.4g}").correct


# ------------------------------------------------------------------------------ text answers match reality


def matches(quiz: Quiz, text: str) -> bool:
    return grade(quiz, text).correct


def test_shape_quizzes_accept_the_real_shape_and_nothing_else(course):
    data = lesson(course, "01-data")
    shape = run_cell("labels.shape\nshape = labels.shape")[0]["shape"]
    quiz = quiz_of(data, "data-label-shape")
    assert matches(quiz, str(tuple(shape))) and matches(quiz, str(shape))
    for typed in ("1000, 1", "(1000,1)", "`(1000, 1)`", "（1000，1）"):
        assert matches(quiz, typed), typed
    assert not matches(quiz, "(1000,)") and not matches(quiz, "(1, 1000)")

    model = lesson(course, "04-model")
    shape = cell_before(model, "model-shape")["y_hat"].shape
    quiz = quiz_of(model, "model-shape")
    assert matches(quiz, str(tuple(shape))) and matches(quiz, str(shape))
    assert not matches(quiz, "(10,)") and not matches(quiz, "(10, 10)")


# ------------------------------------------------------------------------------ choice claims hold


def facts(run: str = "train", **params) -> dict:
    return run_experiment(run, params)["facts"]


def test_a_full_batch_takes_three_steps_and_stays_far_above_the_floor():
    full = facts(lr=0.03, num_epochs=3, batch_size=1000)
    small = facts(lr=0.03, num_epochs=3, batch_size=10)
    assert len(full["epoch_losses"]) == 3
    assert full["final_loss"] > 1000 * full["closed_form_loss"]
    assert small["final_loss"] < 1.1 * small["closed_form_loss"]


def test_zero_init_trains_linear_regression_to_the_closed_form_loss():
    zeros = facts(lr=0.03, batch_size=10, num_epochs=3, init="zeros")
    assert zeros["final_loss"] < 1.05 * zeros["closed_form_loss"]


def test_w_grad_is_none_before_backward():
    _, printed = run_cell(
        "w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)\nprint('before:', w.grad)")
    assert printed.strip() == "before: None"


def test_the_true_parameters_miss_the_labels_by_the_noise_alone():
    namespace = run_cell("y_hat = linreg(features, true_w.reshape(2, 1), true_b)\nd = labels - y_hat")[0]
    assert 0.009 < float(namespace["d"].std()) < 0.011
    assert float(namespace["d"].abs().max()) < 0.06


def test_dropping_the_half_is_the_same_as_doubling_the_learning_rate():
    from tutor.scratch.train import train

    namespace = kernel_namespace()
    features, labels = namespace["features"], namespace["labels"]

    def unhalved(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2

    without_half = train(features, labels, lr=0.03, impl={"tutor.scratch.model.squared_loss": unhalved})
    doubled = train(features, labels, lr=0.06)
    assert without_half.w == pytest.approx(doubled.w, abs=1e-6)
    assert without_half.b == pytest.approx(doubled.b, abs=1e-6)
    # both runs of the lesson's sweep end at the same floor
    for lr in (0.03, 0.06):
        f = facts(batch_size=10, num_epochs=3, lr=lr)
        assert f["final_loss"] < 1.1 * f["closed_form_loss"]
    # and lr 0.06 comes down faster at first
    assert facts(batch_size=10, num_epochs=3, lr=0.06)["epoch_losses"][0] < \
        facts(batch_size=10, num_epochs=3, lr=0.03)["epoch_losses"][0]


def test_without_dividing_by_batch_size_a_batch_of_100_explodes():
    from tutor.scratch.train import train

    namespace = kernel_namespace()

    def undivided(params, lr, batch_size):
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad
                param.grad.zero_()

    exploded = train(namespace["features"], namespace["labels"], lr=0.03, batch_size=100,
                     impl={"tutor.scratch.model.sgd": undivided})
    assert exploded.diverged_at is not None or exploded.epoch_losses[-1] > 1e6
    steady = facts(lr=0.03, batch_size=100, num_epochs=3)["epoch_losses"]
    assert steady == sorted(steady, reverse=True)


def test_a_short_last_batch_raises_nothing_and_is_shorter():
    namespace = kernel_namespace()
    sizes = [len(X) for X, _ in namespace["data_iter"](64, namespace["features"], namespace["labels"])]
    assert sizes == [64] * 15 + [40]


def test_an_in_place_update_outside_no_grad_is_refused(course):
    sgd_lesson = lesson(course, "06-sgd")
    cells = [b for s in sgd_lesson.steps for b in s.blocks if isinstance(b, Code) and b.kind == "run"]
    printed = run_cell(next(c for c in cells if "except RuntimeError" in c.source).source)[1]
    assert "leaf Variable that requires grad" in printed
    # inside no_grad the same update is allowed, in place, and leaves no trace in the graph
    w = torch.zeros(2, 1, requires_grad=True)
    before = w.data_ptr()
    with torch.no_grad():
        w -= 0.1
    assert w.data_ptr() == before and w.grad_fn is None and w.requires_grad
    assert torch.equal(w, torch.full((2, 1), -0.1))


def test_training_ends_at_the_closed_form_and_not_at_the_true_parameters():
    default = facts(lr=0.03, batch_size=10, num_epochs=3)
    assert default["closed_form_loss"] <= default["final_loss"] < 1.01 * default["closed_form_loss"]
    namespace = kernel_namespace()
    w_best, _, _ = namespace["closed_form"](namespace["features"], namespace["labels"])
    true = [2.0, -3.4]
    misses = [abs(a - t) for a, t in zip(w_best, true)]
    # the closed-form w misses the true w by amounts of the order of 1e-4, far above float32 rounding
    assert max(misses) > 1e-5 and max(misses) < 1e-3
    for epochs in (3, 10):
        errors = [abs(e) for e in facts(lr=0.03, batch_size=10, num_epochs=epochs)["w_error"]]
        assert 1e-5 < max(errors) < 1e-3
    # the noise is the cause: without it, more epochs take w and b to the true ones
    clean = facts(lr=0.03, batch_size=10, num_epochs=10, noise=0.0)
    assert max(abs(e) for e in clean["w_error"] + [clean["b_error"]]) < 1e-5


def test_the_floor_rises_with_the_noise():
    loud = facts(lr=0.03, batch_size=10, num_epochs=3, noise=0.1)
    quiet = facts(lr=0.03, batch_size=10, num_epochs=3)
    assert loud["closed_form_loss"] <= loud["final_loss"]
    assert 60 < loud["closed_form_loss"] / quiet["closed_form_loss"] < 150


def test_each_exercise_comes_before_the_core_function_it_asks_for_is_shown(course):
    """Writing a function the lesson showed a few steps earlier is copying: the reveal comes after."""
    for l in course.lessons:
        for exercise in l.exercises():
            at = next(i for i, s in enumerate(l.steps) if exercise in s.blocks)
            shown = [i for i, s in enumerate(l.steps) for b in s.blocks
                     if isinstance(b, Code) and b.kind == "show" and b.show == exercise.implements]
            assert shown and min(shown) > at, f"{l.path.name}: {exercise.implements} shown on steps {shown}"
            name = exercise.implements.rpartition(".")[2]
            for step in l.steps[:at]:
                for block in step.blocks:
                    assert not (isinstance(block, Code) and f"def {name}(" in block.source), block.where
