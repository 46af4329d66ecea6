"""Plain line mode: `python -m tutor plain [LESSON]`, the course as a conversation on stdin/stdout.

For screen readers, TERM=dumb and scripts, as vimtutor is to vim. The same lessons, kernel, grader
and progress store as the app, so a learner can switch between the two and continue where they
were. Reads from a pipe (end of input ends the session with exit 0, progress saved); no ANSI
escapes unless the output is a colour terminal without NO_COLOR.

    session.py   the conversation: lessons, steps, prompts and commands
    blocks.py    what the block handlers share; cells.py, experiments.py, quizzes.py and
                 exercises.py: each kind of block at a prompt
    text.py      lesson Markdown as plain text, wrapped to the width in terminal cells
    console.py   reading lines (a pipe's end included) and writing them
    plot.py      the loss curves as a plotext text plot
    commands.py  the command words, en and zh
"""

from __future__ import annotations

import asyncio
import sys

from tutor.content.model import Course
from tutor.i18n import t
from tutor.session_lock import SessionLock
from tutor.settings import Settings


def _hold_session(lock: SessionLock, lang: str) -> bool:
    """One session per learner, as in the app (tutor/session_lock.py): if another holds the data
    dir, say which, and take over only when the learner types t; anything else leaves it alone."""
    holder = lock.acquire("plain")
    if holder is None:
        return True
    where = t(f"session.{holder.front_end}", lang) if holder.front_end in ("terminal", "web", "plain") else "?"
    print(t("session.other", lang, since=holder.since_text(), front_end=where, pid=holder.pid or "?",
            host=holder.host or "?"), flush=True)
    if not holder.here:
        print(t("session.elsewhere", lang), flush=True)
        return False
    print(t("session.choices", lang), flush=True)
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("t", "take over"):
        return False
    print(t("session.taking_over", lang), flush=True)
    if lock.take_over(holder, "plain"):
        return True
    print(t("session.take_over_failed", lang, seconds=5), flush=True)
    return False


def run_plain(settings: Settings, courses: list[Course], *, lesson: str | None, plot: bool, dumb: bool) -> int:
    """Run one session on the process's stdin and stdout; its exit status."""
    from tutor.kernel.client import KernelClient, KernelOptions
    from tutor.plain.console import Console
    from tutor.plain.session import Session
    from tutor.progress import ProgressStore

    console = Console.for_process(no_color=settings.no_color, dumb=dumb)
    lock = SessionLock(settings.data_dir)
    if not _hold_session(lock, settings.lang):
        return 1
    options = KernelOptions(memory_bytes=settings.kernel_memory, env=dict(settings.kernel_env),
                            idle_timeout=settings.kernel_idle_timeout)

    async def main() -> int:
        session = Session(console, courses, ProgressStore(settings.data_dir), KernelClient(options),
                          settings.lang, plot=plot)
        return await session.main(lesson)

    try:
        return asyncio.run(main())
    except BrokenPipeError:  # `tutor plain | head`: the reader left; nothing more to say
        return 0
