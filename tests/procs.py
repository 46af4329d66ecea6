"""Processes read from /proc, for the tests and benchmarks that count what the tutor leaves running."""

from __future__ import annotations

from pathlib import Path


def descendants(*roots: int) -> set[int]:
    """Every live (not zombie) process below any of `roots`, the roots themselves left out."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
