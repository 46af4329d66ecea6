"""Words of the code cell, exercise and quiz blocks (tutor/ui/widgets) that app_strings lacks."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # the key line under a block; a browser page cannot capture ctrl+r or ctrl+t, so there the
    # keys are the lesson screen's bare letters, after esc leaves the editor
    "cell.keys": {
        "en": "ctrl+r run · ctrl+o back to the lesson's code · ctrl+c interrupt",
        "zh": "ctrl+r 运行 · ctrl+o 恢复课程原始代码 · ctrl+c 中断",
    },
    "cell.keys_browser": {
        "en": "esc, then: r run · o back to the lesson's code · i interrupt",
        "zh": "先按 esc，再按：r 运行 · o 恢复课程原始代码 · i 中断",
    },
    "ex.keys": {
        "en": "ctrl+r check · ctrl+t next hint · ctrl+o back to the starter",
        "zh": "ctrl+r 检查 · ctrl+t 下一条提示 · ctrl+o 恢复初始代码",
    },
    "ex.keys_editor": {"en": " · ctrl+g open in $EDITOR", "zh": " · ctrl+g 用 $EDITOR 打开"},
    "ex.keys_browser": {
        "en": "esc, then: r check · t next hint · o back to the starter",
        "zh": "先按 esc，再按：r 检查 · t 下一条提示 · o 恢复初始代码",
    },
    # output of a run
    "cell.output_dropped": {
        "en": "… {lines} earlier lines ({chars} characters) were dropped; the end is kept.",
        "zh": "……前面的 {lines} 行（{chars} 个字符）已丢弃，只保留了结尾。",
    },
    # a saved copy that could not be read: never overwritten
    "cell.read_failed": {
        "en": "{error} This cell shows the lesson's code, read-only, so nothing is written over "
        "{path}; make the file readable and open the step again.",
        "zh": "{error} 这里显示的是课程原始代码，且为只读，{path} 不会被覆盖；"
        "请让该文件可读后重新打开这一步。",
    },
    "ex.read_failed": {
        "en": "{error} The editor shows the starter, read-only, so nothing is written over "
        "{path}; make the file readable and open the step again.",
        "zh": "{error} 编辑器显示的是初始代码，且为只读，{path} 不会被覆盖；"
        "请让该文件可读后重新打开这一步。",
    },
    "ex.read_only": {
        "en": "Your saved code could not be read, so this exercise is read-only.",
        "zh": "无法读取你保存的代码，所以这道练习目前是只读的。",
    },
    "ex.check_button": {"en": "Check", "zh": "检查"},
    # the solution, on request
    "ex.solution_button": {"en": "Show a solution", "zh": "查看参考答案"},
    "ex.solution_offer": {
        "en": "That was the last hint. {press} again shows a solution.",
        "zh": "已经是最后一条提示了。再按一次 {press} 查看参考答案。",
    },
    "ex.solution_title": {
        "en": "A solution (yours may differ and still pass):",
        "zh": "参考答案（你的写法可以不同，只要能通过检查）：",
    },
    # a failure inside the tutor (not in the learner's code)
    "block.failed": {
        "en": "The tutor failed here, not your code: {error}. Try again; if it keeps failing, "
        "restart the tutor (your code is saved).",
        "zh": "这里出错的是辅导程序，不是你的代码：{error}。请再试一次；如果一直失败，"
        "请重启辅导程序（你的代码已保存）。",
    },
    # quiz feedback
    "quiz.wrong_no_hint": {"en": "✗ Not quite. Try again.", "zh": "✗ 还不对。再试一次。"},
    "quiz.wrong_hint": {
        "en": "✗ Not quite. Try again, or {press} for a hint.",
        "zh": "✗ 还不对。再试一次，或按 {press} 看提示。",
    },
    "quiz.missed_option": {"en": "Also right, not chosen: ", "zh": "也是正确答案，但你没选："},
}
