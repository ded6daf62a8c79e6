"""`douane protect`: register confidential documents and tables as keyed fingerprints."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from douane.cli._common import config_option, load
from douane.config import Config
from douane.db import make_engine, migrate
from douane.errors import BadRequest
from douane.protect.loader import collect_files
from douane.protect.register import register_paths, register_table
from douane.protect.store import ProtectStore
from douane.types import Level

__all__ = ["protect_group"]

_LEVELS = click.Choice([lv.value for lv in Level])


def _store(config: Config) -> ProtectStore:
    engine = make_engine(config.database)
    migrate(engine)
    return ProtectStore(engine)


@click.group("protect")
def protect_group() -> None:
    """Register confidential documents and tables; only keyed fingerprints are stored.

    A running gateway loads the index at start-up: restart it after a change.
    """


@protect_group.command("add")
@config_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--level",
    type=_LEVELS,
    default="confidential",
    show_default=True,
    help="Level of the findings these documents produce.",
)
@click.option(
    "--label",
    default=None,
    help="Label the findings carry (default: each file's name without extension).",
)
def add(config_file: str | None, paths: tuple[Path, ...], level: str, label: str | None) -> None:
    """Fingerprint files (txt, md, source, PDF, DOCX); folders are read recursively."""
    config = load(config_file)
    store = _store(config)
    files = collect_files(paths)
    columns = (TextColumn("fingerprinting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("files", total=len(files))
        report = register_paths(
            config, store, files, label, Level(level), progress=lambda n: bar.advance(task, n)
        )
    click.echo(f"Added {report.added} document(s), updated {report.updated}.")
    for name in report.skipped:
        click.echo(f"Skipped (binary): {name}", err=True)
    for name in report.too_short:
        click.echo(f"Skipped (fewer than {config.protect.kgram} words): {name}", err=True)


@protect_group.command("add-table")
@config_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--columns", required=True, help="Comma-separated CSV columns to protect, e.g. name,account."
)
@click.option(
    "--level",
    type=_LEVELS,
    default="confidential",
    show_default=True,
    help="Level of the findings this table produces.",
)
@click.option("--label", default=None, help="Label the findings carry (default: file name).")
def add_table(
    config_file: str | None, file: Path, columns: str, level: str, label: str | None
) -> None:
    """Protect rows of a CSV table: values of one row in a prompt are flagged."""
    config = load(config_file)
    names = [c.strip() for c in columns.split(",") if c.strip()]
    new, rows = register_table(
        config, _store(config), file, names, label or file.stem, Level(level)
    )
    verb = "Added" if new else "Updated"
    click.echo(f"{verb} table {file.name}: {rows} row(s), columns {', '.join(names)}.")


@protect_group.command("list")
@config_option
def list_protected(config_file: str | None) -> None:
    """List registered documents and tables."""
    store = _store(load(config_file))
    table = Table("kind", "id", "name", "label", "level", "size", "added")
    for d in store.list_documents():
        table.add_row(
            "document",
            str(d.id),
            d.name,
            d.label,
            d.level.value,
            f"{d.words} words, {d.fingerprints} fingerprints",
            d.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    for t in store.list_tables():
        table.add_row(
            "table",
            str(t.id),
            t.name,
            t.label,
            t.level.value,
            f"{t.rows} rows, columns {','.join(t.columns)}",
            t.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    Console().print(table)


@protect_group.command("remove")
@config_option
@click.argument("items", nargs=-1)
@click.option("--label", default=None, help="Remove everything registered with this label.")
@click.option(
    "--table", "tables", is_flag=True, help="ITEMS name tables (ids or paths) instead of documents."
)
def remove(
    config_file: str | None, items: tuple[str, ...], label: str | None, tables: bool
) -> None:
    """Remove documents (or, with --table, tables) by id or registered path."""
    if not items and label is None:
        raise BadRequest("name at least one id or path, or give --label")
    store = _store(load(config_file))
    ids = [int(i) for i in items if i.isdigit()]
    names = [i for i in items if not i.isdigit()]
    names += [str(Path(n).resolve()) for n in names]
    if tables:
        removed = store.remove_tables(ids=ids, names=names, label=label)
    else:
        removed = store.remove_documents(ids=ids, names=names, label=label)
        if label is not None:
            removed += store.remove_tables(label=label)
    if removed == 0:
        raise BadRequest("nothing matched; see `douane protect list`")
    click.echo(f"Removed {removed} item(s).")
