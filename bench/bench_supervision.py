"""Time the team pages and exports on a synthetic agency, on SQLite and PostgreSQL; prints figures.

    .venv/bin/python bench/bench_supervision.py [--people 10000] [--units 200] [--courses 30]
                                                [--runs 5] [--no-postgres] [--no-sqlite]

The agency comes from `flask demo generate` (elearn/demo_generate.py), in a temporary SQLite
file and in a scratch database on the PostgreSQL server of scripts/pg-test-server.sh (started
if needed; the scratch database is dropped afterwards).

Targets: the first dashboard page of a supervisor over about 2,000 people under 300 ms; an
admin's full XLSX export of 10,000 people under 10 s.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elearn import create_app  # noqa: E402
from elearn.demo_generate import PASSWORD, generate_agency  # noqa: E402
from elearn.extensions import db  # noqa: E402
from elearn.models import Role, User, UserRole  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TARGET_DASHBOARD_MS = 300
TARGET_EXPORT_S = 10


def make_app(url):
    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
        }
    )


def timed(client, url, runs):
    """(first request ms, median of the next `runs` ms, response of the last)."""
    start = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return first, statistics.median(times), response


def signed_in(app, email):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/login", data={"identifier": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, "sign-in failed"
    return client


def run(label, url, args):
    print(f"\n== {label} ==")
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        out = generate_agency(args.people, args.units, args.courses, seed=1)
        db.session.commit()
        print(
            f"generated in {time.perf_counter() - start:.1f} s: {out.people} people, "
            f"{out.units} units, {out.courses} courses, {out.enrollments} enrolments, "
            f"{out.attempts} attempts, {out.completions} completions, "
            f"{out.assignments} assignments"
        )
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        admin = User(nip=None, full_name="Admin Bench", email="admin@bench.example")
        admin.roles = [Role.ADMIN]
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        sizes = []
        supervisor_ids = db.session.scalars(
            select(UserRole.user_id).where(UserRole.role == Role.SUPERVISOR)
        ).all()
        for uid in supervisor_ids:
            boss = db.session.get(User, uid)
            n = db.session.scalar(select(func.count(User.id)).where(boss.scope_filter()))
            sizes.append((n, boss.email))
        team_size, boss_email = max(sizes)
        db.session.remove()

    # Requests run outside any app context, each in its own, as in a server.
    figures = {}
    client = signed_in(app, boss_email)
    first, median, _r = timed(client, "/team", args.runs)
    figures["supervisor dashboard"] = (first, median)
    print(
        f"supervisor over {team_size} people, /team: first {first:.0f} ms, "
        f"median {median:.0f} ms (target < {TARGET_DASHBOARD_MS} ms)"
    )
    for query in ("?status=overdue&sort=-jp", "?jp=below&sort=activity&page=10"):
        first, median, _r = timed(client, f"/team{query}", args.runs)
        print(f"  /team{query}: first {first:.0f} ms, median {median:.0f} ms")
    first, median, _r = timed(client, "/team/export.xlsx", 1)
    print(f"  supervisor XLSX export of the team: {first:.0f} ms")

    admin = signed_in(app, "admin@bench.example")
    first, median, _r = timed(admin, "/team", args.runs)
    print(f"admin /team over all people: first {first:.0f} ms, median {median:.0f} ms")
    for url, name in (
        ("/team/export.xlsx", "admin XLSX export of everyone"),
        ("/team/export.csv", "admin CSV export of everyone"),
        ("/team/completions.xlsx?date_from=2000-01-01", "admin XLSX of all completions"),
        (
            "/team/completions.csv?date_from=2000-01-01&layout=siasn",
            "admin SIASN CSV of all completions",
        ),
    ):
        start = time.perf_counter()
        response = admin.get(url)
        seconds = time.perf_counter() - start
        assert response.status_code == 200, url
        rows = response.get_data().count(b"\n") - 1 if url.split("?")[0].endswith(".csv") else "?"
        print(
            f"  {name}: {seconds:.2f} s, {len(response.get_data()) / 1024:.0f} KiB"
            + (f", {rows} rows" if rows != "?" else "")
            + (f" (target < {TARGET_EXPORT_S} s)" if url == "/team/export.xlsx" else "")
        )
        figures[name] = seconds
    with app.app_context():
        db.engine.dispose()
    return figures


def postgres_scratch():
    """(url of a new scratch database, function dropping it)."""
    base = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-server.sh"), "start"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    name = f"elearn_bench_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--courses", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    if not args.no_postgres:
        url, drop = postgres_scratch()
        try:
            run("PostgreSQL", url, args)
        finally:
            drop()


if __name__ == "__main__":
    main()
