"""```python blocks: shown code, a cell the learner runs (`run`), or a core function (`show=`)."""

from __future__ import annotations

import ast

from tutor.content import catalog
from tutor.content.context import FAILED, Context
from tutor.content.model import Code, Where
from tutor.content.words import closest, quoted, suggest


def read_python(ctx: Context, line: int, attrs: list[tuple[str, int]], body: list[str],
                indent: int):
    """The Code of a python block opened at file `line`; FAILED when it is wrong.

    `attrs` are the words after `python` on the fence line, each with its column.
    """
    run, show, failed = False, None, False
    show_col = run_col = 0
    for attr, col in attrs:
        if attr == "run":
            run, run_col = True, col
        elif attr.startswith("show="):
            show, show_col = attr[len("show="):], col
        else:
            failed = True
            ctx.error(line, col, f"unknown option {attr!r} on a python block"
                                 f"{suggest(attr, ['run', 'show='])}; write 'python run' (a "
                                 f"cell the learner runs), 'python show=tutor.scratch.model.sgd' "
                                 f"(the real source of a core function) or plain 'python' "
                                 f"(shown only)")
    where = Where(ctx.path, line, indent + 1)
    source = "\n".join(body)
    if run and show is not None:
        ctx.error(line, min(run_col, show_col), "a python block is either 'run' or "
                                                "'show=NAME', not both")
        return FAILED
    if show is not None:
        return FAILED if failed else _show_block(ctx, line, show_col, show, source, where)
    if run:
        cell_id = ctx.next_cell_id()
        if not source.strip():
            ctx.error(line, run_col, "this run cell is empty; write the code the learner "
                                     "runs, or remove the block")
            return FAILED
        problem = python_error(source)
        if problem:
            (row, col), message = problem
            ctx.error(line + row, indent + col, f"this run cell is not valid Python: {message}")
            return FAILED
        return FAILED if failed else Code("run", source, where, cell_id=cell_id)
    return FAILED if failed else Code("static", source, where)


def _show_block(ctx: Context, line: int, col: int, show: str, source: str, where: Where):
    targets = catalog.show_targets()
    ok = True
    if show not in targets:
        ok = False
        best = closest(show, targets)
        if best is None:
            # `show=sgd` or `show=tutor.scratch.data.sgd`: match on the function's own name
            by_name = {t.rpartition(".")[2]: t for t in targets}
            name = closest(show.rpartition(".")[2], by_name)
            best = by_name[name] if name else None
        close = f" (did you mean {best!r}?)" if best else ""
        ctx.error(line, col, f"show={show} names no function of the core{close}; "
                             f"you can show {quoted(catalog.CORE_FUNCTIONS)}, or any "
                             f"public function of {quoted(catalog.SCRATCH_MODULES)}")
    if source.strip():
        ok = False
        first = next(i for i, text in enumerate(source.split("\n")) if text.strip())
        ctx.error(line + 1 + first, 1, f"a show= block must be empty: it displays the real source "
                                       f"of {show}; put other code in its own python block")
    return Code("show", "", where, show=show) if ok else FAILED


def python_error(source: str) -> tuple[tuple[int, int], str] | None:
    """((line, col) 1-based within source, message) when source is not valid Python."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        line = exc.lineno or 1
        col = exc.offset or 1
        return (max(line, 1), max(col, 1)), f"{exc.msg} (line {line} of the code)"
    except (ValueError, RecursionError, MemoryError) as exc:
        return (1, 1), str(exc) or type(exc).__name__
    return None
