"""A course folder's own metadata: `course.yaml` beside the lessons (title, description, order).

    title: Linear regression for the lab
    description: The chapter, with our own data set in lesson 3.
    order: [data, our-data, model, loss]

Every key is optional and the file itself too: without it the course is named after its folder
and its lessons follow their file names. `order` lists lesson ids (the originals' ids, which
their translations share); a lesson it leaves out, or an id that is no lesson, is an error, so a
reordering never silently hides a lesson. Errors are reported like a lesson file's, at the line.
"""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import Node

from tutor.content.context import Context
from tutor.content.fields import YamlBlock
from tutor.content.model import BrokenLesson, Course
from tutor.content.parse import MAX_LESSON_BYTES, decode

COURSE_FILE = "course.yaml"
COURSE_KEYS = ("title", "description", "order")
_NOTE = "a course file may give title:, description: and order: (a list of lesson ids)"


def read_course_file(course: Course) -> None:
    """Fill course.title, .description and .order from its course.yaml; errors go to broken."""
    path = course.root / COURSE_FILE
    if not path.is_file():
        return
    ctx = Context(path, [])
    text = _text(ctx, path)
    if text is not None:
        ctx.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        _read(ctx, course)
    if ctx.errors:
        errors = sorted(ctx.errors, key=lambda e: (e.where.line, e.where.col))
        course.broken.append(BrokenLesson(path, errors, title=course.title))


def _text(ctx: Context, path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_LESSON_BYTES:
            ctx.error(1, 1, f"{COURSE_FILE} is far larger than a course file; {_NOTE}")
            return None
        text, problem = decode(path, path.read_bytes())
    except OSError as exc:
        ctx.error(1, 1, f"cannot read the file: {exc.strerror or exc}")
        return None
    if problem is not None:
        ctx.errors.append(problem)
    return text


def _read(ctx: Context, course: Course) -> None:
    block = YamlBlock(ctx, 1, 0, ctx.lines, "course file")
    node = block.compose()
    if node is False:
        return
    if node is None:
        return  # an empty course.yaml: nothing to set
    entries = block.mapping(node, "the course file", COURSE_KEYS, (), (1, 1), _NOTE)
    if entries is None:
        return
    for name in ("title", "description"):
        if name in entries:
            value = block.text(*entries[name])
            if value is not None:
                setattr(course, name, value.strip())
    if "order" in entries:
        _order(block, *entries["order"], course)


def _order(block: YamlBlock, key: Node, value: Node, course: Course) -> None:
    items = block.texts(key, value, single_ok=False)
    if items is None:
        return
    originals = {lesson.id: lesson for lesson in course.lessons}
    originals.update({b.partial.id: b.partial for b in course.broken if b.partial is not None})
    seen: dict[str, int] = {}
    for lesson_id, item in items:
        line = block.at(item)[0]
        if lesson_id in seen:
            block.node_error(item, f"lesson {lesson_id!r} is listed twice in order (first at "
                                   f"line {seen[lesson_id]}); list each lesson once")
        elif lesson_id not in originals:
            known = ", ".join(sorted(originals)) or "none"
            block.node_error(item, f"order names {lesson_id!r}, which is no lesson of this "
                                   f"course; its lesson ids: {known}")
        seen.setdefault(lesson_id, line)
    missing = [i for i in originals if i not in seen]
    for lesson_id in sorted(missing, key=lambda i: originals[i].stem):
        block.node_error(key, f"order leaves out lesson {lesson_id!r} "
                              f"({originals[lesson_id].path.name}); list every lesson, so none "
                              f"is hidden by mistake")
    course.order = [lesson_id for lesson_id, _ in items if lesson_id in originals]


__all__ = ["COURSE_FILE", "COURSE_KEYS", "read_course_file"]
