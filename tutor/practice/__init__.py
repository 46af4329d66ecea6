"""Practice: the learner writes a scratch-core function themselves and a check compares it
with the core's on the same cases.

This package's top level imports no torch, so the app and the command line can read the list of
exercises and decode a CheckResult without loading torch; the checks themselves
(tutor.practice.checks) import torch and run only inside the kernel process.
"""

from tutor.practice.result import CheckResult

# The built-in course's exercise ids and the core function each one implements. The command line
# falls back to this when no loaded course defines exercise blocks.
EXERCISE_IDS: dict[str, str] = {
    "synthetic-data": "tutor.scratch.data.synthetic_data",
    "data-iter": "tutor.scratch.data.data_iter",
    "linreg": "tutor.scratch.model.linreg",
    "squared-loss": "tutor.scratch.model.squared_loss",
    "sgd": "tutor.scratch.model.sgd",
}

# The core functions that have a check (a torch-free copy of checks.CHECKS' keys; a test keeps
# them equal), for the loader's validation of `implements:`.
CHECKED_FUNCTIONS: tuple[str, ...] = tuple(EXERCISE_IDS.values())

__all__ = ["CHECKED_FUNCTIONS", "EXERCISE_IDS", "CheckResult"]
