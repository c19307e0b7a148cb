"""`flask users ...`: account administration from the command line."""

import os

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

users = AppGroup("users", help="Manage user accounts.")


@users.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and report, but save nothing.")
def import_command(file, dry_run):
    """Create or update people from a CSV FILE: every row is imported, or none.

    Columns: nip, nama, email, unit, jabatan, golongan, roles; optional: jenis, atasan_nip.
    """
    from ..extensions import db
    from .importer import import_users

    # No request here: messages use the instance's default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        result = import_users(file.read(), filename=os.path.basename(file.name), via="cli")
        if not result.ok:
            db.session.rollback()
            for problem in result.problems:
                prefix = f"line {problem.line}" if problem.line else "error"
                click.echo(f"{prefix}: {problem.message}", err=True)
            bad_lines = len({p.line for p in result.problems})
            click.echo(f"nothing imported: {bad_lines} line(s) with problems", err=True)
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
