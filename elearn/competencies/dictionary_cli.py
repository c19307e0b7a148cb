"""`flask competencies ...`: the competency dictionary and position standards from files."""

import os

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

competencies = AppGroup("competencies", help="Competency dictionary and position standards.")


def _run(what, file, dry_run):
    from ..extensions import db
    from .dictionary_import import import_file

    # No request here: messages use the instance's default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        result = import_file(what, file.read(), filename=os.path.basename(file.name), via="cli")
        if not result.ok:
            db.session.rollback()
            for problem in result.problems:
                prefix = f"line {problem.line}" if problem.line else "error"
                click.echo(f"{prefix}: {problem.message}", err=True)
            click.echo(f"nothing imported: {result.bad_lines} line(s) with problems", err=True)
            raise click.exceptions.Exit(1)
        summary = (
            f"{result.rows} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
        if dry_run:
            db.session.rollback()
            click.echo(f"{summary} (dry run: nothing saved)")
        else:
            db.session.commit()
            click.echo(summary)


@competencies.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and report, but save nothing.")
def import_command(file, dry_run):
    """Create or update competencies from a CSV or XLSX FILE: every row, or none.

    Columns: kode, nama, jenis (teknis | manajerial | sosial kultural), level_1 .. level_5
    (the behaviour indicator of each level); optional: sektor, definisi. A known code (or, for
    a competency without one, the same kind and name) is updated; an empty cell keeps what is
    stored.
    """
    from .dictionary_import import DICTIONARY

    _run(DICTIONARY, file, dry_run)


@competencies.command("import-standards")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and report, but save nothing.")
def import_standards_command(file, dry_run):
    """Set the level positions require, from a CSV or XLSX FILE: every row, or none.

    Columns: jenis_jabatan (a position kind, by code or name) or jabatan (a position name),
    kode_kompetensi, level (1-5). A jabatan's standard wins over its position kind's.
    """
    from .dictionary_import import STANDARDS

    _run(STANDARDS, file, dry_run)


@competencies.command("load-defaults")
def load_defaults_command():
    """Load the shipped position kinds, the eight managerial competencies, Perekat Bangsa and
    the default standards. Only what is missing is added: edits are kept; a second run adds
    nothing."""
    from ..extensions import db
    from .dictionary_import import DefaultsError, load_defaults

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            out = load_defaults(via="cli")
        except DefaultsError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
    if not out.added and not out.filled:
        click.echo("defaults already present: nothing added")
        return
    click.echo(
        f"added {out.position_kinds} position kinds, {out.competencies} competencies "
        f"({out.filled} completed), {out.standards} standards"
    )
