"""`evidence-kit`: the engine from the terminal, with the same findings as the build."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__, builders, pipeline, registry
from .authoring import attest, scaffold, starter
from .core import asof, changed, clock, editor, mkdocs_yml, moments
from .core.loader import load_tree
from .core.options.controls import catalogues
from .core.schemas import SchemaError, SchemaSet, builtin_dir
from .core.settings import Settings, SettingsError
from .pages import dashboard
from .publish import gate, manifest
from .report import bundle as auditor_bundle
from .report import formats as report

CONFIG_ERROR = 2


def load_settings(config: Path, today: str | None) -> Settings:
    """Settings from a MkDocs config file; exits 2 with a message when they are unusable."""
    try:
        mkdocs_file = mkdocs_yml.read(config)
        return pipeline.settings(
            mkdocs_file.options,
            root=config.resolve().parent,
            docs_dir=mkdocs_file.docs_dir,
            today=clock.today(today),
            config_file=config.name,
            option_marks=mkdocs_file.placeholder_marks,
        )
    except (mkdocs_yml.ConfigFileError, SettingsError, clock.ClockError) as exc:
        _fail(str(exc))


@contextlib.contextmanager
def project(
    config: Path, today: str | None, as_of: str | None
) -> Iterator[tuple[Path, Settings, asof.Checkout | None]]:
    """The config and settings to run on: the working tree, or with `as_of` the tree as it
    was committed at the end of that day, in a temporary checkout (removed afterwards) with
    the clock set to that day. Exits 2 when that tree cannot be had."""
    if as_of is None:
        yield config, load_settings(config, today), None
        return
    if today is not None:
        _fail("--as-of sets the clock to that day; leave out --today")
    try:
        day = dt.date.fromisoformat(as_of.strip())
    except ValueError:
        _fail(f"--as-of={as_of!r} is not a date; write YYYY-MM-DD")
    if not config.is_file():
        _fail(f"{config}: no such config file")
    try:
        with asof.checkout(config.resolve().parent, day) as past:
            past_config = past.config(config)
            yield past_config, load_settings(past_config, day.isoformat()), past
    except asof.AsOfError as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    click.echo(f"evidence-kit: error: {message}", err=True)
    sys.exit(CONFIG_ERROR)


config_option = click.option(
    "--config",
    "-f",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The MkDocs config that enables the evidence plugin.",
)
today_option = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help=f"The date every date rule uses (default: ${clock.ENV_VAR}, else today).",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Use the evidence as committed at the end of that day (UTC), with the clock set to it.",
)


def choose_format(formats: Iterable[str], help: str | None = None) -> Any:
    """A `--format` option over `formats`, text by default."""
    return click.option(
        "--format",
        "output",
        type=click.Choice(sorted(formats)),
        default="text",
        show_default=True,
        help=help,
    )


format_option = choose_format(report.FORMATS)


@click.group()
@click.version_option(__version__, prog_name="evidence-kit")
def main() -> None:
    """Check and publish compliance evidence kept in git."""


@main.command()
@config_option
@today_option
@as_of_option
@format_option
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check(
    config: Path,
    today: str | None,
    as_of: str | None,
    output: str,
    strict: bool,
    files: tuple[Path, ...],
) -> None:
    """Check every document of the tree without building; exit 1 on errors.

    With FILES (as pre-commit passes them) the whole tree is still read, so rules across
    files see everything, but only the findings in FILES and those about the project are
    reported; a changed config, schema or data file reports everything.
    """
    with project(config, today, as_of) as (_, settings, _past):
        try:
            evidence = pipeline.assess(settings)
        except SchemaError as exc:
            _fail(str(exc))
        scope = changed.limit(evidence, files) if files else changed.whole(evidence)
    click.echo(
        report.FORMATS[output](scope.findings, checked=scope.checked, strict=strict), nl=False
    )
    if scope.left_out:
        click.echo(
            f"evidence-kit: {scope.left_out} more finding{'s' * (scope.left_out != 1)} in files "
            "not given; run evidence-kit check without files to see them",
            err=True,
        )
    failed = any(f.is_error for f in scope.findings) or (strict and bool(scope.findings))
    sys.exit(1 if failed else 0)


@main.command()
@config_option
@today_option
@as_of_option
@choose_format(dashboard.STATUS_FORMATS)
def status(config: Path, today: str | None, as_of: str | None, output: str) -> None:
    """Every reviewable document by due date; exit 1 if a review is overdue (or required
    past its grace period) and not waived, or a document's review data cannot be read."""
    with project(config, today, as_of) as (_, settings, _past):
        try:
            evidence = pipeline.assess(settings)
        except SchemaError as exc:
            _fail(str(exc))
        result = evidence.statuses
        if output == "json":
            # The audit period's facts too: review verdicts, on-call gaps, restore tests.
            click.echo(dashboard.status_json_with_period(evidence), nl=False)
        else:
            click.echo(dashboard.STATUS_FORMATS[output](result), nl=False)
    sys.exit(1 if result.failing else 0)


@main.group()
def new() -> None:
    """Start a new evidence file from the kit's templates (never over an existing file)."""


def _moment_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    found = moments.moment(value)
    if found is None:
        raise click.BadParameter(
            f"{value!r} is not a date-time with its UTC offset; "
            "write e.g. 2026-11-24T09:15:00+00:00"
        )
    return found


@new.command("postmortem")
@config_option
@click.option("--title", required=True, help="A one-line summary of the incident.")
@click.option(
    "--severity",
    required=True,
    metavar="LEVEL",
    help="A level of the severity scale (incidents: severities; default SEV1, SEV2, SEV3).",
)
@click.option(
    "--start",
    required=True,
    metavar="DATETIME",
    callback=_moment_option,
    help="When the incident started: ISO 8601 with its UTC offset.",
)
@click.option(
    "--end", metavar="DATETIME", callback=_moment_option, help="When it ended, if it has."
)
@click.option(
    "--dir",
    "folder",
    metavar="FOLDER",
    help="The folder below docs_dir to write to (default: the folder of the postmortems).",
)
def new_postmortem(
    config: Path,
    title: str,
    severity: str,
    start: dt.datetime,
    end: dt.datetime | None,
    folder: str | None,
) -> None:
    """Write postmortems/YYYY-MM-DD-slug.md as a draft from the postmortem template."""
    if not title.strip() or "\n" in title:
        raise click.BadParameter("give a one-line title", param_hint="--title")
    if end is not None and end <= start:
        raise click.BadParameter("the incident must end after it starts", param_hint="--end")
    settings = load_settings(config, None)
    scale = settings.incidents.severities
    if severity not in scale:
        raise click.BadParameter(
            f"{severity!r} is not one of {', '.join(scale)}", param_hint="--severity"
        )
    incident = scaffold.Incident(title.strip(), severity, start, end)
    try:
        where = (
            scaffold.checked_folder(folder)
            if folder is not None
            else scaffold.postmortem_folder(load_tree(settings), settings)
        )
        path = settings.docs_dir / where / scaffold.file_name(incident)
        shown = settings.rel(path)
        scaffold.write_new(path, scaffold.fill(scaffold.template(), incident), shown)
    except scaffold.ScaffoldError as exc:
        _fail(str(exc))
    click.echo(f"created {shown} (draft): fill in its blanks, then run evidence-kit check")


site_argument = click.argument(
    "site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)


@main.command()
@site_argument
@config_option
@today_option
@format_option
def scan(site_dir: Path, config: Path, today: str | None, output: str) -> None:
    """Scan a built site for anything that must not be published; exit 1 on findings."""
    settings = load_settings(config, today)
    findings = gate.scan(site_dir, settings, site_dir.as_posix())
    click.echo(report.FORMATS[output](findings), nl=False)
    sys.exit(1 if any(f.is_error for f in findings) else 0)


@main.command("build")
@config_option
@today_option
@as_of_option
@click.option(
    "--builder",
    type=click.Choice(sorted(builders.BUILDERS)),
    default="mkdocs",
    show_default=True,
    help="The program that renders the staged site.",
)
@click.option(
    "--site-dir",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: site_dir of the config).",
)
def build_site(
    config: Path, today: str | None, as_of: str | None, builder: str, site_dir: Path | None
) -> None:
    """Build the site with any builder, sanitized before it runs: the pipeline's pages are
    staged with a config that needs no plugin, the builder runs, then the print page, the
    manifest and the gate. Exit 1 on errors (nothing is built) or gate findings.

    With --as-of the site is built from the evidence as committed at the end of that day,
    with the clock set to it, into the usual site folder; footer and manifest say so."""
    try:
        # The site goes where the working tree's config says, also for a build of the past.
        target = site_dir if site_dir is not None else mkdocs_yml.read(config).site_dir
    except mkdocs_yml.ConfigFileError as exc:
        _fail(str(exc))
    with project(config, today, as_of) as (used_config, settings, past):
        try:
            result = builders.build(
                settings,
                builders.BUILDERS[builder],
                used_config,
                target,
                as_of=past.day.isoformat() if past else "",
            )
        except (SchemaError, mkdocs_yml.ConfigFileError) as exc:
            _fail(str(exc))
        except builders.BuildError as exc:
            if exc.output:
                click.echo(exc.output.rstrip("\n"), err=True)
            click.echo(f"evidence-kit: error: {exc}", err=True)
            sys.exit(1)
    for note in result.notes:
        click.echo(note, err=True)
    click.echo(report.FORMATS["text"](result.findings), nl=False)
    if past is not None:
        click.echo(
            f"evidence-kit: the evidence as of {past.day} is commit {past.commit[:12]} "
            f"({past.committed})",
            err=True,
        )
    shown = _shown(result.site_dir, config)
    if not result.built:
        click.echo(f"evidence-kit: errors in the evidence; {builder} did not run", err=True)
    elif result.failed:
        click.echo(f"evidence-kit: the gate failed the site {shown} built by {builder}", err=True)
    else:
        edition = settings.publish.audience
        click.echo(f"evidence-kit: {builder} built the {edition} edition into {shown}", err=True)
    sys.exit(1 if result.failed else 0)


def _shown(path: Path, config: Path) -> str:
    """`path` relative to the project of `config` when inside it."""
    try:
        return path.resolve().relative_to(config.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()


@main.command()
@site_argument
@format_option
def verify(site_dir: Path, output: str) -> None:
    """Check a built site against its manifest: exit 1 if a file was added, removed or
    changed after the build."""
    findings = manifest.verify(site_dir, site_dir.as_posix())
    click.echo(report.FORMATS[output](findings), nl=False)
    sys.exit(1 if findings else 0)


@main.command("bundle")
@site_argument
@click.option(
    "--output",
    "-o",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The zip to write, e.g. evidence-2026.zip.",
)
def bundle(site_dir: Path, out: Path) -> None:
    """Bundle a built audit site for the auditor: the whole site as one PDF (cover, numbered
    contents, every page in nav order, an outline), the manifest, the controls matrix and
    the incident population as CSV, a README. SOURCE_DATE_EPOCH fixes every timestamp."""
    try:
        content = auditor_bundle.bundle(site_dir)
    except auditor_bundle.BundleError as exc:
        _fail(str(exc))
    out.write_bytes(content)
    click.echo(f"wrote {out.as_posix()} ({len(content):,} bytes)")


@main.command("rules")
@choose_format(
    report.RULE_FORMATS, "text: a table for people; json: for tools; markdown: the README's table."
)
def list_rules(output: str) -> None:
    """List every rule: id, family, default severity, whether a waiver may cover it, summary."""
    click.echo(report.RULE_FORMATS[output](list(registry.RULES.values())), nl=False)


@main.command("controls")
@click.argument("catalogue", required=False)
@config_option
def list_controls(catalogue: str | None, config: Path) -> None:
    """List the controls documents may cite (`controls: [SOC2:CC7.3]`): the shipped
    catalogues and, when the config names them, the project's own."""
    known = load_settings(config, None).controls.known() if config.is_file() else catalogues()
    if catalogue is not None and catalogue not in known:
        _fail(f"unknown catalogue {catalogue!r}; use {' or '.join(sorted(known))}")
    for cat in [known[catalogue]] if catalogue else known.values():
        click.echo(f"# {cat.name}")
        for control in cat.controls:
            click.echo(f"{control.ref}\t{control.title}")


@main.command("schema")
@click.argument("doc_type", metavar="TYPE")
@config_option
def print_schema(doc_type: str, config: Path) -> None:
    """Print TYPE's JSON Schema, self-contained, for editors (the project's own types too)."""
    folders = [builtin_dir()]
    if config.exists():
        settings = load_settings(config, None)
        if settings.schemas_dir is not None:
            folders.append(settings.schemas_dir)
    try:
        SchemaSet(folders)
        schema = editor.bundled(folders, doc_type)
    except SchemaError as exc:
        _fail(str(exc))
    except editor.UnknownType:
        _fail(f"unknown type {doc_type!r}; use one of {', '.join(editor.types(folders))}")
    click.echo(json.dumps(schema, indent=2))


@main.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Start an evidence repository in DIRECTORY: mkdocs.yml, the kit's folders and the
    runbook template, never reviewed yet. Existing files are never overwritten. In a MkDocs
    project, the pages go below its docs_dir and the evidence plugin is added to its
    mkdocs.yml when that can be done by adding lines; else init prints the lines to add."""
    try:
        done = starter.init(directory)
    except starter.InitError as exc:
        _fail(str(exc))
    for item in done.written:
        state = "created" if item.created else "kept (exists)"
        click.echo(f"{state}: {(directory / item.path).as_posix()}")
    config = (directory / "mkdocs.yml").as_posix()
    outcome = done.config
    if outcome is not None and outcome.text is not None:
        click.echo(f"added the evidence plugin: {config}")
    elif outcome is not None and outcome.present:
        click.echo(f"kept (has the evidence plugin): {config}")
    elif outcome is not None:
        click.echo(f"kept (not edited: {outcome.reason}): {config}")
        click.echo(f"Add the evidence plugin to {config} yourself, {outcome.where}")
        click.echo(outcome.lines, nl=False)
    click.echo(
        f"Next: give the placeholders in {config} their values "
        f"(evidence-kit check --config {config} lists the missing ones), "
        "then build with mkdocs build --strict."
    )


@main.command("review")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", "by", required=True, help="Who reviewed the document.")
@click.option("--date", "date", help="The day of the review, YYYY-MM-DD (default: today).")
@click.option("--note", "note", help="What the review found or changed, in a line.")
@config_option
@today_option
def review_document(
    path: Path, by: str, date: str | None, note: str | None, config: Path, today: str | None
) -> None:
    """Record a review of PATH in its front matter (last_reviewed, reviewed_by, review_note),
    changing nothing else in the file."""
    settings = load_settings(config, today)
    day = settings.today
    if date is not None:
        found = moments.as_date(date)
        if found is None:
            _fail(f"--date: {date!r} is not a date; write YYYY-MM-DD")
        day = found
    try:
        done = attest.record(
            settings, pipeline.load_schemas(settings), path, by=by, date=day, note=note
        )
    except (attest.ReviewError, SchemaError) as exc:
        _fail(str(exc))
    before = f"was {done.previous}" if done.previous else "no review before"
    click.echo(f"reviewed: {done.path} on {done.date} by {done.by} ({before})")
