"""One BLAS thread for small matrices, without threadpoolctl's library scan on every call."""

from __future__ import annotations

import functools

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # scans the loaded libraries once per process (about 0.5 ms)


def one_blas_thread():
    """A context manager limiting BLAS to one thread (``threadpool_limits(limits=1, user_api="blas")``).

    Small matrix products (a 200-point batch) run fastest on one thread; a training step is short
    enough that a fresh ``threadpool_limits`` per call would cost a tenth of it.
    """
    return _controller().limit(limits=1, user_api="blas")
