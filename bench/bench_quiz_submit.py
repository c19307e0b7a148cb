"""Quiz submission under load: gunicorn with 2 workers on a temporary SQLite database.

Run by hand (it prints figures, it asserts nothing but the bookkeeping):

    .venv/bin/python bench/bench_quiz_submit.py [--users 40] [--rounds 3] [--concurrency 8]

Imports the shipped course "literasi-digital-asn" (final exam: 12 questions drawn from 18,
3 attempts), enrols --users learners, and for each of --rounds rounds: every learner starts an
attempt, then opens the answer sheet, then all autosave at once (JSON), then all submit at
once, each phase with --concurrency client threads. Each submission is graded on the server
(12 AttemptAnswer rows, progress and completion refreshed). Prints requests/s and latency
percentiles per phase.

Everything stays on 127.0.0.1 and in a temp folder that is removed at the end; loops are bounded
by the arguments.
"""

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURSE = ROOT / "content" / "literasi-digital-asn"
SLUG = "literasi-digital-asn"
QUIZ_KEY = "final"
PASSWORD = secrets.token_urlsafe(12)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CHOICE = re.compile(r'type="(radio|checkbox)" id="[^"]+" name="(q-\d+)" value="([^"]+)"')
TEXT = re.compile(r'<input type="text" id="(q-\d+)"[^>]*>')
SAVE_ACTION = re.compile(r'action="/attempts/(\d+)/save"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings(db_path):
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "SECRET_KEY": secrets.token_hex(16),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # setup speed; not what is measured
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def prepare(config, users):
    """Schema, the course, learners with enrolments: in this process, before the server."""
    from elearn import create_app
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
        emails = []
        for n in range(users):
            user = User(
                nip=f"19900101201501{n + 1:04d}",
                full_name=f"Peserta {n + 1}",
                email=f"peserta{n + 1}@bench.go.id",
            )
            user.roles = ["learner"]
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Enrollment(
                    user_id=user.id, course_id=course.id, version_id=course.current_version_id
                )
            )
            emails.append(user.email)
        db.session.commit()
        db.engine.dispose()
    return emails


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # measure one request, not the page it leads to


class Learner:
    def __init__(self, base, email):
        self.base = base
        self.email = email
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.token = None
        self.attempt_id = None
        self.form = {}

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def sign_in(self):
        _status, html = self.request("/login")
        self.token = CSRF.search(html).group(1)
        status, _ = self.request(
            "/login",
            {"identifier": self.email, "password": PASSWORD, "csrf_token": self.token},
        )
        assert status == 302, f"sign-in failed for {self.email}: {status}"

    def start(self):
        return self.request(f"/quizzes/{SLUG}/{QUIZ_KEY}", {"csrf_token": self.token})[0]

    def open_sheet(self):
        status, html = self.request(f"/quizzes/{SLUG}/{QUIZ_KEY}")
        if status != 200:
            return status
        self.attempt_id = int(SAVE_ACTION.search(html).group(1))
        options = {}
        for kind, name, value in CHOICE.findall(html):
            options.setdefault(name, (kind, []))[1].append(value)
        form = {"csrf_token": self.token}
        for name, (kind, values) in options.items():
            form[name] = random.sample(values, 2) if kind == "checkbox" else random.choice(values)
        for match in TEXT.finditer(html):
            numeric = 'inputmode="decimal"' in match.group(0)
            form[match.group(1)] = "1.250.000" if numeric else "jawaban"
        self.form = form
        return status

    def save(self):
        path = f"/attempts/{self.attempt_id}/save"
        return self.request(path, self.form, {"Accept": "application/json"})[0]

    def submit(self):
        return self.request(f"/attempts/{self.attempt_id}/submit", self.form)[0]


def timed(call):
    began = time.perf_counter()
    status = call()
    return time.perf_counter() - began, status


def run_phase(name, learners, action, ok, concurrency):
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda lr: timed(lambda: action(lr)), learners))
    wall = time.perf_counter() - began
    return name, [t for t, _s in results], sum(1 for _t, s in results if s not in ok), wall


def report(name, latencies, errors, wall):
    latencies = sorted(latencies)
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else None
    p50 = statistics.median(latencies) * 1000
    p95 = (q[94] if q else latencies[0]) * 1000
    print(
        f"  {name:<8} {len(latencies):>5} req  {len(latencies) / wall:>7.1f} req/s  "
        f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {latencies[-1] * 1000:6.1f} ms  "
        f"errors {errors}"
    )


def wait_until_up(base, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its log")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3, help="attempts per learner (max 3)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.users = max(1, min(args.users, 500))
    args.rounds = max(1, min(args.rounds, 3))  # the final exam allows 3 attempts

    tmp = Path(tempfile.mkdtemp(prefix="elearn-bench-"))
    proc = None
    try:
        config = settings(tmp / "bench.sqlite3")
        t0 = time.perf_counter()
        emails = prepare(config, args.users)
        print(f"setup: {args.users} learners enrolled in {time.perf_counter() - t0:.1f} s")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, **{f"ELEARN_{k}": v for k, v in config.items()}}
        log = (tmp / "gunicorn.log").open("w")
        proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers), "-b",
             f"127.0.0.1:{port}", "--chdir", str(ROOT), "wsgi:app"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until_up(base, proc)

        learners = [Learner(base, e) for e in emails]
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            list(pool.map(Learner.sign_in, learners))
        print(
            f"gunicorn {args.workers} workers on {base}; {args.concurrency} client threads; "
            f"SQLite {config['SQLALCHEMY_DATABASE_URI'].removeprefix('sqlite:///')}"
        )
        phases = {"start": [], "sheet": [], "autosave": [], "submit": []}
        errors = dict.fromkeys(phases, 0)
        walls = dict.fromkeys(phases, 0.0)
        for _round in range(args.rounds):
            for name, action, ok in (
                ("start", Learner.start, {302}),
                ("sheet", Learner.open_sheet, {200}),
                ("autosave", Learner.save, {200}),
                ("submit", Learner.submit, {302}),
            ):
                _n, lat, err, wall = run_phase(name, learners, action, ok, args.concurrency)
                phases[name] += lat
                errors[name] += err
                walls[name] += wall
        print("phase      requests   throughput   latency")
        for name, latencies in phases.items():
            report(name, latencies, errors[name], walls[name])

        with sqlite3.connect(tmp / "bench.sqlite3") as conn:
            submitted, answers = conn.execute(
                "SELECT count(*), (SELECT count(*) FROM attempt_answers) FROM attempts "
                "WHERE submitted_at IS NOT NULL"
            ).fetchone()
            completions = conn.execute("SELECT count(*) FROM completions").fetchone()[0]
        expected = args.users * args.rounds
        print(
            f"check: {submitted}/{expected} attempts submitted, {answers} graded answers "
            f"({answers / max(submitted, 1):.0f} per attempt), {completions} completions"
        )
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
