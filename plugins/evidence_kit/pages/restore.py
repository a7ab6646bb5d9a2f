"""The restore-test page: every test of the audit period against the RTO and RPO, charted."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable

from ..core import markup
from ..core.evidence import Evidence
from ..rules.restore import RestoreRecord, RestoreTest, WindowResult, record

INDEX = "index.md"
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 640, 180, 44, 16, 150


def pages(evidence: Evidence) -> dict[str, str]:
    """An index in the folder of the restore-test records, unless it has its own."""
    found = record(evidence)
    if not found.tests:
        return {}
    folder = posixpath.dirname(found.tests[0].src_uri)
    src_uri = posixpath.join(folder, INDEX)
    if src_uri in evidence.tree.documents:
        return {}
    return {src_uri: render(found, folder)}


def _state(result: WindowResult) -> str:
    if result.missing:
        return "**missing**"
    if not result.tests:
        return "open (not ended)"
    return ", ".join(str(t.date) for t in result.tests)


def _within(ok: bool | None) -> str:
    return "" if ok is None else (" (within)" if ok else " (**over**)")


def render(found: RestoreRecord, folder: str) -> str:
    """The restore-test page of the folder: windows, tests, charts, follow-ups."""
    first, last = found.period
    shown = [t for t in found.in_period() if t.publishable]
    lines = [
        *markup.title_meta("Restore tests"),
        "# Restore tests",
        "",
        f"Audit period: {first} to {last}. A restore test is due in every {found.cadence} "
        "window; each is measured against the recovery time objective (RTO) and the recovery "
        "point objective (RPO) its procedure states.",
    ]
    for procedure in found.procedures:
        link = markup.link(procedure.title, posixpath.relpath(procedure.src_uri, folder or "."))
        windows = found.windows[procedure.src_uri]
        missing = sum(w.missing for w in windows)
        lines += [
            "",
            f"## {markup.text(procedure.title)}",
            "",
            f"{link}: RTO {procedure.rto_minutes} min, RPO {procedure.rpo_minutes} min. "
            f"{len(windows)} window{'s' * (len(windows) != 1)}, {missing} missing.",
            "",
            *markup.table(
                ["Window", "From", "To", "Tests"],
                [
                    [markup.text(w.window.label), str(w.window.start), str(w.window.end), _state(w)]
                    for w in windows
                ],
            ),
        ]
        mine = [
            t for t in shown if t.targets is not None and t.targets.src_uri == procedure.src_uri
        ]
        lines += ["", "### Recovery time against the RTO", ""]
        lines += chart(
            found,
            windows,
            mine,
            procedure.rto_minutes,
            lambda t: t.recovery_minutes,
            "Recovery time",
        )
        lines += ["", "### Data loss against the RPO", ""]
        lines += chart(
            found, windows, mine, procedure.rpo_minutes, lambda t: t.data_loss_minutes, "Data loss"
        )
    lines += ["", "## Each test", ""]
    rows = [
        [
            str(t.date),
            markup.link(t.title, posixpath.relpath(t.src_uri, folder or ".")),
            markup.text(t.scope),
            markup.text(t.data_set),
            markup.text(t.restored_to),
            f"{t.recovery_minutes} min{_within(t.within_rto)}",
            f"{t.data_loss_minutes} min{_within(t.within_rpo)}",
            markup.text(t.result),
            str(sum(f.get("status") != "done" for f in t.follow_ups)),
        ]
        for t in shown
    ]
    header = [
        "Date",
        "Test",
        "Scope",
        "Data set",
        "Restored to",
        "Recovery",
        "Data loss",
        "Result",
        "Open follow-ups",
    ]
    lines += markup.table(header, rows) if rows else ["No restore test is recorded in the period."]
    return "\n".join(lines) + "\n"


def chart(
    found: RestoreRecord,
    windows: tuple[WindowResult, ...],
    tests: list[RestoreTest],
    target: int,
    measure: Callable[[RestoreTest], int],
    label: str,
) -> list[str]:
    """Each test as a point over the period, the target as a dashed line, missing windows
    shaded: inline SVG drawn at build time, no script, no external asset."""
    first = min([found.period[0], *(w.window.start for w in windows)])
    last = max([found.period[1], *(w.window.end for w in windows)])
    span = max((last - first).days, 1)
    peak = max([target, *(measure(t) for t in tests)]) * 1.25 or 1

    def x(day: dt.date) -> float:
        return round(LEFT + (WIDTH - LEFT - 10) * (day - first).days / span, 1)

    def y(minutes: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * minutes / peak, 1)

    title = markup.attribute(f"{label} of each restore test against the target of {target} min")
    parts = [
        '<div class="evidence-chart">',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}"><title>{title}</title>',
    ]
    for result in windows:
        w = result.window
        fill = "#f8d7da" if result.missing else "#f4f4f4"
        state = "missing" if result.missing else "tested" if result.tests else "open"
        name = markup.attribute(w.label)
        parts.append(
            f'<rect x="{x(w.start)}" y="{TOP}" width="{round(x(w.end) - x(w.start), 1)}" '
            f'height="{BOTTOM - TOP}" fill="{fill}" stroke="#fff">'
            f"<title>{name}: {state}</title></rect>"
            f'<text x="{x(w.start) + 3}" y="{BOTTOM + 14}" font-size="10">{name}</text>'
        )
    parts += [
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{WIDTH - 10}" y2="{BOTTOM}" stroke="#999"/>',
        f'<line x1="{LEFT}" y1="{y(target)}" x2="{WIDTH - 10}" y2="{y(target)}" stroke="#c62828" '
        f'stroke-dasharray="6 4"><title>target {target} min</title></line>',
        f'<text x="2" y="{y(target) + 4}" font-size="10">{target} min</text>',
    ]
    for test in tests:
        value = measure(test)
        colour = "#2e7d32" if value <= target else "#c62828"
        tip = markup.attribute(f"{test.date}: {value} min ({test.result})")
        parts.append(
            f'<circle cx="{x(test.date)}" cy="{y(value)}" r="5" fill="{colour}">'
            f"<title>{tip}</title></circle>"
        )
    parts += ["</svg>", "</div>"]
    return parts
