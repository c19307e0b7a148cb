"""elearn: a lightweight e-learning platform for Indonesian civil servants (ASN)."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import DefaultConfig
from .routing import LazyBuilderRule

ROOT = Path(__file__).resolve().parent.parent


class ElearnFlask(Flask):
    url_rule_class = LazyBuilderRule


def create_app(test_config=None):
    """Build the application: config in layers, extensions, blueprints, CLI, error pages."""
    app = ElearnFlask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(DefaultConfig)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("ELEARN")
    else:
        app.config.from_mapping(test_config)
    _finish_config(app)
    app.logger.setLevel(app.config["LOG_LEVEL"])

    from . import extensions as ext

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"))
    ext.csrf.init_app(app)
    ext.limiter.init_app(app)
    ext.compress.init_app(app)

    from .i18n import init_i18n

    init_i18n(app)

    from .auth.session import init_login

    init_login(app)

    from . import models  # noqa: F401  (registers the tables)
    from .admin.routes import bp as admin_bp
    from .auth.routes import bp as auth_bp
    from .main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")

    from .media.routes import bp as media_bp

    app.register_blueprint(media_bp)

    from .certificates.routes import bp as certificates_bp

    app.register_blueprint(certificates_bp)

    from .catalog.routes import bp as catalog_bp
    from .learn.routes import bp as learn_bp

    app.register_blueprint(catalog_bp, url_prefix="/courses")
    app.register_blueprint(learn_bp, url_prefix="/learn")

    from .quizzes.routes import bp as quizzes_bp

    app.register_blueprint(quizzes_bp)

    from .supervision.routes import bp as supervision_bp

    app.register_blueprint(supervision_bp, url_prefix="/team")

    from .authoring.routes import bp as authoring_bp

    app.register_blueprint(authoring_bp, url_prefix="/teach")

    from .notifications.routes import bp as notifications_bp

    app.register_blueprint(notifications_bp)

    from .competencies.routes import bp as competencies_bp

    app.register_blueprint(competencies_bp, url_prefix="/competencies")

    from .surveys.routes import bp as surveys_bp

    app.register_blueprint(surveys_bp, url_prefix="/surveys")

    from .activities.routes import bp as activities_bp

    app.register_blueprint(activities_bp)

    from .offline.routes import bp as offline_bp

    app.register_blueprint(offline_bp)

    # Before the queue is built: these declare jobs of their own.
    from .api import init_api
    from .credentials import init_credentials
    from .xapi import init_xapi

    init_api(app)
    init_credentials(app)
    init_xapi(app)

    from .jobs import init_jobs

    init_jobs(app)

    from .cli import register_cli
    from .web import init_web

    register_cli(app)
    init_web(app)
    if app.config.get("TRUSTED_HOSTS"):
        app.wsgi_app = _HostGuard(app.wsgi_app, app.config["TRUSTED_HOSTS"])
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx: take the client address and scheme from X-Forwarded-* (rate limits,
        # logs and external URLs depend on them). Only as many hops as there are proxies.
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


class _HostGuard:
    """Answer 400 to a request for a host that is not ours, before any view (or error page)
    runs: a forged Host or X-Forwarded-Host never reaches the application."""

    def __init__(self, wsgi_app, hosts):
        self.wsgi_app, self.hosts = wsgi_app, list(hosts)

    def __call__(self, environ, start_response):
        from werkzeug.sansio.utils import host_is_trusted
        from werkzeug.wsgi import get_host

        if not host_is_trusted(get_host(environ), self.hosts):
            body = b"400 Alamat tidak dikenal (unknown host).\n"
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.wsgi_app(environ, start_response)


def _finish_config(app):
    """Derive settings that depend on others, and refuse unsafe production settings."""
    cfg = app.config
    os.makedirs(app.instance_path, exist_ok=True)
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        url = cfg.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'elearn.sqlite3'}"
        cfg["SQLALCHEMY_DATABASE_URI"] = url
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    options = dict(cfg.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
    else:
        # A connection the server dropped (a restart) is noticed at checkout and replaced, so
        # the request after an outage never sees it; a server that does not answer fails the
        # request within DB_CONNECT_TIMEOUT, a full pool within DB_POOL_TIMEOUT (then 503).
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_timeout", cfg["DB_POOL_TIMEOUT"])
        if uri.startswith("postgresql"):
            connect_args = dict(options.get("connect_args") or {})
            connect_args.setdefault("connect_timeout", cfg["DB_CONNECT_TIMEOUT"])
            options["connect_args"] = connect_args
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = options

    if cfg["MEDIA_STORE"] not in ("database", "s3"):
        raise RuntimeError('ELEARN_MEDIA_STORE must be "database" or "s3".')
    if cfg["MEDIA_STORE"] == "s3" and not cfg.get("MEDIA_S3_BUCKET"):
        raise RuntimeError("ELEARN_MEDIA_S3_BUCKET must be set when ELEARN_MEDIA_STORE=s3.")

    if not cfg.get("SECRET_KEY"):
        if cfg["PRODUCTION"]:
            raise RuntimeError(
                "ELEARN_SECRET_KEY must be set in production (or SECRET_KEY in instance/config.py)."
            )
        cfg["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    if cfg["PRODUCTION"]:
        base = (cfg.get("PUBLIC_BASE_URL") or "").strip()
        if not base or urlsplit(base).hostname in (None, "127.0.0.1", "localhost"):
            raise RuntimeError(
                "ELEARN_PUBLIC_BASE_URL must be set in production to the address users open, "
                "e.g. https://elearn.example.go.id (links in mails and QR codes use it)."
            )
        if not cfg.get("TRUSTED_HOSTS"):
            # Refuse requests for any other Host: a forged Host never reaches the views.
            cfg["TRUSTED_HOSTS"] = [urlsplit(base).hostname]
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True


def _instance_secret(path):
    """Read the generated secret key, creating it (readable by the owner only) on first run."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
