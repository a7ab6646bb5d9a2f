"""Each concern's plugin option, checked and turned into a frozen value of `Settings`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


def unknown_options(where: str, given: Iterable[object], known: Sequence[str]) -> list[str]:
    """One message per key of `given` not in `known`, the same at every depth and from both
    front doors: `review: cadense: unknown option; did you mean 'cadence'?`. `where` is the
    option's path with its trailing `: ` (empty at the top level)."""
    messages = []
    for key in given:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"the options are {', '.join(known)}"
        messages.append(f"{where}{key}: unknown option; {hint}")
    return messages
