"""What the lesson screen hands its blocks: the typed progress facade never writes over a file it
could not read, and reports a failed write instead of raising; where Continue goes."""

from __future__ import annotations

from textual.widgets import TextArea

from tests.app_helpers import FIXTURE_COURSE, fixture_app, open_demo_lesson
from tutor.content.discover import load_course
from tutor.files import ProgressError
from tutor.progress import ProgressStore
from tutor.ui.context import LessonProgress, Unreadable
from tutor.ui.navigation import continue_point, first_unfinished_step


def demo(store: ProgressStore) -> tuple[LessonProgress, list[str]]:
    lesson = next(lesson for lesson in load_course(FIXTURE_COURSE).lessons if lesson.id == "demo")
    reports: list[str] = []
    return LessonProgress(store, lesson, reports.append), reports


def test_a_cell_that_cannot_be_read_is_never_written_over(tmp_path):
    store = ProgressStore(tmp_path)
    store.load()
    progress, _ = demo(store)
    progress.save_cell("demo:0", "mine = 1\n")
    path = store.cell_path(progress.key, "demo:0")
    # unreadable whoever reads it, root included: a folder where the saved code should be
    path.unlink()
    path.mkdir()
    (path / "mine.py").write_text("mine = 1\n", encoding="utf-8")
    loaded = progress.load_cell("demo:0")
    assert isinstance(loaded, Unreadable) and loaded.path == path
    assert progress.save_cell("demo:0", "the lesson's code\n") is False
    assert progress.forget_cell("demo:0") is False
    assert (path / "mine.py").read_text(encoding="utf-8") == "mine = 1\n"


def test_a_read_the_store_reports_failed_makes_the_cell_read_only(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path)
    store.load()
    progress, _ = demo(store)
    progress.save_cell("demo:0", "mine = 1\n")
    path = store.cell_path(progress.key, "demo:0")

    def failing_read(lesson_key: str, cell_id: str) -> str:
        raise ProgressError(f"Could not read your code from {path} (Input/output error).", path)

    monkeypatch.setattr(store, "load_cell", failing_read)  # an I/O error, as a bad disk gives
    loaded = progress.load_cell("demo:0")
    assert isinstance(loaded, Unreadable) and loaded.path == path and "Input/output" in loaded.error
    assert progress.save_cell("demo:0", "x = 1\n") is False
    assert path.read_text(encoding="utf-8") == "mine = 1\n"


def test_a_failed_write_is_reported_not_raised(tmp_path):
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    store = ProgressStore(tmp_path / "data")
    store.load()
    progress, reports = demo(store)
    assert progress.set_step(1) is False
    assert progress.save_exercise("demo-squared-loss", "def f(): ...\n") is False
    assert len(reports) == 2 and all(reports)


def test_continue_is_the_first_unfinished_step_and_none_when_all_is_done(tmp_path):
    store = ProgressStore(tmp_path)
    store.load()
    lessons = load_course(FIXTURE_COURSE).in_language("en")
    demo_lesson, paths = lessons
    assert continue_point(store, lessons) == (demo_lesson, 0)
    for step in range(5):
        store.set_step(demo_lesson.key, step)
    # every step reached, but the quizzes of step 4 are unanswered
    assert first_unfinished_step(store, demo_lesson) == 3
    for quiz in demo_lesson.quizzes():
        store.record_quiz(demo_lesson.key, quiz.id, "any", True)
    assert first_unfinished_step(store, demo_lesson) == 4  # the exercise is not passed
    store.record_check(demo_lesson.key, "demo-squared-loss", True)
    assert first_unfinished_step(store, demo_lesson) is None
    assert continue_point(store, lessons) == (paths, 0)
    store.set_step(paths.key, 1)
    assert continue_point(store, lessons) is None


async def test_the_cursor_does_not_blink_when_the_setting_says_so(tmp_path):
    for blink in (True, False):
        app = fixture_app(tmp_path / str(blink), start_kernel=False, cursor_blink=blink)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_demo_lesson(pilot, "Code")
            await pilot.press("enter")
            editor = app.focused
            assert isinstance(editor, TextArea) and editor.cursor_blink is blink
