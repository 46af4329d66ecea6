"""`tutor practice check EXERCISE_ID FILE.py` and `tutor practice list`.

The check runs in a kernel process (tutor.kernel.client), under the kernel's memory limit and the
check's time limit, never in this process: the learner's file is code like any other cell, and a
`while True: pass` or an `os._exit(1)` in it must end in a diagnosis, not a hung or dead command.
This module imports no torch.

Exercise ids come from the loaded courses' exercise blocks (Lesson.exercises()). When no loaded
course defines an exercise (say, only an instructor's folder without them is given), the built-in
course's ids in tutor.practice.EXERCISE_IDS are used instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tutor.content.model import Course
from tutor.practice import EXERCISE_IDS
from tutor.practice.result import CheckResult

# Beyond the check's own time limit (enforced by the kernel), how long the command waits for the
# kernel to answer before it interrupts it itself.
GRACE = 10.0
# torch takes a few seconds to import in a fresh kernel; on a busy shared machine, more.
START_TIMEOUT = 120.0


@dataclass
class ExerciseInfo:
    id: str
    implements: str
    where: str = ""  # "lesson id (path:line)" of the exercise block, "" for the built-in defaults


def exercises(courses: Iterable[Course]) -> list[ExerciseInfo]:
    """Every exercise the courses define, once per id (translations share ids), in course order;
    EXERCISE_IDS when none defines any."""
    found: dict[str, ExerciseInfo] = {}
    for course in courses:
        for lesson in sorted(course.lessons, key=lambda l: (l.stem, l.lang != "en", l.lang)):
            for exercise in lesson.exercises():
                if exercise.id not in found:
                    where = f"lesson {lesson.id} ({exercise.where.path}:{exercise.where.line})"
                    found[exercise.id] = ExerciseInfo(exercise.id, exercise.implements, where)
    if found:
        return list(found.values())
    return [ExerciseInfo(id_, implements) for id_, implements in EXERCISE_IDS.items()]


def run_practice_list(courses: list[Course], out: TextIO) -> int:
    """Print every exercise id, the core function it implements and where it is taught."""
    items = exercises(courses)
    id_width = max(len(item.id) for item in items)
    name_width = max(len(item.implements) for item in items)
    for item in items:
        line = f"{item.id:<{id_width}}  {item.implements:<{name_width}}  {item.where}"
        out.write(line.rstrip() + "\n")
    if not any(item.where for item in items):
        out.write("(no loaded course defines exercises: these are the built-in course's)\n")
    return 0


def run_practice_check(exercise_id: str, file: str | Path, courses: list[Course], out: TextIO, err: TextIO,
                       *, timeout: float = 10.0, options: Any = None) -> int:
    """Check the function in `file` for exercise `exercise_id` in a kernel.

    Exit status: 0 it passes; 1 it does not (the diagnosis on `out`); 2 a usage error (an unknown
    id, with the list of ids; a missing or unreadable file) on `err`. `options` is a
    tutor.kernel.client.KernelOptions (default: the kernel's own defaults).
    """
    known = {item.id: item for item in exercises(courses)}
    if exercise_id not in known:
        err.write(f"tutor practice check: unknown exercise '{exercise_id}'; exercises: {', '.join(known)}\n")
        return 2
    path = Path(file)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        err.write(f"tutor practice check: no such file: {path}\n")
        return 2
    except (OSError, UnicodeDecodeError) as error:
        err.write(f"tutor practice check: cannot read {path}: {error}\n")
        return 2
    implements = known[exercise_id].implements
    verdict, problem, printed = asyncio.run(_check_in_kernel(implements, source, timeout, options))
    if printed:
        err.write(f"(your code printed while it was checked)\n{printed}")
        if not printed.endswith("\n"):
            err.write("\n")
    if verdict is None:
        out.write(f"{path}: {exercise_id}: not checked: {problem or 'the kernel gave no verdict'}\n")
        return 1
    where = f"{path}:{verdict.line}" if verdict.line else f"{path}"
    if verdict.passed:
        out.write(f"{where}: {exercise_id}: passed\n{verdict.message}\n")
        return 0
    out.write(f"{where}: {exercise_id}: not passed\n{verdict.message}\n")
    if verdict.case:
        out.write(f"case: {verdict.case}\n")
    return 1


async def _check_in_kernel(implements: str, source: str, timeout: float,
                           options: Any) -> tuple[CheckResult | None, str | None, str]:
    """(verdict or None, why there is none, what the learner's code printed)."""
    from tutor.kernel import protocol
    from tutor.kernel.client import KernelClient, KernelOptions

    client = KernelClient(options if options is not None else KernelOptions(), on_status=None)
    verdict: CheckResult | None = None
    problem: str | None = None
    printed: list[str] = []

    async def consume() -> None:
        nonlocal verdict, problem
        async for event in client.check(implements, source, timeout):
            if isinstance(event, protocol.CheckResult):
                verdict = CheckResult(event.passed, event.message, event.case, event.line)
            elif isinstance(event, protocol.Stream):
                printed.append(event.text)
            elif isinstance(event, protocol.Error):
                problem = f"{event.ename}: {event.evalue}"
            elif isinstance(event, protocol.KernelDied):
                problem = f"the kernel stopped while checking your code: {event.reason}"
            elif isinstance(event, protocol.Done):
                if verdict is None and event.result:
                    verdict = CheckResult.from_dict(event.result)
                if event.status == "interrupted" and verdict is None:
                    problem = f"your code did not finish within {timeout:g} s (an endless loop?)"

    await client.start()
    try:
        await client.wait_ready(timeout=START_TIMEOUT)
        try:
            await asyncio.wait_for(consume(), timeout + GRACE)
        except TimeoutError:
            await client.interrupt()
            problem = f"your code did not finish within {timeout:g} s (an endless loop?)"
    finally:
        await client.shutdown()
    return verdict, problem, "".join(printed)
