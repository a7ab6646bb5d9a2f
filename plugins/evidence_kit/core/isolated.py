"""Run one step in a child process, so the memory it took goes back to the system.

The pipeline reads the whole evidence tree and keeps it until its pages are made; freed in
the process that built it, that memory mostly stays with the process (the allocator cannot
return partly used blocks), and a build then renders every page on top of it. Run in a
forked child, only the result comes back.

Forking is safe only where the process has one thread (a thread holding a lock at the fork
would leave it held forever in the child) and where the platform supports it well: Linux.
Elsewhere, and inside `mkdocs serve`, the step runs in this process, with the same result.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether `call` runs its step in a child process here."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def call(step: Callable[[], T]) -> T:
    """`step()`, run in a forked child where `can_fork`; its result (which must pickle)
    comes back, and so does an exception it raised (caused by one that holds the child's
    traceback)."""
    if not can_fork():
        return step()
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow the fork
        _child(step, readable, writable)
    os.close(writable)
    with os.fdopen(readable, "rb") as incoming:
        data = incoming.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(f"the child process ended without a result ({_how(status)})")
    ok, value, where = pickle.loads(data)
    if not ok:
        raise value from RuntimeError(f"in the child process:\n{where}")
    return value


def _child(step: Callable[[], object], readable: int, writable: int) -> None:  # pragma: no cover
    code = 0
    try:
        os.close(readable)
        try:
            data = pickle.dumps((True, step(), ""), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:
            where = traceback.format_exc()
            try:
                data = pickle.dumps((False, exc, where), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that does not pickle: its text still comes back
                data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}"), where))
        with os.fdopen(writable, "wb") as outgoing:
            outgoing.write(data)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        code = 1
    finally:
        # No interpreter shutdown: the parent's atexit handlers and buffers are not ours.
        os._exit(code)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
