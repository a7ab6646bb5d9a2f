"""Run one step in a child process, so the memory it took goes back to the system.

The pipeline reads the whole evidence tree and keeps it until its pages are made; freed in
the process that built it, that memory mostly stays with the process (the allocator cannot
return partly used blocks), and a build then renders every page on top of it. Run in a
forked child, only the result comes back. A step that yields its results one by one
(`stream`) also runs beside the process that reads them, on another core.

Forking is safe only where the process has one thread (a thread holding a lock at the fork
would leave it held forever in the child) and where the platform supports it well: Linux.
Elsewhere, and inside `mkdocs serve`, the step runs in this process, with the same results.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import os
import pickle
import select
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_LENGTH = struct.Struct("<Q")
# What the child sends after the last item; an error is sent as (False, exception, where).
_END = (None, None, "")
# Room in the pipe for the child to run ahead of a reader busy elsewhere (Linux grants up
# to /proc/sys/fs/pipe-max-size, 1 MB by default).
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031  # Linux's fcntl command; Python names it only from 3.10 on some builds


def widen(fd: int) -> None:
    """Give the pipe `fd` room for 1 MB, where the platform allows it: its writer can then
    run that far ahead of a reader busy elsewhere (under a smaller limit, or none, the
    writer only waits more often)."""
    try:
        import fcntl  # here: the module exists only on Unix
    except ImportError:  # pragma: no cover - not on Windows' CI
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_SIZE)


def can_fork() -> bool:
    """Whether `stream` runs its step in a child process here."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def stream(step: Callable[[], Iterator[T]]) -> Stream[T]:
    """The items `step()` yields: where `can_fork`, made in a forked child while this
    process goes on, and read as they arrive; else made here, each when it is asked for.
    Items must pickle; an exception the step raised comes back in its place (caused by one
    that holds the child's traceback)."""
    if not can_fork():
        return Stream(step(), None)
    # What this process has yet to write must not be written by the child too.
    sys.stdout.flush()
    sys.stderr.flush()
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow the fork
        _child(step, readable, writable)
    os.close(writable)
    return Stream(None, _Child(pid, readable))


class Stream(Generic[T]):
    """What a step yields, in order. `next` waits for the next item; `ready` takes the
    items that have arrived without waiting (none when the step runs here)."""

    def __init__(self, here: Iterator[T] | None, child: _Child | None) -> None:
        self._here = here
        self._child = child

    def next(self) -> T:
        """The next item; raises what the step raised, or StopIteration after the last."""
        if self._here is not None:
            return next(self._here)
        assert self._child is not None
        return self._child.next()

    def ready(self) -> list[T]:
        return [] if self._child is None else self._child.ready()

    def close(self) -> None:
        """Stop the step if it still runs (its process ends); idempotent."""
        if self._here is not None:
            close = getattr(self._here, "close", None)
            if close is not None:
                close()
        if self._child is not None:
            self._child.close()


class _Child:
    """The reading end of a forked step: frames of (ok, item, where), each a length and a
    pickle, read without blocking when asked for what is ready."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid: int | None = pid
        self.fd: int | None = fd
        self.buffer = bytearray()
        self.items: collections.deque[Any] = collections.deque()
        self.ended = False
        os.set_blocking(fd, False)

    def next(self) -> Any:
        while not self.items:
            if self.ended:
                raise StopIteration
            self._read(wait=True)
        return self._take()

    def ready(self) -> list[Any]:
        if not self.ended:
            self._read(wait=False)
        taken = []
        while self.items and self.items[0][0] is not None:  # up to the end, errors included
            taken.append(self._take())
        return taken

    def _take(self) -> Any:
        ok, item, where = self.items.popleft()
        if ok is None:
            raise StopIteration
        if not ok:
            raise item from RuntimeError(f"in the child process:\n{where}")
        return item

    def _read(self, *, wait: bool) -> None:
        assert self.fd is not None
        if wait:
            select.select([self.fd], [], [])
        # One read: a reader that read on while the child writes would only ever read.
        closed = False
        try:
            chunk = os.read(self.fd, _PIPE_SIZE)
            closed = not chunk
            self.buffer += chunk
        except BlockingIOError:
            pass
        last = False
        while not last and len(self.buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self.buffer)
            if len(self.buffer) < _LENGTH.size + size:
                break
            frame = bytes(self.buffer[_LENGTH.size : _LENGTH.size + size])
            del self.buffer[: _LENGTH.size + size]
            self.items.append(pickle.loads(frame))
            last = self.items[-1][0] is not True
        if last or closed:
            self._ended()

    def _ended(self) -> None:
        """The child sent its last frame or closed the pipe: reap it."""
        if self.ended:
            return
        self.ended = True
        status = self._reap(kill=False)
        if not self.items or self.items[-1][0] is True:
            how = _how(status) if status is not None else "no status"
            error = RuntimeError(f"the child process ended without a result ({how})")
            self.items.append((False, error, ""))

    def _reap(self, *, kill: bool) -> int | None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        try:
            if kill:
                os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        except (ProcessLookupError, ChildProcessError):  # reaped by someone else already
            return None

    def close(self) -> None:
        self.ended = True
        self._reap(kill=True)


def _child(
    step: Callable[[], Iterator[object]], readable: int, writable: int
) -> None:  # pragma: no cover
    code = 0
    # What the child shares with its parent stays shared only while nothing writes to it:
    # a collection would touch every object it inherited, copying their memory.
    gc.freeze()
    try:
        os.close(readable)
        widen(writable)
        with os.fdopen(writable, "wb") as outgoing:

            def send(frame: tuple[object, object, str]) -> None:
                data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
                outgoing.write(_LENGTH.pack(len(data)) + data)
                outgoing.flush()

            try:
                for item in step():
                    send((True, item, ""))
                send(_END)
            except BrokenPipeError:
                raise
            except BaseException as exc:
                where = traceback.format_exc()
                try:
                    send((False, exc, where))
                except BrokenPipeError:
                    raise
                except Exception:  # an exception that does not pickle: its text comes back
                    send((False, RuntimeError(f"{type(exc).__name__}: {exc}"), where))
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
