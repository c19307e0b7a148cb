"""`flask media ...`: where the file bytes live (elearn/media/store.py)."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group()
def media():
    """Files of courses, drafts and evidence."""


@media.command("to-s3")
@with_appcontext
def to_s3():
    """Move the bytes still kept in the database to the S3 bucket (MEDIA_STORE=s3 first).
    Safe to interrupt and run again."""
    from .store import S3, StorageUnavailable, backend, move_to_s3

    if backend() != S3:
        raise click.ClickException("set ELEARN_MEDIA_STORE=s3 and the MEDIA_S3_* settings first")
    try:
        rows, size = move_to_s3()
    except StorageUnavailable as error:
        raise click.ClickException(
            f"the bucket did not answer ({error}); the files moved before stay moved, run the"
            " command again"
        ) from error
    bucket = current_app.config["MEDIA_S3_BUCKET"]
    click.echo(f"{rows} files ({size / 1e6:.1f} MB) moved to the bucket {bucket}")
