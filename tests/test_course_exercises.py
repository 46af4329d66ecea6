"""The seven exercise lessons (09-15): their shape, and that every answer they mark right is true.

Answers are read from the parsed lesson files (tutor.content.parse.parse_lesson) and compared with
what the scratch core really produces: the lesson's own experiment (same run, same params, seed 0,
through tutor.scratch.exercises.EXPERIMENTS) or the lesson's own code cell, run in a namespace
built as the kernel builds it. Nothing the tests compare against is copied from the lessons.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import re
import warnings

import pytest
import torch

from tests.course_helpers import EXERCISE_LESSONS, LESSONS
from tutor.content.model import Code, Experiment, Lesson, Quiz
from tutor.content.parse import parse_lesson
from tutor.quiz import grade

torch.set_num_threads(1)

# lessons where the book's own answer is a trap: they ask more
TRAPS = ("09-zero-init", "13-reshape", "14-learning-rate", "15-remainder")
LANGS = ("en", "zh")

_parsed: dict[tuple[str, str], Lesson] = {}


def lesson(stem: str, lang: str = "en") -> Lesson:
    key = (stem, lang)
    if key not in _parsed:
        path = LESSONS / (f"{stem}.md" if lang == "en" else f"{stem}.{lang}.md")
        parsed = parse_lesson(path)
        assert isinstance(parsed, Lesson), "\n".join(map(str, getattr(parsed, "errors", [])))
        _parsed[key] = parsed
    return _parsed[key]


def quiz(stem: str, quiz_id: str, lang: str = "en") -> Quiz:
    return next(q for q in lesson(stem, lang).quizzes() if q.id == quiz_id)


def blocks_before(l: Lesson, quiz_id: str) -> list:
    """Every block of the lesson that comes before the quiz, in reading order."""
    seen = []
    for step in l.steps:
        for block in step.blocks:
            if isinstance(block, Quiz) and block.id == quiz_id:
                return seen
            seen.append(block)
    raise AssertionError(f"no quiz {quiz_id} in {l.path.name}")


def experiment_for(l: Lesson, quiz_id: str) -> Experiment:
    """The experiment a quiz is about: the last one above it, or else the lesson's next one."""
    before = [b for b in blocks_before(l, quiz_id) if isinstance(b, Experiment)]
    return before[-1] if before else l.experiments()[0]


def cell_for(l: Lesson, quiz_id: str) -> Code:
    return [b for b in blocks_before(l, quiz_id) if isinstance(b, Code) and b.kind == "run"][-1]


_runs: dict[str, dict] = {}


def run(experiment: Experiment, **changes) -> dict:
    """The experiment's result on the core, with the lesson's params (seed 0, as the app runs it)."""
    from tutor.scratch.exercises import EXPERIMENTS

    params = {**experiment.params, **changes}
    key = json.dumps([experiment.run, params], sort_keys=True)
    if key not in _runs:
        _runs[key] = EXPERIMENTS[experiment.run](seed=0, **params)
    return _runs[key]


def facts_for(stem: str, quiz_id: str, lang: str = "en", **changes) -> dict:
    return run(experiment_for(lesson(stem, lang), quiz_id), **changes)["facts"]


def run_cell(source: str) -> tuple[dict, str]:
    """Run a lesson cell in a fresh namespace like the kernel's; return it and what was printed."""
    from tutor.kernel.server import load_core

    core, problem = load_core()
    assert problem is None, problem
    namespace = {"__name__": "__main__", "torch": torch, "random": __import__("random"), "math": math}
    namespace.update(core)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace, out.getvalue()


def assert_right(q: Quiz, measured: float) -> None:
    """The quiz's answer is the measured value, and typing what the tutor shows is graded right."""
    assert abs(measured - q.answer) <= q.tolerance, (
        f"{q.id}: the lesson says {q.answer} ± {q.tolerance}, the core measures {measured}")
    # facts are shown to 4 significant digits
    assert grade(q, f"{measured:.4g}").correct, (q.id, measured)


# ------------------------------------------------------------------------------ shape of the lessons


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", list(EXERCISE_LESSONS))
def test_each_exercise_lesson_has_steps_an_experiment_on_the_core_and_quizzes(stem, lang):
    from tutor.scratch.exercises import EXPERIMENTS

    l = lesson(stem, lang)
    assert (l.id, l.lang) == (EXERCISE_LESSONS[stem], lang)
    assert 2 <= len(l.steps) <= 5
    assert l.experiments() and all(e.run in EXPERIMENTS for e in l.experiments())
    assert l.quizzes()
    for q in l.quizzes():
        assert q.id.startswith(l.id + "-"), q.id
        assert q.hint.strip() and q.explain.strip(), f"{q.id} needs a hint and an explanation"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", TRAPS)
def test_the_trap_lessons_ask_three_quizzes_of_two_types(stem, lang):
    quizzes = lesson(stem, lang).quizzes()
    assert len(quizzes) >= 3
    assert len({q.type for q in quizzes}) >= 2


@pytest.mark.parametrize("stem", list(EXERCISE_LESSONS))
def test_the_chinese_lesson_asks_the_same_quizzes_with_the_same_answers(stem):
    def key(q: Quiz):
        # a text quiz's accept list and pattern are per language, like its prompt
        return (q.id, q.type, q.answer, q.tolerance, [c.correct for c in q.choices])

    en, zh = lesson(stem, "en"), lesson(stem, "zh")
    assert [key(q) for q in en.quizzes()] == [key(q) for q in zh.quizzes()]
    assert [(e.run, e.params, e.sweep, e.view) for e in en.experiments()] == \
           [(e.run, e.params, e.sweep, e.view) for e in zh.experiments()]


@pytest.mark.parametrize("lang", LANGS)
def test_the_learning_rate_lesson_shows_a_sweep_and_the_path_over_the_rings(lang):
    experiments = lesson("14-learning-rate", lang).experiments()
    assert any(e.run == "learning_rates" and e.view == "path" for e in experiments)
    assert any(e.run == "learning_rates" and e.view == "loss" and len(e.params["lrs"]) >= 5
               for e in experiments)
    path = next(e for e in experiments if e.view == "path")
    result = run(path)
    assert set(result["path"]) == {f"lr={lr:g}" for lr in path.params["lrs"]}
    assert result["surface"]["hessian"]


# ------------------------------------------------------------------------------ measured answers

# quiz id -> the quantity the quiz asks for, measured on the core for that quiz
MEASURED = {
    "zero-init-units": lambda: distinct_hidden_units(),
    "ohm-r-hat": lambda: facts_for("10-ohm", "ohm-r-hat")["R_hat"],
    "planck-t-hat": lambda: facts_for("11-planck", "planck-t-hat")["T_hat"],
    "planck-wien": lambda: wien_product(),
    "second-derivatives-value": lambda: facts_for("12-second-derivatives",
                                                  "second-derivatives-value")["d2_autograd"],
    "second-derivatives-accumulate": lambda: float(
        run_cell(cell_for(lesson("12-second-derivatives"), "second-derivatives-accumulate").source)[0]["x"].grad),
    "second-derivatives-hessian": lambda: float(torch.linalg.eigvalsh(
        run_cell(next(b.source for b in blocks_before(lesson("12-second-derivatives"), "second-derivatives-hessian")
                     if isinstance(b, Code) and "hessian(" in b.source))[0]["H"]).max()),
    "reshape-pairs": lambda: math.prod(shape_of(facts_for("13-reshape", "reshape-pairs")["broadcast_shape"])),
    "learning-rate-full-batch": lambda: facts_for("14-learning-rate",
                                                  "learning-rate-full-batch")["full_batch_limit"],
    "remainder-batch-last": lambda: facts_for("15-remainder", "remainder-batch-last")["last_batch_size"],
    "remainder-batch-scale": lambda: facts_for("15-remainder", "remainder-batch-scale")["last_step_scale"],
    "remainder-batch-small": lambda: facts_for("15-remainder", "remainder-batch-small")["last_step_scale"],
}


def wien_product() -> float:
    """Peak wavelength times T, as the lesson's cell prints it (the same at every T it tries)."""
    cell = cell_for(lesson("11-planck"), "planck-wien")
    products = {float(line.rsplit("=", 1)[1]) for line in run_cell(cell.source)[1].splitlines()}
    (product,) = products
    return product


def shape_of(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text))


def distinct_hidden_units() -> int:
    """Hidden units still different after training an MLP from a constant init (the experiment)."""
    experiment = experiment_for(lesson("09-zero-init"), "zero-init-units")
    facts = run(experiment)["facts"]
    hidden = experiment.params["hidden"]
    return 1 if facts["mlp_constant_max_diff"] == 0 else hidden


def test_every_number_quiz_of_the_exercise_lessons_is_measured():
    asked = {q.id for stem in EXERCISE_LESSONS for q in lesson(stem).quizzes() if q.type == "number"}
    assert asked == set(MEASURED)


@pytest.mark.parametrize("quiz_id", sorted(MEASURED))
def test_number_answers_are_what_the_core_produces(quiz_id):
    stem = next(s for s in EXERCISE_LESSONS if any(q.id == quiz_id for q in lesson(s).quizzes()))
    assert_right(quiz(stem, quiz_id), MEASURED[quiz_id]())


# ------------------------------------------------------------------------------ remainder


def test_the_last_batch_is_shorter_and_nothing_raises():
    l = lesson("15-remainder")
    experiment = experiment_for(l, "remainder-batch-last")
    facts = run(experiment)["facts"]
    n, size = experiment.params["num_examples"], experiment.params["batch_size"]
    # the lesson's cell shows the same batches the experiment counted
    namespace, printed = run_cell(cell_for(l, "remainder-batch-min").source)
    assert namespace["sizes"] == facts["batch_sizes"] and namespace["sizes"][-1] == facts["last_batch_size"]
    assert facts["num_batches"] == math.ceil(n / size) == len(namespace["sizes"])
    assert "[8, 9]" in printed
    # the book's min() changes nothing: slicing past the end already stops at the end
    indices = list(range(n))
    start = (facts["num_batches"] - 1) * size
    assert indices[start: start + size] == indices[start: min(start + size, n)]
    assert facts["slice_past_end_len"] == facts["last_batch_size"]
    assert len(torch.arange(n)[start: start + size]) == facts["last_batch_size"]


def test_sgd_makes_the_last_step_last_batch_size_over_batch_size_as_large():
    """One real sgd step on the short last batch, dividing by batch_size and by len(batch)."""
    from tutor.scratch.model import linreg, sgd, squared_loss

    facts = facts_for("15-remainder", "remainder-batch-scale")
    size = experiment_for(lesson("15-remainder"), "remainder-batch-scale").params["batch_size"]
    namespace, _ = run_cell("")
    X, y = namespace["features"][:facts["last_batch_size"]], namespace["labels"][:facts["last_batch_size"]]
    steps = []
    for divide_by in (size, len(X)):
        w = torch.zeros(2, 1, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        squared_loss(linreg(X, w, b), y).sum().backward()
        sgd([w, b], 0.03, divide_by)
        steps.append(torch.cat([w.detach().reshape(-1), b.detach()]))
    ratio = steps[0] / steps[1]
    assert torch.allclose(ratio, torch.full_like(ratio, facts["last_step_scale"]), rtol=1e-5)


@pytest.mark.parametrize("quiz_id", ["remainder-batch-scale", "remainder-batch-fix"])
def test_dividing_by_the_real_batch_length_ends_lower(quiz_id):
    facts = facts_for("15-remainder", quiz_id)
    assert facts["final_loss_len_batch"] < facts["final_loss_batch_size"]
    assert facts["max_param_difference"] > 0


# ------------------------------------------------------------------------------ reshape


@pytest.mark.parametrize("lang", LANGS)
def test_the_shape_quiz_accepts_the_broadcast_shape_and_not_the_others(lang):
    q = quiz("13-reshape", "reshape-shape", lang)
    facts = facts_for("13-reshape", "reshape-shape", lang)
    n = experiment_for(lesson("13-reshape", lang), "reshape-shape").params["n"]
    assert shape_of(facts["broadcast_shape"]) == (n, n)
    assert grade(q, facts["broadcast_shape"]).correct
    namespace, printed = run_cell(cell_for(lesson("13-reshape", lang), "reshape-shape").source)
    shape = (namespace["y_hat"] - namespace["y"]).shape
    assert grade(q, str(shape)).correct and str(shape) in printed
    for wrong in (facts["y_hat_shape"], facts["y_shape"], "(1, 10)", "(10,)"):
        assert not grade(q, wrong).correct, wrong


def test_without_the_reshape_the_loss_is_silently_wrong_and_training_learns_the_mean():
    facts = facts_for("13-reshape", "reshape-training")
    assert facts["y_shape"] == "(10,)" and facts["y_hat_shape"] == "(10, 1)"
    assert facts["loss_wrong"] > 1e4 * facts["loss_right"]
    assert facts["final_loss_without_reshape"] > 1e4 * facts["final_loss_with_reshape"]
    # pulled toward w_true / 10 = [0.2, -0.34] (wandering around it at lr 0.03), far from [2, -3.4]
    w = torch.tensor(facts["w_hat_without_reshape"])
    assert float((w - torch.tensor([0.2, -0.34])).norm()) < 0.5 < 2.0 < float((w - torch.tensor([2.0, -3.4])).norm())


@pytest.mark.parametrize("lang", LANGS)
def test_the_warning_the_lesson_quotes_is_what_mse_loss_says(lang):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.nn.functional.mse_loss(torch.zeros(10, 1), torch.zeros(10))
    (warning,) = caught
    said = " ".join(str(warning.message).split())
    quoted = " ".join(quiz("13-reshape", "reshape-seed", lang).explain.split())
    start = said.index("Using a target size")
    assert said[start:said.index("This will")].strip().rstrip(".") in quoted


# ------------------------------------------------------------------------------ learning rate


def learning_rate_of(choice_text: str) -> float:
    return float(re.search(r"lr\s*=\s*([0-9.]+)", choice_text).group(1))


@pytest.mark.parametrize("lang", LANGS)
def test_the_rates_marked_divergent_are_above_the_measured_threshold(lang):
    q = quiz("14-learning-rate", "learning-rate-diverge", lang)
    experiment = experiment_for(lesson("14-learning-rate", lang), "learning-rate-diverge")
    result = run(experiment)
    facts = result["facts"]
    low, high = facts["largest_converging_lr"], facts["smallest_diverging_lr"]
    assert sorted(learning_rate_of(c.text) for c in q.choices) == sorted(experiment.params["lrs"])
    for choice in q.choices:
        lr = learning_rate_of(choice.text)
        assert not low < lr < high, f"{lr} is too close to the threshold to be a fair question"
        assert choice.correct == (lr >= high), (lr, low, high)
        # and the run at that rate, in the lesson's own experiment, did what the quiz says
        diverged_at = result["diverged"][f"lr={lr:g}"]
        final = facts["final_losses"][experiment.params["lrs"].index(lr)]
        if choice.correct:
            assert diverged_at is not None and final is None, lr
        else:
            start = result["curves"][f"lr={lr:g}"]["y"][0]
            assert diverged_at is None and final < start / 1000, (lr, final, start)


def test_faster_only_up_to_a_point_then_noisy_then_divergent():
    experiment = experiment_for(lesson("14-learning-rate"), "learning-rate-faster")
    facts = run(experiment)["facts"]
    floor = facts["closed_form_loss"]
    final = dict(zip(experiment.params["lrs"], facts["final_losses"]))
    assert final[0.001] > 1e4 * floor and final[0.01] > 100 * floor      # still far above the floor
    assert all(final[lr] < 1.02 * floor for lr in (0.03, 0.1, 0.3))        # at the floor
    assert 1.2 * floor < final[1.0] < 2 * floor                            # a little above it
    assert final[3.0] is None                                              # diverged
    assert facts["best_lr"] in (0.03, 0.1, 0.3)
    assert 1.0 < facts["divergence_threshold"] < 3.0


def sign_changes(values: list[float]) -> int:
    return sum(1 for a, b in itertools.pairwise(values) if (a > 0) != (b > 0))


@pytest.mark.parametrize("lang", LANGS)
def test_the_path_creeps_then_zigzags_then_leaves(lang):
    l = lesson("14-learning-rate", lang)
    result = run(experiment_for(l, "learning-rate-zigzag"))
    centre = result["surface"]["center"]
    paths = {label: [[w1 - centre[0], w2 - centre[1]] for w1, w2 in p] for label, p in result["path"].items()}
    first = {label: [p[0] for p in points[:8]] for label, points in paths.items()}
    assert sign_changes(first["lr=0.03"]) == sign_changes(first["lr=0.3"]) == 0
    assert sign_changes(first["lr=1.5"]) >= 4
    assert math.dist(paths["lr=1.5"][-1], [0, 0]) < 0.1 < math.dist(paths["lr=1.5"][0], [0, 0])
    # "0.03 creeps straight toward the centre and is not there after one epoch"
    assert math.dist(paths["lr=0.03"][-1], [0, 0]) > 0.1
    assert result["diverged"]["lr=1.5"] is None
    # one rate leaves the rings, and the explanation names the step where it diverged
    (label, step), = [(label, step) for label, step in result["diverged"].items() if step is not None]
    assert sign_changes([p[0] for p in paths[label][:8]]) >= 4  # zig-zagging outward
    stated = re.search(r"(?:step|第)\s*(\d+)", quiz("14-learning-rate", "learning-rate-zigzag", lang).explain)
    assert int(stated.group(1)) == step


def test_the_full_batch_limit_is_two_over_the_largest_curvature():
    experiment = experiment_for(lesson("14-learning-rate"), "learning-rate-diverge")
    result = run(experiment)
    hessian = torch.tensor(result["surface"]["hessian"], dtype=torch.float64)
    eigenvalues = torch.linalg.eigvalsh(hessian)
    # every curvature of the bowl is close to 1 (the prose: "1.1 at most"), so 1.5 still converges
    assert float(eigenvalues.max()) < 1.15 and float(eigenvalues.min()) > 0.9
    assert abs(result["facts"]["full_batch_limit"] - 1.82) < 0.005
    assert all(abs(1 - 1.5 * float(lam)) < 1 for lam in eigenvalues)


# ------------------------------------------------------------------------------ Ohm and Planck


def test_a_hundred_times_the_noise_makes_a_hundred_times_the_error():
    l = lesson("10-ohm")
    quiet = run(experiment_for(l, "ohm-r-hat"))["facts"]
    loud_experiment = experiment_for(l, "ohm-noise")
    loud = run(loud_experiment)["facts"]
    assert loud_experiment.params["noise"] == 100 * 0.01
    assert 90 < loud["R_error_pct"] / quiet["R_error_pct"] < 110
    assert abs(quiet["R_error_pct"]) < 0.05 and 2 < abs(loud["R_error_pct"]) < 4
    assert abs(quiet["b_hat"] - 2.2) < 0.005


def test_the_ohm_cell_learns_r_with_the_chapter_code():
    namespace, _ = run_cell(cell_for(lesson("10-ohm"), "ohm-r-hat").source)
    history = namespace["history"]
    assert abs(history.w[0] - namespace["R"]) < 0.01 and abs(history.b - namespace["b"]) < 0.01


def test_fitting_log_t_finds_the_temperature_and_fitting_t_barely_moves():
    namespace, _ = run_cell(cell_for(lesson("11-planck"), "planck-log-t").source)
    fit = namespace["fit"]
    assert abs(fit(torch.exp, math.log(2000.0)) - 5000) < 0.01 * 5000
    assert abs(fit(lambda T: T, 2000.0) - 2000) < 0.01
    # the chain rule the quiz names: dl/dlogT = T dl/dT, about 2000 times larger here
    T = torch.tensor(2000.0, dtype=torch.float64, requires_grad=True)
    namespace["squared_loss"](namespace["shape"](T), namespace["target"]).sum().backward()
    log_T = torch.tensor(math.log(2000.0), dtype=torch.float64, requires_grad=True)
    namespace["squared_loss"](namespace["shape"](log_T.exp()), namespace["target"]).sum().backward()
    assert float(log_T.grad / T.grad) == pytest.approx(2000, rel=1e-6)


@pytest.mark.parametrize("changes", [{"T": 1000.0}, {"T": 10000.0}, {"noise": 0.1}])
def test_the_planck_fit_stays_within_half_a_percent(changes):
    facts = facts_for("11-planck", "planck-t-hat", **changes)
    assert abs(facts["T_error_pct"]) < 0.5, (changes, facts)


# ------------------------------------------------------------------------------ second derivatives


@pytest.mark.parametrize("lang", LANGS)
def test_retain_graph_alone_raises_the_error_the_quiz_names(lang):
    l = lesson("12-second-derivatives", lang)
    facts = run(experiment_for(l, "second-derivatives-error"))["facts"]
    exception_type = facts["retain_graph_only"].split(":")[0]
    assert grade(quiz("12-second-derivatives", "second-derivatives-error", lang), exception_type).correct
    assert facts["retain_graph_grad_has_grad_fn"] is False and facts["create_graph_grad_has_grad_fn"] is True
    # the lesson's cell shows the same error
    _, printed = run_cell(cell_for(l, "second-derivatives-error").source)
    assert facts["retain_graph_only"] in printed and "grad_fn = None" in printed


@pytest.mark.parametrize("lang", LANGS)
def test_create_graph_is_the_flag_and_gives_the_analytic_second_derivative(lang):
    l = lesson("12-second-derivatives", lang)
    q = quiz("12-second-derivatives", "second-derivatives-flag", lang)
    assert grade(q, "create_graph=True").correct
    assert not grade(q, "retain_graph=True").correct and not grade(q, "retain_graph").correct
    experiment = experiment_for(l, "second-derivatives-value")
    facts = run(experiment)["facts"]
    assert facts["d2_autograd"] == facts["d2_analytic"] == 6 * experiment.params["x0"]
    namespace, _ = run_cell(cell_for(l, "second-derivatives-flag").source)
    assert namespace["d2y"].item() == 6 * namespace["x"].item()


def test_two_backward_passes_add_up_the_first_derivative_and_need_retain_graph():
    cell = cell_for(lesson("12-second-derivatives"), "second-derivatives-accumulate").source
    namespace, _ = run_cell(cell)
    x = namespace["x"].item()
    assert float(namespace["x"].grad) == 2 * 3 * x ** 2 != 6 * x
    without = cell.replace("retain_graph=True", "")
    assert without != cell
    with pytest.raises(RuntimeError, match="second time"):
        run_cell(without)


# ------------------------------------------------------------------------------ zero init


def test_linear_regression_from_zero_reaches_the_closed_form_loss():
    facts = facts_for("09-zero-init", "zero-init-converges")
    assert facts["zeros_final_loss"] < 1.01 * facts["closed_form_loss"]
    assert facts["random_final_loss"] < 1.01 * facts["closed_form_loss"]


def test_the_two_weights_get_different_gradients_from_zero():
    namespace, _ = run_cell(cell_for(lesson("09-zero-init"), "zero-init-why").source)
    g1, g2 = namespace["w"].grad.reshape(-1).tolist()
    assert abs(g1 - g2) > 0.5 * max(abs(g1), abs(g2))


def test_a_constant_init_keeps_the_hidden_units_identical():
    l = lesson("09-zero-init")
    facts = run(experiment_for(l, "zero-init-units"))["facts"]
    assert facts["mlp_constant_max_diff"] == 0 < facts["mlp_random_max_diff"]
    assert facts["mlp_random_final_loss"] < facts["mlp_constant_final_loss"]
    cell = cell_for(l, "zero-init-units").source
    W1 = run_cell(cell)[0]["W1"].detach()
    assert torch.unique(W1, dim=1).shape[1] == quiz("09-zero-init", "zero-init-units").answer
    assert not torch.equal(W1, torch.full_like(W1, 0.5))  # they did learn, all alike
    # "set c = 0.0 and they do not even move"
    still = run_cell(cell.replace("c, h = 0.5,", "c, h = 0.0,"))[0]["W1"].detach()
    assert torch.equal(still, torch.zeros_like(still))


@pytest.mark.parametrize("lang", LANGS)
def test_the_symmetry_quiz_accepts_the_word_and_not_its_opposite(lang):
    q = quiz("09-zero-init", "zero-init-symmetry", lang)
    assert grade(q, "symmetry").correct
    assert not grade(q, "asymmetry").correct and not grade(q, "gradient").correct
