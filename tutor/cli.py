"""Command line: argument parsing and dispatch to the module that does the work.

Nothing here imports torch or textual at module level: `tutor check` and `tutor --help` stay
fast, and the app itself is imported only when it is about to run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tutor import __version__

DESCRIPTION = """\
A terminal tutor that teaches linear regression from scratch in PyTorch, after the
"linear regression from scratch" section of Dive into Deep Learning (English and Chinese).

With no command, opens the tutor. Keys are listed on every screen's footer; ? shows them all.
With TERM=dumb, or when standard input or output is not a terminal, it starts plain mode instead
(`tutor plain`: the course as questions and answers on standard input and output)."""

EPILOG = f"""\
environment:
  TUTOR_DATA_DIR   where progress and your code are kept (same as --data-dir)
  TUTOR_LESSONS    more lesson folders, separated by '{os.pathsep}' (same as --lessons)
  NO_COLOR         draw without colour
  TUTOR_NO_BLINK   a steady cursor (a blinking one redraws its line twice a second)
  TUTOR_KERNEL_MEMORY  the kernel's memory limit (same as --kernel-memory)
  TUTOR_KERNEL_IDLE    seconds before an idle kernel is stopped (default 600; 0: never)
  TERM=dumb        start plain mode instead of the full-screen app

examples:
  python -m tutor                      open the tutor
  python -m tutor --lang zh            open it in Chinese
  python -m tutor check my-lessons/    validate lesson files (exit 1 with every error)
  python -m tutor plain 01-data        the first lesson as a conversation (screen readers, scripts)
  python -m tutor plain --no-plot < answers.txt
  python -m tutor practice check sgd my_sgd.py
"""


def _memory(text: str) -> int:
    """'4G', '512M', '1073741824' -> bytes (tutor.settings.parse_memory, for argparse)."""
    from tutor.settings import parse_memory

    try:
        return parse_memory(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _common_options(for_subcommand: bool) -> argparse.ArgumentParser:
    """--lessons and --data-dir, accepted before and after the subcommand.

    After it they go to their own destinations (sub_*), merged in `parse_args`: a subparser's
    defaults would otherwise overwrite what was given before the subcommand (`tutor --lessons DIR
    check` silently checking the built-in course only).
    """
    prefix = "sub_" if for_subcommand else ""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        dest=prefix + "lessons",
        help="also load the lessons in DIR (repeatable)",
    )
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=None,
        dest=prefix + "data_dir",
        help="keep progress and your code in DIR (default: $TUTOR_DATA_DIR or the user data dir)",
    )
    return common


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, with global options merged from before and after the subcommand."""
    args = build_parser().parse_args(argv)
    args.lessons = [*args.lessons, *getattr(args, "sub_lessons", [])]
    if getattr(args, "sub_data_dir", None) is not None:
        args.data_dir = args.sub_data_dir
    return args


def build_parser() -> argparse.ArgumentParser:
    common = _common_options(for_subcommand=True)

    parser = argparse.ArgumentParser(
        prog="tutor",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common_options(for_subcommand=False)],
    )
    parser.add_argument("--version", action="version", version=f"tutor {__version__}")
    parser.add_argument(
        "--lang",
        choices=["en", "zh"],
        default=None,
        help="language of the lessons and the interface (default: from the locale)",
    )
    parser.add_argument(
        "--kernel-memory",
        metavar="SIZE",
        type=_memory,
        default=None,
        help="address-space limit of the kernel that runs your code (default: $TUTOR_KERNEL_MEMORY or 4G)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        parents=[common],
        help="validate lesson files",
        description="Validate lesson files or folders; with no PATH, the built-in course and "
        "$TUTOR_LESSONS. Prints every error as path:line:col: error: message.",
    )
    check.add_argument("paths", metavar="PATH", nargs="*", type=Path)

    sub.add_parser(
        "list",
        parents=[common],
        help="list courses and their lessons",
        description="List every course with its lessons, their ids and languages.",
    )

    preview = sub.add_parser(
        "preview",
        parents=[common],
        help="open one lesson file in the app and redraw it on every save",
        description="Open FILE in the tutor at once, watch it, and on every save re-read it and "
        "redraw the same step; while it is broken its errors are shown in place of the lesson.",
    )
    preview.add_argument("file", metavar="FILE", type=Path)

    report = sub.add_parser(
        "report",
        parents=[common],
        help="what a class did: learners, quizzes, exercises",
        description="Gather learners' progress: PATH is a progress.json, a data dir, a home dir "
        "or a folder of them (tutor report /home/*). Files that cannot be used are listed with "
        "the reason. Exit 0, 1 if some file could not be used, 2 if no learner was found.",
    )
    report.add_argument("paths", metavar="PATH", nargs="+", type=Path)
    report_format = report.add_mutually_exclusive_group()
    report_format.add_argument("--csv", action="store_const", const="csv", dest="format",
                               help="one table as CSV (see --table)")
    report_format.add_argument("--json", action="store_const", const="json", dest="format",
                               help="every table as JSON")
    report.add_argument("--table", choices=["learners", "quizzes", "exercises"],
                        default="learners", help="the table --csv writes (default: learners)")

    reset = sub.add_parser(
        "reset",
        parents=[common],
        help="delete your progress and saved code",
        description="Delete progress and saved code in the data dir, after a confirmation.",
    )
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    practice = sub.add_parser(
        "practice",
        parents=[common],
        help="check your own version of a core function",
        description="Check your own version of a scratch-core function, as the app does.",
    )
    practice_sub = practice.add_subparsers(dest="practice_command", metavar="ACTION")
    practice_sub.required = True
    p_check = practice_sub.add_parser(
        "check",
        parents=[common],
        help="check FILE.py against exercise EXERCISE_ID",
        description="Run the check of EXERCISE_ID on the function in FILE.py. "
        "Exit 0 when it passes, 1 with the diagnosis when it does not, 2 on a usage error.",
    )
    p_check.add_argument("exercise_id", metavar="EXERCISE_ID")
    p_check.add_argument("file", metavar="FILE.py", type=Path)
    practice_sub.add_parser("list", parents=[common], help="list the exercises")

    plain = sub.add_parser(
        "plain",
        parents=[common],
        help="the course on standard input and output (screen readers, dumb terminals, scripts)",
        description="The course as a conversation, one prompt at a time, as vimtutor is to vim: "
        "prose, code that runs, experiments, quizzes and exercises, graded and saved as in the "
        "app. Type help at any prompt for the commands. It reads from a pipe too: the end of "
        "input ends the session with exit 0, progress saved.",
    )
    plain.add_argument("lesson", metavar="LESSON", nargs="?", default=None,
                       help="a lesson id, file name (01-data) or number; default: ask, offering where you left off")
    plain.add_argument("--no-plot", action="store_true",
                       help="describe each experiment in words only, without the text plot")

    web = sub.add_parser(
        "web",
        parents=[common],
        help="serve the tutor to a browser (textual-serve; extra [web])",
        description="Serve the tutor to a web browser with textual-serve: each tab runs its own "
        "tutor and kernel, as this user, ended when the tab closes. There is no login: it listens "
        "on 127.0.0.1 unless told otherwise, and warns when it is. For a class, serve it through "
        "JupyterHub (docs/jupyterhub.md). Behind a proxy, page URLs follow X-Forwarded-Proto, "
        "X-Forwarded-Host and X-Forwarded-Prefix.",
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    web.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    web.add_argument("--public-url", metavar="URL", default=None,
                     help="the URL browsers use, when a proxy in front sends no X-Forwarded-* headers: "
                     "a full URL (https://host/tutor) or a path prefix (/tutor)")
    return parser


def _courses(args: argparse.Namespace):
    from tutor.content.discover import discover

    return discover(args.lessons, os.environ.get("TUTOR_LESSONS"))


def _data_dir(args: argparse.Namespace) -> Path:
    from tutor.progress import default_data_dir

    return args.data_dir if args.data_dir is not None else default_data_dir()


def _no_full_screen() -> bool:
    """TERM=dumb, or stdin or stdout not a terminal: the full-screen app cannot work there.

    Not when a Textual driver is named: textual-serve (`tutor web`) runs the app on pipes with
    its web driver, which draws to the browser, not to a terminal.
    """
    if os.environ.get("TEXTUAL_DRIVER"):
        return False
    return os.environ.get("TERM", "") == "dumb" or not (sys.stdin.isatty() and sys.stdout.isatty())


def _run_web(args: argparse.Namespace) -> int:
    from tutor.web import run_web

    # each tab's app gets the same course, language, data dir and limits as `tutor web` was given
    tutor_args: list[str] = []
    for folder in args.lessons:
        tutor_args += ["--lessons", str(Path(folder).resolve())]
    if args.data_dir is not None:
        tutor_args += ["--data-dir", str(Path(args.data_dir).resolve())]
    if args.lang:
        tutor_args += ["--lang", args.lang]
    if args.kernel_memory is not None:
        tutor_args += ["--kernel-memory", str(args.kernel_memory)]
    return run_web(args.host, args.port, args.public_url, tutor_args)


def _run_plain(args: argparse.Namespace) -> int:
    from tutor.plain import run_plain
    from tutor.settings import from_environment

    settings = from_environment(data_dir=args.data_dir, lang=args.lang, lesson_dirs=tuple(args.lessons),
                                kernel_memory=args.kernel_memory, front_end="plain")
    return run_plain(settings, _courses(args), lesson=getattr(args, "lesson", None),
                     plot=not getattr(args, "no_plot", False), dumb=os.environ.get("TERM", "") == "dumb")


def main(argv: list[str] | None = None) -> int:
    from tutor.settings import SettingsError

    try:
        return _main(argv)
    except SettingsError as error:
        print(f"tutor: {error}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    args = parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.command == "check":
        from tutor.content.check import run_check

        return run_check(args.paths, out, err, extra_dirs=args.lessons)
    if args.command == "list":
        from tutor.content.check import run_list

        return run_list(_courses(args), out)
    if args.command == "report":
        from tutor.report import run_report

        return run_report(args.paths, _courses(args), out, err, fmt=args.format or "table",
                          table=args.table)
    if args.command == "preview":
        from tutor.preview import run_preview
        from tutor.settings import from_environment

        settings = from_environment(data_dir=args.data_dir, lang=args.lang,
                                    lesson_dirs=tuple(args.lessons), kernel_memory=args.kernel_memory)
        return run_preview(args.file, settings, err)
    if args.command == "reset":
        from tutor.reset import run_reset

        return run_reset(_data_dir(args), args.yes, sys.stdin, out, err)
    if args.command == "practice":
        from tutor.practice.cli import run_practice_check, run_practice_list

        if args.practice_command == "list":
            return run_practice_list(_courses(args), out)
        return run_practice_check(args.exercise_id, args.file, _courses(args), out, err)

    if args.command == "web":
        return _run_web(args)
    if args.command == "plain" or _no_full_screen():
        if args.command != "plain":
            print("No full-screen terminal here: plain mode (python -m tutor plain --help).", file=err)
        return _run_plain(args)

    from tutor.settings import from_environment
    from tutor.ui.app import run_app

    settings = from_environment(
        data_dir=args.data_dir, lang=args.lang, lesson_dirs=tuple(args.lessons), kernel_memory=args.kernel_memory
    )
    return run_app(settings)
