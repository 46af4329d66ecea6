import string

import pytest

from tutor.i18n import LANGUAGES, STRINGS, language_from_locale, t


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_exists_in_both_languages_with_the_same_placeholders(key):
    fields = {lang: {f for _, f, _, _ in string.Formatter().parse(STRINGS[key][lang]) if f} for lang in LANGUAGES}
    assert all(STRINGS[key][lang].strip() for lang in LANGUAGES)
    assert fields["en"] == fields["zh"]


@pytest.mark.parametrize(
    "environ, lang",
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANG": "C"}, "en"),
        ({}, "en"),
    ],
)
def test_language_follows_the_locale(environ, lang):
    assert language_from_locale(environ) == lang


def test_a_string_is_formatted_in_the_language_asked_for():
    assert t("lesson.step", "zh", n=2, m=5) == "第 2/5 步"
    assert t("lesson.step", "en", n=2, m=5) == "step 2 of 5"
