"""The messages the app and its kernel speak: one JSON object per line.

Both sides import this module; it imports neither torch nor textual. Every message is a dataclass;
on the wire it is its fields plus ``"type": <class name>``, encoded as one line of UTF-8 JSON (no NaN
or Infinity: a non-finite number is written as ``null``, as the experiments already do).

Requests (app -> kernel): Execute, RunExperiment, Check, Shutdown. An interrupt is SIGINT, not a
message, so it reaches a kernel that is busy and not reading.
Events (kernel -> app): Ready, Stream, Result, Error, Points, CheckResult, Done. KernelDied is made
by the client when the process is gone; the kernel never sends it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, Union

# ---------------------------------------------------------------- requests


@dataclass
class Execute:
    """Run a code cell in the namespace of one lesson (each lesson keeps its own variables)."""

    code: str
    cell_id: str = ""
    namespace: str = ""


@dataclass
class RunExperiment:
    """Run ``EXPERIMENTS[run](seed=seed, **params)``.

    sweep: ``{param: [values]}`` runs once per value, labels prefixed ``"param=value"``.
    impl: ``{dotted core name: the learner's source}`` replaces core functions in the run.
    compare: with impl, run the core first (labels ``"core: ..."``) then the learner's (``"yours: ..."``).
    """

    run: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    sweep: dict[str, list[Any]] | None = None
    impl: dict[str, str] | None = None
    compare: bool = False


@dataclass
class Check:
    """Check the learner's version of a core function (tutor.practice.checks) within ``timeout`` s."""

    implements: str
    source: str
    timeout: float = 10.0


@dataclass
class Shutdown:
    """Exit cleanly."""


# ---------------------------------------------------------------- events


@dataclass
class Ready:
    """torch is imported and the core loaded: requests run from now on."""

    torch_version: str


@dataclass
class Stream:
    """Text the running code wrote to its stdout or stderr (Python or C level)."""

    name: Literal["stdout", "stderr"]
    text: str


@dataclass
class Result:
    """repr() of the cell's last expression, when it is not None (as in the REPL)."""

    text: str


@dataclass
class Error:
    """An exception, with a traceback trimmed to the learner's own lines.

    ename ``KeyboardInterrupt`` comes just before ``Done("interrupted")`` and shows where the code
    was stopped; ``SyntaxError`` has no frames, only the caret under the offending line.
    """

    ename: str
    evalue: str
    traceback: str


@dataclass
class Points:
    """Every point plotted since the previous Points event: ``{label: [[x, y], ...]}``.

    The kernel sends at most about ten per second; concatenated per label they equal the
    experiment's returned curves point for point (y is None where the loss was not finite).
    """

    series: dict[str, list[list[float | None]]]


@dataclass
class CheckResult:
    """The verdict on the learner's function; ``line`` is a line of their code when one is to blame."""

    passed: bool
    message: str
    case: str = ""
    line: int | None = None


@dataclass
class Done:
    """The request ended. ``result``: an experiment's dict, a check's CheckResult as a dict, else None."""

    status: Literal["ok", "error", "interrupted"]
    result: dict[str, Any] | None = None


@dataclass
class KernelDied:
    """Made by the client: the process ended (or was killed) during the request; a new one is starting."""

    reason: str


Request = Union[Execute, RunExperiment, Check, Shutdown]
Event = Union[Ready, Stream, Result, Error, Points, CheckResult, Done, KernelDied]

MESSAGE_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Execute, RunExperiment, Check, Shutdown,
        Ready, Stream, Result, Error, Points, CheckResult, Done, KernelDied,
    )
}
# The events that end a request.
TERMINAL = (Done, KernelDied)


class ProtocolError(ValueError):
    """A line that is not a message of this protocol."""


def json_safe(value: Any) -> Any:
    """The value with every non-finite float replaced by None (JSON has no NaN or Infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def encode(message: Any) -> bytes:
    """One message as one line of JSON, newline included."""
    name = type(message).__name__
    if MESSAGE_TYPES.get(name) is not type(message):
        raise ProtocolError(f"not a protocol message: {message!r}")
    payload = {"type": name, **json_safe(asdict(message))}
    # ensure_ascii keeps the line free of raw newlines and odd code points whatever the text holds.
    return (json.dumps(payload, allow_nan=False, separators=(",", ":")) + "\n").encode("ascii")


def decode(line: bytes | str) -> Any:
    """The message encoded in one line; ProtocolError if the line is not one."""
    try:
        payload = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"not JSON: {line[:80]!r}") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise ProtocolError(f"no message type: {line[:80]!r}")
    cls = MESSAGE_TYPES.get(payload.pop("type"))
    if cls is None:
        raise ProtocolError(f"unknown message type in {line[:80]!r}")
    names = {f.name for f in fields(cls)}
    unknown = set(payload) - names
    if unknown:
        raise ProtocolError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    try:
        return cls(**payload)
    except TypeError as exc:
        raise ProtocolError(f"{cls.__name__}: {exc}") from exc
