"""The kernel client's words: why a kernel ended, and its status details, in English and Chinese.

The client (tutor/kernel/client.py) builds every reason it reports from these, in its `lang`.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "kernel_reason.exit": {"en": "the kernel exited with status {status}", "zh": "内核以状态 {status} 退出"},
    "kernel_reason.signal": {"en": "the kernel was killed by signal {signal}", "zh": "内核被信号 {signal} 终止"},
    "kernel_reason.oom": {
        "en": "the system's out-of-memory killer ended the kernel (signal SIGKILL): the machine ran out of memory",
        "zh": "系统的内存不足保护（OOM killer）结束了内核（信号 SIGKILL）：机器的内存用完了",
    },
    "kernel_reason.outside_kill": {
        "en": "the kernel was killed by signal SIGKILL from outside the tutor",
        "zh": "内核被本程序之外发来的信号 SIGKILL 终止",
    },
    "kernel_reason.not_oom": {
        "en": "{reason} (not for lack of memory: the system's out-of-memory killer did not act)",
        "zh": "{reason}（不是因为内存不足：系统的内存不足保护没有动作）",
    },
    "kernel_reason.maybe_oom": {
        "en": "{reason} (by another program, a person, or the system when out of memory)",
        "zh": "{reason}（可能是别的程序、某个人，或内存不足时的系统）",
    },
    "kernel_reason.memory": {
        "en": "{reason}; it was using {used} of memory (its limit: {limit})",
        "zh": "{reason}；当时它占用 {used} 内存（上限 {limit}）",
    },
    "kernel_reason.memory_near": {
        "en": "{reason}; it was using {used} of memory, and its address space was close to its limit of {limit}",
        "zh": "{reason}；当时它占用 {used} 内存，地址空间已接近 {limit} 的上限",
    },
    "kernel_reason.interrupt_timeout": {
        "en": "the kernel did not stop within {seconds:g} s of the interrupt",
        "zh": "中断后 {seconds:g} 秒内内核没有停下",
    },
    "kernel_reason.check_timeout": {
        "en": "the check did not finish within {seconds:g} s",
        "zh": "检查没有在 {seconds:g} 秒内完成",
    },
    "kernel_reason.restart": {"en": "the kernel was restarted on request", "zh": "已按要求重启内核"},
    "kernel_reason.shutdown": {"en": "the kernel was shut down", "zh": "内核已关闭"},
    "kernel_reason.idle": {
        "en": "the kernel was stopped after {seconds:g} s idle",
        "zh": "内核空闲 {seconds:g} 秒后已停止",
    },
    "kernel_reason.cannot_start": {"en": "the kernel could not start: {error}", "zh": "内核无法启动：{error}"},
    "kernel_reason.gave_up": {"en": "the kernel could not start ({reason})", "zh": "内核无法启动（{reason}）"},
    "kernel_reason.gave_up_saying": {
        "en": "the kernel could not start ({reason}): {words}",
        "zh": "内核无法启动（{reason}）：{words}",
    },
    "kernel_reason.last_words": {
        "en": "{reason}; the last thing it wrote was: {words}",
        "zh": "{reason}；它最后输出的是：{words}",
    },
    "kernel_reason.restarted": {"en": "{reason}; it was restarted", "zh": "{reason}；已重新启动"},
    "kernel_detail.loading": {"en": "loading torch…", "zh": "正在加载 torch…"},
    "kernel_detail.not_started": {"en": "not started", "zh": "尚未启动"},
    "kernel_detail.shut_down": {"en": "shut down", "zh": "已关闭"},
}
