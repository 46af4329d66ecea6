"""The learner's progress store: what survives a restart, a crash, a corrupt file and a reset."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tutor import progress
from tutor.progress import (
    ExerciseState,
    ProgressError,
    ProgressStore,
    default_data_dir,
)
from tutor.reset import run_reset

REPO = Path(__file__).resolve().parents[1]


class Clock:
    """A settable UTC clock, so that times in progress are known."""

    def __init__(self) -> None:
        self.time = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += timedelta(seconds=seconds)


def open_store(data_dir: Path, clock: Clock | None = None) -> ProgressStore:
    store = ProgressStore(data_dir, now=clock or Clock())
    assert store.load() is None
    return store


def names_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ---- a new learner and resuming ----------------------------------------------------------------


def test_a_new_learner_starts_empty_and_loading_writes_nothing(tmp_path):
    data_dir = tmp_path / "not" / "yet"
    store = open_store(data_dir)
    assert store.last() is None
    assert store.step_of("data") == 0
    assert store.quiz_attempts("data", "data-shape") == []
    assert store.exercise_state("data", "synthetic-data") == ExerciseState(0, 0, None, False)
    assert store.status("data", 3, ["data-shape"]) == "not started"
    assert not data_dir.exists()


def test_first_save_creates_the_data_dir_with_its_parents(tmp_path):
    data_dir = tmp_path / "a" / "b" / "tutor"
    open_store(data_dir).set_step("data", 1)
    assert json.loads((data_dir / "progress.json").read_text("utf-8"))["version"] == 1


def test_everything_recorded_is_there_after_a_restart(tmp_path):
    clock = Clock()
    store = open_store(tmp_path, clock)
    store.set_step("data", 2)
    store.set_step("data", 1)  # went back one step
    store.set_step("loss", 3)
    store.record_quiz("data", "data-shape", [1], False)
    clock.advance(30)
    store.record_quiz("data", "data-shape", [0, 2], True)
    store.record_quiz("loss", "loss-why", "  反向传播。 ", True)  # the typed text, as typed
    store.record_check("model", "linreg", False)
    store.record_hint("model", "linreg")
    store.record_hint("model", "linreg")
    clock.advance(60)
    store.record_check("model", "linreg", True)
    first_pass = clock().isoformat(timespec="seconds")
    clock.advance(60)
    store.record_check("model", "linreg", False)  # broke it again
    clock.advance(60)
    store.record_check("model", "linreg", True)  # and fixed it: the first pass keeps its time

    again = open_store(tmp_path)
    assert again.last() == ("loss", 3)  # checks and quizzes do not move "continue"
    assert again.step_of("data") == 1
    assert again.max_step_of("data") == 2
    attempts = again.quiz_attempts("data", "data-shape")
    assert [(a["answer"], a["correct"]) for a in attempts] == [([1], False), ([0, 2], True)]
    assert attempts[0]["at"] == "2024-05-06T07:08:09+00:00"
    between = datetime.fromisoformat(attempts[1]["at"]) - datetime.fromisoformat(attempts[0]["at"])
    assert between == timedelta(seconds=30)
    assert again.quiz_attempts("loss", "loss-why")[0]["answer"] == "  反向传播。 "
    # what the caller gets is a copy: changing it changes nothing stored
    attempts[0]["answer"].append(9)
    assert again.quiz_attempts("data", "data-shape")[0]["answer"] == [1]
    assert again.exercise_state("model", "linreg") == ExerciseState(
        attempts=4, hints_used=2, first_pass=first_pass, passed=True
    )
    assert again.hints_used("model", "linreg") == 2
    # Chinese text is stored readable, not as \\u escapes: the file is the learner's too.
    assert "反向传播" in (tmp_path / "progress.json").read_text("utf-8")


def test_a_store_used_without_load_keeps_what_is_on_disk(tmp_path):
    open_store(tmp_path).set_step("data", 4)
    late = ProgressStore(tmp_path)  # the caller forgot load(): it must not save an empty store
    late.set_step("loss", 1)
    again = open_store(tmp_path)
    assert again.step_of("data") == 4
    assert again.step_of("loss") == 1


def test_status_marks_a_lesson_done_only_at_the_end_with_every_quiz_right(tmp_path):
    store = open_store(tmp_path)
    quizzes = ["sgd-a", "sgd-b"]
    assert store.status("sgd", 3, quizzes) == "not started"
    store.set_step("sgd", 0)
    assert store.status("sgd", 3, quizzes) == "in progress"
    store.set_step("sgd", 2)
    store.record_quiz("sgd", "sgd-a", [0], True)
    store.record_quiz("sgd", "sgd-b", "4", False)
    assert store.status("sgd", 3, quizzes) == "in progress"
    store.record_quiz("sgd", "sgd-b", "5", True)
    store.set_step("sgd", 0)  # went back to re-read: still done
    assert store.status("sgd", 3, quizzes) == "done"
    assert store.status("sgd", 4, quizzes) == "in progress"  # the lesson grew a step
    assert store.status("sgd", 3, quizzes, exercise_ids=["sgd"]) == "in progress"
    store.record_check("sgd", "sgd", True)
    assert store.status("sgd", 3, quizzes, exercise_ids=["sgd"]) == "done"


def test_answering_a_quiz_alone_starts_a_lesson(tmp_path):
    store = open_store(tmp_path)
    store.record_quiz("loss", "loss-q", "x", False)
    assert store.status("loss", 2, ["loss-q"]) == "in progress"


def test_bad_arguments_are_refused_before_anything_changes(tmp_path):
    store = open_store(tmp_path)
    with pytest.raises(ValueError):
        store.set_step("data", -1)
    with pytest.raises(ValueError):
        store.set_step("data", True)
    with pytest.raises(ValueError):
        store.record_quiz("data", "q", float("nan"), True)
    with pytest.raises(ValueError):
        store.record_quiz("data", 3, "x", True)
    assert store.quiz_attempts("data", "q") == []
    assert not (tmp_path / "progress.json").exists()


# ---- corrupt files -------------------------------------------------------------------------------

CORRUPT = {
    "invalid json": b'{"version": 1, "lessons": {',
    "not utf-8": b'{"version": 1, "last": "caf\xe9"}',
    "empty file": b"",
    "a list": b"[1, 2, 3]",
    "no version": b'{"lessons": {}}',
    "future version": b'{"version": 2, "lessons": {}, "shiny": true}',
    "version as text": b'{"version": "1"}',
    "step as text": b'{"version": 1, "lessons": {"data": {"step": "3"}}}',
    "negative step": b'{"version": 1, "lessons": {"data": {"step": -1}}}',
    "last without step": b'{"version": 1, "last": {"lesson_id": "data"}}',
    "attempt without verdict":
        b'{"version": 1, "lessons": {"d": {"quizzes": {"q": [{"answer": 1}]}}}}',
    "exercise half written":
        b'{"version": 1, "lessons": {"d": {"exercises": {"e": {"attempts": 1}}}}}',
    "NaN": b'{"version": 1, "lessons": {"d": {"step": NaN}}}',
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_file_is_kept_aside_byte_for_byte_and_reported(tmp_path, content):
    original = tmp_path / "progress.json"
    original.write_bytes(content)
    store = ProgressStore(tmp_path, now=Clock())

    warning = store.load()

    aside = tmp_path / "progress.corrupt-20240506T070809Z.json"
    assert warning is not None
    assert str(original) in warning and str(aside) in warning
    assert store.kept_aside == aside
    assert aside.read_bytes() == content
    assert store.last() is None and store.step_of("data") == 0
    # The store goes on and saves a fresh file; the kept copy is untouched.
    store.set_step("data", 1)
    assert aside.read_bytes() == content
    assert open_store(tmp_path).step_of("data") == 1


def test_the_warning_says_why_in_plain_words(tmp_path):
    (tmp_path / "progress.json").write_bytes(CORRUPT["future version"])
    assert "newer version of the tutor" in ProgressStore(tmp_path).load()
    (tmp_path / "progress.json").write_bytes(CORRUPT["invalid json"])
    assert "not valid JSON" in ProgressStore(tmp_path).load()
    (tmp_path / "progress.json").write_bytes(CORRUPT["not utf-8"])
    assert "not UTF-8" in ProgressStore(tmp_path).load()


def test_a_second_corrupt_file_in_the_same_second_never_replaces_the_first(tmp_path):
    clock = Clock()
    for content in (b"first {", b"second {", b"third {"):
        (tmp_path / "progress.json").write_bytes(content)
        assert ProgressStore(tmp_path, now=clock).load() is not None
    kept = sorted(tmp_path.glob("progress.corrupt-*.json"))
    assert sorted(p.read_bytes() for p in kept) == [b"first {", b"second {", b"third {"]


def test_a_progress_file_that_cannot_be_read_is_never_overwritten(tmp_path):
    # A directory where the file should be: reading fails with an OSError, even for root.
    (tmp_path / "progress.json").mkdir()
    (tmp_path / "progress.json" / "keep.txt").write_text("mine")
    store = ProgressStore(tmp_path)
    warning = store.load()
    assert warning is not None and str(tmp_path / "progress.json") in warning
    with pytest.raises(ProgressError):
        store.set_step("data", 1)
    assert store.step_of("data") == 1  # the session goes on in memory
    assert (tmp_path / "progress.json" / "keep.txt").read_text() == "mine"


def test_a_byte_order_mark_from_an_editor_is_not_corruption(tmp_path):
    (tmp_path / "progress.json").write_bytes(
        b'\xef\xbb\xbf{"version": 1, "last": {"lesson_id": "data", "step": 2}}'
    )
    assert open_store(tmp_path).last() == ("data", 2)


# ---- atomic writes -----------------------------------------------------------------------------


def test_saving_leaves_no_temporary_files(tmp_path):
    store = open_store(tmp_path)
    for step in range(5):
        store.set_step("data", step)
    store.save_cell("data", "data:0", "print(1)\n")
    store.save_cell("data", "data:0", "print(2)\n")
    store.save_exercise("model", "linreg", "def linreg(X, w, b):\n    return X @ w + b\n")
    assert names_in(tmp_path) == {"progress.json", "cells", "exercises"}
    assert names_in(tmp_path / "cells" / "data") == {"0.py"}
    assert names_in(tmp_path / "exercises") == {"linreg.py"}


def test_a_failed_replace_keeps_the_old_file_and_the_session(tmp_path, monkeypatch):
    store = open_store(tmp_path)
    store.set_step("data", 1)
    before = (tmp_path / "progress.json").read_bytes()

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress.os, "replace", disk_full)
    with pytest.raises(ProgressError, match="No space left on device") as raised:
        store.set_step("data", 2)
    assert str(tmp_path / "progress.json") in str(raised.value)
    assert (tmp_path / "progress.json").read_bytes() == before
    assert names_in(tmp_path) == {"progress.json"}  # the temp file was cleaned up
    assert store.step_of("data") == 2  # still in memory

    monkeypatch.undo()
    store.record_quiz("data", "q", [0], True)  # the next action saves everything
    again = open_store(tmp_path)
    assert again.step_of("data") == 2 and again.quiz_solved("data", "q")


def test_a_crash_between_writing_and_replacing_leaves_the_old_file_intact(tmp_path):
    store = open_store(tmp_path)
    store.set_step("data", 1)
    store.save_exercise("model", "sgd", "old code\n")
    old_progress = (tmp_path / "progress.json").read_bytes()
    # A real process dies right after the temp file is written and fsynced, before os.replace.
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        import tutor.progress as progress
        progress.os.replace = lambda src, dst: os._exit(9)
        store = progress.ProgressStore(Path({str(tmp_path)!r}))
        store.load()
        if sys.argv[1] == "progress":
            store.set_step("data", 5)
        else:
            store.save_exercise("model", "sgd", "new code\\n")
        """
    )
    for what in ("progress", "exercise"):
        done = subprocess.run([sys.executable, "-c", script, what], check=False, cwd=REPO, timeout=60)
        assert done.returncode == 9
    assert (tmp_path / "progress.json").read_bytes() == old_progress
    assert (tmp_path / "exercises" / "sgd.py").read_text("utf-8") == "old code\n"
    again = ProgressStore(tmp_path)
    assert again.load() is None  # the leftover temp file is not mistaken for progress
    assert again.step_of("data") == 1
    assert again.load_exercise("model", "sgd") == "old code\n"


def test_an_unwritable_data_dir_raises_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = open_store(blocker / "tutor")
    with pytest.raises(ProgressError, match="Could not save your progress") as raised:
        store.set_step("data", 3)
    assert str(blocker / "tutor" / "progress.json") in str(raised.value)
    assert store.step_of("data") == 3
    with pytest.raises(ProgressError, match="Could not save your code"):
        store.save_cell("data", "data:0", "x = 1\n")


# ---- the learner's code as plain .py files -----------------------------------------------------


def test_edited_cells_are_plain_py_files_that_survive_a_restart(tmp_path):
    store = open_store(tmp_path)
    code = "# 我的代码\r\nX, y = next(data_iter(10, features, labels))\nprint(X.shape)"
    store.save_cell("minibatches", "minibatches:3", code)
    path = tmp_path / "cells" / "minibatches" / "3.py"
    assert path.read_bytes() == code.encode("utf-8")  # exactly as typed, line endings too
    again = open_store(tmp_path)
    assert again.load_cell("minibatches", "minibatches:3") == code
    assert again.load_cell("minibatches", "minibatches:4") is None
    again.forget_cell("minibatches", "minibatches:3")
    assert again.load_cell("minibatches", "minibatches:3") is None
    assert not (tmp_path / "cells" / "minibatches").exists()
    again.forget_cell("minibatches", "minibatches:3")  # forgetting twice is fine


def test_exercise_code_is_a_plain_py_file(tmp_path):
    store = open_store(tmp_path)
    code = "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"
    store.save_exercise("model", "squared-loss", code)
    path = tmp_path / "exercises" / "squared-loss.py"
    assert path.read_text("utf-8") == code
    compile(path.read_text("utf-8"), str(path), "exec")  # a real Python file
    assert open_store(tmp_path).load_exercise("model", "squared-loss") == code
    store.forget_exercise("model", "squared-loss")
    assert store.load_exercise("model", "squared-loss") is None


def test_code_edited_in_another_editor_in_another_encoding_still_loads(tmp_path):
    store = open_store(tmp_path)
    path = store.exercise_path("model", "linreg")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"# caf\xe9\nx = 1\n")
    assert store.load_exercise("model", "linreg").endswith("\nx = 1\n")


BAD_CELL_IDS = ["../evil:1", "..:1", "/etc:1", "a/b:1", "a\\b:1", ".hidden:1", ":1", "data",
                "data:", "data:../1", "data:1/2", "data:-1", "data:1.py", "data\x00:1"]
BAD_EXERCISE_IDS = ["../evil", "..", ".", "", "a/b", "/etc/passwd", "C:\\x", "x\x00y", "x" * 101]


@pytest.mark.parametrize("cell_id", BAD_CELL_IDS)
def test_a_cell_id_cannot_reach_outside_the_data_dir(tmp_path, cell_id):
    store = open_store(tmp_path / "data")
    with pytest.raises(ValueError):
        store.save_cell(cell_id.partition(":")[0], cell_id, "x = 1")
    with pytest.raises(ValueError):
        store.load_cell(cell_id.partition(":")[0], cell_id)
    with pytest.raises(ValueError):
        store.forget_cell(cell_id.partition(":")[0], cell_id)
    assert names_in(tmp_path) == set()


@pytest.mark.parametrize("exercise_id", BAD_EXERCISE_IDS)
def test_an_exercise_id_cannot_reach_outside_the_data_dir(tmp_path, exercise_id):
    store = open_store(tmp_path / "data")
    with pytest.raises(ValueError):
        store.save_exercise("model", exercise_id, "x = 1")
    with pytest.raises(ValueError):
        store.load_exercise("model", exercise_id)
    assert names_in(tmp_path) == set()


# ---- reset -------------------------------------------------------------------------------------


def fill(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.set_step("data", 2)
    store.save_cell("data", "data:1", "x = 1\n")
    store.save_exercise("model", "sgd", "def sgd(params, lr, batch_size): ...\n")


def test_reset_deletes_progress_and_code_but_keeps_what_was_kept_aside(tmp_path):
    (tmp_path / "progress.json").write_bytes(b"broken {")
    assert ProgressStore(tmp_path).load() is not None
    fill(tmp_path)
    (tmp_path / "notes.txt").write_text("the learner's own file")
    kept = set(tmp_path.glob("progress.corrupt-*.json"))

    store = open_store(tmp_path)
    store.reset()

    assert names_in(tmp_path) == {"notes.txt"} | {p.name for p in kept}
    assert store.last() is None and store.step_of("data") == 0
    assert open_store(tmp_path).last() is None


def test_reset_does_not_follow_a_link_out_of_the_data_dir(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.py").write_text("keep me")
    data_dir = tmp_path / "data"
    fill(data_dir)
    (data_dir / "exercises").rename(tmp_path / "unused")
    (data_dir / "exercises").symlink_to(outside)
    open_store(data_dir).reset()
    assert (outside / "precious.py").read_text() == "keep me"
    assert not (data_dir / "exercises").exists()


def reset_with(data_dir: Path, typed: str | None, yes: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO(typed if typed is not None else "")
    code = run_reset(data_dir, yes, stdin, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("typed", ["y\n", "yes\n", "Y\n", " YES \n"])
def test_reset_proceeds_on_y_or_yes(tmp_path, typed):
    fill(tmp_path)
    code, out, _ = reset_with(tmp_path, typed)
    assert code == 0
    assert f"Delete all progress in {tmp_path}? [y/N]" in out
    assert not (tmp_path / "progress.json").exists()
    assert not (tmp_path / "cells").exists() and not (tmp_path / "exercises").exists()


@pytest.mark.parametrize("typed", ["n\n", "\n", "", "yep\n", "no\n"])
def test_reset_declined_deletes_nothing(tmp_path, typed):
    fill(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, out, _ = reset_with(tmp_path, typed)
    assert code == 1
    assert "Nothing was deleted" in out
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_reset_with_yes_asks_nothing(tmp_path):
    fill(tmp_path)
    code, out, _ = reset_with(tmp_path, None, yes=True)
    assert code == 0
    assert "[y/N]" not in out
    assert not (tmp_path / "progress.json").exists()


def test_reset_with_no_data_says_there_is_nothing_to_reset(tmp_path):
    code, out, _ = reset_with(tmp_path / "never-used", None)
    assert code == 0
    assert "Nothing to reset" in out and str(tmp_path / "never-used") in out
    assert not (tmp_path / "never-used").exists()


def test_reset_keeps_a_corrupt_progress_file_aside_instead_of_deleting_it(tmp_path):
    fill(tmp_path)
    (tmp_path / "progress.json").write_bytes(b"half a file {")
    code, out, err = reset_with(tmp_path, "y\n")
    assert code == 0
    assert "kept" in err and "progress.corrupt-" in err
    kept = list(tmp_path.glob("progress.corrupt-*.json"))
    assert [p.read_bytes() for p in kept] == [b"half a file {"]
    assert "delete them yourself" in out


# ---- where the data lives ----------------------------------------------------------------------


def test_default_data_dir_honours_tutor_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"
    monkeypatch.delenv("TUTOR_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_data_dir() == tmp_path / "xdg" / "tutor"


def test_progress_and_quiz_import_neither_torch_nor_textual():
    code = (
        "import sys, tutor.progress, tutor.quiz; "
        "print(sorted(m for m in ('torch', 'textual') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ---- progress keyed by course ------------------------------------------------------------------


def write_course(folder: Path, lesson_id: str, exercise_id: str | None = None) -> Path:
    folder.mkdir(parents=True)
    exercise = textwrap.dedent(f"""
        ```exercise
        id: {exercise_id}
        implements: tutor.scratch.model.squared_loss
        starter: |
          def squared_loss(y_hat, y):
              ...
        hints: [Square the difference.]
        ```
        """) if exercise_id else ""
    (folder / "01-a.md").write_text(
        f"---\nid: {lesson_id}\ntitle: A\nlang: en\n---\n## One\nText.\n\n"
        f"```python run\nx = 1\n```\n{exercise}", "utf-8")
    return folder


def test_two_courses_with_the_same_lesson_id_keep_separate_progress(tmp_path):
    # (tutor check reports the shared ids; until they are renamed, progress still keeps apart)
    from tutor.content.discover import builtin_lessons_dir, load_course

    first, second = (load_course(write_course(tmp_path / name, "bs", "sq")).lessons[0]
                     for name in ("first", "second"))
    assert (first.key, second.key) == ("first/bs", "second/bs")
    builtin = load_course(builtin_lessons_dir(), "built-in").in_language("en")[0]
    assert builtin.key == builtin.id  # the built-in course's keys are what they always were
    store = open_store(tmp_path / "data")
    store.set_step(first.key, 0)
    store.record_quiz(first.key, "q", [0], True)
    store.record_check(first.key, "sq", True)
    store.save_cell(first.key, first.steps[0].blocks[1].cell_id, "x = 2\n")
    store.save_exercise(first.key, "sq", "mine\n")
    again = open_store(tmp_path / "data")
    assert again.quiz_solved(first.key, "q") and not again.quiz_solved(second.key, "q")
    assert again.exercise_state(second.key, "sq").attempts == 0
    assert again.load_cell(second.key, "bs:1") is None
    assert again.load_cell(first.key, "bs:1") == "x = 2\n"
    assert again.load_exercise(second.key, "sq") is None
    assert again.status(second.key, 1, ["q"]) == "not started"
    assert (tmp_path / "data" / "cells" / "first" / "bs" / "1.py").is_file()
    assert (tmp_path / "data" / "exercises" / "first" / "sq.py").is_file()


OLD_FILE = {
    "version": 1,
    "last": {"lesson_id": "sgd", "step": 2},
    "lessons": {
        "sgd": {"step": 2, "max_step": 3,
                "quizzes": {"sgd-a": [{"answer": [1], "correct": True, "at": "2024-05-06T07:08:09+00:00"}]},
                "exercises": {"sgd": {"attempts": 3, "hints_used": 1,
                                      "first_pass": "2024-05-06T07:09:00+00:00", "passed": True}}},
        "bs": {"step": 1, "max_step": 1, "quizzes": {}, "exercises": {
            "sq": {"attempts": 2, "hints_used": 0, "first_pass": None, "passed": False}}},
    },
}


def test_a_progress_file_from_before_courses_loads_with_nothing_lost(tmp_path):
    """Written by the tutor before lessons were keyed by course: the built-in lessons' records
    are read as they are, and an instructor course's bare-id record moves to its new key."""
    from tutor.content.discover import discover, legacy_keys

    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.json").write_text(json.dumps(OLD_FILE), "utf-8")
    (data / "cells" / "bs").mkdir(parents=True)
    (data / "cells" / "bs" / "1.py").write_text("x = 3\n", "utf-8")
    (data / "exercises").mkdir()
    (data / "exercises" / "sq.py").write_text("old sq\n", "utf-8")
    (data / "exercises" / "sgd.py").write_text("old sgd\n", "utf-8")
    courses = discover([write_course(tmp_path / "mine", "bs", "sq")], None)

    store = open_store(data)
    assert store.last() == ("sgd", 2)
    assert store.quiz_solved("sgd", "sgd-a") and store.max_step_of("sgd") == 3
    assert store.exercise_state("sgd", "sgd").first_pass == "2024-05-06T07:09:00+00:00"
    assert store.load_exercise("sgd", "sgd") == "old sgd\n"
    moves = legacy_keys(courses)
    assert moves == [("bs", "mine/bs", ["sq"])]
    assert store.migrate_lessons(moves) == 1
    assert store.migrate_lessons(moves) == 0  # a second start moves nothing

    again = open_store(data)
    assert again.step_of("mine/bs") == 1 and again.exercise_state("mine/bs", "sq").attempts == 2
    assert again.load_cell("mine/bs", "bs:1") == "x = 3\n"
    assert again.load_exercise("mine/bs", "sq") == "old sq\n"
    assert again.step_of("bs") == 0  # nothing left under the bare id
    assert again.quiz_attempts("sgd", "sgd-a")[0]["answer"] == [1]


def test_a_bare_id_two_courses_shared_is_not_guessed_at(tmp_path):
    from tutor.content.discover import legacy_keys, load_course

    courses = [load_course(write_course(tmp_path / name, "bs")) for name in ("one", "two")]
    assert legacy_keys(courses) == []


def test_experiment_parameters_and_seen_solutions_survive_a_restart(tmp_path):
    store = open_store(tmp_path)
    assert store.load_params("sgd", "train-1") is None
    params = {"lr": 0.1, "batch_size": 32, "sizes": [1, 2]}
    store.save_params("sgd", "train-1", params)
    params["lr"] = 9  # the caller's dict is not the stored one
    assert not store.solution_seen("sgd", "sgd")
    store.record_solution_seen("sgd", "sgd")
    again = open_store(tmp_path)
    assert again.load_params("sgd", "train-1") == {"lr": 0.1, "batch_size": 32, "sizes": [1, 2]}
    assert again.load_params("sgd", "train-2") is None
    assert again.solution_seen("sgd", "sgd") and not again.solution_seen("sgd", "other")
    with pytest.raises(ValueError):
        again.save_params("sgd", "train-1", {"lr": float("nan")})


def test_the_learner_seed_is_drawn_once_and_kept(tmp_path):
    seed = open_store(tmp_path).learner_seed()
    assert json.loads((tmp_path / "progress.json").read_text("utf-8"))["learner_seed"] == seed
    assert open_store(tmp_path).learner_seed() == seed


def test_a_saved_cell_that_cannot_be_read_is_an_error_not_nothing_saved(tmp_path):
    store = open_store(tmp_path)
    path = store.cell_path("data", "data:1")
    path.mkdir(parents=True)  # unreadable as a file, for root too (a mode-0 file is not)
    with pytest.raises(ProgressError, match="Could not read your code") as raised:
        store.load_cell("data", "data:1")
    assert raised.value.path == path
    assert store.load_cell("data", "data:2") is None


async def test_the_app_moves_an_instructor_lessons_bare_id_record_to_its_key_at_start(tmp_path):
    from tests.app_helpers import fixture_app, wait_for
    from tutor.ui.screens.home import HomeScreen

    data = tmp_path / "data"
    data.mkdir()
    old = {"version": 1, "last": {"lesson_id": "demo", "step": 2},
           "lessons": {"demo": {"step": 2, "max_step": 3, "quizzes": {
               "demo-number": [{"answer": "40", "correct": True, "at": "2024-05-06T07:08:09+00:00"}]},
               "exercises": {}}}}
    (data / "progress.json").write_text(json.dumps(old), "utf-8")
    app = fixture_app(data, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="the home screen")
        assert app.store.step_of("course/demo") == 2
        assert app.store.quiz_solved("course/demo", "demo-number")
    saved = json.loads((data / "progress.json").read_text("utf-8"))
    assert "course/demo" in saved["lessons"] and "demo" not in saved["lessons"]
    assert saved["last"]["lesson_id"] == "course/demo"
