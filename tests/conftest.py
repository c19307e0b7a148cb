"""Fixtures: app, client, runner, database, SMTP server, factories and login helpers.

The suite runs on SQLite by default and on PostgreSQL when ELEARN_TEST_DATABASE_URL is set
(scripts/run-tests.sh does both). The schema is created once per run; each test starts from
empty tables.
"""

import os
import re
import secrets
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, make_url, text

from elearn import create_app
from elearn.extensions import db as _db
from elearn.extensions import limiter
from elearn.models import Unit, User

PASSWORD = "correct-horse-9"
pytest_plugins = ["browser_fixtures"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite in a temp file, or a fresh PostgreSQL database made for this run (and dropped
    after it), so that several runs against one server never share tables."""
    url = os.environ.get("ELEARN_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    base = make_url(url)
    name = f"{base.database}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _test_config(database_url, **overrides):
    cfg = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": "localhost",
        "PUBLIC_BASE_URL": "http://localhost",
        # Fast hashing keeps the suite quick; production uses scrypt (see config.py).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "",
        # Jobs run inside the app; tests/test_jobs_worker.py runs a real worker process.
        "JOBS_BACKEND": "immediate",
    }
    cfg.update(overrides)
    return cfg


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(_test_config(database_url))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    return database_url


def _empty_tables():
    tables = list(reversed(_db.metadata.sorted_tables))
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture
def config_overrides():
    """Override in a test module to change the app's settings."""
    return {}


class Client(FlaskClient):
    """Each request runs in its own app context, as in a real server: the test's database
    session and `g` are never shared with the request. The test's objects are expired after
    each request so that they show what the request wrote."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


class _SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for the whole test process: every test makes its own app (and
    Jinja environment), which would otherwise parse and compile each template again."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _SharedTemplateCode()


@pytest.fixture
def app(_schema, config_overrides):
    app = create_app(_test_config(_schema, **config_overrides))
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    app.test_client_class = Client
    limiter.reset()
    ctx = app.app_context()
    ctx.push()
    yield app
    _db.session.remove()
    _empty_tables()
    _db.engine.dispose()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# Factories -------------------------------------------------------------------------------------
@pytest.fixture
def make_unit(app):
    counter = iter(range(1, 10_000))

    def make(name=None, parent=None, code=None):
        n = next(counter)
        unit = Unit(name=name or f"Unit {n}", code=code or f"U{n}")
        unit.set_parent(parent)
        _db.session.commit()
        return unit

    return make


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(roles=("learner",), password=PASSWORD, unit=None, active=True, **fields):
        n = next(counter)
        fields.setdefault("nip", f"199001012015011{n:03d}")
        fields.setdefault("full_name", f"Pegawai {n}")
        fields.setdefault("email", f"pegawai{n}@example.go.id")
        user = User(unit=unit, active=active, **fields)
        user.roles = roles
        user.set_password(password)
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


# HTTP helpers ------------------------------------------------------------------------------------
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url="/login"):
    """The session's CSRF token, read from a page's form as a browser would."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, identifier, password=PASSWORD):
    token = csrf_token(client)
    return client.post(
        "/login", data={"identifier": identifier, "password": password, "csrf_token": token}
    )


@pytest.fixture
def login_as(client):
    def do(user, password=PASSWORD):
        response = login(client, user.email, password)
        assert response.status_code == 302, "login failed"
        return client

    return do


# Real SMTP server on loopback ------------------------------------------------------------------
class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()
