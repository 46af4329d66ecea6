"""The tutor's settings: built once, in `cli.main` (or by a test), from the command line and the
environment, then passed down. Nothing else in the tutor reads the environment for its own
settings (posting's model: one validated settings object made in the app factory).

Child processes still inherit the environment as usual (the kernel, $EDITOR).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# The front end a session runs in: which keys can reach it and what it can offer.
FRONT_ENDS = ("terminal", "web", "plain")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    lang: str = "en"
    lesson_dirs: tuple[Path, ...] = ()
    # TUTOR_LESSONS: more lesson folders, as written (discover() splits and reports them)
    lessons_env: str | None = None
    kernel_memory: int = 4 << 30
    # NO_COLOR (https://no-color.org) or TERM=linux's 8-colour console: plots drawn in greys
    no_color: bool = False
    # a blinking cursor redraws the editor line twice a second: bytes on a slow link
    cursor_blink: bool = True
    # seconds a kernel may sit idle before it is stopped (a reading learner needs none); 0: never
    kernel_idle_timeout: float = 600.0
    front_end: str = "terminal"
    # what the kernel process inherits on top of the environment
    kernel_env: Mapping[str, str] = field(default_factory=dict)
    # $VISUAL or $EDITOR: the learner's own editor for an exercise (None: not offered)
    editor: str | None = None
    # times shown as "–": snapshot tests, whose screens must not change from run to run
    stable_clock: bool = False

    @property
    def in_browser(self) -> bool:
        return self.front_end == "web"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsError(ValueError):
    """A setting from the environment that cannot be used; the message names it."""


MEMORY_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
MIN_KERNEL_MEMORY = 256 << 20


def parse_memory(text: str) -> int:
    """'4G', '512M', '1073741824' -> bytes; ValueError with the reason otherwise."""
    cleaned = text.strip().upper().removesuffix("B").removesuffix("I")
    try:
        if cleaned and cleaned[-1] in MEMORY_UNITS:
            value = float(cleaned[:-1]) * MEMORY_UNITS[cleaned[-1]]
        else:
            value = float(cleaned)
    except ValueError:
        raise ValueError(f"not a size: {text.strip()!r} (try 4G or 512M)") from None
    if value < MIN_KERNEL_MEMORY:
        raise ValueError("the kernel needs at least 256M to load torch")
    return int(value)


def _flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() not in ("", "0", "no", "false", "off")


def from_environment(environ: Mapping[str, str] | None = None, **given: Any) -> Settings:
    """Settings from the environment, with what the command line gave (`given`) taking precedence."""
    from tutor.i18n import language_from_locale
    from tutor.progress import default_data_dir

    environ = os.environ if environ is None else environ
    data_dir = environ.get("TUTOR_DATA_DIR", "").strip()
    values: dict[str, Any] = {
        "data_dir": Path(data_dir).expanduser() if data_dir else default_data_dir(),
        "lang": language_from_locale(environ),
        "lessons_env": environ.get("TUTOR_LESSONS"),
        "no_color": _flag(environ, "NO_COLOR") or environ.get("TERM", "") == "linux",
        "cursor_blink": not _flag(environ, "TUTOR_NO_BLINK"),
        "front_end": "web" if _flag(environ, "TUTOR_WEB") else "terminal",
        "editor": environ.get("VISUAL") or environ.get("EDITOR") or None,
    }
    memory = environ.get("TUTOR_KERNEL_MEMORY", "").strip()
    if memory:  # where no command line is at hand: a JupyterHub's singleuser environment
        try:
            values["kernel_memory"] = parse_memory(memory)
        except ValueError as error:
            raise SettingsError(f"TUTOR_KERNEL_MEMORY={memory}: {error}") from None
    idle = environ.get("TUTOR_KERNEL_IDLE", "").strip()
    if idle:
        try:
            values["kernel_idle_timeout"] = max(0.0, float(idle))
        except ValueError:
            pass
    values.update({k: v for k, v in given.items() if v is not None})
    return Settings(**values)
