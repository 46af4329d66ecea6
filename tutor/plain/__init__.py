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

from tutor.content.model import Course
from tutor.settings import Settings


def run_plain(settings: Settings, courses: list[Course], *, lesson: str | None, plot: bool, dumb: bool) -> int:
    """Run one session on the process's stdin and stdout; its exit status."""
    from tutor.kernel.client import KernelClient, KernelOptions
    from tutor.plain.console import Console
    from tutor.plain.session import Session
    from tutor.progress import ProgressStore

    console = Console.for_process(no_color=settings.no_color, dumb=dumb)
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
