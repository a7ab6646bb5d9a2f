"""Measure Evidence Kit at scale, side by side with its floor and plain Material, in one run.

Every measurement is a fresh process, started by a tiny wrapper that times it and waits for
it with `wait4`, so its peak memory (max RSS) is its own. Repetitions are interleaved (check,
floor, check, floor...) so a change in machine load hits both sides of a ratio alike; the
median is reported.

    python -m benchmarks.run                      # the suite (`make bench`)
    python -m benchmarks.run --smoke              # tiny sizes, one run each: proves it works
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import corpus, detection, gate, published, redaction

REPO = corpus.REPO
SCHEMAS = REPO / "schemas"
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


@dataclass(frozen=True)
class Plan:
    """What to measure and how often."""

    check_sizes: tuple[int, int]
    """Small and large corpus for `evidence-kit check` and the floor."""
    build_sizes: tuple[int, int]
    """Small and large corpus for the builds; the large one is scanned."""
    base_size: int
    """A tiny corpus whose times are the fixed cost (start-up, imports, theme copy)."""
    check_repeat: int
    build_repeat: int
    full_nav_repeat: int


FULL = Plan((1000, 10000), (500, 2000), 10, check_repeat=3, build_repeat=3, full_nav_repeat=1)
SMOKE = Plan((10, 20), (10, 20), 5, check_repeat=1, build_repeat=1, full_nav_repeat=1)


@dataclass
class Sample:
    """One timed run of one command."""

    seconds: float
    max_rss_kib: int
    """The peak memory: the larger of `largest_rss_kib` and `tree_pss_kib`."""
    returncode: int
    largest_rss_kib: int = 0
    """The high-water RSS of the largest single process (rusage)."""
    tree_pss_kib: int = 0
    """The highest sum of the process tree's proportional set sizes, sampled every 20 ms."""


@dataclass
class Measurement:
    """Every run of one command on one corpus."""

    id: str
    what: str
    documents: int
    samples: list[Sample] = field(default_factory=list)
    available: bool = True
    failure: str = ""
    """The tail of the output of a run that failed, so a broken row is never silent."""

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def max_rss_mb(self) -> float:
        return statistics.median(s.max_rss_kib for s in self.samples) / 1024

    @property
    def ok(self) -> bool:
        return self.available and bool(self.samples) and not self.failure

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "what": self.what, "documents": self.documents}
        data["available"] = self.available
        if self.samples:
            data["median_s"] = round(self.seconds, 3)
            data["max_rss_mb"] = round(self.max_rss_mb, 1)
            data["samples"] = [asdict(s) | {"seconds": round(s.seconds, 3)} for s in self.samples]
        if self.failure:
            data["failure"] = self.failure
        return data


@dataclass(frozen=True)
class Target:
    """One bar of the issue, with the ratio measured in this run."""

    name: str
    bar: str
    limit: float
    at_least: bool
    value: float | None
    detail: str

    @property
    def status(self) -> str:
        if self.value is None:
            return "n/a"
        if self.limit == float("inf"):
            return "reported"
        holds = self.value >= self.limit if self.at_least else self.value <= self.limit
        return "PASS" if holds else "FAIL"

    def as_json(self) -> dict[str, Any]:
        value = None if self.value is None else round(self.value, 3)
        return {
            "name": self.name,
            "bar": self.bar,
            "value": value,
            "detail": self.detail,
            "status": self.status,
        }


# A small, fresh interpreter that starts the command and reports its rusage. Linux keeps
# the high-water RSS across exec, so a child forked straight from the runner (tens of MB
# after generating corpora) would report at least the runner's size; this wrapper is a
# few MB, below any command measured here.
#
# rusage gives the peak of the largest single process, and a build forks one (its
# pipeline, `core.isolated`): while both live, the machine holds both. So the wrapper also
# samples the whole process tree every 20 ms, adding up each process's proportional set
# size (a page shared after the fork counts once in all), and the peak memory reported is
# the larger of the two.
_WRAPPER = """\
import os, sys, threading, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
peak = 0
done = threading.Event()
def tree(root):
    found, todo = [], [root]
    while todo:
        process = todo.pop()
        found.append(process)
        try:
            for task in os.listdir(f"/proc/{process}/task"):
                with open(f"/proc/{process}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except OSError:
            pass
    return found
def pss(process):
    try:
        with open(f"/proc/{process}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
def sample():
    global peak
    while not done.wait(0.02):
        peak = max(peak, sum(pss(process) for process in tree(pid)))
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
done.set()
sampler.join()
with open(sys.argv[1], "w") as out:
    out.write(f"{seconds} {usage.ru_maxrss} {peak} {os.waitstatus_to_exitcode(status)}")
"""


def measure(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[Sample, str]:
    """Run `command` once: wall time, its peak memory (see `_WRAPPER`), exit code and
    output."""
    with tempfile.TemporaryDirectory() as scratch:
        report, log = Path(scratch) / "report", Path(scratch) / "log"
        wrapper = [sys.executable, "-I", "-S", "-c", _WRAPPER, str(report), *command]
        with log.open("wb") as output:
            subprocess.run(wrapper, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        seconds, max_rss, tree_pss, returncode = report.read_text().split()
        text = log.read_bytes().decode("utf-8", "replace")
    memory = max(int(max_rss), int(tree_pss))
    return Sample(float(seconds), memory, int(returncode), int(max_rss), int(tree_pss)), text


class Runner:
    """Runs the plan's commands into measurements and reports progress on stderr."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.measurements: dict[str, Measurement] = {}
        self.outputs: dict[str, str] = {}
        self.env = {
            **os.environ,
            "EVIDENCE_TODAY": corpus.TODAY.isoformat(),
            "NO_MKDOCS_2_WARNING": "1",
        }
        bin_dir = Path(sys.executable).parent
        self.kit = str(bin_dir / "evidence-kit") if (bin_dir / "evidence-kit").exists() else ""
        self.kit = self.kit or shutil.which("evidence-kit") or "evidence-kit"

    def log(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)

    def run(
        self,
        id: str,
        what: str,
        documents: int,
        command: Sequence[str],
        cwd: Path,
        before: Callable[[], None] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        """One timed run of `command`, added to the measurement `id`."""
        row = self.measurements.setdefault(id, Measurement(id, what, documents))
        if before:
            before()
        sample, output = measure(command, cwd, {**self.env, **(env or {})})
        row.samples.append(sample)
        self.outputs[id] = output
        if sample.returncode != 0 and not row.failure:
            tail = "\n".join(output.strip().splitlines()[-15:])
            row.failure = f"exit {sample.returncode}: {tail}"
        self.log(f"  {id:<22} {sample.seconds:8.2f} s {sample.max_rss_kib / 1024:8.1f} MB")

    def unavailable(self, id: str, what: str, documents: int, why: str) -> None:
        self.measurements[id] = Measurement(id, what, documents, available=False, failure=why)
        self.log(f"  {id:<22} not available: {why}")

    def check(self, project: Path, documents: int) -> None:
        command = [self.kit, "check", "-f", corpus.CONFIG, "--format", "json"]
        self.run(f"check-{documents}", "evidence-kit check", documents, command, project)

    def check_internal(self, project: Path, documents: int) -> None:
        """`check` of the internal edition: no redaction pass, so the difference to `check`
        is what redaction costs."""
        command = [self.kit, "check", "-f", corpus.CONFIG, "--format", "json"]
        what = "evidence-kit check, internal edition (no redaction)"
        id = f"check-internal-{documents}"
        self.run(id, what, documents, command, project, env={"EVIDENCE_AUDIENCE": "internal"})

    def floor(self, project: Path, documents: int) -> None:
        command = [sys.executable, "-m", "benchmarks.floor", str(project / corpus.DOCS_DIR)]
        command.append(str(SCHEMAS))
        self.run(
            f"floor-{documents}", "floor: read + C YAML + jsonschema-rs", documents, command, REPO
        )

    def build(self, project: Path, documents: int, variant: str, config: str, what: str) -> None:
        site = project / f"site-{variant}"
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config]
        command += ["-d", str(site)]

        def clean() -> None:
            shutil.rmtree(site, ignore_errors=True)

        self.run(f"{variant}-{documents}", what, documents, command, project, clean)

    def zensical(self, project: Path, documents: int) -> None:
        """`evidence-kit build --builder zensical`: the same audit site without MkDocs."""
        site = project / "site-zensical"
        command = [self.kit, "build", "--builder", "zensical", "-f", corpus.CONFIG]
        command += ["--site-dir", str(site)]
        id, what = f"zensical-{documents}", "audit build with Zensical (evidence-kit build)"
        if importlib.util.find_spec("zensical") is None:
            self.unavailable(id, what, documents, "zensical is not installed")
            return
        self.run(id, what, documents, command, project)


BUILD = ("build", corpus.CONFIG, "audit build (plugin, small nav)")
PLAIN = ("plain", corpus.CONFIG_PLAIN, "plain Material (small nav)")
FULL_NAV = ("full-nav", corpus.CONFIG_FULL_NAV, "plain Material (every page in nav)")
PUBLISHED = (
    "published",
    published.CONFIG,
    "plain Material over the pages the audit build publishes (small nav)",
)


def run_plan(plan: Plan, out: Path, quiet: bool = False) -> dict[str, Any]:
    """Generate the corpora, run every measurement and compute the targets."""
    started = time.perf_counter()
    machine = machine_info()
    runner = Runner(quiet)
    sizes = sorted({plan.base_size, *plan.check_sizes, *plan.build_sizes})
    projects: dict[int, Path] = {}
    corpora = []
    for size in sizes:
        generated = corpus.generate(out / f"corpus-{size}", size)
        projects[size] = generated.root
        corpora.append(
            {
                "documents": generated.documents,
                "sections": generated.sections,
                "megabytes": round(generated.bytes / 1e6, 2),
                "kinds": generated.kinds,
            }
        )
        runner.log(f"corpus {size}: {generated.bytes / 1e6:.1f} MB in {generated.root}")

    base, (small, large) = plan.base_size, plan.check_sizes
    for rep in range(plan.check_repeat):
        runner.log(f"check, run {rep + 1} of {plan.check_repeat}")
        runner.check(projects[base], base)
        for size in (small, large):
            runner.check(projects[size], size)
            runner.floor(projects[size], size)
        runner.check_internal(projects[large], large)

    small, large = plan.build_sizes
    runner.log(f"staging the pages the audit build of {large:,} publishes")
    published.stage(projects[large])
    for rep in range(plan.build_repeat):
        runner.log(f"builds, run {rep + 1} of {plan.build_repeat}")
        runner.build(projects[base], base, *BUILD)
        for size in (small, large):
            runner.build(projects[size], size, *PLAIN)
            if size == large:
                runner.build(projects[size], size, *PUBLISHED)
            runner.build(projects[size], size, *BUILD)
            runner.zensical(projects[size], size)
    for rep in range(plan.full_nav_repeat):
        runner.log(f"full nav, run {rep + 1} of {plan.full_nav_repeat}")
        runner.build(projects[large], large, *FULL_NAV)

    site = projects[large] / "site-build"
    site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    scan_id, scan_what = f"scan-{large}", "evidence-kit scan of the audit site"
    available = measure([runner.kit, "scan", "--help"], REPO, runner.env)[0].returncode == 0
    if not available:
        runner.unavailable(scan_id, scan_what, large, "evidence-kit scan is not available")
    elif not site.is_dir():
        runner.unavailable(scan_id, scan_what, large, "the audit build failed; no site")
    else:
        runner.log("scan")
        for _ in range(plan.check_repeat):
            runner.run(scan_id, scan_what, large, [runner.kit, "scan", str(site)], projects[large])

    gate_speed = None
    if site.is_dir():
        runner.log("gate, with and without its helper")
        gate_speed = gate.throughput(site, projects[large] / corpus.CONFIG, plan.check_repeat)
    runner.log("redaction's share of check, timed inside each run")
    checked = plan.check_sizes[1]  # the largest check, as the other check figures
    redaction_share = redaction.share(
        projects[checked] / corpus.CONFIG, corpus.TODAY.isoformat(), plan.check_repeat
    )
    for size in plan.check_sizes:
        _record_findings(runner, f"check-{size}", corpora)
    machine["load_average_end"] = _load_average()
    results = {
        "plan": asdict(plan),
        "machine": machine,
        "corpora": corpora,
        "measurements": [m.as_json() for m in runner.measurements.values()],
        "targets": [
            t.as_json() for t in targets(plan, runner.measurements, gate_speed, redaction_share)
        ],
        "scan": scan_info(runner.measurements.get(scan_id), site_bytes),
        "gate": gate_speed,
        "redaction": redaction_share,
        "detection": detection.measure(),
        "runtime_s": round(time.perf_counter() - started, 1),
    }
    return results


def _record_findings(runner: Runner, id: str, corpora: list[dict[str, Any]]) -> None:
    """The corpus' finding counts from the last check's JSON, so a dirty corpus shows."""
    try:
        summary = json.loads(runner.outputs.get(id, ""))["summary"]
    except (ValueError, KeyError, TypeError):
        summary = {"errors": None, "warnings": None}
    documents = runner.measurements[id].documents
    for entry in corpora:
        if entry["documents"] == documents:
            entry["check"] = summary


def _median(rows: dict[str, Measurement], id: str) -> float | None:
    row = rows.get(id)
    return row.seconds if row is not None and row.ok else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b and b > 0 else None


def _per_doc(total: float | None, fixed: float | None, documents: int, base: int) -> float | None:
    """Seconds per document once the fixed cost (the base corpus' time) is taken out."""
    if total is None or fixed is None or documents <= base or total <= fixed:
        return None  # too few documents to rise above the noise of the fixed cost
    return (total - fixed) / (documents - base)


def _shown(value: float | None, bar: str) -> str:
    """A target's value in its bar's unit: a ratio, a share or a speed."""
    if value is None:
        return "n/a"
    if bar.endswith("%"):
        return f"{value:.1%}"
    if bar.endswith("MB/s"):  # a bar, or a figure only reported
        return f"{value:.1f} MB/s"
    return f"{value:.2f}x"


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _us(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1e6:,.0f} us"


def targets(
    plan: Plan,
    rows: dict[str, Measurement],
    gate_speed: dict[str, Any] | None = None,
    redaction_share: dict[str, float] | None = None,
) -> list[Target]:
    """The issues' bars, each a ratio of two measurements of this run (the gate's MB/s is
    the one absolute figure)."""
    base, (cs, cl), (bs, bl) = plan.base_size, plan.check_sizes, plan.build_sizes
    check_l, floor_l = _median(rows, f"check-{cl}"), _median(rows, f"floor-{cl}")
    check_fixed = _median(rows, f"check-{base}")
    check_s = _per_doc(_median(rows, f"check-{cs}"), check_fixed, cs, base)
    check_per_l = _per_doc(check_l, check_fixed, cl, base)
    build_l, plain_l = _median(rows, f"build-{bl}"), _median(rows, f"plain-{bl}")
    published_l = _median(rows, f"published-{bl}")
    full_l = _median(rows, f"full-nav-{bl}")
    build_fixed = _median(rows, f"build-{base}")
    build_s = _per_doc(_median(rows, f"build-{bs}"), build_fixed, bs, base)
    build_per_l = _per_doc(build_l, build_fixed, bl, base)
    build_row, plain_row = rows.get(f"build-{bl}"), rows.get(f"plain-{bl}")
    rss_build = build_row.max_rss_mb if build_row and build_row.ok else None
    rss_plain = plain_row.max_rss_mb if plain_row and plain_row.ok else None
    check_internal_l = _median(rows, f"check-internal-{cl}")
    audit_extra = None
    if check_l is not None and check_internal_l is not None and check_l > 0:
        audit_extra = max(0.0, check_l - check_internal_l) / check_l
    zensical_l = _median(rows, f"zensical-{bl}")
    mb_per_s = gate_speed.get("mb_per_s") if gate_speed else None
    return [
        Target(
            f"check at {cl:,} documents vs the floor",
            "<= 2.0x",
            2.0,
            False,
            _ratio(check_l, floor_l),
            f"{_s(check_l)} vs {_s(floor_l)}",
        ),
        Target(
            f"check per-document cost at {cl:,} vs at {cs:,}",
            "<= 1.2x",
            1.2,
            False,
            _ratio(check_per_l, check_s),
            f"{_us(check_per_l)} vs {_us(check_s)} per document, fixed cost "
            f"{_s(check_fixed)} taken out",
        ),
        Target(
            f"audit build at {bl:,} documents vs plain Material, same small nav",
            "<= 1.25x",
            1.25,
            False,
            _ratio(build_l, plain_l),
            f"{_s(build_l)} vs {_s(plain_l)}",
        ),
        Target(
            f"every page in Material's nav vs the audit build at {bl:,}",
            ">= 10x",
            10.0,
            True,
            _ratio(full_l, build_l),
            f"{_s(full_l)} vs {_s(build_l)}",
        ),
        Target(
            f"build per-page cost at {bl:,} vs at {bs:,}",
            "<= 1.25x",
            1.25,
            False,
            _ratio(build_per_l, build_s),
            f"{_us(build_per_l)} vs {_us(build_s)} per page, fixed cost "
            f"{_s(build_fixed)} taken out",
        ),
        Target(
            f"peak memory of the audit build at {bl:,} vs plain Material",
            "<= 1.5x",
            1.5,
            False,
            _ratio(rss_build, rss_plain),
            "n/a"
            if rss_build is None or rss_plain is None
            else f"{rss_build:.0f} MB vs {rss_plain:.0f} MB",
        ),
        Target(
            f"the gate over the audit site at {bl:,} (shared with its helper)",
            ">= 50 MB/s",
            50.0,
            True,
            mb_per_s,
            "n/a"
            if not gate_speed
            else f"{gate_speed['site_megabytes']} MB in {gate_speed['seconds']} s",
        ),
        Target(
            f"redaction's share of check at {cl:,} documents, timed inside each run",
            "<= 10%",
            0.10,
            False,
            redaction_share["share"] if redaction_share else None,
            "n/a"
            if not redaction_share
            else f"{_s(redaction_share['redaction_seconds'])} of "
            f"{_s(redaction_share['check_seconds'])}",
        ),
        Target(
            f"plain Material over the pages the audit build publishes at {bl:,} vs plain "
            "Material, same small nav",
            "reported",
            float("inf"),
            False,
            _ratio(published_l, plain_l),
            f"{_s(published_l)} vs {_s(plain_l)}",
        ),
        Target(
            f"audit build at {bl:,} vs plain Material over the pages it publishes",
            "reported",
            float("inf"),
            False,
            _ratio(build_l, published_l),
            f"{_s(build_l)} vs {_s(published_l)}",
        ),
        Target(
            f"audit build with Zensical at {bl:,} vs plain Material, same small nav",
            "reported",
            float("inf"),
            False,
            _ratio(zensical_l, plain_l),
            f"{_s(zensical_l)} vs {_s(plain_l)}",
        ),
        Target(
            f"audit check vs internal-edition check at {cl:,} (redaction and the audit "
            "edition's other rules), as the time two runs differ by",
            "reported, %",
            float("inf"),
            False,
            audit_extra,
            f"{_s(check_l)} audit vs {_s(check_internal_l)} internal edition",
        ),
        Target(
            f"the gate over the audit site at {bl:,}, in one process",
            "reported, MB/s",
            float("inf"),
            True,
            gate_speed.get("one_process_mb_per_s") if gate_speed else None,
            "n/a"
            if not gate_speed
            else f"{gate_speed['site_megabytes']} MB in {gate_speed['one_process_seconds']} s",
        ),
    ]


def scan_info(row: Measurement | None, site_bytes: int) -> dict[str, Any]:
    """Throughput of the post-build scan over the large audit site."""
    info: dict[str, Any] = {"site_megabytes": round(site_bytes / 1e6, 2)}
    if row is None or not row.ok:
        info["mb_per_s"] = None
        info["note"] = row.failure if row is not None else "not measured"
    else:
        info["mb_per_s"] = round(site_bytes / 1e6 / row.seconds, 1)
    return info


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
        memory = f"{int(total.group(1)) / 1024**2:.1f} GB" if total else ""
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for package in ("evidence-kit", "mkdocs", "mkdocs-material", "PyYAML", "jsonschema"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": _commit(),
        "load_average_start": _load_average(),
    }


def _commit() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def under_load(machine: dict[str, Any]) -> bool:
    """True when other work competed for the CPUs at the start or the end of the run."""
    cores = machine.get("cores") or 1
    loads = [*machine["load_average_start"][:1], *machine.get("load_average_end", [])[:1]]
    return any(load > 0.5 * cores for load in loads)


def markdown(results: dict[str, Any]) -> str:
    """The targets and the measurements as markdown tables, with the machine above them."""
    m = results["machine"]
    v = m["versions"]
    load = ", ".join(str(x) for x in m["load_average_start"])
    lines = [
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory']} "
        f"({m['system']}); Python {m['python']}, MkDocs {v['mkdocs']}, "
        f"Material {v['mkdocs-material']}, PyYAML {v['PyYAML']}, jsonschema {v['jsonschema']}; "
        f"commit {m['commit']}; suite runtime {results['runtime_s'] / 60:.1f} min.",
        "",
    ]
    if under_load(m):
        lines += [
            f"**Measured under load** (load average at start {load}): other work shared the "
            "CPUs, so absolute times are noisy; the ratios compare runs interleaved in time.",
            "",
        ]
    lines += ["| Target | Bar | Measured | Result |", "| --- | --- | --- | --- |"]
    for t in results["targets"]:
        value = _shown(t["value"], t["bar"])
        lines.append(f"| {t['name']} | {t['bar']} | {value} ({t['detail']}) | {t['status']} |")
    lines += [
        "",
        "| Measurement | Documents | Median | Runs | Peak memory |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in results["measurements"]:
        if not row["available"]:
            lines.append(f"| {row['what']} | {row['documents']:,} | not available | | |")
            continue
        failed = " (failed)" if row.get("failure") else ""
        lines.append(
            f"| {row['what']}{failed} | {row['documents']:,} | {row['median_s']:.2f} s "
            f"| {len(row['samples'])} | {row['max_rss_mb']:.0f} MB |"
        )
    scan = results["scan"]
    if scan["mb_per_s"] is not None:
        lines += ["", f"Scan throughput: {scan['mb_per_s']} MB/s over {scan['site_megabytes']} MB."]
    else:
        lines += ["", f"Scan throughput: not available ({scan['note'].splitlines()[0]})."]
    sizes = ", ".join(
        f"{c['documents']:,} documents ({c['megabytes']} MB"
        + (f", check: {c['check']['errors']} errors" if "check" in c else "")
        + ")"
        for c in results["corpora"]
    )
    lines += ["", f"Corpora: {sizes}."]
    if "detection" in results:
        lines += ["", detection.markdown(results["detection"]).rstrip("\n")]
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, table: str) -> None:
    """Replace the text between the bench markers of the README with `table`."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"{readme}: no {README_START} ... {README_END} block to fill")
    text = text[: start + len(README_START)] + "\n" + table + text[end:]
    readme.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite, print the table, write the results; 0 unless a measurement failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument("--readme", type=Path, help="also fill this README's bench block")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    plan = SMOKE if args.smoke else FULL
    results = run_plan(plan, args.out, args.quiet)
    table = markdown(results)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.results / "latest.md").write_text(table)
    if args.readme:
        update_readme(args.readme, table)
    print(table)
    failed = [m["id"] for m in results["measurements"] if m["available"] and m.get("failure")]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
