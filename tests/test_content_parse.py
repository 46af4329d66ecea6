"""Valid lesson files become the model an instructor meant: steps, blocks, values, positions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tutor.content.model import BrokenLesson, Exercise, Experiment, Lesson, Prose, Quiz
from tutor.content.parse import parse_lesson, split_file_name

FRONT = "---\nid: demo\ntitle: Demo lesson\nlang: en\n---\n"


def parse(body: str, name: str = "01-demo.md", front: str = FRONT) -> Lesson:
    result = parse_lesson(Path(name), front + textwrap.dedent(body))
    assert isinstance(result, Lesson), [str(e) for e in result.errors]
    return result


def broken(body: str, name: str = "01-demo.md", front: str = FRONT) -> list[str]:
    result = parse_lesson(Path(name), front + textwrap.dedent(body))
    assert isinstance(result, BrokenLesson), "expected the lesson to be refused"
    return [str(e) for e in result.errors]


def blocks(lesson: Lesson) -> list:
    return [b for s in lesson.steps for b in s.blocks]


def test_front_matter_and_file_name():
    lesson = parse("## One\n\nText.\n", name="lessons/07-training.md")
    assert (lesson.id, lesson.title, lesson.lang, lesson.stem) == ("demo", "Demo lesson", "en",
                                                                 "07-training")
    assert (lesson.where.line, lesson.where.col) == (2, 5)


@pytest.mark.parametrize("name, expected", [
    ("01-data.md", ("01-data", None)),
    ("01-data.zh.md", ("01-data", "zh")),
    ("01-data.pt-BR.md", ("01-data", "pt-BR")),
    ("notes.v2.md", ("notes.v2", None)),
])
def test_language_suffix(name, expected):
    assert split_file_name(Path(name)) == expected


def test_translation_file_takes_its_language_from_the_suffix():
    front = "---\nid: demo\ntitle: 演示\nlang: zh\n---\n"
    assert parse("## 一\n\n正文。\n", name="01-demo.zh.md", front=front).lang == "zh"


def test_each_heading_starts_a_step_and_text_before_the_first_is_a_step_titled_like_the_lesson():
    lesson = parse("""\
        Intro text.

        ## First
        One.
        ### A sub-heading stays in the prose
        Two.

        ## Second ##
        Three.
        """)
    assert [s.title for s in lesson.steps] == ["Demo lesson", "First", "Second"]
    assert [s.where.line for s in lesson.steps] == [6, 8, 13]
    first = lesson.steps[1].blocks[0]
    assert isinstance(first, Prose) and "### A sub-heading" in first.markdown
    assert first.where.line == 9


def test_python_blocks_show_run_and_static():
    lesson = parse("""\
        ## Code
        ```python show=tutor.scratch.model.sgd
        ```

        ```python run
        x = 1
        x + 1
        ```

        ```python
        print("only shown")
        ```

        ```python run
        y = 2
        ```
        """)
    show, run1, static, run2 = blocks(lesson)
    assert (show.kind, show.show, show.source) == ("show", "tutor.scratch.model.sgd", "")
    assert (run1.kind, run1.source, run1.cell_id) == ("run", "x = 1\nx + 1", "demo:1")
    assert (static.kind, static.source) == ("static", 'print("only shown")')
    assert run2.cell_id == "demo:2"
    assert [b.where.line for b in (show, run1, static, run2)] == [7, 10, 15, 19]


def test_other_languages_stay_markdown_and_longer_fences_hold_shorter_ones():
    lesson = parse("""\
        ## Shell
        ```bash
        python -m tutor check
        ```

        ~~~~markdown
        ```quiz
        not a quiz: this is inside a longer fence
        ```
        ~~~~

        ```
        no language
        ```
        """)
    (prose,) = blocks(lesson)
    assert isinstance(prose, Prose)
    assert "```bash" in prose.markdown and "```quiz" in prose.markdown
    assert "no language" in prose.markdown


def test_tilde_fences_are_blocks_too():
    lesson = parse("""\
        ## Q
        ~~~quiz
        id: demo-q
        type: number
        prompt: How many?
        answer: 3
        ~~~
        """)
    (quiz,) = blocks(lesson)
    assert isinstance(quiz, Quiz) and quiz.answer == 3.0


def test_a_quiz_body_may_hold_a_shorter_fence_inside_a_longer_one():
    lesson = parse("""\
        ## Q
        ````quiz
        id: demo-q
        type: text
        prompt: |
          What does this print?
          ```python
          print("a" * 2)
          ```
        accept: [aa]
        ````
        """)
    (quiz,) = blocks(lesson)
    assert "```python" in quiz.prompt and quiz.accept == ["aa"]


def test_experiment_values_are_typed_and_checked():
    lesson = parse("""\
        ## Run
        ```experiment
        run: train
        params: {lr: 1e-3, batch_size: 1e2, num_epochs: 3, init: zeros, record_path: yes}
        editable: [lr, batch_size]
        view: path
        id: demo-run
        ```

        ```experiment
        run: learning_rates
        sweep: {batch_size: [10, 100]}
        ```
        """)
    first, second = blocks(lesson)
    assert isinstance(first, Experiment)
    assert first.params == {"lr": 0.001, "batch_size": 100, "num_epochs": 3, "init": "zeros",
                            "record_path": True}
    assert isinstance(first.params["batch_size"], int)
    assert (first.editable, first.view, first.id) == (["lr", "batch_size"], "path", "demo-run")
    assert second.sweep == {"batch_size": [10, 100]} and second.view == "loss"


def test_choice_quiz_with_correct_flags_and_why():
    lesson = parse("""\
        ## Q
        ```quiz
        id: demo-q
        type: choice
        prompt: "Which are true?"
        choices:
          - text: a
            correct: true
            why: because
          - text: b
          - text: c
            correct: true
        hint: think
        explain: |
          Both a and c.
        ```
        """)
    (quiz,) = blocks(lesson)
    assert [(c.text, c.correct, c.why) for c in quiz.choices] == [
        ("a", True, "because"), ("b", False, ""), ("c", True, "")]
    assert quiz.multiple and quiz.hint == "think" and quiz.explain == "Both a and c."


def test_choice_quiz_with_plain_choices_and_answer_texts():
    lesson = parse("""\
        ## Q
        ```quiz
        id: demo-one
        type: choice
        prompt: How many batches?
        choices: [15, 16, 17]
        answer: 16
        ```

        ```quiz
        id: demo-several
        type: choice
        prompt: Which?
        choices: [x, y, z]
        answer: [x, z]
        ```
        """)
    one, several = blocks(lesson)
    assert [c.correct for c in one.choices] == [False, True, False] and not one.multiple
    assert [c.correct for c in several.choices] == [True, False, True] and several.multiple


def test_number_and_text_quizzes():
    lesson = parse("""\
        ## Q
        ```quiz
        id: demo-number
        type: number
        prompt: Noise std?
        answer: 0.01
        tolerance: 0.002
        ```

        ```quiz
        id: demo-text
        type: text
        prompt: Which flag?
        accept: create_graph
        pattern: 'create_graph\\s*=\\s*True'
        ```
        """)
    number, text = blocks(lesson)
    assert (number.answer, number.tolerance) == (0.01, 0.002)
    assert text.accept == ["create_graph"] and text.pattern == r"create_graph\s*=\s*True"


def test_exercise_with_then_experiment():
    lesson = parse("""\
        ## Your turn
        ```exercise
        id: squared-loss
        implements: tutor.scratch.model.squared_loss
        starter: |
          def squared_loss(y_hat, y):
              ...
        hints:
          - Reshape y.
          - "`y.reshape(y_hat.shape)`"
        then: {run: train, params: {batch_size: 64}}
        ```
        """)
    (exercise,) = blocks(lesson)
    assert isinstance(exercise, Exercise)
    assert exercise.starter == "def squared_loss(y_hat, y):\n    ...\n"
    assert exercise.hints == ["Reshape y.", "`y.reshape(y_hat.shape)`"]
    assert exercise.then.run == "train" and exercise.then.params == {"batch_size": 64}
    assert lesson.experiments() == [exercise.then]


def test_windows_line_endings_and_a_byte_order_mark_read_like_plain_files(tmp_path):
    text = FRONT + "## One\n\n```quiz\nid: demo-q\ntype: number\nprompt: How many?\nanswer: 2\n```\n"
    path = tmp_path / "01-demo.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    lesson = parse_lesson(path)
    assert isinstance(lesson, Lesson)
    assert lesson.quizzes()[0].where.line == 8


def test_errors_inside_a_crlf_file_point_at_the_right_line():
    text = (FRONT + "## One\n\n```quiz\nid: demo-q\ntype: number\npromt: x\nprompt: x\nanswer: 2\n```\n")
    result = parse_lesson(Path("01-demo.md"), text.replace("\n", "\r\n"))
    assert [(e.where.line, e.where.col) for e in result.errors] == [(11, 1)]


def test_an_indented_fence_maps_yaml_errors_to_file_columns():
    errors = broken("""\
        ## Q
          ```quiz
          id: demo-q
          type: number
          prompt: How many?
          answer: many
          ```
        """)
    assert errors == ["01-demo.md:11:11: error: answer must be a number, like 0.5 or 40"]


def test_every_error_of_a_file_is_reported_not_only_the_first():
    errors = broken("""\
        ## One
        ```experiment
        run: train
        params: {lr: 0, batch_size: 0}
        ```
        ## Two
        ```quizz
        ```
        """)
    assert len(errors) == 3
    assert [e.split(":")[1] for e in errors] == ["9", "9", "12"]
