"""Where markdown is prose and where it is code, so rules leave code blocks alone."""

from __future__ import annotations

import re
from collections.abc import Callable

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_TICKS = re.compile(r"`+")

Prose = Callable[[str, int, int], str]
"""Called with (text, line index in the body, 0-based column); returns the new text."""


def map_prose(body: str, change: Prose) -> str:
    """Apply `change` to every run of prose in `body`: outside fenced blocks and code spans."""
    out: list[str] = []
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opening = _FENCE.match(line)
        if fence is not None:
            if _closes(opening, fence, line):
                fence = None
            out.append(line)
            continue
        if opening and not (opening.group(1)[0] == "`" and "`" in line[opening.end() :]):
            fence = opening.group(1)
            out.append(line)
            continue
        out.append(_map_line(line, index, change))
    return "\n".join(out)


def _closes(opening: re.Match[str] | None, fence: str, line: str) -> bool:
    if opening is None or line[opening.end() :].strip():
        return False
    run = opening.group(1)
    return run[0] == fence[0] and len(run) >= len(fence)


def _map_line(line: str, index: int, change: Prose) -> str:
    if "`" not in line:
        return change(line, index, 0)
    parts: list[str] = []
    prose_from = 0
    pos = 0
    while (opening := _TICKS.search(line, pos)) is not None:
        ticks = opening.group()
        closing = _find_closing(line, opening.end(), len(ticks))
        if closing is None:
            pos = opening.end()
            continue
        parts.append(change(line[prose_from : opening.start()], index, prose_from))
        parts.append(line[opening.start() : closing])
        prose_from = pos = closing
    parts.append(change(line[prose_from:], index, prose_from))
    return "".join(parts)


def _find_closing(line: str, start: int, count: int) -> int | None:
    for run in _TICKS.finditer(line, start):
        if len(run.group()) == count:
            return run.end()
    return None
