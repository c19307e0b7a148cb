"""Exam-start spike: N signed-in learners start the final exam within S seconds, on gunicorn.

    nice -n 5 .venv/bin/python bench/exam_spike.py [--learners 1000] [--seconds 10]
        [--db sqlite,postgresql] [--workers 2] [--worker-class sync|gthread] [--threads 4]
        [--client-procs 2] [--no-sheet]

For each database (a temporary SQLite file; a scratch database on the PostgreSQL server of
scripts/pg-test-server.sh, started if needed: set ELEARN_TEST_PGPORT/ELEARN_TEST_PGDATA to use
your own, or --pg-url for a server of yours; the scratch database is dropped afterwards):

1. imports the shipped course "literasi-digital-asn" (final exam: 12 questions drawn from 18,
   shuffled, 30 minutes, 3 attempts) and enrols N learners in it;
2. signs them in beforehand, in this process, the way the sign-in page does (a server-side
   session row, Flask-Login's session cookie, the form's CSRF token), so the spike measures
   exam starts only;
3. starts gunicorn and fires the N starts spread evenly over S seconds (open loop: each
   learner presses "Start" at its own moment, whatever the others wait for) from
   --client-procs processes with threads. A start is what the browser does: the POST of the
   start form (302) and, unless --no-sheet, the GET of the answer sheet it redirects to (200,
   with the sheet's form);
4. prints requests, errors by status, p50/p95/p99/max latency (of the POST, of the sheet, and
   of both together: what the learner waits; "from press" adds the client's own lag behind
   its schedule, which should stay small), elapsed time, the CPU seconds of the app workers,
   PostgreSQL and the client, and the attempts in the database: exactly one per learner.

Target (issue 16): 1,000 learners in 10 s on 2 cores, 0 errors, p95 <= 500 ms, 1,000 attempts.
Everything stays on 127.0.0.1 and in temporary folders/databases removed at the end; every loop
is bounded by the arguments. It asserts nothing: it prints figures (exit status 1 when a check
fails: errors, or attempts != learners).
"""

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURSE = ROOT / "content" / "literasi-digital-asn"
QUIZ_KEY = "final"
SHEET = re.compile(r'action="/attempts/(\d+)/save"')
TARGET_P95_MS = 500


# Setup --------------------------------------------------------------------------------------------
def settings(url):
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": secrets.token_hex(16),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # setup speed; nobody signs in here
        "RATELIMIT_STORAGE_URI": "memory://",
        "JOBS_BACKEND": "immediate",  # nothing here makes a job; no queue file in instance/
    }


def prepare(config, learners):
    """Schema, the course, learners enrolled and signed in: [(cookie header, csrf token)]."""
    from flask import g, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from elearn import create_app
    from elearn.auth.session import start_session
    from elearn.content import import_package, load_package
    from elearn.extensions import db
    from elearn.models import Enrollment, User

    app = create_app(config)
    with app.app_context():
        db.create_all()
        package, problems = load_package(COURSE)
        if problems:
            raise SystemExit(f"course package has problems: {problems[:3]}")
        course = import_package(package).course
        db.session.commit()
        slug, course_id, version_id = course.slug, course.id, course.current_version_id
        password_hash = generate_password_hash(secrets.token_urlsafe(12), "pbkdf2:sha256:1000")
        rows = [
            {
                "nip": f"1990010120150{n + 1:05d}",
                "full_name": f"Peserta {n + 1}",
                "email": f"peserta{n + 1}@spike.go.id",
                "password_hash": password_hash,
            }
            for n in range(learners)
        ]
        db.session.execute(insert(User), rows)
        users = db.session.scalars(
            select(User).where(User.email.like("%@spike.go.id")).order_by(User.id)
        ).all()
        for user in users:
            user.roles = ["learner"]
        db.session.execute(
            insert(Enrollment),
            [{"user_id": u.id, "course_id": course_id, "version_id": version_id} for u in users],
        )
        db.session.commit()
        signed_in = []
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        for user in users:
            # What POST /login does once the password is right (elearn/auth/routes.py).
            with app.test_request_context("/login", method="POST"):
                start_session(user)
                login_user(user)
                g.pop("csrf_token", None)  # generate_csrf keeps one per app context
                token = generate_csrf()
                response = app.response_class()
                app.session_interface.save_session(app, session, response)
                cookie = response.headers["Set-Cookie"].split(";", 1)[0]
                assert cookie.startswith(cookie_name + "="), cookie
                signed_in.append((cookie, token))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return slug, signed_in


def attempts_in(url, slug):
    """(attempts, learners with one, learners with more than one, open attempts)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT count(*), count(DISTINCT a.user_id),"
                    " (SELECT count(*) FROM (SELECT user_id FROM attempts GROUP BY user_id"
                    "   HAVING count(*) > 1) x),"
                    " sum(CASE WHEN a.submitted_at IS NULL THEN 1 ELSE 0 END)"
                    " FROM attempts a JOIN courses c ON c.id = a.course_id WHERE c.slug = :slug"
                ),
                {"slug": slug},
            ).one()
    finally:
        engine.dispose()


def postgres_scratch(base_url=None):
    """(url of a new scratch database, function dropping it)."""
    from sqlalchemy import create_engine, make_url, text

    if not base_url:
        base_url = subprocess.run(
            [str(ROOT / "scripts" / "pg-test-server.sh"), "start"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    name = f"elearn_spike_{os.getpid()}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base_url).set(database=name).render_as_string(hide_password=False), drop


# The server ---------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(args, config, port, log_path):
    env = {**os.environ, **{f"ELEARN_{k}": v for k, v in config.items()}}
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--bind", f"127.0.0.1:{port}",
        "--backlog", "2048",
        "--timeout", "60",
        "--log-level", "warning",
        "--chdir", str(args.app_dir),
        "wsgi:app",
    ]  # fmt: skip
    if args.worker_class == "gthread":
        command[1:1] = ["--threads", str(args.threads)]
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT), log


def get(port, path, cookie, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def wait_until_up(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its log")
        try:
            if get(port, "/healthz", "", timeout=2)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def cpu_seconds(pids):
    """{pid: user+system CPU seconds so far} of the processes still there (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def worker_pids(master):
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def backend_pids(url):
    """The PostgreSQL server processes serving the app's connections (empty for SQLite)."""
    if not url.startswith("postgresql"):
        return []
    from sqlalchemy import create_engine, make_url, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(
                conn.scalars(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = :name"
                        " AND pid <> pg_backend_pid()"
                    ),
                    {"name": make_url(url).database},
                )
            )
    finally:
        engine.dispose()


def cpu_used(before, after):
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


# The client ---------------------------------------------------------------------------------------
def one_start(port, path, cookie, token, sheet):
    """POST the start form, then GET the page it leads to: (post status, post s, sheet status
    or None, sheet s). A status is an int, or the name of an exception / a wrong answer."""
    body = urllib.parse.urlencode({"csrf_token": token})
    began = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = conn.getresponse()
            response.read()
            status = response.status
            location = response.getheader("Location", "")
            set_cookie = response.getheader("Set-Cookie")
        finally:
            conn.close()
    except OSError as exc:
        return type(exc).__name__, time.perf_counter() - began, None, 0.0
    post_s = time.perf_counter() - began
    if status == 302 and not location.endswith(path):
        status = "302-elsewhere"
    if not sheet or status != 302:
        return status, post_s, None, 0.0
    if set_cookie:
        cookie = set_cookie.split(";", 1)[0]
    began = time.perf_counter()
    try:
        sheet_status, html = get(port, path, cookie, timeout=60)
    except OSError as exc:
        return status, post_s, type(exc).__name__, time.perf_counter() - began
    if sheet_status == 200 and not SHEET.search(html):
        sheet_status = "200-no-sheet"
    return status, post_s, sheet_status, time.perf_counter() - began


def client_process(port, path, jobs, t0, threads, sheet, out):
    """Fire this process's share of starts, each at its moment (t0 + offset, monotonic clock)."""
    results = []
    lock = threading.Lock()

    def run(offset, cookie, token):
        lag = time.monotonic() - (t0 + offset)
        outcome = one_start(port, path, cookie, token, sheet)
        with lock:
            results.append((*outcome, lag, time.monotonic() - t0))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for offset, cookie, token in jobs:
            pause = t0 + offset - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            pool.submit(run, offset, cookie, token)
    times = os.times()
    out.put((results, times.user + times.system))


def spike(port, path, signed_in, args):
    n = len(signed_in)
    step = args.seconds / n
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    t0 = time.monotonic() + 1.0  # every process ready before the first start
    procs = []
    for p in range(args.client_procs):
        jobs = [(i * step, *signed_in[i]) for i in range(p, n, args.client_procs)]
        proc = ctx.Process(
            target=client_process,
            args=(port, path, jobs, t0, args.client_threads, not args.no_sheet, out),
        )
        proc.start()
        procs.append(proc)
    results, client_cpu = [], 0.0
    for _ in procs:
        part, cpu = out.get()
        results += part
        client_cpu += cpu
    for proc in procs:
        proc.join()
    return results, client_cpu


# Figures ------------------------------------------------------------------------------------------
def percentiles(seconds):
    if not seconds:
        return "-"
    ms = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return (
        f"p50 {statistics.median(ms):7.1f}  p95 {q[94]:7.1f}  p99 {q[98]:7.1f}  "
        f"max {ms[-1]:7.1f} ms"
    )


def report(name, results, counts, learners, elapsed_setup, args):
    posts = list(results)
    errors = {}
    for post, _ps, sheet, _ss, _lag, _end in results:
        if post != 302:
            errors[f"start {post}"] = errors.get(f"start {post}", 0) + 1
        elif not args.no_sheet and sheet != 200:
            errors[f"sheet {sheet}"] = errors.get(f"sheet {sheet}", 0) + 1
    ok = [r for r in results if r[0] == 302 and (args.no_sheet or r[2] == 200)]
    requests = len(posts) + sum(1 for r in results if r[2] is not None)
    elapsed = max(r[5] for r in results)
    lags = [r[4] for r in results]
    both = [r[1] + r[3] for r in ok]
    attempts, with_one, more, open_ = counts
    print(f"\n== {name}: {learners} learners over {args.seconds:g} s ==")
    print(
        f"  gunicorn {args.workers} x {args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
        + f"; client {args.client_procs} processes x {args.client_threads} threads;"
        f" setup {elapsed_setup:.1f} s"
    )
    print(f"  requests {requests}  ({len(posts)} starts), errors {sum(errors.values())}"
          + (f" {errors}" if errors else ""))  # fmt: skip
    print(f"  start (POST)  {percentiles([r[1] for r in results if r[0] == 302])}")
    if not args.no_sheet:
        print(f"  sheet (GET)   {percentiles([r[3] for r in results if r[2] == 200])}")
        print(f"  both          {percentiles(both)}")
    print(f"  from press    {percentiles([r[4] + r[1] + r[3] for r in ok])} (client lag included)")
    print(
        f"  elapsed {elapsed:.2f} s (last answer after the first start); client lag behind"
        f" schedule p95 {sorted(lags)[int(0.95 * (len(lags) - 1))] * 1000:.0f} ms,"
        f" max {max(lags) * 1000:.0f} ms"
    )
    ms = [s * 1000 for s in both] or [float("inf")]
    p95 = statistics.quantiles(ms * 2, n=100, method="inclusive")[94] if ms else 0
    good = not errors and attempts == learners == with_one and not more
    print(
        f"  attempts in the database: {attempts} ({with_one} learners, {more} with more than"
        f" one, {open_} open) -> {'OK' if attempts == learners and not more else 'WRONG'};"
        f" p95 {p95:.0f} ms {'<=' if p95 <= TARGET_P95_MS else '>'} {TARGET_P95_MS} ms"
    )
    return good


def run(name, url, args):
    config = settings(url)
    began = time.perf_counter()
    slug, signed_in = prepare(config, args.learners)
    setup = time.perf_counter() - began
    path = f"/quizzes/{slug}/{QUIZ_KEY}"
    tmp = Path(tempfile.mkdtemp(prefix="elearn-spike-"))
    port = free_port()
    proc, log = start_gunicorn(args, config, port, tmp / "gunicorn.log")
    try:
        wait_until_up(port, proc)
        # Warm up every worker (imports, templates, first connections) with the quiz page,
        # which starts nothing: a few requests per worker.
        for cookie, _token in signed_in[: 4 * args.workers]:
            status, _html = get(port, path, cookie)
            if status != 200:
                raise SystemExit(f"the quiz page answered {status} before the spike; see the log")
        workers, backends = worker_pids(proc.pid), backend_pids(url)
        cpu_before = cpu_seconds(workers), cpu_seconds(backends)
        results, client_cpu = spike(port, path, signed_in, args)
        backends = backend_pids(url)  # connections opened during the spike too
        cpu = (
            cpu_used(cpu_before[0], cpu_seconds(workers)),
            cpu_used(cpu_before[1], cpu_seconds(backends)),
            client_cpu,
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        problems = [
            line
            for line in (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line or "CRITICAL" in line
        ]
        if problems:
            print(f"  gunicorn log: {len(problems)} error lines, first: {problems[0][:200]}")
        shutil.rmtree(tmp, ignore_errors=True)
    counts = attempts_in(url, slug)
    good = report(name, results, counts, args.learners, setup, args)
    app_cpu, db_cpu, client_cpu = cpu
    print(
        f"  CPU during the spike: app workers {app_cpu:.1f} s"
        + (f", PostgreSQL {db_cpu:.1f} s" if backends else "")
        + f", client {client_cpu:.1f} s;"
        f" per start: app {app_cpu / args.learners * 1000:.1f} ms"
        + (f", PostgreSQL {db_cpu / args.learners * 1000:.1f} ms" if backends else "")
    )
    return good


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--pg-url", default="", help="a PostgreSQL server's URL (any database)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="per worker, with gthread")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--client-threads", type=int, default=500, help="per client process")
    parser.add_argument("--no-sheet", action="store_true", help="the POST only")
    parser.add_argument(
        "--app-dir", type=Path, default=ROOT, help="the checkout gunicorn runs (to compare)"
    )
    args = parser.parse_args()
    args.learners = max(1, min(args.learners, 20_000))
    args.seconds = max(0.1, min(args.seconds, 120.0))
    args.client_procs = max(1, min(args.client_procs, 16))
    args.client_threads = max(1, min(args.client_threads, 1000))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on"
          f" {os.cpu_count()} cores")  # fmt: skip
    good = True
    for name in [d.strip() for d in args.db.split(",") if d.strip()]:
        if name == "sqlite":
            with tempfile.TemporaryDirectory(prefix="elearn-spike-db-") as tmp:
                good &= run("SQLite", f"sqlite:///{tmp}/spike.sqlite3", args)
        elif name in ("postgresql", "postgres", "pg"):
            url, drop = postgres_scratch(args.pg_url)
            try:
                good &= run("PostgreSQL", url, args)
            finally:
                drop()
        else:
            raise SystemExit(f"unknown database {name!r}")
        print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
