"""A corpus of broken lessons: each file holds one mistake; the loader names it, where it is, and
what is allowed instead. Files in sub-folders hold the mistakes that need two files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tutor.content.check import check_paths, run_check
from tutor.content.discover import load_course
from tutor.content.model import BrokenLesson
from tutor.content.parse import parse_lesson

CORPUS = Path(__file__).parent / "lessons_broken"

# file -> (line, column, a fragment of the message); exactly this one error is expected
SINGLE = {
    "empty.md": (1, 1, "the file is empty"),
    "not-utf8.md": (8, 18, "not UTF-8: byte 0xe9"),
    "no-front-matter.md": (1, 1, "no front matter; its first line must be '---'"),
    "unterminated-front-matter.md": (1, 1, "front matter opened here is never closed"),
    "blank-before-front-matter.md": (1, 1, "must start on the first line"),
    "front-matter-unknown-key.md": (3, 1, "unknown key 'titel' in the front matter (did you mean 'title'?)"),
    "front-matter-missing-title.md": (1, 1, "has no 'title' key"),
    "bad-lesson-id.md": (2, 5, "lesson id 'Broken_Lesson_Id' is not allowed; use lowercase letters"),
    "lang-mismatch.zh.md": (4, 7, "lang is en but the file name says zh; write lang: zh"),
    "bad-yaml.md": (11, 16, "bad YAML in the quiz block: mapping values are not allowed"),
    "tabs-in-yaml.md": (13, 1, "indent with spaces, not tabs"),
    "unknown-key.md": (11, 1, "unknown key 'promt' in the quiz block (did you mean 'prompt'?); allowed keys: id, type"),
    "duplicate-key.md": (13, 1, "'answer' is given twice in the quiz block (first at line 12)"),
    "missing-key.md": (8, 1, "the quiz block has no 'prompt' key"),
    "empty-block.md": (8, 1, "the quiz block is empty; a quiz needs id:, type:"),
    "block-not-mapping.md": (9, 1, "must be 'key: value' lines, not a list"),
    "misspelt-directive.md": (14, 4, "unknown block 'quizz'; did you mean 'quiz'?"),
    "directive-capitalised.md": (8, 4, "unknown block 'Experiment'; did you mean 'experiment'?"),
    "unterminated-fence.md": (8, 1, "this block opened with ```` is never closed"),
    "empty-step.md": (10, 1, "the step 'Second' is empty"),
    "python-unknown-option.md": (8, 11, "unknown option 'runn' on a python block (did you mean 'run'?)"),
    "run-cell-syntax.md": (10, 6, "this run cell is not valid Python: '(' was never closed"),
    "show-unknown.md": (8, 11, "show=tutor.scratch.model.sgdd names no function of the core (did you mean 'tutor.scra"),
    "show-with-body.md": (10, 1, "a show= block must be empty"),
    "unknown-run.md": (9, 6, "unknown experiment 'trian' (did you mean 'train'?); experiments: train, zero_init"),
    "param-type.md": (10, 32, "bad value for batch_size: batch size must be a whole number between 1 and 1000"),
    "param-range.md": (11, 7, "bad value for lr: learning rate must be a number greater than 0"),
    "param-unknown.md": (11, 3, "experiment 'train' has no parameter 'lrr' (did you mean 'lr'?)"),
    "editable-unknown.md": (10, 16, "'batchsize' is not a parameter of train (did you mean 'batch_size'?)"),
    "sweep-unknown.md": (11, 3, "'rate' is not a parameter of train; its parameters: lr, batch_size"),
    "sweep-bad-value.md": (11, 20, "bad value in the sweep of batch_size: batch size must be a whole number"),
    "swept-and-editable.md": (11, 9, "'lr' is both swept and editable"),
    "batch-larger-than-data.md": (12, 3, "batch size (500) must not be larger than the number of examples (100)"),
    "view-path-without-record.md": (11, 7, "view: path needs the path of w: add record_path: true"),
    "quiz-unknown-type.md": (10, 7, "unknown quiz type 'multiple'; types: choice"),
    "answer-not-a-choice.md": (13, 9, "the answer '24' is not among the choices; the choices are: '40', '64', '1000'"),
    "answer-disagrees.md": (16, 1, "answer: and the choices' correct: disagree"),
    "choice-without-correct.md": (12, 1, "no choice is correct; add correct: true"),
    "choice-bad-correct.md": (14, 14, "correct must be true or false"),
    "tolerance-on-choice.md": (14, 1, "'tolerance' belongs to number quizzes"),
    "number-without-answer.md": (10, 1, "a number quiz needs answer:"),
    "number-answer-not-number.md": (12, 9, "answer must be a number"),
    "text-without-accept.md": (8, 1, "a text quiz needs accept:"),
    "bad-regex.md": (12, 18, "pattern is not a valid regular expression: missing ), unterminated subpattern"),
    "duplicate-quiz-id.md": (18, 5, "quiz id 'broken-duplicate-quiz-id-q' is already used at line 9"),
    "exercise-unknown-implements.md": (10, 13, "tutor.scratch.model.squared_los is not a core function (did you mean "),
    "exercise-no-practice-check.md": (10, 13, "tutor.scratch.train.train has no practice check; an exercise can imple"),
    "exercise-starter-syntax.md": (13, 34, "the starter is not valid Python: invalid syntax (line 2 of the code)"),
    "starter-without-function.md": (11, 1, "the starter must define sgd(...)"),
    "exercise-missing-id.md": (8, 1, "the exercise block has no 'id' key"),
    "exercise-hints-empty.md": (14, 1, "hints is empty; give at least one hint"),
    "fence-runs-into-block.md": (8, 1, "this block opened with ``` is not closed before line 13, where a new block op"),
    "fence-runs-into-heading.md": (8, 1, "is not closed before line 11, where a step heading starts ('## Step two')"),
    "lang-unsupported.md": (4, 7, "lang pt cannot be shown: the tutor's screens are in en and zh only"),
    "choice-misindented-correct.md": (14, 6, "correct: is indented to column 6 but text: above it to column 5; the ke"),
}


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_each_broken_file_is_reported_once_at_its_line(name):
    line, col, fragment = SINGLE[name]
    result = parse_lesson(CORPUS / name)
    assert isinstance(result, BrokenLesson)
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    (error,) = result.errors
    assert (error.where.line, error.where.col) == (line, col), str(error)
    assert fragment in error.message
    assert str(error).startswith(f"{CORPUS / name}:{line}:{col}: error: ")


def test_the_corpus_table_covers_every_file():
    files = {p.name for p in CORPUS.glob("*.md")}
    assert files == set(SINGLE) | {"many-errors.md"}


def test_all_errors_of_one_file_are_reported():
    result = parse_lesson(CORPUS / "many-errors.md")
    got = [(e.where.line, e.where.col) for e in result.errors]
    assert got == [(10, 14), (15, 1), (24, 31)]
    assert "learning rate must be" in result.errors[0].message
    assert "a number quiz needs answer:" in result.errors[1].message
    assert "the starter is not valid Python" in result.errors[2].message


def test_broken_files_keep_what_could_be_read_of_their_front_matter():
    result = parse_lesson(CORPUS / "param-type.md")
    assert (result.id, result.title, result.lang) == ("broken-param-type",
                                                      "Parameter of the wrong type", "en")


def test_a_folder_of_broken_files_loads_each_as_broken_with_only_its_own_errors():
    course = load_course(CORPUS)
    assert course.lessons == []
    assert len(course.broken) == len(SINGLE) + 1
    # no error comes from comparing the files with each other: each has its own ids; only
    # lang-mismatch.zh.md is, besides, a translation without an original
    assert len(course.errors()) == len(SINGLE) + 3 + 1


def errors_of(folder: str) -> list[tuple[str, int, int, str]]:
    course = load_course(CORPUS / folder)
    return [(e.where.path.name, e.where.line, e.where.col, e.message) for e in course.errors()]


def test_a_translation_that_differs_from_its_original():
    errors = errors_of("translation")
    expected = [
        ("01-intro.zh.md", 2, 5, "quiz 'intro-dropped' of the original (", "01-intro.md:32:1) is missing here"),
        ("01-intro.zh.md", 8, 1, "quiz 'intro-last-batch' differs", "the answer is 41 here but 40 there"),
        ("01-intro.zh.md", 15, 1, "quiz 'intro-half' differs", "the correct choices are number 2 here but number 1"),
        ("01-intro.zh.md", 25, 1, "quiz 'intro-method' differs", "it is a choice quiz here but a text quiz there"),
        ("01-intro.zh.md", 33, 1, "quiz 'intro-extra' is not in the original 01-intro.md", ""),
        ("01-intro.zh.md", 40, 1, "exercise 'intro-loss' implements tutor.scratch.model.linreg here",
         "tutor.scratch.model.squared_loss in the original"),
    ]
    assert [(f, line, col) for f, line, col, _ in errors] == [e[:3] for e in expected]
    for (_, _, _, message), (_, _, _, first, second) in zip(errors, expected):
        assert first in message and second in message


def test_the_original_still_loads_when_its_translation_is_broken():
    course = load_course(CORPUS / "translation")
    assert [l.path.name for l in course.lessons] == ["01-intro.md"]
    assert [l.lang for l in course.in_language("zh")] == ["en"]


def test_duplicate_ids_across_files_point_at_both_places():
    errors = errors_of("duplicates")
    first = CORPUS / "duplicates" / "01-first.md"
    assert [(f, line, col) for f, line, col, _ in errors] == [
        ("02-second.md", 2, 5), ("03-third.md", 8, 1), ("03-third.md", 15, 1)]
    lesson, quiz, exercise = (m for *_, m in errors)
    assert f"lesson id 'dup-lesson' in en is already used by {first}:2:5" in lesson
    assert f"quiz id 'dup-quiz' is already used by {first}:8:1 (lesson 'dup-lesson')" in quiz
    assert f"exercise id 'dup-exercise' is already used by {first}:15:1" in exercise


def test_a_translation_must_sit_beside_its_original():
    assert errors_of("translation-name") == [
        ("02-other.zh.md", 2, 5, "this is lesson 'named' of 01-intro.md, so the file must be "
                                 "named 01-intro.zh.md")]


def test_checking_one_file_also_runs_the_cross_file_checks_of_its_folder():
    errors = check_paths([CORPUS / "translation" / "01-intro.zh.md"])
    assert len(errors) == 6
    assert check_paths([CORPUS / "translation" / "01-intro.md"]) == []


def test_tutor_check_prints_every_error_gcc_style_sorted_and_exits_1():
    out, err = io.StringIO(), io.StringIO()
    code = run_check([CORPUS / "duplicates", CORPUS / "bad-yaml.md"], out, err)
    lines = err.getvalue().splitlines()
    assert code == 1 and out.getvalue() == ""
    assert lines[0].startswith(f"{CORPUS / 'bad-yaml.md'}:11:16: error: bad YAML")
    assert [l.split(": error")[0] for l in lines[1:4]] == [
        f"{CORPUS / 'duplicates' / '02-second.md'}:2:5",
        f"{CORPUS / 'duplicates' / '03-third.md'}:8:1",
        f"{CORPUS / 'duplicates' / '03-third.md'}:15:1"]
    assert lines[4] == "checked 4 lesson files in 2 courses: 4 errors in 3 files"


def test_what_follows_a_block_left_open_is_still_read_and_checked():
    """The quiz after the unclosed block is parsed, not swallowed: its own mistakes show too."""
    text = (CORPUS / "fence-runs-into-block.md").read_text("utf-8").replace("answer: 3", "answer: x")
    result = parse_lesson(CORPUS / "fence-runs-into-block.md", text)
    assert [(e.where.line, e.where.col) for e in result.errors] == [(8, 1), (21, 9)]
    assert "answer must be a number" in result.errors[1].message


def test_a_heading_may_sit_in_a_block_that_shows_markdown_or_has_a_longer_fence(tmp_path):
    path = tmp_path / "01-md.md"
    path.write_text("---\nid: md\ntitle: M\nlang: en\n---\n## One\n\n```markdown\n## A heading\n"
                    "```\n\n````python\n## a comment\n```text\n````\n", "utf-8")
    lesson = parse_lesson(path)
    assert not isinstance(lesson, BrokenLesson), [str(e) for e in lesson.errors]
    assert len(lesson.steps) == 1


def test_a_file_far_larger_than_a_lesson_is_refused_without_reading_it(tmp_path, monkeypatch):
    from tutor.content.parse import MAX_LESSON_BYTES

    path = tmp_path / "01-huge.md"
    step = "## Step\n\nText.\n\n"
    path.write_text("---\nid: huge\ntitle: H\nlang: en\n---\n" + step * (MAX_LESSON_BYTES // len(step) + 1),
                    "utf-8")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    result = parse_lesson(path)
    assert isinstance(result, BrokenLesson)
    (error,) = result.errors
    assert str(error).startswith(f"{path}:1:1: error: the file is 1.0 MB; a lesson file may be at most 1 MB")


def test_a_translation_with_other_steps_blocks_or_experiments_is_reported_at_its_own_line():
    errors = errors_of("translation-structure")
    assert [(f, line, col) for f, line, col, _ in errors] == [
        ("01-steps.zh.md", 2, 5), ("02-blocks.zh.md", 6, 1), ("03-runs.zh.md", 8, 1)]
    steps, blocks, runs = (m for *_, m in errors)
    assert "this translation has 2 steps but the original has 3: its step 3 ('Three'" in steps
    assert "01-steps.md:14:1) is missing here" in steps
    assert "step 1 holds [python] here but [python run] in the original" in blocks
    assert "this experiment differs from the original's" in runs and "03-runs.md:8:1" in runs
    assert "lr is 0.1 here but 0.03 there" in runs


def test_a_translation_whose_id_differs_is_not_a_lesson_of_its_own():
    course = load_course(CORPUS / "translation-id")
    assert errors_of("translation-id") == [
        ("01-intro.zh.md", 2, 5, "this translation's id is 'intro-zh' but its original "
                                 "01-intro.md has id 'intro'; a translation keeps its original's id")]
    assert [lesson.id for lesson in course.in_language("zh")] == ["intro"]


def test_a_translation_without_an_original_is_reported():
    (error,) = errors_of("translation-orphan")
    assert error[:3] == ("02-alone.zh.md", 2, 5)
    assert "a translation (zh) with no original: there is no 02-alone.md beside it" in error[3]


def test_a_translation_is_compared_in_the_same_run_as_its_broken_original():
    """The original's own error and the translation's difference come out of one `tutor check`,
    not one after the other; a block missing from the broken original is not called extra."""
    assert [(f, line, col) for f, line, col, _ in errors_of("translation-same-run")] == [
        ("01-batch.md", 17, 7), ("01-batch.zh.md", 8, 1)]
    _, translation = errors_of("translation-same-run")
    assert "quiz 'batch-last' differs from the original" in translation[3]
    assert "the answer is 41 here but 40 there" in translation[3]


def test_ids_that_shadow_the_built_in_course_are_reported_where_they_are_given():
    from tutor.content.discover import builtin_lessons_dir

    errors = check_paths([CORPUS / "shadow"], [builtin_lessons_dir()])
    builtin = builtin_lessons_dir()
    assert [(e.where.path.name, e.where.line, e.where.col) for e in errors] == [
        ("01-loss.md", 2, 5), ("01-loss.md", 8, 1)]
    lesson, exercise = (e.message for e in errors)
    assert f"lesson id 'loss' is already used by {builtin / '05-loss.md'}:2:5 in the course 'built-in'" in lesson
    assert f"exercise id 'sgd' is already used by {builtin / '06-sgd.md'}" in exercise
    assert "would hide this one from `tutor practice`" in exercise


def test_the_app_lists_a_shadowing_lesson_as_broken_not_beside_the_built_in_one():
    from tutor.content.discover import discover

    builtin, shadow = discover([CORPUS / "shadow"], None)
    assert shadow.lessons == []
    assert [b.path.name for b in shadow.broken] == ["01-loss.md"]
    assert "loss" in [lesson.id for lesson in builtin.lessons]


def test_a_course_file_that_hides_a_lesson_or_names_none_is_reported_at_its_line():
    errors = errors_of("course-file")
    assert errors == [
        ("course.yaml", 3, 1, "order leaves out lesson 'more' (02-more.md); list every lesson, "
                              "so none is hidden by mistake"),
        ("course.yaml", 5, 5, "order names 'theirs', which is no lesson of this course; its "
                              "lesson ids: more, ours")]
    course = load_course(CORPUS / "course-file")
    assert (course.title, course.description) == ("Our course", "The lab's own lessons.")
    assert [lesson.id for lesson in course.lessons] == ["ours", "more"]  # both still shown


def test_a_course_file_orders_the_lessons_and_names_the_course(tmp_path):
    for name, lesson_id in (("01-a.md", "a"), ("02-b.md", "b"), ("03-c.md", "c")):
        (tmp_path / name).write_text(f"---\nid: {lesson_id}\ntitle: {lesson_id}\nlang: en\n---\n"
                                     f"## One\n\nText.\n", "utf-8")
    (tmp_path / "01-a.zh.md").write_text("---\nid: a\ntitle: 甲\nlang: zh\n---\n## 一\n\n文字。\n",
                                         "utf-8")
    (tmp_path / "course.yaml").write_text("title: The lab\norder: [c, a, b]\n", "utf-8")
    course = load_course(tmp_path)
    assert course.errors() == []
    assert course.display_title == "The lab"
    assert [lesson.id for lesson in course.in_language("en")] == ["c", "a", "b"]
    assert [lesson.lang for lesson in course.in_language("zh")] == ["en", "zh", "en"]
