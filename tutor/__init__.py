"""tutor: a terminal tutor that teaches linear regression from scratch in PyTorch."""

__version__ = "0.1.0"
