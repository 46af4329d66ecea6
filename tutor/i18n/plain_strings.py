"""Plain line mode's words (tutor/plain). Prompts end in ">" so a transcript shows where input went."""

STRINGS: dict[str, dict[str, str]] = {
    "plain.welcome": {
        "en": "Linear regression from scratch: plain mode.",
        "zh": "从零开始实现线性回归：纯文本模式。",
    },
    "plain.welcome_help": {
        "en": "Answer at each prompt; enter goes on. Type help for the commands (next, back, hint, "
        "again, quit).",
        "zh": "在每个提示符后作答；直接回车继续。输入 帮助 查看命令（下一步、上一步、提示、再运行、退出）。",
    },
    "plain.lessons": {"en": "Lessons:", "zh": "课程："},
    "plain.choose_resume": {
        "en": "Lesson number or id (enter: continue {title}, step {step}) >",
        "zh": "课程编号或 id（回车：继续学习 {title}，第 {step} 步）>",
    },
    "plain.choose_first": {
        "en": "Lesson number or id (enter: start with {title}) >",
        "zh": "课程编号或 id（回车：从 {title} 开始）>",
    },
    "plain.no_such_lesson": {
        "en": "There is no lesson {name!r}: give its number or id from the list.",
        "zh": "没有课程 {name!r}：请输入列表中的编号或 id。",
    },
    "plain.step": {"en": "{lesson} · step {n} of {m}: {title}", "zh": "{lesson} · 第 {n}/{m} 步：{title}"},
    "plain.first_step": {"en": "This is the first step.", "zh": "这已经是第一步。"},
    "plain.end_of_step": {"en": "End of step {n} of {m}.", "zh": "第 {n}/{m} 步结束。"},
    "plain.end_of_lesson": {
        "en": "End of step {n} of {m}, the lesson's last.",
        "zh": "第 {n}/{m} 步结束，这是本课最后一步。",
    },
    "plain.prompt.step": {"en": "[enter] next step · back · help >", "zh": "[回车] 下一步 · 上一步 · 帮助 >"},
    "plain.prompt.last_step": {
        "en": "[enter] finish the lesson · back · help >",
        "zh": "[回车] 完成本课 · 上一步 · 帮助 >",
    },
    "plain.lesson_status": {"en": "{title}: {status}.", "zh": "{title}：{status}。"},
    "plain.course_end": {
        "en": "That was the course's last lesson.",
        "zh": "这是课程的最后一课。",
    },
    "plain.prompt.next_lesson": {
        "en": "[enter] next lesson: {title} · back · lessons · quit >",
        "zh": "[回车] 下一课：{title} · 上一步 · 课程 · 退出 >",
    },
    "plain.end_of_input": {
        "en": "End of input: your progress is saved.",
        "zh": "输入结束：学习进度已保存。",
    },
    "plain.bye": {
        "en": "Bye. python -m tutor plain continues where you left off.",
        "zh": "再见。运行 python -m tutor plain 可从上次停下的地方继续。",
    },
    "plain.save_failed": {"en": "Could not save progress: {error}", "zh": "无法保存学习进度：{error}"},
    "plain.not_a_command": {
        "en": "{line!r} is not a command: enter goes on, help lists the commands.",
        "zh": "{line!r} 不是命令：回车继续，输入 帮助 查看命令。",
    },
    "plain.nothing_again": {
        "en": "Nothing has run in this step yet.",
        "zh": "这一步还没有运行过任何代码或实验。",
    },
    "plain.no_hint_here": {"en": "There is no hint at this prompt.", "zh": "这里没有提示。"},
    # help
    "plain.help.title": {"en": "Commands (at any prompt):", "zh": "命令（在任何提示符后都可使用）："},
    "plain.help.next": {"en": "go to the next step", "zh": "进入下一步"},
    "plain.help.back": {"en": "go back one step", "zh": "返回上一步"},
    "plain.help.again": {
        "en": "run the last code cell or experiment again",
        "zh": "再运行一次刚才的代码或实验",
    },
    "plain.help.hint": {"en": "a hint for the quiz or exercise", "zh": "查看测验或练习的提示"},
    "plain.help.skip": {"en": "leave this quiz, cell or exercise and go on", "zh": "跳过这道题、这段代码或这个练习"},
    "plain.help.lessons": {"en": "back to the list of lessons", "zh": "返回课程列表"},
    "plain.help.quit": {"en": "leave (progress is saved)", "zh": "退出（进度已保存）"},
    "plain.help.help": {"en": "this list", "zh": "显示这份列表"},
    "plain.help.quotes": {
        "en": "To give one of these words as a quiz answer, put it in quotes: \"next\".",
        "zh": "如果测验的答案正好是这些词之一，请加上引号：\"next\"。",
    },
    # code cells
    "plain.cell.saved": {
        "en": "Your edited version of this cell (saved from the app):",
        "zh": "这是你修改过的代码（在应用中保存的）：",
    },
    "plain.cell.enter": {
        "en": "{line!r} is not a command here: enter runs the code, skip goes on, help lists the commands.",
        "zh": "{line!r} 在这里不是命令：回车运行代码，跳过 继续，帮助 查看命令。",
    },
    "plain.prompt.cell": {"en": "[enter] run this code · skip · help >", "zh": "[回车] 运行这段代码 · 跳过 · 帮助 >"},
    # experiments
    "plain.exp.title": {"en": "Experiment: {run}", "zh": "实验：{run}"},
    "plain.exp.params": {"en": "Parameters: {name_list}", "zh": "参数：{name_list}"},
    "plain.exp.editable": {"en": "You may change: {names}", "zh": "可以修改：{names}"},
    "plain.exp.sweep": {"en": "One run for each {name} in {values}", "zh": "对 {values} 中的每个 {name} 各运行一次"},
    "plain.prompt.exp": {"en": "[enter] run · skip · help >", "zh": "[回车] 运行 · 跳过 · 帮助 >"},
    "plain.prompt.exp.editable": {
        "en": "[enter] run · {example}=VALUE changes it and runs · skip · help >",
        "zh": "[回车] 运行 · {example}=数值 修改后运行 · 跳过 · 帮助 >",
    },
    "plain.prompt.exp_again": {"en": "[enter] go on · again · help >", "zh": "[回车] 继续 · 再运行 · 帮助 >"},
    "plain.prompt.exp_again.editable": {
        "en": "[enter] go on · {example}=VALUE runs again with it · again · help >",
        "zh": "[回车] 继续 · {example}=数值 修改后再运行 · 再运行 · 帮助 >",
    },
    "plain.exp.not_editable": {
        "en": "{name!r} cannot be changed here; you may change: {names} (as name=value).",
        "zh": "这里不能修改 {name!r}；可以修改的是：{names}（写成 名称=数值）。",
    },
    "plain.exp.nothing_editable": {
        "en": "This experiment has no parameter to change; enter runs it.",
        "zh": "这个实验没有可修改的参数；回车即可运行。",
    },
    "plain.exp.progress": {"en": "… {where}: loss {loss}{label}", "zh": "… {where}：损失 {loss}{label}"},
    "plain.axis.step": {"en": "step {x}", "zh": "第 {x} 步"},
    "plain.axis.epoch": {"en": "epoch {x}", "zh": "第 {x} 轮"},
    "plain.axis.examples": {"en": "{x} examples seen", "zh": "已见 {x} 个样本"},
    "plain.exp.bad_value": {"en": "Not run: {problem}", "zh": "没有运行：{problem}"},
    "plain.exp.facts": {"en": "Result:", "zh": "结果："},
    # quizzes
    "plain.quiz.solved": {
        "en": "(You have answered this one right before.)",
        "zh": "（这道题你以前已经答对过。）",
    },
    "plain.prompt.choice": {
        "en": "Your answer (a number) · hint · skip >",
        "zh": "你的答案（一个编号）· 提示 · 跳过 >",
    },
    "plain.prompt.choice_several": {
        "en": "Your answers (numbers, e.g. 1 3) · hint · skip >",
        "zh": "你的答案（几个编号，如 1 3）· 提示 · 跳过 >",
    },
    "plain.prompt.number": {"en": "Your answer (a number) · hint · skip >", "zh": "你的答案（一个数）· 提示 · 跳过 >"},
    "plain.prompt.text": {"en": "Your answer · hint · skip >", "zh": "你的答案 · 提示 · 跳过 >"},
    "plain.quiz.bad_choice": {
        "en": "Give the number of an answer, from 1 to {n}.",
        "zh": "请输入答案的编号，从 1 到 {n}。",
    },
    "plain.quiz.wrong": {
        "en": "✗ Not quite. Try again, or type hint.",
        "zh": "✗ 还不对。再试一次，或输入 提示。",
    },
    # exercises
    "plain.ex.starter": {"en": "The starting point:", "zh": "初始代码："},
    "plain.prompt.exercise": {
        "en": "Your function: a .py path, or type it and end with a line {end} · hint · skip >",
        "zh": "你的函数：.py 文件路径，或直接输入并以单独一行 {end} 结束 · 提示 · 跳过 >",
    },
    "plain.prompt.exercise_saved": {
        "en": "[enter] check your saved code · a .py path · or type it, ending with a line {end} · hint · skip >",
        "zh": "[回车] 检查你保存的代码 · .py 文件路径 · 或直接输入，以单独一行 {end} 结束 · 提示 · 跳过 >",
    },
    "plain.ex.nothing_saved": {
        "en": "There is no code of yours yet: give a file or type the function.",
        "zh": "还没有你的代码：请给出文件路径或直接输入函数。",
    },
    "plain.ex.unreadable": {"en": "Cannot read {path}: {error}", "zh": "无法读取 {path}：{error}"},
    "plain.ex.not_code": {
        "en": "{line!r} is not a command, a .py file or the start of a function (def ...); "
        "type help for the commands. End typed code with a line {end}.",
        "zh": "{line!r} 不是命令、.py 文件，也不是函数的开头（def ...）；输入 帮助 查看命令。"
        "直接输入的代码以单独一行 {end} 结束。",
    },
    "plain.ex.solution_next": {
        "en": "That was the last hint; hint once more shows the author's solution.",
        "zh": "这是最后一条提示；再输入一次 提示 会显示参考答案。",
    },
    "plain.ex.solution": {"en": "The author's solution:", "zh": "参考答案："},
    "plain.ex.passed": {
        "en": "✓ Your {name} passes every case. Now it trains the model, beside the core's:",
        "zh": "✓ 你的 {name} 通过了所有测试用例。下面用它来训练模型，并与核心实现对比：",
    },
}
