"""Practice checks: the learner's version of a scratch-core function against the core's.

Each check runs both functions on the same cases and compares what a caller can observe —
shapes, values, side effects on the arguments — never the text of the code, so any correct
implementation passes however it is written. A failure names the mistake in plain words and the
case that shows it. Runs inside the kernel process (imports torch).
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import io
import linecache
import math
import random
import sys
from collections.abc import Callable
from typing import Any

import torch

from tutor.practice import EXERCISE_IDS
from tutor.practice.data_iter_check import check_data_iter
from tutor.practice.model_checks import check_linreg, check_squared_loss
from tutor.practice.result import CheckResult
from tutor.practice.sgd_check import check_sgd
from tutor.practice.support import Failure, LearnerError
from tutor.practice.synthetic_data_check import check_synthetic_data

__all__ = ["CHECKS", "EXERCISE_IDS", "CheckResult", "LoadError", "check_source", "load_function"]

# dotted core name -> check(learner_function) -> pass message (raises Failure / LearnerError)
CHECKS: dict[str, Callable[[Callable[..., Any]], str]] = {
    "tutor.scratch.data.synthetic_data": check_synthetic_data,
    "tutor.scratch.data.data_iter": check_data_iter,
    "tutor.scratch.model.linreg": check_linreg,
    "tutor.scratch.model.squared_loss": check_squared_loss,
    "tutor.scratch.model.sgd": check_sgd,
}

# What the learner's file may use without importing it (as in the lesson's code cells).
PRELOADED = {"torch": torch, "random": random, "math": math}

# The learner's prints during a check are passed on, but not thousands of lines of them.
PRINT_LIMIT = 2000


class LoadError(Exception):
    """The learner's file cannot give the function: syntax error, error at load, name missing."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load_function(implements: str, source: str, filename: str = "your_code.py") -> Callable[..., Any]:
    """Compile the learner's source in a fresh namespace preloaded with torch, random and math,
    and return the function that has the core function's name. Raises LoadError."""
    name = implements.rsplit(".", 1)[-1]
    lines = source.splitlines()
    # Tracebacks and our messages quote the learner's lines even when the file is not on disk.
    linecache.cache[filename] = (len(source), None, [l + "\n" for l in lines], filename)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as error:
        raise LoadError(_syntax_message(error), error.lineno) from error
    namespace: dict[str, Any] = {"__name__": "your_code", "__builtins__": builtins, **PRELOADED}
    try:
        exec(code, namespace)
    except Exception as error:
        line = learner_line(error, filename)
        message = f"your code raised {_exception(error)} while it was being loaded"
        if isinstance(error, NameError):
            message += (
                ". Only torch, random and math are there without an import; the check calls your "
                f"{name} itself, so code that uses the lesson's variables is not needed"
            )
        raise LoadError(message + _quote(lines, line), line) from error
    fn = namespace.get(name)
    if fn is None:
        defined = [k for k, v in namespace.items()
                   if getattr(getattr(v, "__code__", None), "co_filename", None) == filename]
        close = difflib.get_close_matches(name, defined, n=1)
        hint = f": you named it {close[0]}; the check looks for {name}" if close else ""
        found = f" (it defines {', '.join(defined)})" if defined and not close else ""
        raise LoadError(f"your code does not define a function named {name}{found}{hint}")
    if not callable(fn):
        raise LoadError(f"{name} in your code is a {type(fn).__name__}, not a function: "
                        f"define it with def {name}(...):")
    return fn


def check_source(implements: str, source: str, filename: str = "your_code.py") -> CheckResult:
    """Load the learner's function and check it against the core's; never raises for anything
    the learner's code does (a syntax error or an exception is a result with its line)."""
    check = CHECKS.get(implements)
    if check is None:
        return CheckResult(False, f"there is no practice check for {implements}; checks exist for {', '.join(CHECKS)}")
    try:
        fn = load_function(implements, source, filename)
    except LoadError as error:
        return CheckResult(False, error.message, "", error.line)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            message = check(fn)
        result = CheckResult(True, message)
    except Failure as failure:
        result = CheckResult(False, failure.message, failure.case)
    except LearnerError as error:
        result = _learner_error_result(error, implements, source, filename)
    except Exception as error:
        result = _odd_result(error, implements, source, filename)
    finally:
        _pass_on_prints(printed.getvalue())
    return result


def learner_line(error: BaseException, filename: str) -> int | None:
    """The line of the learner's file closest to where `error` was raised."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _learner_error_result(error: LearnerError, implements: str, source: str, filename: str) -> CheckResult:
    name = implements.rsplit(".", 1)[-1]
    line = learner_line(error.error, filename)
    if line is None and isinstance(error.error, TypeError):
        # Raised by the call itself (wrong parameters): point at the def line.
        line = _def_line(source, name)
        headline = f"your {name} cannot be called the way the book calls it: {_exception(error.error)}"
    elif error.explain:
        headline = f"{error.explain}\n(torch raised {_exception(error.error)})"
    else:
        headline = f"your {name} raised {_exception(error.error)}"
    return CheckResult(False, headline + _quote(source.splitlines(), line), error.case, line)


def _odd_result(error: Exception, implements: str, source: str, filename: str) -> CheckResult:
    """An exception raised while the check handled what the learner's function gave back (an
    object whose methods fail, a tensor of booleans ...): blamed on the learner's line if one is
    in the traceback, else reported as what the check could not compare."""
    name = implements.rsplit(".", 1)[-1]
    if learner_line(error, filename) is not None:
        return _learner_error_result(LearnerError(error, ""), implements, source, filename)
    return CheckResult(
        False,
        f"the check could not compare what your {name} gave back with the book's: {_exception(error)}. "
        "Check the type and shape of what it returns",
    )


def _def_line(source: str, name: str) -> int | None:
    for number, text in enumerate(source.splitlines(), 1):
        if text.lstrip().startswith(f"def {name}"):
            return number
    return None


def _exception(error: BaseException) -> str:
    """`Type: message`, the message cut to its first line: some torch errors go on for pages."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    if len(text) > 300 or len(lines) > 1:
        text = text[:300].rstrip() + " ..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _quote(lines: list[str], line: int | None) -> str:
    if line is None or not 1 <= line <= len(lines):
        return ""
    return f"\n  line {line}: {lines[line - 1].strip()}"


def _syntax_message(error: SyntaxError) -> str:
    where = f" at line {error.lineno}" if error.lineno else ""
    text = f"your code has a {type(error).__name__}{where}: {error.msg}"
    if error.text:
        code = error.text.rstrip("\n")
        stripped = code.lstrip()
        text += f"\n  line {error.lineno}: {stripped}"
        if error.offset and error.offset > len(code) - len(stripped):
            caret = error.offset - (len(code) - len(stripped)) - 1
            text += "\n  " + " " * (len(f"line {error.lineno}: ") + caret) + "^"
    return text


def _pass_on_prints(text: str) -> None:
    if not text:
        return
    if len(text) > PRINT_LIMIT:
        hidden = len(text) - PRINT_LIMIT
        text = text[:PRINT_LIMIT] + f"\n... ({hidden} more characters your code printed are not shown)\n"
    sys.stdout.write(text)
