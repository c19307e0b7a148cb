"""`flask competencies ...`: the competency dictionary and position standards from files."""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

competencies = AppGroup("competencies", help="Competency dictionary and position standards.")


def _run(what, file, dry_run):
    from ..tabular import import_command
    from .dictionary_import import import_file

    import_command(
        lambda data, name: import_file(what, data, filename=name, via="cli"), file, dry_run
    )


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
