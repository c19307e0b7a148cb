"""GET /media/<course-slug>/v<N>/<path>: a file of a course version.

Versions never change, so responses are cacheable for a year (privately: only signed-in users
may fetch them). Only raster images are shown inline; every other type, SVG included (it can
carry script), is sent as a download under a sandboxing Content-Security-Policy, and `nosniff`
stops browsers from guessing another type. An <img> still shows an SVG sent this way.

An image wider than CONTENT_IMAGE_MAX_WIDTH is answered with its scaled-down copy (made at
import); `?original=1` downloads the file as the author put it in the package.
"""

import io
import posixpath

from flask import abort, make_response, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Asset, Course, CourseVersion, Enrollment
from . import bp
from . import store as media_store

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
ONE_YEAR = 365 * 24 * 3600


def _protect(response, sha256):
    response.set_etag(sha256)
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _may_open_restricted(course_id):
    user = current_user
    if user.has_role("admin"):
        return True
    enrolled = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == course_id, Enrollment.user_id == user.id
        )
    )
    return enrolled is not None or db.session.get(Course, course_id).can_edit(user)


@bp.route("/media/<slug>/v<int:number>/<path:path>")
@login_required
def asset(slug, number, path):
    row = db.session.execute(
        select(Asset.content_type, Asset.sha256, Asset.display_sha256, Course.id,
               Course.restricted)
        .join(CourseVersion, CourseVersion.id == Asset.version_id)
        .join(Course, Course.id == CourseVersion.course_id)
        .where(Course.slug == slug, CourseVersion.number == number, Asset.path == path)
    ).first()  # fmt: skip
    if row is None:
        abort(404)
    content_type, original_sha, display_sha, course_id, restricted = row
    if restricted and not _may_open_restricted(course_id):
        abort(404)  # the same rule as the course's lessons: enrolled learners and its authors
    original = request.args.get("original") == "1"
    sha256 = original_sha if original or display_sha is None else display_sha
    if request.if_none_match.contains(sha256):
        return _protect(make_response("", 304), sha256)  # the bytes are not even loaded
    data = media_store.read(sha256)
    inline = content_type in INLINE_TYPES and not original
    response = send_file(
        io.BytesIO(data),
        mimetype=content_type,
        as_attachment=not inline,
        download_name=posixpath.basename(path),
        conditional=True,  # Range requests for audio and video
        etag=False,
        max_age=ONE_YEAR,
    )
    return _protect(response, sha256)
