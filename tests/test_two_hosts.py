"""Two app hosts behind nginx, sharing one PostgreSQL and one Redis, as docs/production.md sets
them up: real processes on loopback (redis-server, PostgreSQL, two gunicorn, nginx with TLS
running deploy/nginx/elearn-locations.conf).

A session started on one host is valid on the other, failed sign-ins counted on one count on
the other, a course imported while both run appears on both, and through nginx the client's
address and scheme reach the app. Then Redis stops: signed-in pages keep working, sign-in is
refused with the safe-mode message (503, never a 500), and once Redis is back sign-in works
again without restarting anything. Last, one host dies (nginx sends pages to the other), then
both (nginx's own page in Indonesian).

The whole walk is one test on one set of processes (a second test would be sent to the other
xdist worker, which would start them all again). The fixtures are module-scoped and build on
each other (redis, database, hosts, proxy); `Cluster.env()` is what every process gets, so a
job worker (`flask jobs worker`) can be started with the same settings.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from local_servers import free_port
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
HOST = "elearn.test"  # the public host name (PUBLIC_BASE_URL), sent by every client here
PASSWORD = "correct-horse-9"
PG_PORT = "25435"  # the throw-away server when the suite is not on PostgreSQL already
SAFE_MODE = "Layanan masuk sedang terganggu"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _binary(name):
    return shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )


REDIS_SERVER, NGINX, OPENSSL = _binary("redis-server"), _binary("nginx"), _binary("openssl")
pytestmark = [
    pytest.mark.hosts,
    pytest.mark.skipif(
        not (REDIS_SERVER and NGINX and OPENSSL),
        reason="needs redis-server, nginx and openssl (scripts/system-deps.sh installs them)",
    ),
]


def wait_until(check, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# Processes ---------------------------------------------------------------------------------------
class Redis:
    """One redis-server on a free loopback port, without persistence; stop() and start() again
    keep the port (an outage and a restart, as the hosts see them)."""

    def __init__(self, workdir):
        self.port, self.workdir, self.proc = free_port(), workdir, None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self._answers, "redis-server")
        return self

    def _answers(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Server:
    """Where a client connects: an app host directly (HTTP) or nginx (HTTPS)."""

    def __init__(self, port, tls=False):
        self.port, self.tls = port, tls

    def connect(self, source="127.0.0.1"):
        if self.tls:
            context = ssl._create_unverified_context()  # noqa: S323 (the test's own certificate)
            return http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=30, context=context, source_address=(source, 0)
            )
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )


class JobWorker:
    """`flask jobs worker`, as deploy/systemd/elearn-worker.service runs it."""

    def __init__(self, env, logdir):
        self.env, self.log, self.proc = env, logdir / "worker.log", None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "-w", "1"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log.open("w"),
            start_new_session=True,
        )  # fmt: skip
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class AppHost(Server):
    """gunicorn serving wsgi:app, as deploy/systemd/elearn-web.service does."""

    def __init__(self, name, env, logdir):
        super().__init__(free_port())
        self.name, self.env, self.log = name, env, logdir / f"{name}.log"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"), start_new_session=True,
        )  # fmt: skip
        return self

    def wait_ready(self):
        wait_until(self._healthy, f"app host {self.name} (log: {self.log})")
        return self

    def _healthy(self):
        assert self.proc.poll() is None, f"{self.name} exited: {self.log.read_text()[-3000:]}"
        conn = self.connect()
        conn.request("GET", "/healthz", headers={"Host": HOST})
        return conn.getresponse().status == 200

    def kill(self):
        """The host dies at once: gunicorn's master and its workers."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


NGINX_CONF = """
{user}worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format upstreams '$request_uri $status $upstream_addr';
    access_log {dir}/access.log upstreams;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream elearn_app {{
{servers}
        keepalive 8;
    }}
{static_map}
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name {host};
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        # The app hosts see nginx at 127.0.0.2 and clients at 127.0.0.3 and up: an address
        # that reaches the app is the client's only if X-Forwarded-For carried it.
        proxy_bind 127.0.0.2;
        set $elearn_root {root};
        include {root}/deploy/nginx/elearn-locations.conf;
    }}
}}
"""


class Nginx(Server):
    """A loopback nginx with TLS in a temp folder, round robin over the app hosts, including
    the production file deploy/nginx/elearn-locations.conf (and elearn.conf's static map)."""

    def __init__(self, workdir, hosts):
        super().__init__(free_port(), tls=True)
        self.dir, self.hosts, self.proc = workdir, hosts, None

    def start(self):
        subprocess.run(
            [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             f"/CN={HOST}", "-keyout", self.dir / "key.pem", "-out", self.dir / "cert.pem"],
            check=True, capture_output=True,
        )  # fmt: skip
        site = (ROOT / "deploy/nginx/elearn.conf").read_text()
        static_map = re.search(r"^map \$arg_v .*?^}", site, re.S | re.M).group(0)
        conf = self.dir / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user="user root;\n" if os.geteuid() == 0 else "",
                dir=self.dir,
                port=self.port,
                host=HOST,
                root=ROOT,
                static_map=static_map,
                servers="\n".join(f"        server 127.0.0.1:{h.port};" for h in self.hosts),
            )
        )
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(self.dir), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        wait_until(self._listening, "nginx")
        return self

    def _listening(self):
        assert self.proc.poll() is None, self.proc.stderr.read().decode()
        socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        return True

    def upstreams(self, path):
        """The app hosts ('127.0.0.1:port', or '-' for none) that answered `path`, in order."""
        lines = (self.dir / "access.log").read_text().splitlines()
        return [line.split()[2] for line in lines if line.split()[0] == path]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# A browser: cookies, CSRF tokens from the forms, any server ---------------------------------------
class Page:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.text = status, headers, body

    def __repr__(self):
        return f"<Page {self.status} {self.text[:200]!r}>"


class Browser:
    def __init__(self, source="127.0.0.1"):
        self.source, self.cookies = source, {}

    def request(self, server, method, path, form=None, headers=None):
        conn = server.connect(self.source)
        head = {"Host": HOST, **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            head["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body, head)
        response = conn.getresponse()
        page = Page(response.status, response.headers, response.read().decode("utf-8", "replace"))
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return page

    def get(self, server, path):
        return self.request(server, "GET", path)

    def post(self, server, path, form, token_from=None, referer=True, headers=None):
        """Post a form as a browser does: with the CSRF token of the page that shows it."""
        token = CSRF_RE.search(self.get(server, token_from or path).text)
        assert token, f"no CSRF token on {token_from or path}"
        headers = dict(headers or {})
        if referer and server.tls:  # browsers send it; Flask-WTF requires it over HTTPS
            headers["Referer"] = f"https://{HOST}{path}"
        return self.request(server, "POST", path, {**form, "csrf_token": token.group(1)}, headers)

    def sign_in(self, server, email, password=PASSWORD, **kw):
        return self.post(server, "/login", {"identifier": email, "password": password}, **kw)


# Fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("hosts")


@pytest.fixture(scope="module")
def redis(workdir):
    server = Redis(workdir).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def database(workdir):
    """A fresh PostgreSQL database: on the suite's server when it runs on PostgreSQL, else on a
    throw-away server of its own (scripts/pg-test-server.sh on port 25435)."""
    base = os.environ.get("ELEARN_TEST_DATABASE_URL")
    own = not base or not base.startswith("postgresql")
    env = {**os.environ, "ELEARN_TEST_PGPORT": PG_PORT}
    if own:
        base = subprocess.run(
            [ROOT / "scripts/pg-test-server.sh", "start"], env=env, check=True,
            capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    url = make_url(base)
    name = f"elearn_hosts_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    if own:
        subprocess.run([ROOT / "scripts/pg-test-server.sh", "stop"], env=env, check=False)


class Cluster:
    """The shared settings of every process, and an app in the test process on the same
    database (an administrator's `flask content import` on any host)."""

    def __init__(self, workdir, redis, database_url):
        self.workdir, self.redis, self.database_url = workdir, redis, database_url
        self.secret = secrets.token_hex(32)

    def env(self):
        """What deploy/elearn.env.example sets, for these loopback servers."""
        return {
            **os.environ,
            "ELEARN_PRODUCTION": "true",
            "ELEARN_SECRET_KEY": self.secret,  # the same on every host
            "ELEARN_PUBLIC_BASE_URL": f"https://{HOST}",
            "ELEARN_TRUSTED_PROXIES": "1",
            "ELEARN_DATABASE_URL": self.database_url,
            "ELEARN_REDIS_URL": self.redis.url(0),
            "ELEARN_RATELIMIT_STORAGE_URI": self.redis.url(1),
            "ELEARN_LOGIN_LIMIT_PER_ACCOUNT": "4 per 15 minutes",
            "ELEARN_LOGIN_LIMIT_PER_IP": "6 per 15 minutes",
            # The job queue in Redis, shared by both hosts and the worker; small exports
            # already become jobs here, and a job that waited through an outage is queued
            # again by the next sweep.
            "ELEARN_JOBS_BACKEND": "redis",
            "ELEARN_EXPORT_INLINE_MAX_ROWS": "2",
            "ELEARN_JOB_REQUEUE_SECONDS": "0",
            "ELEARN_MAIL_SERVER": "",
        }

    def app(self):
        from elearn import create_app

        return create_app(
            {
                "SECRET_KEY": self.secret,
                "SQLALCHEMY_DATABASE_URI": self.database_url,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "JOBS_BACKEND": "immediate",
                "MAIL_SERVER": "",
            }
        )


def _seed(app):
    from elearn.extensions import db
    from elearn.models import Unit, User

    with app.app_context():
        unit = Unit(name="Bidang Uji", code="BU")
        unit.set_parent(None)
        for n, (name, email) in enumerate(
            [("Ani Lestari", "ani@example.go.id"), ("Budi Santoso", "budi@example.go.id"),
             ("Citra Dewi", "citra@example.go.id")], start=1,
        ):  # fmt: skip
            user = User(unit=unit, active=True, nip=f"19900101201501100{n}", full_name=name,
                        email=email)  # fmt: skip
            user.roles = ("learner",)
            user.set_password(PASSWORD)
            db.session.add(user)
        admin = User(unit=unit, active=True, nip="198001012005011001", full_name="Admin Uji",
                     email="admin@example.go.id")  # fmt: skip
        admin.roles = ("admin", "learner")
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        db.engine.dispose()


def _import(app, root, slug, **kw):
    from factories_course import import_course, write_course

    from elearn.extensions import db

    with app.app_context():
        import_course(write_course(root, slug, **kw))
        db.engine.dispose()


@pytest.fixture(scope="module")
def cluster(workdir, redis, database):
    cluster = Cluster(workdir, redis, database)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env=cluster.env(), check=True, capture_output=True,
    )  # fmt: skip
    _seed(cluster.app())
    _import(cluster.app(), workdir, "kursus-a", title="Kursus A", body="Isi versi satu {key}.")
    return cluster


@pytest.fixture(scope="module")
def hosts(cluster, workdir):
    started = []
    try:
        for name in ("a", "b"):  # both start at once
            started.append(AppHost(name, cluster.env(), workdir).start())
        yield [host.wait_ready() for host in started]
    finally:
        for host in started:
            host.stop()


@pytest.fixture(scope="module")
def worker(cluster, workdir):
    job_worker = JobWorker(cluster.env(), workdir).start()
    yield job_worker
    job_worker.stop()


def _export_job(browser, host):
    """Ask for the team export on `host` (more rows than a page makes while one waits): the
    job's page."""
    offer = browser.get(host, "/team/export.csv")
    assert offer.status == 200 and "Siapkan berkas CSV" in offer.text, offer
    fields = dict(re.findall(r'<input[^>]*name="(path|query)"[^>]*value="([^"]*)"', offer.text))
    started = browser.post(host, "/jobs/exports", fields, token_from="/team/export.csv")
    assert started.status == 302, started
    return started.headers["Location"].replace(f"https://{HOST}", "")


def _wait_ready(browser, host, job_path, timeout=60):
    import json

    state = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = json.loads(browser.get(host, job_path + ".json").text)
        if state["ready"]:
            return state
        time.sleep(0.2)
    raise AssertionError(f"the job never got ready: {state}")


@pytest.fixture(scope="module")
def proxy(hosts, workdir):
    folder = workdir / "nginx"
    folder.mkdir()
    server = Nginx(folder, hosts).start()
    yield server
    server.stop()


# The walk ----------------------------------------------------------------------------------------
def test_two_hosts_behind_nginx_share_state_and_survive_redis_down(
    cluster, redis, hosts, proxy, worker, workdir
):
    a, b = hosts
    pids = [host.proc.pid for host in hosts]

    # A session started on host A is valid on host B (one SECRET_KEY, sessions in the database).
    ani = Browser()
    assert ani.sign_in(a, "ani@example.go.id").status == 302
    home = ani.get(b, "/")
    assert home.status == 200 and "Ani Lestari" in home.text

    # Failed sign-ins counted on A count on B: the 4-per-account limit trips across both, even
    # for the right password, and only for that account.
    guesser = Browser()
    results = [guesser.sign_in(h, "budi@example.go.id", "wrong-guess").status for h in (a, b, a, b)]
    assert results == [200, 200, 200, 200]
    for host in (a, b):
        blocked = guesser.sign_in(host, "budi@example.go.id")
        assert blocked.status == 429 and "Terlalu banyak percobaan" in blocked.text
    assert Browser().sign_in(b, "citra@example.go.id").status == 302

    # A course imported while both run appears on both, and a new version of a course whose
    # lessons both hosts already keep in memory shows the new text on both.
    lesson = "/learn/kursus-a/modul/pelajaran-1"
    assert ani.post(a, "/courses/kursus-a/enrol", {}, token_from="/courses/kursus-a").status == 302
    for host in (a, b):
        assert "Isi versi satu" in ani.get(host, lesson).text
    for host in (a, b):
        assert "Kursus B" not in ani.get(host, "/courses/").text
    _import(cluster.app(), workdir, "kursus-b", title="Kursus B")
    _import(cluster.app(), workdir, "kursus-a", title="Kursus A", body="Isi versi dua {key}.")
    for host in (a, b):
        assert "Kursus B" in ani.get(host, "/courses/").text
        page = ani.get(host, lesson)
        assert page.status == 200 and "Isi versi dua" in page.text, host.name

    # Through nginx (TLS): pages work, spread round robin over both hosts.
    dewi = Browser(source="127.0.0.3")
    assert dewi.sign_in(proxy, "citra@example.go.id").status == 302
    for _ in range(4):
        assert dewi.get(proxy, "/").status == 200
    assert set(proxy.upstreams("/")) == {f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"}
    # The scheme came through (X-Forwarded-Proto: https): a form posted without the Referer
    # every browser sends over HTTPS is refused, as Flask-WTF does for HTTPS only.
    refused = Browser(source="127.0.0.3").sign_in(proxy, "ani@example.go.id", referer=False)
    assert refused.status == 400
    # The client's address came through (X-Forwarded-For): 6 failures from 127.0.0.3 use up
    # that address's limit (a forged X-Forwarded-For does not escape it), while another
    # client behind the same nginx is not held back; the app hosts saw only nginx's 127.0.0.2.
    sprayer = Browser(source="127.0.0.3")
    for n in range(6):
        assert sprayer.sign_in(proxy, f"nobody{n}@example.go.id", "guess").status == 200
    assert sprayer.sign_in(proxy, "nobody9@example.go.id", "guess").status == 429
    forged = {"X-Forwarded-For": "10.9.9.9"}
    assert sprayer.sign_in(proxy, "nobody9@example.go.id", "guess", headers=forged).status == 429
    assert Browser(source="127.0.0.4").sign_in(proxy, "nobody@example.go.id", "g").status == 200
    # Static files come from the checkout through nginx alone, with a cache lifetime.
    css = Browser().get(proxy, "/static/css/app.css")
    assert css.status == 200 and css.text == (ROOT / "static/css/app.css").read_text()
    assert css.headers["Cache-Control"] == "max-age=86400"
    # (every answer of the app carries its Content-Security-Policy; nginx's own do not)
    assert "Content-Security-Policy" in dewi.get(proxy, "/").headers
    assert "Content-Security-Policy" not in css.headers
    versioned = Browser().get(proxy, "/static/css/app.css?v=1")
    assert versioned.headers["Cache-Control"] == "max-age=315360000"

    # The job queue is shared: an export asked for on A is made by the worker and downloaded
    # from B.
    admin = Browser()
    assert admin.sign_in(a, "admin@example.go.id").status == 302
    job = _export_job(admin, a)
    state = _wait_ready(admin, b, job)
    file = admin.get(b, state["download"])
    assert file.status == 200 and "Citra Dewi" in file.text and "Admin Uji" in file.text

    # Redis down: safe mode.
    redis.stop()
    # An export asked for meanwhile waits (its row is kept; no error page) ...
    waiting = _export_job(admin, b)
    assert '"status":"queued"' in admin.get(a, waiting + ".json").text.replace(" ", "")
    for host in (a, b, proxy):
        page = (dewi if host is proxy else ani).get(host, "/")
        assert page.status == 200 and ("Ani Lestari" in page.text or host is proxy)
        attempt = Browser().sign_in(host, "citra@example.go.id")
        assert attempt.status == 503, attempt
        assert SAFE_MODE in attempt.text
        assert attempt.headers["Retry-After"] == "30"
    # The limited account stays refused too (no password is checked while nothing can count).
    assert guesser.sign_in(a, "budi@example.go.id").status == 503
    # Other limited pages fall back to counting in each process: never a 500.
    assert Browser().get(b, "/verify/ELN-2026-AAAA-BBBB-CCCC").status == 404
    assert Browser().post(a, "/reset", {"email": "ani@example.go.id"}).status == 302
    assert Browser().post(b, "/reset", {"email": "ani@example.go.id"}).status == 302

    # Redis back (empty, as after a restart): sign-in works again on both, no host restarted.
    redis.start()
    for host in (a, b, proxy):
        assert Browser(source="127.0.0.5").sign_in(host, "citra@example.go.id").status == 302
    assert [host.proc.pid for host in hosts] == pids
    assert all(host.proc.poll() is None for host in hosts)
    # ... and is made once Redis is back: the sweeper (each minute in the worker; here by hand)
    # puts it on the queue again.
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "sweep"],
        cwd=ROOT, env=cluster.env(), check=True, capture_output=True,
    )  # fmt: skip
    state = _wait_ready(admin, a, waiting)
    assert "Citra Dewi" in admin.get(a, state["download"]).text
    assert worker.proc.poll() is None, "the worker rode out the outage"

    # Signing out through one host ends the session on the other at once, even for a copy of
    # its cookie (the session's row in the database is closed).
    copy = Browser()
    copy.cookies = dict(ani.cookies)
    assert ani.post(a, "/logout", {}, token_from="/").status == 302
    assert copy.get(b, "/").status == 302

    # One host gone: nginx sends the pages to the other. Both gone: nginx's own page in
    # Indonesian (deploy/nginx/unavailable.html), 502 with Retry-After.
    a.kill()
    assert [dewi.get(proxy, "/").status for _ in range(4)] == [200] * 4
    b.kill()
    down = dewi.get(proxy, "/")
    assert down.status == 502 and "Layanan sedang tidak tersedia" in down.text
    assert down.headers["Retry-After"] == "30"
