"""The curve in words (tutor/narrate.py)."""

STRINGS: dict[str, dict[str, str]] = {
    "narrate.when": {"en": "at step {step}", "zh": "第 {step} 步"},
    "narrate.when_epoch": {"en": "at step {step} (epoch {epoch})", "zh": "第 {step} 步（第 {epoch} 轮）"},
    "narrate.floor": {"en": "the noise floor σ²/2 = {floor}", "zh": "噪声下限 σ²/2 = {floor}"},
    "narrate.empty": {"en": "The run drew no finite loss.", "zh": "这次运行没有得到有限的损失值。"},
    "narrate.interrupted": {"en": "Stopped before the end.", "zh": "训练被提前停止。"},
    "narrate.diverged": {
        "en": "Training diverged {when}: the loss blew up instead of falling.",
        "zh": "训练在{when}发散：损失没有下降，反而急剧增大。",
    },
    "narrate.zigzag": {
        "en": "The loss zig-zags: after falling to {low} it bounced back up to {high}, because the "
        "steps overshoot: the learning rate is near its limit.",
        "zh": "损失来回震荡：降到 {low} 之后又反弹到 {high}，因为每一步都迈过了头：学习率已接近它的上限。",
    },
    "narrate.at_floor": {
        "en": "The loss came within 25% of {floor} {when} and stayed there (it ends at {final}): "
        "what is left is the noise, which no model can fit.",
        "zh": "损失在{when}降到{floor} 的 25% 以内并保持在那里（最终为 {final}）：剩下的是任何模型都拟合不了的噪声。",
    },
    "narrate.times_floor": {"en": " ({k}× {floor})", "zh": "（{floor} 的 {k} 倍）"},
    "narrate.falling": {
        "en": "The loss is still falling: its mean went from {start} in the third quarter of the run to "
        "{final} in the last{above}; more steps would bring it lower.",
        "zh": "损失仍在下降：它的平均值从训练第三个四分之一的 {start} 降到最后四分之一的 "
        "{final}{above}；多训练几步还会更低。",
    },
    "narrate.plateau": {
        "en": "The loss levelled off at {final}{above}.",
        "zh": "损失停在 {final}{above}，不再下降。",
    },
    "narrate.same": {
        "en": "Your curve is the core's, point for point ({n} points).",
        "zh": "你的曲线与核心实现的曲线逐点相同（共 {n} 个点）。",
    },
    "narrate.rounding": {
        "en": "Your curve is the core's up to float rounding (largest relative difference {diff}).",
        "zh": "除浮点舍入外，你的曲线与核心实现的相同（最大相对差 {diff}）。",
    },
    "narrate.departs": {
        "en": "Your curve leaves the core's at step {step}.",
        "zh": "你的曲线从第 {step} 步开始偏离核心实现的曲线。",
    },
    "narrate.yours": {"en": "Yours: {what}", "zh": "你的实现：{what}"},
    "narrate.threshold_floor": {
        "en": "within 25% of {floor} (below {limit})",
        "zh": "{floor} 的 25% 以内（低于 {limit}）",
    },
    "narrate.threshold_best": {
        "en": "within 25% of the lowest final loss (below {limit})",
        "zh": "最低最终损失的 25% 以内（低于 {limit}）",
    },
    "narrate.fastest": {
        "en": "{label} was the fastest to get {threshold} and stay there: {when}.",
        "zh": "{label} 最快降到{threshold}并保持：从{when}起。",
    },
    "narrate.none_settled": {
        "en": "No curve got {threshold} and stayed there.",
        "zh": "没有一条曲线降到{threshold}并保持。",
    },
    "narrate.diverged_item": {"en": "{label} at step {step}", "zh": "{label} 在第 {step} 步"},
    "narrate.list_sep": {"en": ", ", "zh": "，"},
    "narrate.diverged_list": {"en": "Diverged: {items}.", "zh": "发散：{items}。"},
    "narrate.all_at_floor": {
        "en": "Every curve ends within 25% of {floor}.",
        "zh": "每条曲线最终都在{floor} 的 25% 以内。",
    },
    "narrate.highest": {
        "en": "{label} ended highest, at {final}{above}.",
        "zh": "{label} 最终最高，为 {final}{above}。",
    },
}
