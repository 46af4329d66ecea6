"""The one place the tutor reads its environment: what each variable sets, and what the command
line overrides."""

from __future__ import annotations

from pathlib import Path

from tutor.settings import from_environment


def test_each_variable_sets_its_setting():
    settings = from_environment({
        "TUTOR_DATA_DIR": "/srv/learner", "NO_COLOR": "1", "TUTOR_NO_BLINK": "yes", "TUTOR_WEB": "1",
        "VISUAL": "nano", "EDITOR": "vi", "LANG": "zh_CN.UTF-8", "TUTOR_LESSONS": "/a:/b",
        "TUTOR_KERNEL_IDLE": "30",
    })
    assert settings.data_dir == Path("/srv/learner")
    assert settings.no_color and not settings.cursor_blink and settings.in_browser
    assert settings.editor == "nano" and settings.lang == "zh" and settings.lessons_env == "/a:/b"
    assert settings.kernel_idle_timeout == 30.0


def test_an_empty_environment_gives_the_defaults():
    settings = from_environment({})
    assert settings.cursor_blink and not settings.no_color and not settings.in_browser
    assert settings.editor is None and settings.lang == "en" and not settings.stable_clock


def test_the_command_line_wins_over_the_environment():
    settings = from_environment({"TUTOR_DATA_DIR": "/env", "LANG": "zh_CN"}, data_dir=Path("/arg"), lang="en")
    assert settings.data_dir == Path("/arg") and settings.lang == "en"
    # an option not given (None) leaves the environment's value
    assert from_environment({"LANG": "zh_CN"}, lang=None).lang == "zh"


def test_off_values_of_a_flag_are_off():
    for value in ("", "0", "no", "false", "off"):
        assert from_environment({"TUTOR_NO_BLINK": value}).cursor_blink


def test_the_kernel_memory_limit_can_come_from_the_environment():
    from tutor.settings import from_environment

    # where no command line is at hand (jupyter-server-proxy starts `tutor web` with fixed words)
    assert from_environment({"TUTOR_KERNEL_MEMORY": "2G"}).kernel_memory == 2 << 30
    assert from_environment({"TUTOR_KERNEL_MEMORY": "2G"}, kernel_memory=3 << 30).kernel_memory == 3 << 30


def test_a_kernel_memory_limit_that_is_not_a_size_is_named_not_a_traceback(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "tutor", "--data-dir", str(tmp_path), "plain"],
                            env={"TUTOR_KERNEL_MEMORY": "lots", "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60, input="")
    assert result.returncode == 2
    assert result.stderr.strip() == "tutor: TUTOR_KERNEL_MEMORY=lots: not a size: 'lots' (try 4G or 512M)"
