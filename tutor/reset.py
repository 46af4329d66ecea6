"""`tutor reset`: delete the learner's progress and code after asking. No torch, no textual."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from tutor.progress import ProgressError, ProgressStore


def run_reset(data_dir: Path, yes: bool, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Delete all progress after a confirmation; exit 0 when done or nothing to do, 1 otherwise."""
    store = ProgressStore(data_dir)
    # Loading first moves a corrupt progress.json aside, so reset never deletes an unread file.
    warning = store.load()
    if warning:
        print(warning, file=err)
    if not store.has_data():
        print(f"Nothing to reset: there is no progress in {store.data_dir}.", file=out)
        _mention_kept_aside(store, out)
        return 0
    if not yes:
        out.write(f"Delete all progress in {store.data_dir}? [y/N] ")
        out.flush()
        answer = stdin.readline()
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.", file=out)
            return 1
    try:
        store.reset()
    except ProgressError as e:
        print(e, file=err)
        return 1
    print(f"Deleted all progress in {store.data_dir}.", file=out)
    _mention_kept_aside(store, out)
    return 0


def _mention_kept_aside(store: ProgressStore, out: TextIO) -> None:
    kept = store.kept_aside_files()
    if kept:
        print(
            f"Kept {len(kept)} earlier progress file(s) that could not be read "
            f"({', '.join(p.name for p in kept)}); delete them yourself if you do not need them.",
            file=out,
        )
