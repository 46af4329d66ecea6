"""An experiment's facts for people, the same in every front end (app, plain mode).

Estimates are shown to the precision their errors need: `w_hat = [1.99958, -3.39951]` beside
`w_error = [-0.0004228, 0.0004896]`, not `[2, -3.4]`, which read as a contradiction. Every error is
learned minus true (tutor/scratch/exercises.py), and that is said once under the facts. A sweep's or
comparison's facts are grouped under each run's label. No torch, no textual.
"""

from __future__ import annotations

import math
from typing import Any

from tutor.i18n import t
from tutor.kernel.protocol import ExperimentResult
from tutor.safe_text import visible

LIST_SHOWN = 8  # a longer list shows its first 6 values and its length


def format_value(value: Any, decimals: int | None = None) -> str:
    """A fact: 4 significant digits (or `decimals` places), lists inline, None as a dash."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:.{decimals}f}" if decimals is not None else f"{value:.4g}"
    if isinstance(value, list):
        if len(value) > LIST_SHOWN:
            return "[" + ", ".join(format_value(v, decimals) for v in value[:6]) + f", … ({len(value)} values)]"
        return "[" + ", ".join(format_value(v, decimals) for v in value) + "]"
    return visible(str(value))


def decimals_for(error: float) -> int:
    """Places that show an error's first two significant digits: an estimate shown to that many
    places is as precise as its error says it is."""
    if error == 0 or not math.isfinite(error):
        return 6
    return max(0, min(12, 1 - math.floor(math.log10(abs(error)))))


def estimate_decimals(name: str, value: Any, facts: dict[str, Any]) -> int | None:
    """The places an estimate `<x>_hat` needs, from its `<x>_error` (absolute) or `<x>_error_pct`."""
    if not name.endswith("_hat"):
        return None
    base = name[: -len("_hat")]
    error, percent = facts.get(f"{base}_error"), facts.get(f"{base}_error_pct")
    values = value if isinstance(value, list) else [value]
    if isinstance(error, (int, float, list)) and not isinstance(error, bool):
        errors = error if isinstance(error, list) else [error]
    elif isinstance(percent, (int, float)) and not isinstance(percent, bool):
        errors = [percent / 100 * v for v in values if isinstance(v, (int, float))]
    else:
        return None
    known = [abs(e) for e in errors if isinstance(e, (int, float)) and math.isfinite(e)]
    return max(decimals_for(e) for e in known) if known else None


def _lines(facts: dict[str, Any], indent: str) -> list[str]:
    return [f"{indent}{visible(name)} = {format_value(value, estimate_decimals(name, value, facts))}"
            for name, value in facts.items()]


def fact_lines(result: ExperimentResult, lang: str) -> list[str]:
    """One line per fact (under each run's label when there are several runs), then the sign of
    the errors, once."""
    if len(result.runs) == 1:
        lines = _lines(result.runs[0].facts, "")
    else:
        lines = []
        for run in result.runs:
            lines.append(f"{visible(run.label)}:")
            lines += _lines(run.facts, "  ")
    if any(name.endswith(("_error", "_error_pct")) for run in result.runs for name in run.facts):
        lines.append(t("experiment.error_sign", lang))
    return lines
