"""Throughput of the lesson page against a bare Flask "hello", both under gunicorn (2 workers).

    .venv/bin/python bench/bench_lesson_page.py [--learners 2000] [--duration 10]

Builds a temporary SQLite database (the shipped courses, N learners with enrolments, lesson
progress, attempts and completions), serves the app and bench/bare_app.py with gunicorn on free
127.0.0.1 ports, signs a learner in, and drives both with wrk (Debian: apt-get install -y wrk).
Without wrk it falls back to a small bounded Python load loop (less precise). Prints requests/s,
p50/p95 latency and the ratio lesson/bare. Target: the lesson page >= 0.5 x the bare throughput.

Run by hand, not in CI: the figures depend on the machine.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-not-for-production"  # noqa: S105
PASSWORD = "bench-password-1"  # noqa: S105
BENCH_EMAIL = "bench@bench.go.id"
WORKERS = 2
TARGET_RATIO = 0.5

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%d p95=%d p99=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""
WRK_ROTATE = """
paths = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


# Dataset ------------------------------------------------------------------------------------------
def build_dataset(db_url, learners, seed=7):
    """The shipped courses and `learners` learners with progress. Returns the bench URLs."""
    from sqlalchemy import insert, select

    from elearn import create_app
    from elearn.content import import_package, load_package
    from elearn.extensions import db
    from elearn.learn.outline import outline_for
    from elearn.models import (
        Attempt,
        Completion,
        Course,
        Enrollment,
        Lesson,
        LessonProgress,
        User,
        UserRole,
    )
    from elearn.timeutil import utcnow

    rng = random.Random(seed)
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        db.create_all()
        for package_dir in sorted((ROOT / "content").glob("*/course.yml")):
            package, problems = load_package(package_dir.parent)
            assert not problems, problems
            import_package(package)
        db.session.commit()

        courses = db.session.scalars(select(Course)).all()
        outlines = {c.id: outline_for(c.current_version) for c in courses}
        bench_user = User(full_name="Pegawai Bench", email=BENCH_EMAIL, nip="198001010000000000")
        bench_user.roles = ["learner"]
        bench_user.set_password(PASSWORD)
        db.session.add(bench_user)
        db.session.flush()
        password_hash = bench_user.password_hash  # one (slow) hash for every generated learner

        now = utcnow()
        users, roles, enrollments, progress, attempts, completions = [], [], [], [], [], []
        first_id = bench_user.id + 1
        for n in range(learners):
            uid = first_id + n
            users.append(
                {
                    "id": uid,
                    "nip": f"{198001010000000001 + n}",
                    "full_name": f"Pegawai {n}",
                    "email": f"pegawai{n}@bench.go.id",
                    "password_hash": password_hash,
                    "employee_type": "pns",
                    "position": "",
                    "grade": "",
                    "active": True,
                    "session_version": 1,
                    "created_at": now,
                }
            )
            roles.append({"user_id": uid, "role": "learner"})
            for course in rng.sample(courses, rng.randint(1, len(courses))):
                outline = outlines[course.id]
                lessons = [i for i in outline.items if i.is_lesson]
                seen = rng.randint(0, len(lessons))
                done = rng.randint(0, seen)
                for i, item in enumerate(lessons[:seen]):
                    progress.append(
                        {
                            "user_id": uid,
                            "course_id": course.id,
                            "lesson_key": item.key,
                            "first_viewed_at": now,
                            "completed_at": now if i < done else None,
                        }
                    )
                quiz = next(i for i in outline.items if i.is_quiz)
                for number in range(1, rng.randint(1, 3) + 1):
                    attempts.append(
                        {
                            "user_id": uid,
                            "course_id": course.id,
                            "quiz_id": _quiz_id(db, course, quiz.key),
                            "quiz_key": quiz.key,
                            "role": quiz.role,
                            "number": number,
                            "started_at": now,
                            "submitted_at": now,
                            "question_ids": [],
                            "option_order": {},
                            "saved_answers": {},
                            "score_percent": rng.randint(40, 100),
                            "passed": rng.random() < 0.6,
                            "late": False,
                        }
                    )
                finished = done == len(lessons) and rng.random() < 0.7
                enrollments.append(
                    {
                        "user_id": uid,
                        "course_id": course.id,
                        "version_id": course.current_version_id,
                        "source": "self",
                        "enrolled_at": now,
                        "last_item_key": lessons[max(seen - 1, 0)].key,
                        "last_activity_at": now,
                        "progress_percent": 100 if finished else (100 * done) // len(lessons),
                        "completed_at": now if finished else None,
                    }
                )
                if finished:
                    completions.append(
                        {
                            "user_id": uid,
                            "course_id": course.id,
                            "version_id": course.current_version_id,
                            "completed_at": now,
                            "jp": course.current_version.jp,
                        }
                    )
        for model, rows in (
            (User, users),
            (UserRole, roles),
            (Enrollment, enrollments),
            (LessonProgress, progress),
            (Attempt, attempts),
            (Completion, completions),
        ):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model.__table__), rows[start : start + 5000])

        # The bench learner studies the course whose heaviest lesson is the heaviest of all.
        lesson = db.session.execute(
            select(Lesson.key, Course.slug, Course.id, Course.current_version_id)
            .join(Course, Course.current_version_id == Lesson.version_id)
            .order_by(db.func.length(Lesson.body_html).desc())
            .limit(1)
        ).one()
        key, slug, course_id, version_id = lesson
        db.session.add(
            Enrollment(user_id=bench_user.id, course_id=course_id, version_id=version_id)
        )
        db.session.commit()
        counts = {
            "learners": learners,
            "enrolments": len(enrollments) + 1,
            "lesson progress rows": len(progress),
            "attempts": len(attempts),
            "completions": len(completions),
        }
        lesson_urls = [
            f"/learn/{slug}/{item.key}" for item in outlines[course_id].items if item.is_lesson
        ]
        db.engine.dispose()
    return f"/learn/{slug}/{key}", lesson_urls, counts


_quiz_ids = {}


def _quiz_id(db, course, key):
    from sqlalchemy import select

    from elearn.models import Quiz

    if (course.id, key) not in _quiz_ids:
        _quiz_ids[course.id, key] = db.session.scalar(
            select(Quiz.id).where(Quiz.version_id == course.current_version_id, Quiz.key == key)
        )
    return _quiz_ids[course.id, key]


# Servers ------------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(app_spec, env, pythonpath=None):
    port = free_port()
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    if pythonpath:
        cmd += ["--pythonpath", str(pythonpath)]
    proc = subprocess.Popen([*cmd, app_spec], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = http_get(port, "/")
            if status < 500:
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


def sign_in(port):
    """The session cookie of the bench learner, obtained through the login form."""
    status, headers, body = http_get(port, "/login")
    cookie = _cookie(headers)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1).decode()
    from urllib.parse import urlencode

    form = urlencode({"identifier": BENCH_EMAIL, "password": PASSWORD, "csrf_token": token})
    status, headers, _body = http_get(
        port,
        "/login",
        method="POST",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    assert status == 302, f"sign-in failed ({status})"
    return _cookie(headers)


def _cookie(headers):
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    raise SystemExit("no session cookie")


# Load ---------------------------------------------------------------------------------------------
def run_wrk(port, path, duration, cookie=None, rotate=None):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        if rotate:
            fh.write(WRK_ROTATE % ", ".join(f'"{p}"' for p in rotate))
        fh.write(WRK_SCRIPT)
        script = fh.name
    cmd = ["wrk", "-t2", "-c8", f"-d{duration}s", "-s", script]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    try:
        subprocess.run([*cmd[:3], "-d2s", *cmd[4:]], check=True, capture_output=True)  # warm-up
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"BENCH p50=(\d+) p95=(\d+) p99=(\d+) errors=(\d+)", out)
    return {
        "rps": rps,
        "p50": int(m.group(1)) / 1000,
        "p95": int(m.group(2)) / 1000,
        "errors": int(m.group(4)),
    }


def run_python_load(port, path, duration, cookie=None, rotate=None, clients=8, cap=20000):
    """Fallback without wrk: `clients` threads, bounded by `duration` and `cap` requests."""
    headers = {"Cookie": cookie} if cookie else {}
    paths = rotate or [path]
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + duration

    def worker(offset):
        n = offset
        while time.monotonic() < stop_at:
            with lock:
                if len(latencies) >= cap:
                    return
            start = time.perf_counter()
            try:
                status, _h, _b = http_get(port, paths[n % len(paths)], headers)
            except OSError:
                status = 599
            elapsed = time.perf_counter() - start
            n += clients
            with lock:
                latencies.append(elapsed)
                if status >= 500:
                    errors[0] += 1

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {"rps": len(latencies) / wall, "p50": pct(50), "p95": pct(95), "errors": errors[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    args = parser.parse_args()

    have_wrk = shutil.which("wrk") is not None
    if not have_wrk:
        print("wrk not found: install it with `apt-get install -y wrk` for precise figures;")
        print("using a bounded Python load loop instead.\n")
    load = run_wrk if have_wrk else run_python_load

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.sqlite3"
        started = time.monotonic()
        lesson_path, lesson_urls, counts = build_dataset(db_url, args.learners)
        print(
            f"dataset built in {time.monotonic() - started:.0f} s: "
            + ", ".join(f"{v} {k}" for k, v in counts.items())
        )
        env = {
            **os.environ,
            "ELEARN_DATABASE_URL": db_url,
            "ELEARN_SECRET_KEY": SECRET,
        }
        app_proc, app_port = start_gunicorn("wsgi:app", env)
        bare_proc, bare_port = start_gunicorn("bare_app:app", env, pythonpath=BENCH)
        try:
            cookie = sign_in(app_port)
            status, _h, body = http_get(app_port, lesson_path, {"Cookie": cookie})
            assert status == 200, f"lesson page answered {status}"
            assert b"lesson-title" in body
            print(f"lesson page: {lesson_path} ({len(body) / 1024:.1f} KiB of HTML)")
            print(
                f"load: {'wrk -t2 -c8' if have_wrk else 'Python, 8 clients'}, "
                f"{args.duration} s each, gunicorn {WORKERS} sync workers, {os.cpu_count()} CPUs\n"
            )
            # Reference points: what every request of the app costs before any page's own
            # work (extensions, session), and a signed-in page with the base layout only.
            results = {
                "bare Flask hello": load(bare_port, "/", args.duration),
                "app /healthz (no session, no template)": load(app_port, "/healthz", args.duration),
                "app signed-in 404 page (base layout)": load(
                    app_port, "/no-such-page", args.duration, cookie=cookie
                ),
                "lesson page (same lesson)": load(
                    app_port, lesson_path, args.duration, cookie=cookie
                ),
                f"lesson page ({len(lesson_urls)} lessons in turn: a write each)": load(
                    app_port, lesson_path, args.duration, cookie=cookie, rotate=lesson_urls
                ),
            }
        finally:
            stop(app_proc)
            stop(bare_proc)

    width = max(len(k) for k in results)
    print(f"{'':{width}}  {'req/s':>8}  {'p50 ms':>7}  {'p95 ms':>7}  errors")
    for name, r in results.items():
        print(f"{name:{width}}  {r['rps']:8.0f}  {r['p50']:7.1f}  {r['p95']:7.1f}  {r['errors']}")
    bare = results["bare Flask hello"]["rps"]
    for name, r in list(results.items())[1:]:
        if not name.startswith("lesson"):
            print(f"(reference) {name} / bare: {r['rps'] / bare:.2f}")
            continue
        ratio = r["rps"] / bare
        verdict = "meets" if ratio >= TARGET_RATIO else "below"
        print(f"ratio {name} / bare: {ratio:.2f} ({verdict} the {TARGET_RATIO} target)")


if __name__ == "__main__":
    main()
