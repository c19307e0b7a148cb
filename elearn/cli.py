"""`flask ...` commands, each a thin call into services."""

import click
from flask import current_app


def register_cli(app):
    @app.cli.group()
    def demo():
        """Demo data for trying the product."""

    @demo.command("seed")
    def demo_seed():
        """Create a demo agency with units and accounts (refused in production)."""
        from .demo import seed

        if current_app.config["PRODUCTION"]:
            raise click.ClickException("refusing to load demo accounts into a production instance")
        from .extensions import db

        created = seed()
        db.session.commit()
        if created:
            click.echo(f"demo data loaded: {created} accounts (password: see README)")
        else:
            click.echo("demo data already present; nothing changed")
