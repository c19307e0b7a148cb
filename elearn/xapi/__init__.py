"""xAPI statements to a Learning Record Store: an outbox in the database (statements.py),
sent in batches by the worker every minute and by `flask xapi send` (sender.py)."""

import click
from huey import crontab

from ..jobs.queue import periodic


def init_xapi(app):
    """Register the sending job and the command."""
    app.cli.add_command(xapi_cli)


@periodic("xapi.send", crontab(minute="*"))
def send_statements():
    from .sender import send_due

    send_due()


@click.group("xapi")
def xapi_cli():
    """xAPI statements to the Learning Record Store."""


@xapi_cli.command("send")
def send_command():
    """Send the statements that are due now (the worker does it every minute)."""
    from .sender import send_due, waiting

    result = send_due()
    left, failing = waiting()
    click.echo(f"sent {result.sent}, waiting {left} (of which {failing} failed before)")
    if result.error:
        click.echo(f"last error: {result.error}", err=True)
        raise SystemExit(1)
