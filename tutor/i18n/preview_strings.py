"""Strings of `tutor preview` (tutor/preview.py, tutor/ui/screens/preview.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "preview.broken.title": {
        "en": "{path} cannot be shown: {n} errors",
        "zh": "{path} 无法显示：{n} 个错误",
    },
    "preview.broken.title.one": {
        "en": "{path} cannot be shown: 1 error",
        "zh": "{path} 无法显示：1 个错误",
    },
    "preview.broken.hint": {
        "en": "Fix the file and save it: the lesson comes back at the step you were on.",
        "zh": "修改文件并保存：课程会回到你刚才所在的那一步。",
    },
    "preview.reloaded": {"en": "Reloaded {name}", "zh": "已重新载入 {name}"},
    "preview.not_a_file": {
        "en": "tutor preview: {path} is not a lesson file (give the path of one .md file)",
        "zh": "tutor preview：{path} 不是课程文件（请给出一个 .md 文件的路径）",
    },
}
