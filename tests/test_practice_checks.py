"""What every check shares: loading the learner's file, syntax errors and exceptions mapped to
their lines, the result crossing the kernel pipe, and checks that stay short and leave the
learner's session as it was."""

import functools
import inspect
import json
import subprocess
import sys
import textwrap

import pytest
import torch

import tutor.practice
import tutor.scratch.data as core_data
import tutor.scratch.model as core_model
from tutor.kernel import protocol
from tutor.practice.checks import CHECKS, EXERCISE_IDS, CheckResult, LoadError, check_source, load_function
from tutor.practice.support import Failure

LOSS = "tutor.scratch.model.squared_loss"


def test_every_exercise_id_has_a_check_and_the_torch_free_list_agrees():
    assert set(EXERCISE_IDS.values()) == set(CHECKS)
    assert set(tutor.practice.CHECKED_FUNCTIONS) == set(CHECKS)


def test_the_loader_accepts_exactly_the_functions_that_have_a_check():
    from tutor.content import catalog

    assert set(catalog.PRACTICE_TARGETS) == set(CHECKS)


def test_the_package_top_level_does_not_import_torch():
    # The app decodes results and the CLI lists exercises without paying for torch.
    code = "import sys, tutor.practice, tutor.practice.cli; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_check_result_survives_json_and_the_kernel_protocol():
    result = CheckResult(False, "your loss is twice the book's", "squared_loss(y_hat, y)", 3)
    assert CheckResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result
    event = protocol.decode(protocol.encode(protocol.CheckResult(**result.to_dict())))
    assert CheckResult(event.passed, event.message, event.case, event.line) == result
    assert CheckResult.from_dict({"passed": True, "message": "ok"}) == CheckResult(True, "ok", "", None)


def test_load_function_returns_the_learners_function_with_torch_random_math_preloaded():
    fn = load_function(LOSS, "def squared_loss(y_hat, y):\n    return torch.tensor(math.pi + random.random() * 0)\n")
    assert float(fn(None, None)) == pytest.approx(3.14159, abs=1e-5)


def test_each_load_gets_a_fresh_namespace():
    first = load_function(LOSS, "seen = []\ndef squared_loss(y_hat, y):\n    seen.append(1)\n    return len(seen)\n")
    first(0, 0)
    second = load_function(LOSS, "seen = []\ndef squared_loss(y_hat, y):\n    seen.append(1)\n    return len(seen)\n")
    assert second(0, 0) == 1


def test_syntax_error_names_its_line_and_shows_the_code():
    result = check_source(LOSS, "import torch\n\ndef squared_loss(y_hat, y)\n    return (y_hat - y) ** 2 / 2\n")
    assert not result.passed
    assert result.line == 3
    assert "SyntaxError at line 3" in result.message
    assert "def squared_loss(y_hat, y)" in result.message


def test_indentation_error_names_its_line():
    result = check_source(LOSS, "def squared_loss(y_hat, y):\nreturn y_hat\n")
    assert not result.passed and result.line == 2
    assert "IndentationError" in result.message


@pytest.mark.parametrize("implements", sorted(CHECKS))
def test_an_exception_in_any_exercise_names_the_learners_line(implements):
    name = implements.rsplit(".", 1)[1]
    signature = inspect.signature({**vars(core_data), **vars(core_model)}[name])
    source = f"# my attempt\ndef {name}{signature}:\n    ratio = 1 / 0\n    return ratio\n"
    result = check_source(implements, source)
    assert not result.passed
    assert result.line == 3
    assert "ZeroDivisionError" in result.message and "line 3: ratio = 1 / 0" in result.message
    assert result.case  # the case that was running when it failed


def test_an_exception_in_a_helper_points_at_the_helper_line():
    source = textwrap.dedent("""
        def helper(d):
            return d.squared()

        def squared_loss(y_hat, y):
            return helper(y_hat - y.reshape(y_hat.shape)) / 2
    """)
    result = check_source(LOSS, source)
    assert result.line == 3 and "AttributeError" in result.message


def test_an_error_while_loading_is_explained():
    source = "def squared_loss(y_hat, y):\n    return (y_hat - y) ** 2 / 2\n\nprint(squared_loss(y_hat, labels))\n"
    result = check_source(LOSS, source)
    assert not result.passed and result.line == 4
    assert "while it was being loaded" in result.message
    assert "Only torch, random and math" in result.message


def test_a_misspelt_function_name_is_pointed_out():
    result = check_source(LOSS, "def squard_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n")
    assert not result.passed
    assert "does not define a function named squared_loss" in result.message
    assert "squard_loss" in result.message


def test_a_name_that_is_not_a_function():
    with pytest.raises(LoadError, match="not a function"):
        load_function(LOSS, "squared_loss = 3\n")


def test_an_unknown_core_function_is_a_failed_result_not_a_crash():
    result = check_source("tutor.scratch.model.nothing", "def nothing(): pass\n")
    assert not result.passed and "no practice check" in result.message


def test_prints_of_the_learners_code_are_passed_on_but_capped(capsys):
    source = ('def squared_loss(y_hat, y):\n    print("x" * 1000)\n'
              '    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n')
    result = check_source(LOSS, source)
    assert result.passed, result
    printed = capsys.readouterr().out
    assert printed.startswith("x" * 500)
    assert "more characters your code printed are not shown" in printed
    assert len(printed) < 2200


def test_a_check_leaves_the_learners_random_state_as_it_was():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    result = check_source("tutor.scratch.data.data_iter", inspect.getsource(core_data.data_iter))
    assert result.passed
    assert torch.equal(torch.rand(3), expected)


def counting(fn):
    @functools.wraps(fn)  # keeps the signature: the check still sees a generator parameter
    def wrapper(*args, **kwargs):
        wrapper.calls += 1
        return fn(*args, **kwargs)

    wrapper.calls = 0
    return wrapper


@pytest.mark.parametrize("implements", sorted(CHECKS))
def test_a_check_calls_the_learners_function_only_a_few_times(implements):
    # A slow learner function that terminates must not make the check itself crawl: no check
    # loops over its learner function hundreds of times (statistics come from large samples).
    module, name = implements.rsplit(".", 1)
    fn = counting(getattr(core_data if module.endswith("data") else core_model, name))
    assert CHECKS[implements](fn)
    assert 1 <= fn.calls <= 6


def test_a_data_iter_that_never_ends_is_read_only_so_far():
    pulled = []

    def data_iter(batch_size, features, labels):
        while True:
            pulled.append(1)
            yield features[:batch_size], labels[:batch_size]

    with pytest.raises(Failure, match="does not stop"):
        CHECKS["tutor.scratch.data.data_iter"](data_iter)
    assert len(pulled) <= 103 + 11


def test_the_same_source_gets_the_same_verdict_every_time():
    # The diagnosis names random sample numbers: seeding makes them the same on every run.
    source = textwrap.dedent("""
        def data_iter(batch_size, features, labels):
            for _ in range(0, len(features), batch_size):
                idx = torch.randint(0, len(features), (batch_size,))
                yield features[idx], labels[idx]
    """)
    first = check_source("tutor.scratch.data.data_iter", source)
    assert not first.passed
    assert check_source("tutor.scratch.data.data_iter", source) == first


def test_every_built_in_starter_fails_with_a_plain_diagnosis():
    # A learner who checks the starter before writing anything reads what is missing, not a crash.
    from tutor.content.discover import builtin_lessons_dir, load_course

    exercises = [e for lesson in load_course(builtin_lessons_dir()).lessons for e in lesson.exercises()]
    assert {e.implements for e in exercises} == set(CHECKS)
    for exercise in exercises:
        result = check_source(exercise.implements, exercise.starter)
        assert not result.passed
        expected = "your sgd did nothing" if exercise.implements.endswith(".sgd") else "returned None"
        assert expected in result.message, (exercise.id, result)


def test_a_result_the_check_cannot_handle_is_a_failed_result_not_a_crash():
    result = check_source("tutor.scratch.model.linreg", "def linreg(X, w, b):\n    return (X @ w + b).to_sparse()\n")
    assert not result.passed
    assert "could not compare what your linreg gave back" in result.message
    assert len(result.message) < 600  # torch's page-long error is cut to its first line


def test_an_exception_in_an_object_the_learner_returns_is_blamed_on_its_line():
    source = textwrap.dedent("""
        class Batches:
            def __iter__(self):
                return self
            def __next__(self):
                raise ValueError("not yet")

        def data_iter(batch_size, features, labels):
            return Batches()
    """)
    result = check_source("tutor.scratch.data.data_iter", source)
    assert not result.passed and result.line == 6
    assert "ValueError: not yet" in result.message
