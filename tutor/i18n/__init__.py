"""Every string the interface shows, in English and Chinese.

Lessons carry their own language; this package holds only the tutor's own words. Each area keeps
its strings in a module of its own here (`app_strings`, and e.g. `plain_strings`, `report_strings`):
every module in this package with a `STRINGS` table is merged at import, and a key defined twice is
an error at import, so areas never edit one shared table. A key missing in one language is a bug a
test catches (tests/test_i18n.py), never a crash on screen.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

LANGUAGES = ("en", "zh")


def _merge() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, entry in getattr(module, "STRINGS", {}).items():
            if key in merged:
                raise RuntimeError(f"i18n key {key!r} is defined twice (again in {info.name})")
            merged[key] = entry
    return merged


STRINGS: dict[str, dict[str, str]] = _merge()


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang`, formatted with `values`; English if a translation is missing."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def language_from_locale(environ: Mapping[str, str]) -> str:
    """zh when the locale says Chinese (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
