"""While the database is unavailable users get a friendly 503 page (never a 500), reads are tried
again once, writes say clearly that nothing was saved, and /healthz answers 503; when it is back,
everything works again without restarting the app. On SQLite the outage is simulated (every
connection refused); on PostgreSQL a real server of the test's own is stopped and restarted."""

import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
import sqlalchemy.pool
from conftest import CSRF_RE, PASSWORD, _test_config, csrf_token, login
from sqlalchemy import exc, text

from elearn import create_app
from elearn.extensions import db
from elearn.web import db_unavailable

ROOT = Path(__file__).resolve().parent.parent
INDONESIAN = "Layanan sedang dipulihkan"


@pytest.fixture
def config_overrides():
    # As in production: an exception outside a view reaches the 500 handler instead of the test.
    return {"PROPAGATE_EXCEPTIONS": False, "DB_RETRY_PAUSE": 0.05}


class Outage:
    """Every new use of a database connection is refused, as when the server is down, until
    `up()`; `fail_next(n)` refuses only the next n (a connection lost once)."""

    def __init__(self, monkeypatch):
        self.failures = 0
        self.refused = 0
        connect = sqlalchemy.pool.Pool.connect

        def refusing(pool):
            if self.failures:
                self.failures -= 1
                self.refused += 1
                # The driver's own error, as a refused connection raises it (sqlite3, psycopg).
                raise pool._dialect.loaded_dbapi.OperationalError("connection refused")
            return connect(pool)

        monkeypatch.setattr(sqlalchemy.pool.Pool, "connect", refusing)

    def down(self):
        self.failures = 10**9

    def fail_next(self, n):
        self.failures = n

    def up(self):
        self.failures = 0


@pytest.fixture
def outage(app, monkeypatch):
    o = Outage(monkeypatch)
    yield o
    o.up()


def test_a_page_while_the_database_is_down_is_a_friendly_503_in_indonesian(
    client, make_user, outage
):
    login(client, make_user().email)
    outage.down()
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert INDONESIAN in html and 'lang="id"' in html
    assert "Coba lagi" in html
    # No navigation, no signed-in user: the page needs no database.
    assert "Pegawai" not in html and "site-nav" not in html
    assert "Internal Server Error" not in html
    outage.up()
    assert client.get("/").status_code == 200  # back without restarting anything


def test_the_page_speaks_the_language_of_the_session(client, make_user, outage):
    login(client, make_user().email)
    token = csrf_token(client, "/")
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    outage.down()
    response = client.get("/courses/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "The service is being restored" in html and 'lang="en"' in html


def test_a_write_while_the_database_is_down_says_it_was_not_saved_and_saves_nothing(
    client, make_user, outage
):
    user = make_user()
    login(client, user.email)
    token = csrf_token(client, "/")
    outage.down()
    response = client.post(
        "/language",
        data={"lang": "en", "next": "/", "csrf_token": token},
        headers={"Referer": "http://localhost/courses/"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "TIDAK tersimpan" in html
    assert 'href="/courses/"' in html  # back to the form, to send it again
    assert 'http-equiv="refresh"' not in html  # a write is never repeated by itself
    outage.up()
    db.session.refresh(user)
    assert user.locale != "en"
    with client.session_transaction() as session:
        assert "lang" not in session  # not even the cookie kept the change
    assert INDONESIAN not in client.get("/").get_data(as_text=True)


def test_json_requests_get_json_while_the_database_is_down(client, outage):
    outage.down()
    response = client.get("/verify/ELN-2026-AAAA-BBBB-CCCC.json")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    body = response.get_json()
    assert body["error"] == "unavailable"
    assert body["retry_after"] > 0
    assert "Layanan sedang dipulihkan" in body["message"]


def test_a_write_answered_in_json_says_saved_false(client, make_user, outage):
    login(client, make_user().email)
    token = csrf_token(client, "/")
    outage.down()
    response = client.post(
        "/language",
        data={"lang": "en", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 503
    assert response.get_json()["saved"] is False


def test_a_read_that_loses_its_connection_once_is_served_after_a_retry(client, make_user, outage):
    login(client, make_user().email)
    outage.fail_next(1)
    response = client.get("/")
    assert response.status_code == 200
    assert outage.refused == 1


def test_a_short_outage_costs_a_read_a_pause_and_a_write_a_503(app, client, make_user, outage):
    user = make_user()
    login(client, user.email)
    token = csrf_token(client, "/")
    app.config["DB_RETRY_PAUSE"] = 1.0
    # The database is away for 0.3 s: the read waits and is served, the write is not run again.
    outage.down()
    threading.Timer(0.3, outage.up).start()
    started = time.monotonic()
    assert client.get("/").status_code == 200
    assert time.monotonic() - started >= 1.0
    outage.down()
    back = threading.Timer(0.3, outage.up)
    back.start()
    response = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 503
    back.join()
    db.session.refresh(user)
    assert user.locale != "en"


def test_an_error_page_that_needs_the_user_is_also_503_not_500(client, make_user, outage):
    login(client, make_user().email)
    outage.down()
    response = client.get("/no-such-page")
    assert response.status_code == 503
    assert INDONESIAN in response.get_data(as_text=True)


def test_healthz_is_503_while_the_database_is_down_and_200_after(client, outage):
    outage.down()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
    outage.up()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert "Set-Cookie" not in response.headers


def test_healthz_is_never_rate_limited(client):
    statuses = Counter(client.get("/healthz").status_code for _ in range(200))
    assert statuses == {200: 200}


@pytest.mark.parametrize(
    "config_overrides",
    [{"PROPAGATE_EXCEPTIONS": False, "REDIS_URL": "redis://127.0.0.1:9/0"}],
)
def test_healthz_reports_redis_down_without_failing(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "unavailable"}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server (scripts/system-deps.sh installs it)")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def test_healthz_reports_redis_when_it_answers(app, client, redis_url):
    app.config["REDIS_URL"] = redis_url
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def _wrapped(message, invalidated=False):
    return exc.OperationalError(
        "SELECT 1", {}, sqlite3.OperationalError(message), connection_invalidated=invalidated
    )


def test_what_counts_as_an_unavailable_database():
    assert db_unavailable(_wrapped("unable to open database file"))
    assert db_unavailable(_wrapped("database is locked"))
    assert db_unavailable(exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"))
    assert db_unavailable(
        exc.DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True)
    )
    # Bugs stay bugs (a 500, and a trace in the log), not "try again later".
    assert not db_unavailable(_wrapped("no such table: users"))
    assert not db_unavailable(
        exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    )
    assert not db_unavailable(ValueError("x"))


def test_a_database_bug_is_still_a_500(app, client):
    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))

    app.add_url_rule("/broken", view_func=broken)
    response = client.get("/broken")
    assert response.status_code == 500
    assert INDONESIAN not in response.get_data(as_text=True)


# A real PostgreSQL restart -----------------------------------------------------------------------
def _pg_url():
    url = os.environ.get("ELEARN_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


class PgServer:
    """A throw-away PostgreSQL server of this test alone (restarting the suite's server would
    break the other workers' tests), started with scripts/pg-test-server.sh."""

    def __init__(self):
        self.port = _free_port()
        self.data = f"/tmp/elearn-faults-pg-{self.port}-{uuid.uuid4().hex[:6]}"  # noqa: S108
        self.env = dict(os.environ, ELEARN_TEST_PGPORT=str(self.port), ELEARN_TEST_PGDATA=self.data)
        self.script = str(ROOT / "scripts/pg-test-server.sh")
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1].parent
        self.pg_ctl = [str(bindir / "pg_ctl"), "-D", self.data, "-w", "-t", "60"]
        if os.getuid() == 0:  # the server runs as the postgres account (see the script)
            self.pg_ctl = ["runuser", "-u", "postgres", "--", *self.pg_ctl]

    def start(self):
        out = subprocess.run(
            [self.script, "start"], env=self.env, capture_output=True, text=True, check=True
        )
        return out.stdout.strip().splitlines()[-1]

    def restart(self):
        # -l: the server's output to its log, never to a pipe of ours (run() would wait for it).
        log = f"{self.data}/server.log"
        args = [*self.pg_ctl, "-l", log, "restart", "-m", "fast"]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run([*self.pg_ctl, "stop", "-m", "fast"], check=True, stdout=subprocess.DEVNULL)

    def remove(self):
        subprocess.run([*self.pg_ctl, "stop", "-m", "immediate"], stdout=subprocess.DEVNULL)
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture
def pg_server():
    if not _pg_url():
        pytest.skip("needs PostgreSQL (ELEARN_TEST_DATABASE_URL)")
    server = PgServer()
    try:
        yield server
    finally:
        server.remove()


class Browser:
    """A signed-in person over real HTTP, with cookies."""

    def __init__(self, base):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def open(self, path, data=None, headers=None):
        body = urlencode(data).encode() if data is not None else None
        request = Request(self.base + path, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path):
        status, html = self.open(path)
        assert status == 200, (status, html[:300])
        return CSRF_RE.search(html).group(1)

    def sign_in(self, email):
        token = self.token("/login")
        status, _html = self.open(
            "/login", {"identifier": email, "password": PASSWORD, "csrf_token": token}
        )
        assert status == 200  # urllib follows the redirect to My learning


def test_a_postgresql_restart_under_load_shows_no_500_and_loses_nothing(pg_server):
    from werkzeug.serving import make_server

    from elearn.models import User

    url = pg_server.start()
    app = create_app(_test_config(url, TESTING=False, PROPAGATE_EXCEPTIONS=False, SERVER_NAME=None))
    with app.app_context():
        db.create_all()
        for n in range(4):
            user = User(nip=f"19900101201501100{n}", full_name=f"Pegawai {n}")
            user.email = f"pegawai{n}@example.go.id"
            user.roles = ("learner",)
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    statuses, bodies = Counter(), {}
    stop = threading.Event()

    def load(n):
        browser = Browser(base)
        browser.sign_in(f"pegawai{n}@example.go.id")
        while not stop.is_set():
            for path in ("/", "/courses/", "/healthz"):
                status, body = browser.open(path)
                key = (path == "/healthz", status)
                statuses[key] += 1
                bodies.setdefault(key, body)

    threads = [threading.Thread(target=load, args=(n,)) for n in range(1, 4)]
    try:
        for t in threads:
            t.start()
        time.sleep(1.5)
        writer = Browser(base)
        writer.sign_in("pegawai0@example.go.id")
        token = writer.token("/")
        # 1. A stop and a start, with a write sent while the server is down.
        pg_server.stop()
        status, html = writer.open("/language", {"lang": "en", "next": "/", "csrf_token": token})
        assert status == 503 and "TIDAK tersimpan" in html
        assert Browser(base).open("/healthz")[0] == 503
        time.sleep(1)
        pg_server.start()  # the same port and options again
        time.sleep(1.5)
        # 2. `pg_ctl restart -m fast` while the requests run.
        pg_server.restart()
        time.sleep(2)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    # Back by itself, the app never restarted.
    assert writer.open("/")[0] == 200
    assert Browser(base).open("/healthz")[0] == 200
    server.shutdown()
    with app.app_context():
        assert db.session.scalar(db.select(User.locale).where(User.nip.endswith("0"))) != "en"
        db.engine.dispose()
    pages = Counter({s: c for (probe, s), c in statuses.items() if not probe})
    probes = Counter({s: c for (probe, s), c in statuses.items() if probe})
    print(f"\npages by status during the restarts: {dict(pages)}; /healthz: {dict(probes)}")
    assert 500 not in pages and 500 not in probes, bodies.get((False, 500), "")[:500]
    assert set(pages) <= {200, 302, 503}, {s: bodies[(False, s)][:200] for s in pages}
    assert set(probes) <= {200, 503}
    assert pages[200] > 0
    if 503 in pages:
        assert INDONESIAN in bodies[(False, 503)]
