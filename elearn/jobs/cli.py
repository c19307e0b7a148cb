"""`flask jobs worker`: the job queue's worker (exports, mail, the daily round, the sweeper)."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from . import services


@click.group("jobs")
def jobs_cli():
    """The job queue."""


@jobs_cli.command("worker")
@click.option("--workers", "-w", type=int, default=None, help="Jobs run at once (threads).")
@click.option(
    "--no-periodic", is_flag=True, help="Do not start scheduled jobs here (another worker does)."
)
@with_appcontext
def worker(workers, no_periodic):
    """Run jobs until stopped (Ctrl+C or SIGTERM: the running jobs finish first)."""
    huey = current_app.extensions["huey"]
    if huey.immediate:
        raise click.ClickException("JOBS_BACKEND is 'immediate': jobs run in the app, no worker.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    n = workers or current_app.config["JOBS_WORKERS"]
    consumer = huey.create_consumer(
        workers=n, worker_type="thread", periodic=not no_periodic, check_worker_health=True,
        graceful_signal="TERM",
    )  # fmt: skip
    click.echo(f"job worker: {n} threads, queue {type(huey.storage).__name__}")
    consumer.run()


@jobs_cli.command("sweep")
@with_appcontext
def sweep():
    """Queue again the jobs whose worker stopped; delete files past their keeping time."""
    requeued, failed = services.sweep()
    purged = services.purge()
    click.echo(f"{requeued} jobs queued again, {failed} failed, {purged} old files deleted")
