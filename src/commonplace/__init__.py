import os

# The sentence encoder's matrix products run in OpenBLAS. One thread per
# process is fastest here: web workers already use every core, and two
# threads fighting over two busy cores ran 3-5x slower than one. It must be
# set before numpy loads, which is why it lives in the package's first module.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
