"""The Textual app's words (home, lesson, kernel, quizzes, experiments, help)."""

STRINGS: dict[str, dict[str, str]] = {
    # home
    "app.title": {"en": "Linear regression from scratch", "zh": "从零开始实现线性回归"},
    "home.continue": {"en": "Continue: {title}, step {step}", "zh": "继续学习：{title}，第 {step} 步"},
    "home.start": {"en": "Start with: {title}", "zh": "从这里开始：{title}"},
    "home.course": {"en": "Course: {name}", "zh": "课程：{name}"},
    "home.builtin": {"en": "built-in", "zh": "内置课程"},
    "home.broken.one": {"en": "{name}: cannot be loaded (1 error)", "zh": "{name}：无法加载（1 个错误）"},
    "home.broken": {"en": "{name}: cannot be loaded ({n} errors)", "zh": "{name}：无法加载（{n} 个错误）"},
    "home.broken.detail": {
        "en": "This lesson file has errors; fix them and run `python -m tutor check {path}`:",
        "zh": "这个课程文件有错误，修改后运行 `python -m tutor check {path}` 检查：",
    },
    "home.no_lessons": {
        "en": "No lessons found. Check the folders given with --lessons or TUTOR_LESSONS.",
        "zh": "没有找到课程。请检查 --lessons 或 TUTOR_LESSONS 指定的文件夹。",
    },
    "home.legend": {
        "en": "✓ done   ◐ in progress   · not started   ✗ broken file",
        "zh": "✓ 已完成   ◐ 学习中   · 未开始   ✗ 文件有错误",
    },
    "status.done": {"en": "done", "zh": "已完成"},
    "status.in progress": {"en": "in progress", "zh": "学习中"},
    "status.not started": {"en": "not started", "zh": "未开始"},
    "progress.corrupt": {"en": "Progress file problem", "zh": "学习进度文件有问题"},
    "progress.save_failed": {
        "en": "Could not save progress: {error}",
        "zh": "无法保存学习进度：{error}",
    },
    # lesson
    "lesson.step": {"en": "step {n} of {m}", "zh": "第 {n}/{m} 步"},
    "lesson.last_step": {
        "en": "This is the last step. Esc goes back to the lessons.",
        "zh": "这是最后一步。按 Esc 返回课程列表。",
    },
    "lesson.nothing_to_run": {
        "en": "This step has nothing to run; ctrl+n goes on.",
        "zh": "这一步没有可运行的内容；按 ctrl+n 继续。",
    },
    "lesson.source": {"en": "source: {name}", "zh": "源代码：{name}"},
    # kernel
    "kernel.starting": {"en": "kernel: starting", "zh": "内核：启动中"},
    "kernel.loading": {"en": "kernel: loading torch…", "zh": "内核：正在加载 torch…"},
    "kernel.ready": {"en": "kernel: ready", "zh": "内核：就绪"},
    "kernel.busy": {"en": "kernel: running", "zh": "内核：运行中"},
    "kernel.restarting": {"en": "kernel: restarting", "zh": "内核：重启中"},
    "kernel.dead": {"en": "kernel: stopped", "zh": "内核：已停止"},
    "kernel.waiting": {"en": "loading torch…", "zh": "正在加载 torch…"},
    "kernel.died": {
        "en": "The kernel stopped: {reason}. A new one is starting; your work is kept.",
        "zh": "内核停止了：{reason}。正在启动新的内核，你的代码和进度都还在。",
    },
    "kernel.interrupted": {"en": "interrupted", "zh": "已中断"},
    "kernel.restarted": {
        "en": "It did not stop in time, so the kernel was restarted (variables are gone).",
        "zh": "没能及时停下，所以内核已重启（之前的变量都没有了）。",
    },
    "kernel.nothing_to_interrupt": {
        "en": "Nothing is running. ctrl+q quits.",
        "zh": "当前没有在运行的代码。按 ctrl+q 退出。",
    },
    # code cell
    "cell.hint": {
        "en": "ctrl+r run · ctrl+o back to the lesson's code · ctrl+c interrupt",
        "zh": "ctrl+r 运行 · ctrl+o 恢复课程原始代码 · ctrl+c 中断",
    },
    "cell.running": {"en": "running…", "zh": "运行中…"},
    "cell.no_output": {"en": "(no output)", "zh": "（没有输出）"},
    "cell.reset": {"en": "Back to the lesson's code (ctrl+z undoes).", "zh": "已恢复为课程原始代码（ctrl+z 可撤销）。"},
    # experiment
    "exp.run": {"en": "Run", "zh": "运行"},
    "exp.cancel": {"en": "Cancel", "zh": "取消"},
    "exp.view": {"en": "Loss / path", "zh": "损失 / 路径"},
    "exp.hint": {
        "en": "ctrl+r run · ctrl+c cancel · v loss or path view",
        "zh": "ctrl+r 运行 · ctrl+c 取消 · v 切换损失曲线/参数路径",
    },
    "exp.idle": {"en": "Press ctrl+r to run.", "zh": "按 ctrl+r 运行。"},
    "exp.status": {
        "en": "{where} · loss {loss} · {elapsed}",
        "zh": "{where} · 损失 {loss} · {elapsed}",
    },
    "exp.epoch": {"en": "epoch {epoch}/{epochs}, step {step}", "zh": "第 {epoch}/{epochs} 轮，第 {step} 步"},
    "exp.step": {"en": "step {step}", "zh": "第 {step} 步"},
    "exp.done": {"en": "done in {elapsed}", "zh": "完成，用时 {elapsed}"},
    "seconds": {"en": "{s:.1f} s", "zh": "{s:.1f} 秒"},
    "exp.cancelled": {"en": "cancelled", "zh": "已取消"},
    "exp.diverged": {"en": "diverged at step {step}", "zh": "在第 {step} 步发散"},
    "exp.same": {
        "en": "your curve is the core's, step for step",
        "zh": "你的曲线与核心实现逐步完全一致",
    },
    "exp.differs": {
        "en": "your curve leaves the core's at step {step}",
        "zh": "你的曲线从第 {step} 步起与核心实现不同",
    },
    "exp.failed": {"en": "the experiment failed: {error}", "zh": "实验出错：{error}"},
    "exp.invalid": {"en": "Fix the values marked above first.", "zh": "请先修改上面标出的参数。"},
    "exp.log_loss": {"en": "log10 loss", "zh": "log10 损失"},
    "exp.path_title": {"en": "(w1, w2) path over the loss rings", "zh": "(w1, w2) 在损失等高线上的路径"},
    "exp.no_path": {
        "en": "Run the experiment to see the path.",
        "zh": "运行实验后可以看到参数路径。",
    },
    # experiment parameters: what a learner typed, checked (tutor/content/catalog.py)
    "param.label.lr": {"en": "learning rate", "zh": "学习率"},
    "param.label.lrs": {"en": "learning rates", "zh": "学习率列表"},
    "param.label.batch_size": {"en": "batch size", "zh": "批量大小"},
    "param.label.num_epochs": {"en": "num epochs", "zh": "迭代周期数"},
    "param.label.num_examples": {"en": "num examples", "zh": "样本数"},
    "param.label.noise": {"en": "noise", "zh": "噪声标准差"},
    "param.whole": {"en": "a whole number {range}", "zh": "{range}的整数"},
    "param.number": {"en": "a number {range}", "zh": "{range}的数"},
    "param.between": {"en": "between {low} and {high}", "zh": "介于 {low} 和 {high} 之间"},
    "param.above_at_most": {"en": "greater than {low} and at most {high}", "zh": "大于 {low} 且不超过 {high} "},
    "param.at_least": {"en": "at least {low}", "zh": "至少为 {low} "},
    "param.above": {"en": "greater than {low}", "zh": "大于 {low} "},
    "param.at_most": {"en": "at most {high}", "zh": "不超过 {high} "},
    "param.must_be": {"en": "{label} must be {wanted}", "zh": "{label}必须是{wanted}"},
    "param.not_nan": {"en": "{label} must be {wanted}, not nan", "zh": "{label}必须是{wanted}，不能是 nan"},
    "param.too_large": {"en": "{label} is too large: it must be {wanted}", "zh": "{label}太大了：必须是{wanted}"},
    "param.too_small": {"en": "{label} is too small: it must be {wanted}", "zh": "{label}太小了：必须是{wanted}"},
    "param.bool": {"en": "{label} must be true or false", "zh": "{label}必须是 true 或 false"},
    "param.choices": {"en": "{label} must be one of: {choices}", "zh": "{label}只能是：{choices}"},
    "param.text": {"en": "{label} must be text", "zh": "{label}必须是文本"},
    "param.list": {
        "en": "{label} must be a list of {sizes} numbers, each {range}, like 0.01, 0.1, 1",
        "zh": "{label}必须是 {sizes} 个数的列表，每个数{range}，例如 0.01, 0.1, 1",
    },
    "param.sizes": {"en": "{low} to {high}", "zh": "{low} 到 {high}"},
    "param.item": {"en": "value {position} of {label}", "zh": "{label}的第 {position} 个值"},
    "param.batch_too_large": {
        "en": "batch size ({batch}) must not be larger than the number of examples ({examples})",
        "zh": "批量大小（{batch}）不能大于样本数（{examples}）",
    },
    "param.too_many_steps": {
        "en": "this run would take {steps} steps, more than {limit}: use a larger batch size, fewer examples or fewer epochs",
        "zh": "这次运行需要 {steps} 步，超过上限 {limit}：请增大批量大小，或减少样本数、迭代周期数",
    },
    # quiz
    "quiz.submit": {"en": "Submit", "zh": "提交"},
    "quiz.hint_button": {"en": "Hint", "zh": "提示"},
    "quiz.right": {"en": "✓ Right.", "zh": "✓ 回答正确。"},
    "quiz.wrong": {"en": "✗ Not quite. Try again, or ctrl+t for a hint.", "zh": "✗ 还不对。再试一次，或按 ctrl+t 看提示。"},
    "quiz.explain": {"en": "Why: ", "zh": "解析："},
    "quiz.hint": {"en": "Hint: ", "zh": "提示："},
    "quiz.no_hint": {"en": "This question has no hint.", "zh": "这道题没有提示。"},
    "quiz.problem.empty": {"en": "Type an answer first.", "zh": "请先输入答案。"},
    "quiz.problem.not_a_number": {
        "en": "That is not a number; try 40, 0.625, 5/8 or 1e-3.",
        "zh": "这不是一个数字；可以写成 40、0.625、5/8 或 1e-3。",
    },
    "quiz.problem.pick_one": {"en": "Choose an answer first.", "zh": "请先选择一个答案。"},
    "quiz.choose_several": {"en": "(several answers are right)", "zh": "（有多个正确答案）"},
    "quiz.placeholder.number": {"en": "a number, then enter", "zh": "输入数字后按回车"},
    "quiz.placeholder.text": {"en": "your answer, then enter", "zh": "输入答案后按回车"},
    "quiz.previous": {"en": "Your last answer: {answer}", "zh": "你上次的答案：{answer}"},
    "quiz.missed": {"en": "You missed a right answer: {text}", "zh": "漏选了一个正确答案：{text}"},
    # exercise
    "ex.title": {"en": "Your turn: write {name}", "zh": "动手写：{name}"},
    "ex.hint": {
        "en": "ctrl+r check · ctrl+t next hint · ctrl+o back to the starter · ctrl+g open in $EDITOR",
        "zh": "ctrl+r 检查 · ctrl+t 下一条提示 · ctrl+o 恢复初始代码 · ctrl+g 用 $EDITOR 打开",
    },
    "ex.checking": {"en": "checking…", "zh": "检查中…"},
    "ex.passed": {
        "en": "✓ Your {name} passes every case. Now it trains the model, beside the core's:",
        "zh": "✓ 你的 {name} 通过了所有测试用例。下面用它来训练模型，并与核心实现对比：",
    },
    "ex.failed": {"en": "✗ Not yet:", "zh": "✗ 还不对："},
    "ex.case": {"en": "Case: {case}", "zh": "测试用例：{case}"},
    "ex.line": {"en": "line {line} of your code", "zh": "你的代码第 {line} 行"},
    "ex.hint_n": {"en": "Hint {n} of {m}: ", "zh": "提示 {n}/{m}："},
    "ex.no_more_hints": {"en": "That was the last hint.", "zh": "已经是最后一条提示了。"},
    "ex.reset": {"en": "Back to the starter code (ctrl+z undoes).", "zh": "已恢复为初始代码（ctrl+z 可撤销）。"},
    "ex.no_editor": {
        "en": "Set $VISUAL or $EDITOR to open your code in an editor.",
        "zh": "请设置 $VISUAL 或 $EDITOR 环境变量，才能用外部编辑器打开代码。",
    },
    "ex.editor_failed": {"en": "The editor could not start: {error}", "zh": "无法启动编辑器：{error}"},
    "ex.saved_to": {"en": "saved in {path}", "zh": "保存在 {path}"},
    # small terminal
    "small.message": {
        "en": "Terminal too small (need 80x24, have {w}x{h}).\nMake the window larger; the tutor carries on where it was.",
        "zh": "终端窗口太小（至少 80x24，现在是 {w}x{h}）。\n请把窗口调大，教程会从原处继续。",
    },
    # keys (footer and help)
    "key.quit": {"en": "Quit", "zh": "退出"},
    "key.help": {"en": "Help", "zh": "帮助"},
    "key.next": {"en": "Next", "zh": "下一步"},
    "key.previous": {"en": "Back", "zh": "上一步"},
    "key.home": {"en": "Lessons", "zh": "课程列表"},
    "key.run": {"en": "Run", "zh": "运行"},
    "key.interrupt": {"en": "Stop", "zh": "中断"},
    "key.language": {"en": "中文", "zh": "English"},
    "key.open": {"en": "Open", "zh": "打开"},
    "key.continue": {"en": "Continue", "zh": "继续"},
    "key.close": {"en": "Close", "zh": "关闭"},
    "help.title": {"en": "Keys", "zh": "快捷键"},
    "help.body": {
        "en": """\
Everywhere (ctrl+x is shown as ^x at the bottom of the screen)
  ?, f1          this help          ctrl+q        quit
  tab, shift+tab move between parts ctrl+c        interrupt running code
Home
  up, down       choose a lesson    enter         open it
  c              continue where you left off
  l              English / 中文
Lesson
  ctrl+n, n      next step          ctrl+p, p     previous step
  esc            leave an editor or input; again: back to the lessons
  ctrl+r         run the code cell / the experiment / check your exercise
  ctrl+o         back to the lesson's code or the starter (ctrl+z undoes)
  ctrl+t         a hint (quiz or exercise)
  ctrl+g         open your exercise in $VISUAL / $EDITOR
  v              experiment: switch between the loss and the (w1, w2) path
Quiz
  up, down, space choose           enter         submit
  n and p type letters inside a text box; use ctrl+n and ctrl+p there.""",
        "zh": """\
任何时候（屏幕底部的 ^x 表示 ctrl+x）
  ?、f1          本帮助             ctrl+q        退出
  tab、shift+tab 在各部分之间切换   ctrl+c        中断正在运行的代码
课程列表
  上、下         选择课程           回车          打开
  c              从上次离开的地方继续
  l              English / 中文
课程内
  ctrl+n、n      下一步             ctrl+p、p     上一步
  esc            离开编辑器或输入框；再按一次返回课程列表
  ctrl+r         运行代码单元 / 实验 / 检查你写的练习
  ctrl+o         恢复课程原始代码或初始代码（ctrl+z 可撤销）
  ctrl+t         提示（测验或练习）
  ctrl+g         用 $VISUAL / $EDITOR 打开你的练习代码
  v              实验：在损失曲线和 (w1, w2) 路径之间切换
测验
  上、下、空格   选择               回车          提交
  在输入框里 n 和 p 是普通字母，请用 ctrl+n、ctrl+p 翻页。""",
    },
}
