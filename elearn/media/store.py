"""Where the bytes of files live: course files, draft files and activity evidence.

Every file is a row of `asset_blobs`, named by the SHA-256 of its bytes and stored once. The bytes
are in that row (MEDIA_STORE = "database", the default: several app hosts need nothing but the
database) or in an S3-compatible bucket under MEDIA_S3_PREFIX + sha256 (MEDIA_STORE = "s3": a
database that stays small however many videos the courses carry). Rows written while the
instance kept bytes in the database stay readable after a switch to S3; `flask media to-s3`
moves them.

Writes upload before the row is added: an upload whose transaction is then rolled back leaves an
object nobody references (content-addressed, so never a wrong one), not a row without bytes.
An unreachable bucket raises StorageUnavailable, which the app answers with its 503 page: the
change is not saved, and the user is told so.
"""

from flask import current_app

DATABASE, S3 = "database", "s3"


class StorageUnavailable(Exception):
    """The object storage did not answer (or refused): try again in a moment."""


def backend():
    return current_app.config["MEDIA_STORE"]


def blob_row(sha256, data):
    """The `asset_blobs` values of these bytes, their bytes stored first where they go."""
    if backend() == S3:
        _put(sha256, data)
        return {"sha256": sha256, "size": len(data), "data": None}
    return {"sha256": sha256, "size": len(data), "data": data}


def ensure_blob(sha256, data):
    """Store these bytes unless a row holds them already (an upload is skipped then)."""
    from sqlalchemy import select

    from ..dbutil import insert_if_absent
    from ..extensions import db
    from ..models import AssetBlob

    if backend() == S3:
        known = db.session.scalar(select(AssetBlob.sha256).where(AssetBlob.sha256 == sha256))
        if known is not None:
            return
    insert_if_absent(AssetBlob, blob_row(sha256, data), ["sha256"])


def read(sha256):
    """The bytes of the blob `sha256` (None if there is no such row)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import AssetBlob

    row = db.session.execute(select(AssetBlob.data).where(AssetBlob.sha256 == sha256)).first()
    return None if row is None else contents(sha256, row.data)


def contents(sha256, data):
    """The bytes of a blob whose row was read with `data` (None: they are in the bucket)."""
    if data is not None:
        return data
    return _get(sha256)


def _client():
    from botocore.config import Config

    app = current_app._get_current_object()
    client = app.extensions.get("elearn_s3")
    if client is None:
        import boto3

        cfg = app.config
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=cfg["MEDIA_S3_ENDPOINT_URL"] or None,
            region_name=cfg["MEDIA_S3_REGION"],
            aws_access_key_id=cfg["MEDIA_S3_ACCESS_KEY_ID"] or None,
            aws_secret_access_key=cfg["MEDIA_S3_SECRET_ACCESS_KEY"] or None,
            config=Config(
                connect_timeout=cfg["MEDIA_S3_TIMEOUT"],
                read_timeout=cfg["MEDIA_S3_TIMEOUT"],
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )
        app.extensions["elearn_s3"] = client
    return client


def _key(sha256):
    return f"{current_app.config['MEDIA_S3_PREFIX']}{sha256}"


def _put(sha256, data):
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        _client().put_object(
            Bucket=current_app.config["MEDIA_S3_BUCKET"],
            Key=_key(sha256),
            Body=data,
            ContentLength=len(data),
        )
    except (BotoCoreError, ClientError) as error:
        current_app.logger.warning("object storage: storing %s failed: %s", sha256, error)
        raise StorageUnavailable(str(error)) from error


def _get(sha256):
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = _client().get_object(
            Bucket=current_app.config["MEDIA_S3_BUCKET"], Key=_key(sha256)
        )
        return answer["Body"].read()
    except (BotoCoreError, ClientError) as error:
        current_app.logger.warning("object storage: reading %s failed: %s", sha256, error)
        raise StorageUnavailable(str(error)) from error


def move_to_s3(batch=50):
    """Upload the bytes of every row that still holds them, then empty the row: (rows moved,
    bytes moved). Safe to stop and run again (each batch is committed after its uploads)."""
    from sqlalchemy import select, update

    from ..extensions import db
    from ..models import AssetBlob

    moved = size = 0
    while True:
        rows = db.session.execute(
            select(AssetBlob.sha256, AssetBlob.data)
            .where(AssetBlob.data.is_not(None))
            .order_by(AssetBlob.sha256)
            .limit(batch)
        ).all()
        if not rows:
            return moved, size
        for sha256, data in rows:
            _put(sha256, data)
            size += len(data)
        db.session.execute(
            update(AssetBlob)
            .where(AssetBlob.sha256.in_([sha for sha, _ in rows]))
            .values(data=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        moved += len(rows)
