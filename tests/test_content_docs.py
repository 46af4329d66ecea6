"""The authoring guide (lessons/README.md) tells the truth about what it documents: every fact each
experiment of the catalogue reports is named in that experiment's own entry, found by running it
on the scratch core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tutor.content import catalog
from tutor.scratch.exercises import EXPERIMENTS

GUIDE = Path(__file__).resolve().parents[1] / "lessons" / "README.md"
# the shortest runs that still report every fact
QUICK = {"num_epochs": 1, "steps": 20}


def entry(run: str) -> str:
    """The catalogue entry of `run`: from its **`name`** to the next entry or section."""
    text = GUIDE.read_text("utf-8")
    start = text.index(f"**`{run}`**")
    following = re.search(r"^\*\*`|^#", text[start + 1:], re.MULTILINE)
    return text[start:start + 1 + following.start()] if following else text[start:]


@pytest.mark.parametrize("run", sorted(catalog.EXPERIMENT_PARAMS))
def test_every_fact_an_experiment_reports_is_documented_in_its_entry(run):
    params = {k: v for k, v in QUICK.items() if k in catalog.EXPERIMENT_PARAMS[run]}
    raw = EXPERIMENTS[run](seed=0, on_point=None, should_stop=None, impl=None, **params)
    documented = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", entry(run)))
    missing = sorted(set(raw["facts"]) - documented)
    assert not missing, f"{run}: facts not in its entry of lessons/README.md: {missing}"
