"""The experiment panel's and the plots' words (area A2), en and zh."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "plot.diverged_at": {"en": "✗ diverged at step {step}", "zh": "✗ 第 {step} 步发散"},
    "plot.log_scale": {"en": "{name} (log scale)", "zh": "{name}（对数刻度）"},
    "plot.path": {"en": "path of (w1, w2)", "zh": "(w1, w2) 的路径"},
    "plot.rings": {"en": "rings of equal loss", "zh": "等损失线"},
    # axis names as the experiments give them (tutor/scratch/exercises.py), for the plot's labels
    "plot.axis.step": {"en": "step", "zh": "步数"},
    "plot.axis.epoch": {"en": "epoch", "zh": "迭代周期"},
    "plot.axis.examples seen": {"en": "examples seen", "zh": "已看过的样本数"},
    "plot.axis.loss": {"en": "loss", "zh": "损失"},
    "plot.axis.minibatch loss": {"en": "minibatch loss", "zh": "小批量损失"},
    "plot.axis.loss on all data": {"en": "loss on all data", "zh": "全部数据上的损失"},
    "plot.axis.squared loss on the clean data": {
        "en": "squared loss on the clean data", "zh": "无噪声数据上的平方损失"},
    "plot.axis.loss (with reshape) of the run's parameters": {
        "en": "loss (with reshape) of the run's parameters", "zh": "该次训练参数的损失（已 reshape）"},
    "plot.axis.value": {"en": "value", "zh": "值"},
    "experiment.examples_seen": {"en": "{examples} examples seen", "zh": "已看过 {examples} 个样本"},
    "experiment.epoch_of": {"en": "epoch {epoch:.2f} of {epochs}", "zh": "第 {epoch:.2f}/{epochs} 轮"},
    "experiment.view_key": {"en": "v: loss curve or (w1, w2) path", "zh": "v：切换损失曲线 / (w1, w2) 路径"},
    "experiment.keys": {"en": "ctrl+r run · ctrl+c cancel", "zh": "ctrl+r 运行 · ctrl+c 取消"},
    "experiment.diverged_rule": {
        "en": "(its loss passed 1000× its start, or overflowed)",
        "zh": "（损失超过起点的 1000 倍或溢出）",
    },
    "experiment.error_sign": {
        "en": "errors are learned − true",
        "zh": "误差均为 学到的值 − 真实值",
    },
}
