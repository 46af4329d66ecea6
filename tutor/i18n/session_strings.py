"""A second session of the same learner (tutor/session_lock.py)."""

STRINGS: dict[str, dict[str, str]] = {
    "session.other": {
        "en": "Another tutor session of yours is open (since {since}, {front_end}, process {pid} on {host}).\n"
              "Two sessions at once would overwrite each other's progress, so only one may run.",
        "zh": "你已经有另一个 tutor 会话在运行（自 {since} 起，{front_end}，{host} 上的进程 {pid}）。\n"
              "两个会话同时运行会互相覆盖学习进度，所以同一时间只能运行一个。",
    },
    "session.choices": {
        "en": "t: take over here — the other session saves what it has and closes\nq: quit here and keep the other one",
        "zh": "t：在这里继续——另一个会话会先保存进度再关闭\nq：退出这里，保留另一个会话",
    },
    "session.elsewhere": {
        "en": "That session is on another machine and cannot be closed from here: close it there, then start again.",
        "zh": "那个会话在另一台机器上，无法从这里关闭：请先在那里关闭，再重新启动。",
    },
    "session.taking_over": {"en": "Asking the other session to save and close…", "zh": "正在请另一个会话保存并关闭…"},
    "session.take_over_failed": {
        "en": "The other session did not close within {seconds} s; quit here (q) and close it yourself.",
        "zh": "另一个会话在 {seconds} 秒内没有关闭；请退出这里（q），再手动关闭它。",
    },
    "session.key.take_over": {"en": "Take over", "zh": "在这里继续"},
    "session.key.quit": {"en": "Quit", "zh": "退出"},
    "session.terminal": {"en": "in a terminal", "zh": "终端"},
    "session.web": {"en": "in a browser", "zh": "浏览器"},
    "session.plain": {"en": "in plain mode", "zh": "纯文本模式"},
}
