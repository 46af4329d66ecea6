"""tutor.safe_text.visible: nothing a kernel or a lesson file prints can drive the terminal."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tutor.safe_text import visible


def test_the_terminal_escape_injection_of_issue_11_is_shown_not_obeyed():
    attack = "A\x1b[?1049l\x1b[2J\x1b]0;pwned\x07"
    assert visible(attack) == "A\\x1b[?1049l\\x1b[2J\\x1b]0;pwned\\x07"


def test_c1_controls_and_del_are_escaped_too():
    # 0x9b is CSI and 0x9d OSC on terminals that honour 8-bit controls.
    assert visible("\x9b31m\x9d0;t\x9c\x7f") == "\\x9b31m\\x9d0;t\\x9c\\x7f"
    assert visible("\x00\x08\x0b\x0c") == "\\x00\\x08\\x0b\\x0c"


def test_newlines_tabs_and_unicode_are_kept():
    text = "loss\t0.5\n损失 → ok é\u0301 \U0001F600\n"
    assert visible(text) is text  # nothing to replace: the same object, no copy


def test_carriage_returns_become_line_ends():
    assert visible("a\r\nb\r\n") == "a\nb\n"
    # A progress line rewritten with \r keeps every state, the latest last.
    assert visible("step 1\rstep 2\rstep 3") == "step 1\nstep 2\nstep 3"


def test_lone_surrogates_are_escaped_so_the_text_can_be_encoded():
    shown = visible("bad \ud800 text")
    assert shown == "bad \\ud800 text"
    shown.encode("utf-8")


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_no_control_character_but_newline_and_tab_survives(text):
    shown = visible(text)
    for char in shown:
        assert char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs"), repr(char)
    shown.encode("utf-8")


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs"))))
def test_text_without_controls_is_unchanged(text):
    assert visible(text) == text
