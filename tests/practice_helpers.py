"""What the practice tests share: a verdict on dedented source, and a failure that must say why."""

import textwrap

from tutor.practice.checks import check_source


def verdict(implements, source):
    return check_source(implements, textwrap.dedent(source))


def assert_fails(result, *phrases):
    assert not result.passed, result
    for phrase in phrases:
        assert phrase in result.message, f"{phrase!r} not in:\n{result.message}"
