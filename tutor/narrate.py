"""The curve in words: what an experiment's loss curve shows, in one or two sentences.

Computed from the run (an `ExperimentResult`), never written in the lesson, so it is true of the
curve the learner just drew with the parameters they chose. Torch-free and UI-free: the app shows
the text under the plot, plain mode prints it (instead of the plot with --no-plot).

How a curve is read. Minibatch losses scatter: at the noise floor a batch of 10 has a loss of
σ²/2·χ²₁₀/10, about ±45%. So every test below looks at the *smoothed* curve, the mean of the last
W losses at each point, W = max(10, steps per epoch / 10) (at most a quarter of the curve): ten
batches of ten bring the scatter to about ±14%. "Floor" is `result.noise_floor`, σ²/2 of the data's
label noise, when the run has one.

One curve, the first case that holds:
- **diverged**: its run has a `diverged_at` step: "diverged at step k (epoch e)".
- **zig-zagging**: in the second half of the run the smoothed loss rises to at least
  ZIGZAG_RISE (3) times the lowest value it had before (in that half): steps overshoot, as when lr
  is near the limit of stability. (At the floor the smoothed loss varies by less than 2×;
  measured on the core, batch 10, 3 epochs: lr 1.0 rises 2.9×, lr 1.3 6.4×, lr 1.7 270×.)
- **at the floor**: a floor is known and the smoothed loss ends within FLOOR_MARGIN (25%) above it;
  "reached at step s" is the first point from which the smoothed loss stays within that margin.
- **still falling**: the mean loss of the last quarter of the run is more than STILL_FALLING (20%)
  below the mean of the quarter before: more steps would bring it lower.
- **plateaued**: otherwise: it levelled off, at k× the floor when one is known.

A comparison (the learner's function beside the core's, `result.pairs()`): the two curves are the
same point for point; or the same up to rounding (same length, every point within a relative
ROUNDING of the core's); or the learner's leaves the core's at step k. Then the learner's curve is
read as one curve.

Several curves (a sweep, or an experiment that draws several): **fastest** is the curve whose
smoothed loss is the first to *settle* within FLOOR_MARGIN of the floor (from its first step that
stays there to the end); with no floor known, within FLOOR_MARGIN of the lowest final smoothed
loss of all the curves. The threshold is named in the sentence. The second sentence names the
curves that diverged, with their steps; if none did, the curve that ended highest (or, when even
that one ends within the margin of the floor, that every curve does). Only loss curves are read:
a result whose ylabel does not say "loss" (second_derivative draws f, f', f'') gets no words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from tutor.i18n import t
from tutor.kernel.protocol import Curve, ExperimentResult, RunSummary

FLOOR_MARGIN = 0.25
ZIGZAG_RISE = 3.0
STILL_FALLING = 0.2
ROUNDING = 1e-4
MIN_WINDOW = 10


def times(k: float) -> str:
    """A ratio for people: 1.6, 49000 (never 4.9e4)."""
    return f"{k:.2g}" if k < 10 else str(int(float(f"{k:.2g}")))


def joined(sentences: list[str], lang: str) -> str:
    # Chinese sentences follow each other without a space.
    return ("" if lang == "zh" else " ").join(s for s in sentences if s)


def number(value: float) -> str:
    """3 significant digits, exponents without padding: 5e-5, 0.00463, 1.2e+13 -> 1.2e13."""
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


@dataclass
class Reading:
    """One curve, read: which case holds and the numbers its sentence needs."""

    case: str  # "diverged" | "zigzag" | "floor" | "falling" | "plateau" | "empty"
    final: float | None = None  # the smoothed loss at the end
    step: int | None = None  # diverged: that step; floor: the step it was reached
    low: float | None = None  # zigzag: the lowest smoothed loss before the rise
    high: float | None = None  # zigzag: the highest after it
    settled: int | None = None  # the step from which it stays within FLOOR_MARGIN of the target


def _finite_points(curve: Curve) -> tuple[list[int], list[float]]:
    steps = curve.steps if len(curve.steps) == len(curve.x) else [int(x) for x in curve.x]
    kept = [(s, y) for s, y in zip(steps, curve.y) if y is not None and math.isfinite(y)]
    return [s for s, _ in kept], [y for _, y in kept]


def _window(n: int, steps_per_epoch: int | None) -> int:
    width = max(MIN_WINDOW, (steps_per_epoch or 0) // 10)
    return max(1, min(width, n // 4))


def smoothed(values: list[float], width: int) -> list[float]:
    """The trailing mean of `width` values at each point (fewer at the start)."""
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= width:
            total -= values[i - width]
        out.append(total / min(i + 1, width))
    return out


def _settled_from(steps: list[int], smooth: list[float], target: float) -> int | None:
    """The first step from which the smoothed loss stays at or below `target` to the end."""
    settled = None
    for step, value in zip(reversed(steps), reversed(smooth)):
        if value > target:
            break
        settled = step
    return settled


def read(curve: Curve, floor: float | None, run: RunSummary | None) -> Reading:
    """Which of the module docstring's cases holds for one curve."""
    steps, values = _finite_points(curve)
    diverged_at = curve.diverged_at if curve.diverged_at is not None else (run.diverged_at if run else None)
    if not values:
        return Reading("diverged", step=diverged_at) if diverged_at is not None else Reading("empty")
    smooth = smoothed(values, _window(len(values), run.steps_per_epoch if run else None))
    final = smooth[-1]
    if diverged_at is not None:
        return Reading("diverged", final=final, step=diverged_at)
    half = smooth[len(smooth) // 2 :]
    low, rise, high = math.inf, 1.0, 0.0
    for value in half:
        if value < low:
            low = value
        elif low > 0 and value / low > rise:
            rise, high = value / low, value
    if rise >= ZIGZAG_RISE:
        lowest_before = min(half[: half.index(high)])
        return Reading("zigzag", final=final, low=lowest_before, high=high)
    if floor is not None and floor > 0 and final <= floor * (1 + FLOOR_MARGIN):
        settled = _settled_from(steps, smooth, floor * (1 + FLOOR_MARGIN))
        return Reading("floor", final=final, step=settled, settled=settled)
    if len(values) >= 8:
        quarter = len(values) // 4
        third, last = values[-2 * quarter : -quarter], values[-quarter:]
        before, after = sum(third) / len(third), sum(last) / len(last)
        if after < before * (1 - STILL_FALLING):
            return Reading("falling", final=after, low=before)
    return Reading("plateau", final=final)


def _when(step: int, run: RunSummary | None, lang: str) -> str:
    per_epoch = run.steps_per_epoch if run else None
    if per_epoch:
        return t("narrate.when_epoch", lang, step=step, epoch=math.ceil(step / per_epoch))
    return t("narrate.when", lang, step=step)


def _above(final: float, floor: float | None, lang: str) -> str:
    """" (1.6× the noise floor σ²/2 = 5e-5)", or "" with no floor."""
    return t("narrate.times_floor", lang, k=times(final / floor), floor=_floor_words(floor, lang)) if floor else ""


def _floor_words(floor: float | None, lang: str) -> str:
    return t("narrate.floor", lang, floor=number(floor)) if floor else ""


def sentence(reading: Reading, floor: float | None, run: RunSummary | None, lang: str) -> str:
    """One curve's reading as a sentence (its subject is "the loss")."""
    case = reading.case
    if case == "empty":
        return t("narrate.empty", lang)
    if case == "diverged":
        return t("narrate.diverged", lang, when=_when(reading.step or 0, run, lang))
    if case == "zigzag":
        return t("narrate.zigzag", lang, low=number(reading.low or 0.0), high=number(reading.high or 0.0))
    final = reading.final or 0.0
    if case == "floor":
        return t("narrate.at_floor", lang, floor=_floor_words(floor, lang),
                 when=_when(reading.step or 0, run, lang), final=number(final))
    above = _above(final, floor, lang)
    if case == "falling":
        return t("narrate.falling", lang, start=number(reading.low or 0.0), final=number(final), above=above)
    return t("narrate.plateau", lang, final=number(final), above=above)


def _comparison(result: ExperimentResult, lang: str) -> str:
    parts = []
    for core, yours in result.pairs():
        _, a = _finite_points(core)
        _, b = _finite_points(yours)
        if core.y == yours.y and core.diverged_at == yours.diverged_at:
            parts.append(t("narrate.same", lang, n=len(a)))
        elif len(a) == len(b) and a and all(abs(x - y) <= ROUNDING * max(abs(x), abs(y)) for x, y in zip(a, b)):
            worst = max(abs(x - y) / max(abs(x), abs(y), 1e-300) for x, y in zip(a, b))
            parts.append(t("narrate.rounding", lang, diff=number(worst)))
        else:
            parts.append(t("narrate.departs", lang, step=_first_difference(core, yours)))
        run = result.run_of(yours)
        parts.append(t("narrate.yours", lang, what=sentence(read(yours, result.noise_floor, run),
                                                            result.noise_floor, run, lang)))
    return joined(parts, lang)


def _first_difference(core: Curve, yours: Curve) -> int:
    core_steps = core.steps if len(core.steps) == len(core.x) else [int(x) for x in core.x]
    for step, a, b in zip(core_steps, core.y, yours.y):
        if a != b:
            return step
    shorter = min(len(core.y), len(yours.y))
    return core_steps[shorter] if shorter < len(core_steps) else (core_steps[-1] + 1 if core_steps else 1)


def reported_final(result: ExperimentResult, curve: Curve, smoothed_final: float) -> float:
    """The final loss the facts report for this curve, where they report one (`final_loss` of a
    run's only curve, or `<curve name>_final_loss`): the words must not contradict the numbers
    beside them (the loss on all the data can rank curves differently from the last minibatches).
    Else the smoothed final minibatch loss."""
    run = result.run_of(curve)
    facts = run.facts if run else {}
    name = (getattr(curve, "name", "") or "").replace(" ", "_")
    own = sum(1 for c in result.curves if result.run_of(c) is run) == 1
    for key in ([f"{name}_final_loss"] if name else []) + (["final_loss"] if own else []):
        value = facts.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return smoothed_final


def _several(result: ExperimentResult, lang: str) -> str:
    floor = result.noise_floor
    readings = {c.label: (c, read(c, floor, result.run_of(c))) for c in result.curves}
    finals = [r.final for _, r in readings.values() if r.final is not None and r.case != "diverged"]
    target = floor if floor else (min(finals) if finals else None)
    sentences = []
    if target is not None:
        limit = target * (1 + FLOOR_MARGIN)
        settled = {}
        for label, (curve, _) in readings.items():
            if curve.diverged_at is not None:
                continue
            steps, values = _finite_points(curve)
            run = result.run_of(curve)
            smooth = smoothed(values, _window(len(values), run.steps_per_epoch if run else None)) if values else []
            step = _settled_from(steps, smooth, limit) if smooth else None
            if step is not None:
                settled[label] = step
        threshold = (t("narrate.threshold_floor", lang, limit=number(limit), floor=_floor_words(floor, lang))
                     if floor else t("narrate.threshold_best", lang, limit=number(limit)))
        if settled:
            best = min(settled, key=lambda label: settled[label])
            run = result.run_of(readings[best][0])
            sentences.append(t("narrate.fastest", lang, label=best, threshold=threshold,
                               when=_when(settled[best], run, lang)))
        else:
            sentences.append(t("narrate.none_settled", lang, threshold=threshold))
    diverged = [(label, c.diverged_at) for label, (c, _) in readings.items() if c.diverged_at is not None]
    if diverged:
        listed = t("narrate.list_sep", lang).join(
            t("narrate.diverged_item", lang, label=label, step=step) for label, step in diverged)
        sentences.append(t("narrate.diverged_list", lang, items=listed))
    else:
        ended = [(reported_final(result, c, r.final), label) for label, (c, r) in readings.items()
                 if r.final is not None]
        if len(ended) > 1:
            final, label = max(ended)
            if target is not None and final <= target * (1 + FLOOR_MARGIN):
                if floor:
                    sentences.append(t("narrate.all_at_floor", lang, floor=_floor_words(floor, lang)))
            else:
                sentences.append(t("narrate.highest", lang, label=label, final=number(final),
                                   above=_above(final, floor, lang)))
    return joined(sentences, lang)


def describe(result: ExperimentResult, lang: str) -> str:
    """What the curve shows, in one or two sentences in `lang` ("" when nothing was drawn)."""
    if not result.curves or "loss" not in result.ylabel:
        return ""  # nothing drawn, or not a loss (second_derivative draws f, f' and f'')
    prefix = t("narrate.interrupted", lang) if result.interrupted else ""
    if result.pairs():
        return joined([prefix, _comparison(result, lang)], lang)
    if len(result.curves) == 1:
        curve = result.curves[0]
        run = result.run_of(curve) or (result.runs[0] if len(result.runs) == 1 else None)
        reading = read(curve, result.noise_floor, run)
        if reading.case in ("floor", "plateau") and reading.final is not None:
            # "it ends at …" is the number the facts below show, not the last minibatches'
            reading = replace(reading, final=reported_final(result, curve, reading.final))
        return joined([prefix, sentence(reading, result.noise_floor, run, lang)], lang)
    return joined([prefix, _several(result, lang)], lang)
