"""`core.isolated`: a step run in a forked child gives what it gives in this process, and
the memory it took is not this process's afterwards."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from evidence_kit.core import isolated
from evidence_kit.core.model import Finding, SchemaError

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux")


def _first(step):  # type: ignore[no-untyped-def]
    """What `step()` returns, made the way `isolated.stream` makes an item."""

    def once():  # type: ignore[no-untyped-def]
        yield step()

    items = isolated.stream(once)
    try:
        return items.next()
    finally:
        items.close()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@linux_only
def test_the_step_runs_in_another_process_and_its_result_comes_back() -> None:
    assert isolated.can_fork()
    finding = Finding("docs/a.md", 3, 1, "schema", "missing field")
    pid, result = _first(lambda: (os.getpid(), {"found": [finding], "text": "é\udc80"}))
    assert pid != os.getpid()
    assert result == {"found": [finding], "text": "é\udc80"}


@linux_only
def test_the_memory_the_step_took_is_not_kept() -> None:
    def step() -> int:
        held = [bytearray(1 << 20) for _ in range(300)]  # 300 MB, touched
        return len(held)

    before = _rss_mb()
    assert _first(step) == 300
    assert _rss_mb() - before < 50


def test_an_exception_comes_back_as_itself_with_the_child_traceback() -> None:
    def broken() -> None:
        raise SchemaError("schemas/bad.schema.json: a schema needs an absolute $id")

    with pytest.raises(SchemaError, match="needs an absolute") as raised:
        _first(broken)
    if isolated.can_fork():
        assert "in the child process" in str(raised.value.__cause__)
        assert "in broken" in str(raised.value.__cause__)


@linux_only
def test_an_exception_that_does_not_pickle_still_says_what_it_was() -> None:
    class Local(Exception):  # a local class: pickle cannot name it
        pass

    def broken() -> None:
        raise Local("the tree could not be read")

    with pytest.raises(RuntimeError, match=r"^Local: the tree could not be read$"):
        _first(broken)


@linux_only
def test_a_child_that_dies_is_an_error_not_a_result() -> None:
    with pytest.raises(RuntimeError, match=r"ended without a result \(exit code 3\)"):
        _first(lambda: os._exit(3))


def test_with_another_thread_running_the_step_runs_here() -> None:
    # A thread could hold a lock at the fork (`mkdocs serve` runs a server beside the build).
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not isolated.can_fork()
        assert _first(os.getpid) == os.getpid()
    finally:
        stop.set()
        other.join()


def _numbers(count: int, fail_at: int | None = None):  # type: ignore[no-untyped-def]
    def step():  # type: ignore[no-untyped-def]
        for number in range(count):
            if number == fail_at:
                raise ValueError(f"no {number}")
            yield number, "x" * 10_000

    return step


def test_a_stream_gives_every_item_in_order_then_stops() -> None:
    items = isolated.stream(_numbers(500))
    got = [items.next()[0] for _ in range(3)]
    while len(got) < 500:
        ready = items.ready()
        got += [number for number, _ in ready] or [items.next()[0]]
    assert got == list(range(500))
    with pytest.raises(StopIteration):
        items.next()
    items.close()


@linux_only
def test_a_forked_stream_runs_ahead_of_its_reader() -> None:
    items = isolated.stream(_numbers(50))
    assert items.next()[0] == 0
    time.sleep(0.5)
    # Made while this process slept: all there without waiting.
    assert [number for number, _ in items.ready()] == list(range(1, 50))
    items.close()


def test_an_error_in_a_stream_comes_after_the_items_before_it() -> None:
    items = isolated.stream(_numbers(10, fail_at=4))
    assert [items.next()[0] for _ in range(4)] == [0, 1, 2, 3]
    with pytest.raises(ValueError, match=r"^no 4$"):
        items.next()
    items.close()


@linux_only
def test_closing_a_stream_stops_its_child() -> None:
    def forever():  # type: ignore[no-untyped-def]
        yield os.getpid()
        while True:
            time.sleep(1)

    items = isolated.stream(forever)
    child = items.next()
    items.close()
    items.close()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
