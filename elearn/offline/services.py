"""What a saved course holds: its lesson pages, their images and the stylesheets, with sizes
computed from the stored HTML and media (no request objects here)."""

from sqlalchemy import func, select

from ..extensions import db
from ..models import Asset, AssetBlob, Lesson

# A lesson page is its stored body plus the page around it (header, outline, footer).
PAGE_CHROME_BYTES = 9_000
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


def lesson_sizes(version_id):
    """[(lesson key, bytes of its page)] in the author's order."""
    rows = db.session.execute(
        select(Lesson.key, func.length(Lesson.body_html))
        .where(Lesson.version_id == version_id)
        .order_by(Lesson.module_id, Lesson.position)
    ).all()
    return [(key, (length or 0) + PAGE_CHROME_BYTES) for key, length in rows]


def image_sizes(version_id):
    """[(asset path, bytes)] of the version's images, the downscaled copy where there is one."""
    shown = func.coalesce(Asset.display_sha256, Asset.sha256)
    rows = db.session.execute(
        select(Asset.path, AssetBlob.size)
        .join(AssetBlob, AssetBlob.sha256 == shown)
        .where(Asset.version_id == version_id, Asset.content_type.in_(IMAGE_TYPES))
        .order_by(Asset.path)
    ).all()
    return [(path, size) for path, size in rows]
