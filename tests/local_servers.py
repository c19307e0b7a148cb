"""Helpers of the tests that start a real server of their own (an S3 store, an LRS, app hosts):
a free loopback port, and waiting until the server listens on it."""

import socket
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(proc, port, what, timeout=30, pause=0.1):
    """Return once something listens on 127.0.0.1:`port`; kill `proc` and fail if it exits or
    `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(pause)
