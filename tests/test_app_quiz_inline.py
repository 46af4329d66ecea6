"""The inline Markdown every quiz and exercise text goes through: reflowed to the panel, rendered the
same everywhere, and never able to drive the terminal."""

from __future__ import annotations

from tutor.ui.widgets.inline import inline_markdown, reflow


def test_a_paragraphs_source_line_breaks_are_joined_and_its_breaks_kept():
    source = "The loss cannot go below\nthe noise floor.\n\nA second\nparagraph.\n- a list item\n- another\n"
    joined = "The loss cannot go below the noise floor.\n\nA second paragraph.\n- a list item\n- another"
    assert reflow(source) == joined


def test_chinese_lines_are_joined_without_a_space():
    assert reflow("不要照抄，\n自己写一遍\n就明白了。") == "不要照抄，自己写一遍就明白了。"
    # a line break between Chinese and a Latin word still reads as a space
    assert reflow("调用\nsgd 函数") == "调用 sgd 函数"


def test_code_bold_and_emphasis_lose_their_markers_and_keep_a_style():
    text = inline_markdown("use `y.reshape(y_hat.shape)`, **not** a *guess*; 2*3*4 stays")
    assert text.plain == "use y.reshape(y_hat.shape), not a guess; 2*3*4 stays"
    styles = {text.plain[span.start : span.end]: str(span.style) for span in text.spans}
    assert styles == {"y.reshape(y_hat.shape)": "bold", "not": "bold", "guess": "italic"}


def test_a_diagnosis_keeps_its_lines_and_its_code():
    message = "y_hat has shape (10, 1):\n  line 2: return (y_hat - y) ** 2 / 2 ** 1\n          ^"
    text = inline_markdown(message, reflow_lines=False, emphasis=False)
    assert text.plain == message


def test_control_characters_in_lesson_text_are_made_visible():
    assert inline_markdown("a\x1b]0;title\x07b").plain == "a\\x1b]0;title\\x07b"
