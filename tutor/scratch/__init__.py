"""The scratch core: the book's linear regression from scratch. Its modules import torch; this package does not."""
