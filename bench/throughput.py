"""Throughput of the learner's busiest pages against a bare Flask "hello", both under gunicorn.

    .venv/bin/python bench/throughput.py [--duration 10] [--email siti@sukamaju.go.id]
        [--profile lesson|my-learning|login --requests 300]

Builds a temporary SQLite database the way `make run` does (`flask db upgrade`, `flask content
import content/*/`, `flask demo seed`), serves the app and bench/bare_app.py with the same
gunicorn (2 sync workers) on free 127.0.0.1 ports, signs a demo learner in through the sign-in
form, and drives each URL for N seconds with wrk (Debian: apt-get install -y wrk) or, without it,
a Python load loop in several processes (new connection per request: gunicorn's sync workers
close every connection). Prints requests/s, p50/p95 latency and errors for: the bare hello, the
sign-in page (GET /login, no session), the lesson page (the learner's heaviest lesson, opened
again: no write), My learning (/), and the ratios to the bare hello with the targets of issue 16
(lesson >= 0.2x, My learning >= 0.15x, sign-in page >= 900 req/s).

`--profile PAGE` instead runs PAGE `--requests` times in process (Flask test client, the same
demo database, after a warm-up) under cProfile and prints the top functions and the SQL queries
of one request: where a request's time goes, without gunicorn.

Run by hand, not in CI: the figures depend on the machine (run it under `nice` on a shared box).
"""

import argparse
import cProfile
import http.client
import io
import multiprocessing
import os
import pstats
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
SECRET = "bench-secret-not-for-production"  # noqa: S105
DEMO_PASSWORD = "elearn-demo"  # noqa: S105 (elearn/demo.py)
WORKERS = 2
TARGETS = {"lesson": 0.2, "my learning": 0.15}
LOGIN_TARGET_RPS = 900

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%d p95=%d errors=%d non2xx=%d\\n",
    latency:percentile(50), latency:percentile(95),
    summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
"""


# Database -------------------------------------------------------------------------------------
def build_demo_database(env):
    """The demo agency with the shipped courses, as `make run` loads it."""
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    packages = sorted(str(p.parent) for p in (ROOT / "content").glob("*/course.yml"))
    for args in (["db", "upgrade"], ["content", "import", *packages], ["demo", "seed"]):
        subprocess.run([*flask, *args], env=env, cwd=ROOT, check=True, capture_output=True)


def heaviest_lesson(db_url, email):
    """(lesson URL) of the largest lesson body in a course `email` is enrolled in."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, func, select

    from elearn.models import Course, Enrollment, Lesson, User

    engine = create_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(
            select(Course.slug, Lesson.key)
            .join(Lesson, Lesson.version_id == Course.current_version_id)
            .join(Enrollment, Enrollment.course_id == Course.id)
            .join(User, User.id == Enrollment.user_id)
            .where(User.email == email)
            .order_by(func.length(Lesson.body_html).desc())
            .limit(1)
        ).first()
    engine.dispose()
    if row is None:
        raise SystemExit(f"{email} is enrolled in no course of the demo data")
    return f"/learn/{row.slug}/{row.key}"


# Servers ------------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(app_spec, env, pythonpath=None):
    port = free_port()
    cmd = [str(VENV_BIN / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    cmd += ["--log-level", "warning", "--chdir", str(ROOT)]
    if pythonpath:
        cmd += ["--pythonpath", str(pythonpath)]
    proc = subprocess.Popen([*cmd, app_spec], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if http_get(port, "/")[0] < 500:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn {app_spec} did not start")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def http_get(port, path, headers=None, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _session_cookie(headers):
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def sign_in(port, email):
    """The session cookie of `email`, obtained through the sign-in form."""
    _status, headers, body = http_get(port, "/login")
    cookie = _session_cookie(headers)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"identifier": email, "password": DEMO_PASSWORD, "csrf_token": token})
    status, headers, _body = http_get(
        port,
        "/login",
        method="POST",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    assert status == 302, f"sign-in failed ({status})"
    return _session_cookie(headers)


# Load ---------------------------------------------------------------------------------------------
def run_wrk(port, path, duration, cookie=None):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT)
        script = fh.name
    cmd = ["wrk", "-t2", "-c8", "-s", script]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    url = f"http://127.0.0.1:{port}{path}"
    try:
        subprocess.run([*cmd, "-d2s", url], check=True, capture_output=True)  # warm-up
        out = subprocess.run(
            [*cmd, f"-d{duration}s", url], check=True, capture_output=True, text=True
        ).stdout
    finally:
        os.unlink(script)
    m = re.search(r"BENCH p50=(\d+) p95=(\d+) errors=(\d+) non2xx=(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": int(m.group(1)) / 1000,
        "p95": int(m.group(2)) / 1000,
        "errors": int(m.group(3)) + int(m.group(4)),
    }


def _load_process(port, path, headers, stop_at, queue):
    latencies, errors = [], 0
    while time.monotonic() < stop_at:
        start = time.perf_counter()
        try:
            status = http_get(port, path, headers)[0]
        except OSError:
            status = 599
        latencies.append(time.perf_counter() - start)
        errors += status >= 400
    queue.put((latencies, errors))


def run_python_load(port, path, duration, cookie=None, clients=4):
    """Without wrk: `clients` processes, each one request at a time on a new connection."""
    headers = {"Cookie": cookie} if cookie else {}
    ctx = multiprocessing.get_context("fork")
    for seconds in (2, duration):  # a warm-up, then the measurement
        queue = ctx.Queue()
        began = time.monotonic()
        procs = [
            ctx.Process(target=_load_process, args=(port, path, headers, began + seconds, queue))
            for _ in range(clients)
        ]
        for p in procs:
            p.start()
        results = [queue.get() for _ in procs]
        for p in procs:
            p.join()
        wall = time.monotonic() - began
    latencies = sorted(x for lat, _e in results for x in lat)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "rps": len(latencies) / wall,
        "p50": pct(50),
        "p95": pct(95),
        "errors": sum(e for _lat, e in results),
    }


# Profile -----------------------------------------------------------------------------------------
def profile(db_url, email, page, requests):
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from elearn import create_app
    from elearn.extensions import db

    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": db_url})
    client = app.test_client()
    if page != "login":
        page_html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_html).group(1)
        response = client.post(
            "/login", data={"identifier": email, "password": DEMO_PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.status_code
    url = {"login": "/login", "my-learning": "/"}.get(page) or heaviest_lesson(db_url, email)
    if page == "login":
        client = app.test_client()  # no session: what a first visitor gets
    for _ in range(20):
        assert client.get(url).status_code == 200
    statements = []
    with app.app_context():
        engine = db.engine

    def listener(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    client.get(url)
    event.remove(engine, "before_cursor_execute", listener)

    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    per_request = (time.perf_counter() - began) / requests * 1000
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(30)
    print(out.getvalue())
    print(f"{url}: {per_request:.2f} ms per request in process (under cProfile)")
    print(f"{len(statements)} SQL queries per request:")
    for statement in statements:
        print("  -", " ".join(statement.split())[:160])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--email", default="siti@sukamaju.go.id", help="the demo learner")
    parser.add_argument("--profile", choices=["lesson", "my-learning", "login"])
    parser.add_argument("--requests", type=int, default=300, help="requests under --profile")
    parser.add_argument("--python-load", action="store_true", help="the Python loop, not wrk")
    args = parser.parse_args()

    have_wrk = shutil.which("wrk") is not None and not args.python_load
    load = run_wrk if have_wrk else run_python_load

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.sqlite3"
        env = {
            **os.environ,
            "ELEARN_DATABASE_URL": db_url,
            "ELEARN_SECRET_KEY": SECRET,
            "ELEARN_LOG_LEVEL": "WARNING",
        }
        started = time.monotonic()
        build_demo_database(env)
        print(f"demo database built in {time.monotonic() - started:.0f} s")
        if args.profile:
            profile(db_url, args.email, args.profile, args.requests)
            return
        lesson_path = heaviest_lesson(db_url, args.email)
        app_proc, app_port = start_gunicorn("wsgi:app", env)
        bare_proc, bare_port = start_gunicorn("bare_app:app", env, pythonpath=BENCH)
        try:
            cookie = sign_in(app_port, args.email)
            for path in (lesson_path, "/"):
                status, _h, body = http_get(app_port, path, {"Cookie": cookie})
                assert status == 200, f"{path} answered {status}"
                print(f"{path}: {len(body) / 1024:.1f} KiB of HTML")
            assert b"lesson-title" in http_get(app_port, lesson_path, {"Cookie": cookie})[2]
            client = "wrk -t2 -c8" if have_wrk else "Python, 4 processes (less precise)"
            print(
                f"load: {client}, {args.duration} s per URL, gunicorn {WORKERS} sync workers, "
                f"{os.cpu_count()} CPUs, signed in as {args.email}\n"
            )
            results = {
                "bare Flask hello": load(bare_port, "/", args.duration),
                "sign-in page (GET /login)": load(app_port, "/login", args.duration),
                "lesson": load(app_port, lesson_path, args.duration, cookie=cookie),
                "my learning": load(app_port, "/", args.duration, cookie=cookie),
            }
        finally:
            stop(app_proc)
            stop(bare_proc)

    width = max(len(k) for k in results)
    print(f"{'':{width}}  {'req/s':>8}  {'p50 ms':>7}  {'p95 ms':>7}  errors")
    for name, r in results.items():
        print(f"{name:{width}}  {r['rps']:8.0f}  {r['p50']:7.1f}  {r['p95']:7.1f}  {r['errors']}")
    bare = results["bare Flask hello"]["rps"]
    login = results["sign-in page (GET /login)"]["rps"]
    verdict = "meets" if login >= LOGIN_TARGET_RPS else "below"
    print(f"\nsign-in page: {login:.0f} req/s ({verdict} the {LOGIN_TARGET_RPS} req/s target)")
    for name, target in TARGETS.items():
        ratio = results[name]["rps"] / bare
        verdict = "meets" if ratio >= target else "below"
        print(f"ratio {name} / bare: {ratio:.3f} ({verdict} the {target} target)")


if __name__ == "__main__":
    main()
