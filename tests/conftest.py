import os

# A class shares a few cores; so do the tests. torch (where a test imports it) uses one thread.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
