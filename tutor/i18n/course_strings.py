"""Labels of the parameters that the course's later experiments added (init_variance, robust_loss)."""

STRINGS = {
    "param.label.variance": {"en": "variance", "zh": "初始方差"},
    "param.label.outlier": {"en": "outlier", "zh": "异常值"},
    "param.label.delta": {"en": "delta", "zh": "delta（Huber 的分界）"},
}
