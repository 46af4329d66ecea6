"""The verdict of a practice check; plain data, so it crosses the kernel pipe as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class CheckResult:
    """passed, the diagnosis in plain words, the case that shows it, and the line in the
    learner's code (for a syntax error or an exception; None otherwise)."""

    passed: bool
    message: str
    case: str = ""
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "message": self.message, "case": self.case, "line": self.line}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        line = data.get("line")
        return cls(
            passed=bool(data["passed"]),
            message=str(data["message"]),
            case=str(data.get("case") or ""),
            line=int(line) if line is not None else None,
        )
