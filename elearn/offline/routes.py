"""The manifest, /sw.js from the origin root, the offline pages and a course's offline list."""

from pathlib import Path

from flask import abort, current_app, jsonify, render_template, send_file, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from ..content.render import media_url
from ..learn.outline import outline_for
from ..learn.routes import item_url
from ..learn.services import course_with_enrollment
from . import bp
from .services import image_sizes, lesson_sizes

SAVED_STATIC = ("css/app.css", "css/learn.css", "css/code.css", "js/app.js", "js/learn.js",
                "js/offline.js", "img/logo.svg", "img/bell.svg", "img/favicon.svg")  # fmt: skip


def size_label(size):
    """±1,2 MB in the page's language (one decimal; kB under a megabyte)."""
    if size >= 1_000_000:
        return "±" + format_decimal(round(size / 1_000_000, 1), format="#,##0.#") + " MB"
    return "±" + format_decimal(max(1, round(size / 1000)), format="#,##0") + " kB"


@bp.get("/manifest.webmanifest")
def manifest():
    icon = "img/icon-{}.png"
    data = {
        "name": current_app.config["INSTANCE_NAME"],
        "short_name": current_app.config["INSTANCE_SHORT_NAME"],
        "lang": "id",
        "start_url": url_for("main.home"),
        "scope": url_for("main.home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "icons": [
            {"src": url_for("static", filename=icon.format(192)), "sizes": "192x192",
             "type": "image/png"},
            {"src": url_for("static", filename=icon.format(512)), "sizes": "512x512",
             "type": "image/png"},
            {"src": url_for("static", filename=icon.format("maskable-512")),
             "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }  # fmt: skip
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """From the origin root so that its scope is the whole site; never cached by HTTP, so that a
    new worker reaches browsers at once."""
    path = Path(current_app.static_folder) / "js" / "sw.js"
    response = send_file(path, mimetype="text/javascript", max_age=0, conditional=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline_page():
    return render_template("offline/offline.html")


@bp.get("/offline/quiz")
def quiz_offline_page():
    return render_template("offline/quiz.html")


@bp.get("/offline/saved")
@login_required
def saved_page():
    return render_template("offline/saved.html")


@bp.get("/offline/csrf.json")
@login_required
def csrf_json():
    """A fresh CSRF token for the marks queued while offline."""
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/learn/<course_slug>/offline.json")
@login_required
def course_list(course_slug):
    """What saving the course stores: only for a learner enrolled in it."""
    course, enrollment = course_with_enrollment(course_slug, current_user.id)
    if course is None or enrollment is None:
        abort(404)
    version = course.current_version
    outline = outline_for(version)
    lessons = dict(lesson_sizes(version.id))
    urls = []
    for item in outline.items:
        if item.is_lesson and item.key in lessons:
            urls.append({"url": item_url(course_slug, item), "bytes": lessons[item.key]})
    for path, size in image_sizes(version.id):
        urls.append({"url": media_url(course_slug, version.number, path), "bytes": size})
    static = Path(current_app.static_folder)
    for name in SAVED_STATIC:
        file = static / name
        if file.exists():
            urls.append({"url": url_for("static", filename=name), "bytes": file.stat().st_size})
    total = sum(u["bytes"] for u in urls)
    response = jsonify(
        course=course_slug,
        title=version.title,
        version=version.number,
        cache=f"elearn-u{current_user.id}-c-{course_slug}",
        urls=urls,
        bytes=total,
        size=size_label(total),
        saved_note=_("Saved for offline reading (%(size)s).", size=size_label(total)),
    )
    response.headers["Cache-Control"] = "no-store"
    return response
