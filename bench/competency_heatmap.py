"""Time the unit heatmap of competency gaps (/competencies/units) on a synthetic agency; prints
render times and query counts, on SQLite and, when ELEARN_BENCH_DATABASE_URL is set, on
PostgreSQL (a scratch database made on that server and dropped afterwards).

    .venv/bin/python bench/competency_heatmap.py [--people 10000] [--units 200] [--runs 5]
    ELEARN_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:55445/elearn_test \\
        .venv/bin/python bench/competency_heatmap.py --no-sqlite

The agency comes from `flask demo generate` (elearn/demo_generate.py), which also writes the
competency standards and two years of self and supervisor assessments for everyone.
Target: the heatmap of an admin over everyone and of a supervisor over ~2,000 people, under
300 ms, with the same number of queries whatever the size.
"""

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, event, func, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elearn import create_app  # noqa: E402
from elearn.demo_generate import PASSWORD, generate_agency  # noqa: E402
from elearn.extensions import db  # noqa: E402
from elearn.models import Role, User, UserRole  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TARGET_MS = 300


def make_app(url):
    return create_app(
        {
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
        }
    )


def signed_in(app, email):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/login", data={"identifier": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, "sign-in failed"
    return client


def measure(app, client, url, runs):
    """(first ms, median ms of `runs` more, queries of one request)."""
    statements = []

    def listener(*_args):
        statements.append(1)

    start = time.perf_counter()
    assert client.get(url).status_code == 200, url
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200, url
        times.append((time.perf_counter() - start) * 1000)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return first, statistics.median(times), len(statements)


def run(label, url, args):
    print(f"\n== {label} ==")
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        out = generate_agency(args.people, args.units, args.courses, seed=1, per_person=5)
        db.session.commit()
        extra = ", ".join(f"{n} {name}" for name, n in out.extra.items())
        print(f"generated in {time.perf_counter() - start:.1f} s: {out.people} people, "
              f"{out.units} units, {extra}")  # fmt: skip
        if db.engine.dialect.name == "postgresql":
            # As a running server's autovacuum would have: statistics, visibility map, hint bits.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        admin = User(nip=None, full_name="Admin Bench", email="admin@bench.example")
        admin.roles = [Role.ADMIN]
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        sizes = []
        for uid in db.session.scalars(
            select(UserRole.user_id).where(UserRole.role == Role.SUPERVISOR)
        ).all():
            boss = db.session.get(User, uid)
            n = db.session.scalar(select(func.count(User.id)).where(boss.scope_filter()))
            sizes.append((n, boss.email))
        team_size, boss_email = max(sizes)
        db.session.remove()

    figures = {}
    for who, email, size in (
        ("admin", "admin@bench.example", args.people),
        ("supervisor", boss_email, team_size),
    ):
        client = signed_in(app, email)
        for path in ("/competencies/units", "/competencies/units/export.xlsx"):
            first, median, queries = measure(app, client, path, args.runs)
            figures[(who, path)] = median
            target = f" (target < {TARGET_MS} ms)" if path.endswith("units") else ""
            print(f"{who} over {size} people, {path}: first {first:.0f} ms, "
                  f"median {median:.0f} ms, {queries} queries{target}")  # fmt: skip
    with app.app_context():
        db.engine.dispose()
    return figures


def postgres_scratch(base):
    name = f"elearn_bench_heat_{os.getpid()}"
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
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    base = os.environ.get("ELEARN_BENCH_DATABASE_URL")
    if base:
        url, drop = postgres_scratch(base)
        try:
            run("PostgreSQL", url, args)
        finally:
            drop()
    else:
        print("\n(PostgreSQL skipped: set ELEARN_BENCH_DATABASE_URL to measure it too)")


if __name__ == "__main__":
    main()
