"""`tutor practice check` and `tutor practice list`: exit codes and what they print. Checks run in
a real kernel process, as they do for a learner."""

import io
import subprocess
import sys
import textwrap
from pathlib import Path

from tutor.content.model import Course, Exercise, Lesson, Step, Where
from tutor.practice import EXERCISE_IDS
from tutor.practice.cli import run_practice_check, run_practice_list

ROOT = Path(__file__).resolve().parent.parent

GOOD_LOSS = "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"
BAD_LOSS = "def squared_loss(y_hat, y):\n    return (y_hat - y) ** 2 / 2\n"


def course_with(*exercises: tuple[str, str]) -> Course:
    """A course of one lesson holding the given (id, implements) exercise blocks."""
    path = Path("/courses/mine/01-own.md")
    blocks = [Exercise(id_, implements, "def f(): ...\n", Where(path, 10 + i), ["a hint"])
              for i, (id_, implements) in enumerate(exercises)]
    lesson = Lesson("own", "Own", "en", [Step("Your turn", blocks, Where(path, 5))], path, "01-own")
    return Course("mine", path.parent, [lesson])


def check(exercise_id, file, courses=(), **kwargs):
    out, err = io.StringIO(), io.StringIO()
    code = run_practice_check(exercise_id, file, list(courses), out, err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, text, name="mine.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ---------------------------------------------------------------- usage errors (no kernel)

def test_unknown_exercise_is_a_usage_error_listing_the_ids(tmp_path):
    code, out, err = check("squared_loss", write(tmp_path, GOOD_LOSS))
    assert code == 2 and out == ""
    assert "unknown exercise 'squared_loss'" in err
    for exercise_id in EXERCISE_IDS:
        assert exercise_id in err


def test_missing_file_is_a_usage_error(tmp_path):
    code, out, err = check("squared-loss", tmp_path / "nowhere.py")
    assert code == 2 and out == ""
    assert "no such file" in err and "nowhere.py" in err


def test_a_file_that_is_not_utf8_is_a_usage_error(tmp_path):
    path = tmp_path / "latin1.py"
    path.write_bytes("# caf\xe9\n".encode("latin-1") + GOOD_LOSS.encode())
    code, _, err = check("squared-loss", path)
    assert code == 2 and "cannot read" in err


def test_ids_come_from_the_courses_exercise_blocks(tmp_path):
    courses = [course_with(("my-loss", "tutor.scratch.model.squared_loss"))]
    code, _, err = check("squared-loss", write(tmp_path, GOOD_LOSS), courses)
    assert code == 2 and "exercises: my-loss" in err


def test_list_without_exercises_in_the_courses_shows_the_built_in_ids():
    out = io.StringIO()
    assert run_practice_list([], out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines[:5]] == list(EXERCISE_IDS)
    assert "tutor.scratch.model.sgd" in lines[4]
    assert "no loaded course defines exercises" in lines[-1]


def test_list_shows_each_course_exercise_once_with_where_it_is():
    course = course_with(("my-loss", "tutor.scratch.model.squared_loss"), ("my-sgd", "tutor.scratch.model.sgd"))
    translation = course_with(("my-loss", "tutor.scratch.model.squared_loss"))
    translation.lessons[0].lang = "zh"
    course.lessons += translation.lessons
    out = io.StringIO()
    assert run_practice_list([course], out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:2] == ["my-loss", "tutor.scratch.model.squared_loss"]
    assert "lesson own (/courses/mine/01-own.md:10)" in lines[0]
    assert lines[1].startswith("my-sgd")


# ---------------------------------------------------------------- checks in a kernel

def test_a_correct_file_passes_with_exit_0(tmp_path):
    code, out, _ = check("squared-loss", write(tmp_path, GOOD_LOSS))
    assert code == 0
    assert "squared-loss: passed" in out


def test_a_wrong_file_fails_with_exit_1_and_the_diagnosis(tmp_path):
    path = write(tmp_path, BAD_LOSS)
    code, out, _ = check("squared-loss", path)
    assert code == 1
    assert f"{path}: squared-loss: not passed" in out
    assert "your loss has shape (10, 10) — reshape y like y_hat" in out
    assert "case: squared_loss(y_hat, y) with y_hat of shape (10, 1) and y of shape (10,)" in out


def test_a_syntax_error_is_reported_at_its_line(tmp_path):
    path = write(tmp_path, "import torch\n\ndef sgd(params, lr, batch_size)\n    pass\n")
    code, out, _ = check("sgd", path)
    assert code == 1
    assert f"{path}:3: sgd: not passed" in out
    assert "SyntaxError" in out


def test_an_exercise_defined_by_a_course_is_checked_against_its_core_function(tmp_path):
    courses = [course_with(("my-loss", "tutor.scratch.model.squared_loss"))]
    code, out, _ = check("my-loss", write(tmp_path, BAD_LOSS), courses)
    assert code == 1 and "reshape y like y_hat" in out


def test_an_endless_loop_is_stopped_by_the_time_limit(tmp_path):
    path = write(tmp_path, "def linreg(X, w, b):\n    while True:\n        pass\n")
    code, out, _ = check("linreg", path, timeout=1.0)
    assert code == 1
    assert "did not finish within 1 s" in out
    assert f"{path}:2:" in out


def test_code_that_kills_its_process_is_reported_not_fatal(tmp_path):
    path = write(tmp_path, "import os\n\ndef linreg(X, w, b):\n    os._exit(1)\n")
    code, out, _ = check("linreg", path)
    assert code == 1
    assert "the kernel exited with status 1" in out


def test_what_the_learners_code_prints_goes_to_stderr(tmp_path):
    path = write(tmp_path, GOOD_LOSS.replace("    return", "    print('shapes', y_hat.shape, y.shape)\n    return"))
    code, out, err = check("squared-loss", path)
    assert code == 0
    assert "shapes torch.Size([10, 1]) torch.Size([10])" in err
    assert "shapes" not in out


def test_python_m_tutor_practice_check(tmp_path):
    path = write(tmp_path, BAD_LOSS)
    done = subprocess.run([sys.executable, "-m", "tutor", "practice", "check", "squared-loss", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "reshape y like y_hat" in done.stdout
    usage = subprocess.run([sys.executable, "-m", "tutor", "practice", "check", "no-such-id", str(path)],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert usage.returncode == 2
    assert "unknown exercise 'no-such-id'" in usage.stderr and "data-iter" in usage.stderr
