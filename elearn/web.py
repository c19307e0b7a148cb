"""Cross-cutting web behaviour: security headers, error pages, database connection settings,
and what users see while the database is unavailable (a page that needs no database)."""

import sqlite3
import time
from contextlib import suppress
from urllib.parse import urlsplit

from flask import current_app, g, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

from .api.problems import is_api_request, problem
from .media.store import StorageUnavailable

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


# A database error of one of these kinds means "the database cannot serve right now" (restart,
# failover, network, no free connection), not a bug: the user is asked to try again in a
# moment. SQLite reports some programming errors as OperationalError too; those stay a 500.
_SQLITE_BUGS = ("no such ", "syntax error", "near ", "has no column", "already exists")


def db_unavailable(error):
    """Whether `error` says the database is unavailable (for now), rather than a bug."""
    if isinstance(error, sa_exc.TimeoutError):  # no free connection in the pool in time
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return False
    if isinstance(error.orig, sqlite3.Error):
        return not str(error.orig).lower().startswith(_SQLITE_BUGS)
    return True


def _worth_retrying(error):
    """A lost or refused connection may be back after a short pause (a restart, a failover);
    a full pool or a locked SQLite file has already been waited for."""
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    return "locked" not in str(error.orig).lower()


class _RetryReads:
    """Runs a GET or HEAD again, once, after DB_RETRY_PAUSE seconds, when it met an unavailable
    database (see db_unavailable): with pool_pre_ping, the second run gets a fresh connection,
    so a dropped connection costs the user a short wait instead of an error page. The second
    run is a whole new request (new context, session read again from the cookie); the first
    one's response is thrown away unsent. Writes are never run twice."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        pause = self.app.config["DB_RETRY_PAUSE"]
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or environ.get("CONTENT_LENGTH") not in (None, "", "0")
            or pause is None
            or pause < 0
        ):
            return self.wsgi_app(environ, start_response)
        first = dict(environ, **{"elearn.db_retry_allowed": True})
        started = []

        def hold(status, headers, exc_info=None):
            started[:] = [(status, headers, exc_info)]
            return _no_write

        body = self.wsgi_app(first, hold)
        if not first.get("elearn.db_retry"):
            start_response(*started[0])
            return body
        if hasattr(body, "close"):
            body.close()
        time.sleep(pause)
        return self.wsgi_app(environ, start_response)


def _no_write(_data):
    raise RuntimeError("the first run of a retried request cannot write a body")


def _rollback():
    from .extensions import db

    try:
        db.session.rollback()
    except Exception as exc:  # the connection is gone: the pool drops it
        current_app.logger.debug("rollback after a database error failed: %s", exc)


def _same_site(url):
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def db_unavailable_response(error, write_message=None):
    """The 503 answer while the database (or the file storage: `write_message` then says so)
    is unavailable, built without touching it: no signed-in user, no navigation, the language
    from the session cookie only."""
    g.db_unavailable = True  # select_locale and anything else: do not ask the database now
    _rollback()
    # Nothing of this request is kept, not even a change to the session cookie (a language
    # switch, a flashed message): the request did not happen.
    app = current_app._get_current_object()
    original = app.session_interface.open_session(app, request)
    if original is not None and dict(session) != dict(original):
        session.clear()
        session.update(original)
    session.modified = False
    if request.environ.get("elearn.db_retry_allowed") and _worth_retrying(error):
        request.environ["elearn.db_retry"] = True
        app.logger.warning(
            "database unavailable, %s %s will run again: %s", request.method, request.path, error
        )
        return app.response_class("", 503)
    app.logger.warning(
        "database unavailable, %s %s answered 503: %s", request.method, request.path, error
    )
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    retry_after = app.config["DB_RETRY_AFTER"]
    title = _("The service is being restored")
    if write:
        message = write_message or _(
            "Your change was NOT saved: the database did not answer, so nothing of it was "
            "stored. Wait a moment, then go back and send it again."
        )
    else:
        message = _("The service is being restored. Try again in a moment.")
    if is_api_request():
        response = problem(503, title, message, **({"saved": False} if write else {}))
    elif _wants_json():
        body = {"error": "unavailable", "title": title, "message": message}
        body["retry_after"] = retry_after
        if write:
            body["saved"] = False
        response = jsonify(body)
    else:
        if not write:  # the title already says it is being restored
            message = _("Try again in a moment: this page reloads by itself.")
        template = app.jinja_env.get_template("errors/unavailable.html")
        # Rendered straight from the environment: render_template would run the context
        # processors, and Flask-Login's loads the signed-in user from the database.
        html = template.render(
            lang=str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            title=title,
            message=message,
            write=write,
            retry_after=retry_after,
            again_url=_same_site(request.referrer) if write else request.full_path.rstrip("?"),
        )
        response = app.response_class(html, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    return response


def _end_sessions_quietly(app):
    """Flask-SQLAlchemy ends each request's session with a ROLLBACK; on a connection the
    server has just dropped (a restart) that raises after the response was made, and the user
    would get the server's bare 500 instead of the page. The lost connection is discarded
    (the pool replaces it) and the answer goes out."""
    from .extensions import db

    def end_session(exc):
        try:
            db.session.remove()
        except sa_exc.SQLAlchemyError as error:
            if not db_unavailable(error):
                raise
            app.logger.warning("database connection lost at the end of a request: %s", error)
            with suppress(Exception):
                db.session.close()
            db.session.registry.clear()

    funcs = app.teardown_appcontext_funcs
    for i, func in enumerate(funcs):
        if func == db._teardown_session:
            funcs[i] = end_session


def _has_nul(values):
    items = values.lists() if hasattr(values, "lists") else ((k, [v]) for k, v in values.items())
    return any("\x00" in k or any("\x00" in str(v) for v in vs) for k, vs in items)


def init_web(app):
    from .nav import nav_items
    from .urls import public_url

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["public_url"] = public_url

    from .routing import init_template_urls
    from .static_files import init_static

    init_static(app)
    init_template_urls(app)

    from .extensions import compress

    @app.after_request
    def compressed(response):
        # HTML only where the page echoes nothing the request chose (a GET without a query
        # string): BREACH needs reflected text beside a secret (the CSRF token) to work.
        if response.mimetype == "text/html" and (request.method != "GET" or request.query_string):
            response.vary.add("Accept-Encoding")
            return response
        return compress.after_request(response)

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

    @app.before_request
    def refuse_nul_characters():
        # No field of this product holds a NUL character, and PostgreSQL refuses one in any
        # text: a request carrying one is answered here, before it reaches the database.
        parts = [request.args, request.view_args or {}]
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype != "application/json":
            parts.append(request.form)
        if "\x00" in request.path or any(_has_nul(p) for p in parts):
            return error_page(
                400,
                _("Bad request"),
                _("The request contains a NUL character, which no field accepts."),
            )
        return None

    def error_page(status, title, message):
        if is_api_request():
            return problem(status, title, message), status
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

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def database_error(e):
        if not db_unavailable(e):
            raise e  # a bug, not an outage: the 500 page
        return db_unavailable_response(e)

    @app.errorhandler(StorageUnavailable)
    def storage_error(e):
        message = _(
            "Your change was NOT saved: the file storage did not answer, so nothing of it was "
            "stored. Wait a moment, then go back and send it again."
        )
        return db_unavailable_response(e, write_message=message)

    @app.errorhandler(500)
    def server_error(e):
        # An outage met outside a view (an error page needing the signed-in user, a hook after
        # the view) arrives here wrapped.
        original = getattr(e, "original_exception", None)
        if original is not None and db_unavailable(original):
            return db_unavailable_response(original)
        if isinstance(original, StorageUnavailable):
            return storage_error(original)
        return error_page(
            500, _("Something went wrong"), _("An unexpected error occurred. Try again later.")
        )

    _end_sessions_quietly(app)
    app.wsgi_app = _RetryReads(app, app.wsgi_app)

    from .health import init_health

    init_health(app)
