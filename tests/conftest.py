from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# A class shares a few cores; so do the tests. torch (where a test imports it) uses one thread.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

# What would make a screenshot differ from run to run, switched off through the tutor's own
# settings: no cursor blinks (its phase at the moment of the screenshot), times print as "–".
SNAPSHOT_STABLE: dict[str, Any] = {"cursor_blink": False, "stable_clock": True}


@pytest.fixture
def stable_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """fixture_app with the snapshot stabilisers: `stable_app(lang="zh", start_kernel=False)`.

    Also the learner's seed (the order of a quiz's options), drawn at random for a new learner.
    """
    from tests.app_helpers import fixture_app

    monkeypatch.setattr("tutor.progress.secrets.randbits", lambda bits: 12345)

    def make(**kwargs: Any) -> Any:
        return fixture_app(tmp_path, **{**SNAPSHOT_STABLE, **kwargs})

    return make
