"""`evidence-kit`: the engine from the terminal, with the same findings as the build."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__, clock, dashboard, engine, mkdocs_yml, report, review
from .schemas import SchemaError
from .settings import Settings, SettingsError, build_settings

CONFIG_ERROR = 2


def load_settings(config: Path, today: str | None) -> Settings:
    """Settings from a MkDocs config file; exits 2 with a message when they are unusable."""
    try:
        mkdocs_file = mkdocs_yml.read(config)
        return build_settings(
            mkdocs_file.options,
            root=config.resolve().parent,
            docs_dir=mkdocs_file.docs_dir,
            today=clock.today(today),
            config_file=config.name,
            option_marks=mkdocs_file.placeholder_marks,
        )
    except (mkdocs_yml.ConfigFileError, SettingsError, clock.ClockError) as exc:
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


@click.group()
@click.version_option(__version__, prog_name="evidence-kit")
def main() -> None:
    """Check and publish compliance evidence kept in git."""


@main.command()
@config_option
@today_option
@click.option(
    "--format",
    "output",
    type=click.Choice(sorted(report.FORMATS)),
    default="text",
    show_default=True,
)
def check(config: Path, today: str | None, output: str) -> None:
    """Check every document of the tree without building; exit 1 on errors."""
    settings = load_settings(config, today)
    try:
        evidence = engine.run(settings)
    except SchemaError as exc:
        _fail(str(exc))
    click.echo(report.FORMATS[output](evidence.findings), nl=False)
    sys.exit(1 if evidence.errors else 0)


@main.command()
@config_option
@today_option
@click.option(
    "--format",
    "output",
    type=click.Choice(sorted(dashboard.STATUS_FORMATS)),
    default="text",
    show_default=True,
)
def status(config: Path, today: str | None, output: str) -> None:
    """Every reviewable document by due date; exit 1 if a review is overdue (or required
    past its grace period) and not waived, or a document's review data cannot be read."""
    settings = load_settings(config, today)
    try:
        evidence = engine.run(settings)
    except SchemaError as exc:
        _fail(str(exc))
    result = review.reviews(evidence)
    click.echo(dashboard.STATUS_FORMATS[output](result), nl=False)
    sys.exit(1 if result.failing else 0)
