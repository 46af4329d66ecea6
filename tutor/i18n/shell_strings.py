"""The app shell's words: the lesson screen's modes and keys, the kernel's state, the way out,
the completion screen and the help screen."""

STRINGS: dict[str, dict[str, str]] = {
    "shell.kernel.off": {"en": "kernel: not started", "zh": "内核：未启动"},
    "shell.kernel.stopped": {
        "en": "kernel: stopped while idle (next run starts it)",
        "zh": "内核：空闲时已停止（下次运行会启动）",
    },
    "shell.kernel_died_idle": {
        "en": "The kernel stopped while idle: {reason}. A new one is starting; "
        "your variables are gone, your code is kept.",
        "zh": "内核在空闲时停止了：{reason}。正在启动新的内核；之前的变量都没有了，你的代码还在。",
    },
    "shell.kernel_stopped_idle": {
        "en": "The kernel was stopped after sitting idle. The next run starts a new one: "
        "run the step's cells again, its variables are gone.",
        "zh": "内核空闲太久，已经停止。下次运行会启动新的内核：之前的变量都没有了，请重新运行这一步的代码单元。",
    },
    "shell.restart_confirm": {
        "en": "Code is running. Restart the kernel? The run stops and every variable is gone.  y / n",
        "zh": "代码正在运行。要重启内核吗？运行会停止，所有变量都会丢失。  y / n",
    },
    "shell.restarted": {
        "en": "The kernel was restarted: every variable is gone. Run the step's cells again.",
        "zh": "内核已重启：所有变量都没有了。请重新运行这一步的代码单元。",
    },
    "shell.failed": {
        "en": "Something went wrong inside the tutor (not in your code): {error}",
        "zh": "教程内部出错了（不是你的代码的问题）：{error}",
    },
    "shell.already_running": {
        "en": "Already running; ctrl+c (or i) stops it.",
        "zh": "已经在运行了；按 ctrl+c（或 i）可以停止。",
    },
    "shell.nothing_to_run_browser": {
        "en": "This step has nothing to run; n goes on.",
        "zh": "这一步没有可运行的内容；按 n 继续。",
    },
    "shell.nothing_to_reset": {"en": "Nothing to put back here.", "zh": "这里没有可以恢复的内容。"},
    "shell.no_hint": {"en": "No hint here.", "zh": "这里没有提示。"},
    "shell.nothing_to_edit": {
        "en": "Only an exercise opens in your editor.",
        "zh": "只有练习可以在外部编辑器中打开。",
    },
    "shell.no_editor_in_browser": {
        "en": "In a browser there is no $EDITOR: edit the code here.",
        "zh": "在浏览器中无法使用 $EDITOR：请直接在这里编辑。",
    },
    "shell.last_step": {
        "en": "This is the last step: n goes on to the next lesson, esc back to the lessons.",
        "zh": "这是最后一步：按 n 进入下一课，按 esc 返回课程列表。",
    },
    "shell.home.record": {"en": "Course complete: see your record", "zh": "课程已全部完成：查看你的学习记录"},
    # keys in the footer
    "shell.key.edit": {"en": "Edit", "zh": "编辑"},
    "shell.key.select": {"en": "Select", "zh": "选择"},
    "shell.key.leave": {"en": "Leave editor", "zh": "退出编辑"},
    "shell.key.leave_to_run": {"en": "Leave, then r runs", "zh": "退出后按 r 运行"},
    "shell.key.yes": {"en": "Yes", "zh": "是"},
    "shell.key.no": {"en": "No", "zh": "否"},
    # the completion screen
    "shell.done.box": {"en": "Your record", "zh": "你的学习记录"},
    "shell.done.title": {
        "en": "You have finished the course. Well done!",
        "zh": "你已经学完了整个课程，做得好！",
    },
    "shell.done.not_yet": {
        "en": "The end of the course. Some lessons are not finished yet:",
        "zh": "课程到这里结束了。还有一些课程没有完成：",
    },
    "shell.done.lessons": {"en": "Lessons finished: {n} of {m}", "zh": "完成的课程：{n}/{m}"},
    "shell.done.quizzes": {
        "en": "Quizzes right the first time: {n} of {m} (answered right in the end: {solved})",
        "zh": "第一次就答对的测验：{n}/{m}（最终答对：{solved}）",
    },
    "shell.done.exercises": {"en": "Exercises passed: {n} of {m}", "zh": "通过的练习：{n}/{m}"},
    "shell.done.solutions": {"en": "Solutions looked at: {n}", "zh": "查看过答案的练习：{n}"},
    # the help screen: one key per line, so no key runs into the next column
    "shell.help.terminal": {
        "en": """\
Everywhere (ctrl+x is shown as ^x at the bottom of the screen)
  ?, f1           this help
  ctrl+q          quit (your code and progress are saved)
  ctrl+c          interrupt running code
Home
  up, down        choose a lesson
  enter           open it
  c               continue: the first step you have not finished
  l               English / 中文
Lesson: the selected block has a heavy border; being edited, a double one
  tab, shift+tab  select the next / previous block
  enter           edit the selected block; tab then moves inside it
  esc             stop editing; again: back to the lessons
  up, down, pgdn  scroll the step
  ctrl+n, n       next step (on the last step: the next lesson)
  ctrl+p, p       previous step
  ctrl+r, r       run the cell or experiment, check the exercise or quiz
  ctrl+o, o       back to the lesson's code or the starter (ctrl+z undoes)
  ctrl+t, t       a hint (quiz or exercise)
  ctrl+g, e       open your exercise in $VISUAL / $EDITOR
  i               interrupt running code
  k               restart the kernel (every variable is gone)
Bare letters act only on a selected block; while you edit, they are typed.
Quiz
  up, down        move between the options
  space           pick an option
  enter           submit""",
        "zh": """\
任何时候（屏幕底部的 ^x 表示 ctrl+x）
  ?、f1           本帮助
  ctrl+q          退出（代码和进度都会保存）
  ctrl+c          中断正在运行的代码
课程列表
  上、下          选择课程
  回车            打开
  c               继续：第一个还没完成的步骤
  l               English / 中文
课程内：选中的块边框加粗，正在编辑的块边框为双线
  tab、shift+tab  选中下一个 / 上一个块
  回车            编辑选中的块；之后 tab 在块内移动
  esc             结束编辑；再按一次返回课程列表
  上、下、pgdn    滚动这一步
  ctrl+n、n       下一步（最后一步时：下一课）
  ctrl+p、p       上一步
  ctrl+r、r       运行代码单元 / 实验，检查练习，提交测验
  ctrl+o、o       恢复课程原始代码或初始代码（ctrl+z 可撤销）
  ctrl+t、t       提示（测验或练习）
  ctrl+g、e       用 $VISUAL / $EDITOR 打开你的练习代码
  i               中断正在运行的代码
  k               重启内核（所有变量都会丢失）
单个字母键只在选中块时起作用；编辑时它们会被输入。
测验
  上、下          在选项之间移动
  空格            选择一个选项
  回车            提交""",
    },
    "shell.help.browser": {
        "en": """\
A browser page keeps some ctrl keys for itself; these keys all work there.
Everywhere
  ?               this help
Home
  up, down        choose a lesson
  enter           open it
  c               continue: the first step you have not finished
  l               English / 中文
Lesson: the selected block has a heavy border; being edited, a double one
  tab, shift+tab  select the next / previous block
  enter           edit the selected block; tab then moves inside it
  esc             stop editing; again: back to the lessons
  up, down, pgdn  scroll the step
  n, p            next / previous step (on the last step: the next lesson)
  r               run the cell or experiment, check the exercise or quiz
  o               back to the lesson's code or the starter
  t               a hint (quiz or exercise)
  i               interrupt running code
  k               restart the kernel (every variable is gone)
Letters act on the selected block; while you edit, press esc first.
Quiz
  up, down        move between the options
  space           pick an option
  enter           submit""",
        "zh": """\
在浏览器中，网页会占用一些 ctrl 组合键；下面的按键都可以使用。
任何时候
  ?               本帮助
课程列表
  上、下          选择课程
  回车            打开
  c               继续：第一个还没完成的步骤
  l               English / 中文
课程内：选中的块边框加粗，正在编辑的块边框为双线
  tab、shift+tab  选中下一个 / 上一个块
  回车            编辑选中的块；之后 tab 在块内移动
  esc             结束编辑；再按一次返回课程列表
  上、下、pgdn    滚动这一步
  n、p            下一步 / 上一步（最后一步时：下一课）
  r               运行代码单元 / 实验，检查练习，提交测验
  o               恢复课程原始代码或初始代码
  t               提示（测验或练习）
  i               中断正在运行的代码
  k               重启内核（所有变量都会丢失）
字母键作用于选中的块；编辑时请先按 esc。
测验
  上、下          在选项之间移动
  空格            选择一个选项
  回车            提交""",
    },
}
