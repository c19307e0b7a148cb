"""`flask ...` commands, each a thin call into services."""

import click
from flask import current_app

from .admin.cli import users as users_cli


def register_cli(app):
    from .content.cli import content

    app.cli.add_command(content)

    app.cli.add_command(users_cli)
    from .competencies.dictionary_cli import competencies

    app.cli.add_command(competencies)
    from .activities.cli import activities

    app.cli.add_command(activities)
    from .media.cli import media

    app.cli.add_command(media)
    from .ops.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)

    @app.cli.group()
    def demo():
        """Demo data for trying the product."""

    from .demo_generate import generate as demo_generate
    from .supervision.cli import reminders, team_figures_command

    demo.add_command(demo_generate)
    app.cli.add_command(reminders)
    app.cli.add_command(team_figures_command)

    @demo.command("seed")
    def demo_seed():
        """Create a demo agency with units and accounts (refused in production); with the
        shipped courses imported, also assignments and some progress."""
        from .demo import seed, seed_activity
        from .extensions import db

        if current_app.config["PRODUCTION"]:
            raise click.ClickException("refusing to load demo accounts into a production instance")
        from .competencies.demo import seed_competencies

        created = seed()
        activity = seed_activity()
        competency_rows = seed_competencies()
        from .activities.demo import seed_development

        development = seed_development()
        db.session.commit()
        if created:
            click.echo(f"demo data loaded: {created} accounts (password: see README)")
        else:
            click.echo("demo accounts already present")
        if activity:
            click.echo("demo activity loaded: course owners, assignments, progress")
        if competency_rows:
            click.echo("demo competency data loaded: dictionary, standards, assessments, plans")
        if development:
            click.echo("demo development data loaded: activities, partner, mentoring, project")
