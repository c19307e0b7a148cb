"""Cross-cutting web behaviour: security headers, error pages, database connection settings."""

import sqlite3

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers and one writer work at once; busy_timeout makes parallel workers wait for
    # the lock instead of failing with "database is locked".
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


def _wants_json():
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _retry_after(error):
    """Seconds until the limit that was hit lets the client try again (at least 1)."""
    import time

    from .extensions import limiter

    try:
        current = limiter.current_limit
        if current is not None:
            return max(1, int(current.reset_at - time.time()))
        return max(1, int(error.limit.limit.get_expiry()))
    except Exception:
        return 60


def init_web(app):
    from .nav import nav_items
    from .urls import public_url

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["public_url"] = public_url

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["PRODUCTION"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            # Pages depend on who is signed in: never let a shared proxy keep them.
            h.setdefault("Cache-Control", "no-store")
        return response

    def error_page(status, title, message):
        if _wants_json():
            return jsonify(error=title, message=message), status
        return render_template(
            "errors/error.html", status=status, title=title, message=message
        ), status

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return error_page(
            400,
            _("Form expired"),
            _(
                "The form was not accepted because its security token is missing or expired. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(400)
    def bad_request(_e):
        return error_page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(403)
    def forbidden(_e):
        return error_page(403, _("Access denied"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def not_found(_e):
        return error_page(404, _("Page not found"), _("The page you asked for does not exist."))

    @app.errorhandler(405)
    def method_not_allowed(_e):
        return error_page(405, _("Not allowed"), _("This action is not allowed here."))

    @app.errorhandler(413)
    def too_large(_e):
        return error_page(413, _("File too large"), _("The uploaded file is too large."))

    @app.errorhandler(429)
    def too_many(e):
        response, status = error_page(
            429,
            _("Too many attempts"),
            _("Too many attempts in a short time. Wait a few minutes and try again."),
        )
        response = app.make_response((response, status))
        response.headers["Retry-After"] = str(_retry_after(e))
        return response

    @app.errorhandler(500)
    def server_error(_e):
        return error_page(
            500, _("Something went wrong"), _("An unexpected error occurred. Try again later.")
        )
