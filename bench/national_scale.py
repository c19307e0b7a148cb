"""National-scale figures on PostgreSQL: generation of the synthetic agency, the team dashboard
for a supervisor over ~2,000 and over ~20,000 people (every filter and sort), an admin's
overview of the whole instance, and a learner's My learning and lesson page; prints p50/p95.

    nice -n 10 .venv/bin/python bench/national_scale.py --people 10000 [--runs 5]
    nice -n 10 .venv/bin/python bench/national_scale.py --people 1000000 --units 2000

The database (`elearn_scale_<people>` on the server of scripts/pg-test-server.sh, or
--database) is generated once with `flask db upgrade` and `flask demo generate` in a subprocess
(its time and peak RSS are printed) and reused by later runs (--regenerate to start again).
Requests go through the Flask test client, as in bench/bench_supervision.py.

Targets (issue 16): supervisor over 2,000 people, every filter and sort <= 300 ms; over 20,000
<= 1 s; admin overview <= 1 s; learner pages within 2x of the small database.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elearn import create_app  # noqa: E402
from elearn.demo_generate import PASSWORD, ROOT_CODE  # noqa: E402
from elearn.extensions import db  # noqa: E402
from elearn.models import Course, Enrollment, Role, Unit, User, supervised_units  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SORTS = ["name", "unit", "jp", "-jp", "activity", "-activity"]
FILTERS = [
    "status=not_started", "status=in_progress", "status=overdue", "status=completed",
    "jp=below", "jp=reached", "course={course}", "unit={unit}", "q=agus",
]  # fmt: skip


def server_url():
    env = {**os.environ, "ELEARN_TEST_PGPORT": os.environ.get("ELEARN_TEST_PGPORT", "25436")}
    env.setdefault("ELEARN_TEST_PGDATA", "/tmp/elearn-scale-pg")  # noqa: S108 (the scratch server)
    out = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-server.sh"), "start"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return out.stdout.strip()


def prepare(args):
    base = make_url(server_url())
    url = base.set(database=args.database).render_as_string(hide_password=False)
    admin = create_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": args.database}
        )
        if exists and args.regenerate:
            conn.execute(text(f'DROP DATABASE "{args.database}" WITH (FORCE)'))
            exists = False
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{args.database}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.connect() as conn:
        have_schema = conn.scalar(text("SELECT to_regclass('units') IS NOT NULL"))
        generated = have_schema and conn.scalar(
            text("SELECT 1 FROM units WHERE code = :c"), {"c": ROOT_CODE}
        )
    engine.dispose()
    env = {**os.environ, "ELEARN_DATABASE_URL": url}
    if not generated:
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*flask, "demo", "generate", "--people", str(args.people), "--units",
             str(args.units)], cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"generation of {args.people:,} people: {seconds:.0f} s, peak RSS {rss:.0f} MB")
    else:
        print(f"reusing {args.database} (generation figures: see its first run)")
    # What the worker does every TEAM_FIGURES_REFRESH_MINUTES on a large instance: the kept
    # summary per unit that an unfiltered /team reads (below the threshold it counts live).
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "team-figures"],
        cwd=ROOT, env={**os.environ, "ELEARN_DATABASE_URL": url}, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    print(f"flask team-figures: {out.stdout.strip()} in {time.perf_counter() - started:.1f} s")
    return url


def make_app(url):
    return create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
         "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False}
    )  # fmt: skip


def ensure_schema(app):
    """A reused database gets the indexes the models have gained since it was made."""
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for index in table.indexes:
                index.create(db.engine, checkfirst=True)
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def bench_people(app, sizes):
    """An admin, and a supervisor per wanted size over whole sub-units of one OPD (greedy by
    unit size), made once. Returns ({size: (email, people)}, admin email, learner email)."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@bench.example"))
        if admin is None:
            admin = User(full_name="Admin Bench", email="admin@bench.example")
            admin.roles = [Role.ADMIN]
            admin.set_password(PASSWORD)
            db.session.add(admin)
        counts = dict(
            db.session.execute(
                select(User.unit_id, func.count(User.id)).group_by(User.unit_id)
            ).all()
        )
        units = db.session.scalars(select(Unit).where(Unit.path.like("/%/%/%/"))).all()
        by_path = {u.path: u for u in units}
        size_of = {u.id: 0 for u in units}
        all_units = db.session.scalars(select(Unit)).all()
        for v in all_units:
            for u_path in (p for p in by_path if v.path.startswith(p)):
                size_of[by_path[u_path].id] += counts.get(v.id, 0)
        top = {u.id for u in units if u.path.count("/") == 4}  # bidang: /root/opd/bidang/
        heads = []  # (team size, email) of the generated OPD heads
        for head in db.session.scalars(select(User).where(User.email.like("gen%"))
                                       .join(supervised_units).distinct()):  # fmt: skip
            heads.append((db.session.scalar(select(func.count(User.id))
                                            .where(head.scope_filter())), head.email))  # fmt: skip
        out = {}
        for size in sizes:
            near = [(n, e) for n, e in heads if 0.75 * size <= n <= 1.25 * size]
            if near:
                out[size] = (near[0][1], near[0][0])
                continue
            email = f"sup{size}@bench.example"
            boss = db.session.scalar(select(User).where(User.email == email))
            if boss is None:
                boss = User(full_name=f"Supervisor {size}", email=email)
                boss.roles = [Role.SUPERVISOR]
                boss.set_password(PASSWORD)
                db.session.add(boss)
                db.session.flush()
                opd = min(units, key=lambda u: u.id).path.split("/")[2]
                chosen, total = [], 0
                candidates = sorted(
                    (u for u in units if u.id in top and u.path.split("/")[2] == opd),
                    key=lambda u: -size_of[u.id],
                )
                for u in candidates:
                    if total + size_of[u.id] <= size * 1.1:
                        chosen.append(u)
                        total += size_of[u.id]
                    if total >= size * 0.9:
                        break
                if not chosen:
                    chosen = [min(candidates, key=lambda u: abs(size_of[u.id] - size))]
                db.session.execute(
                    supervised_units.insert(),
                    [{"user_id": boss.id, "unit_id": u.id} for u in chosen],
                )
            db.session.commit()
            n = db.session.scalar(select(func.count(User.id)).where(boss.scope_filter()))
            out[size] = (email, n)
        db.session.commit()
        learner = db.session.scalar(
            select(User.email)
            .join(Enrollment, Enrollment.user_id == User.id)
            .join(Course, Course.id == Enrollment.course_id)
            .where(Course.slug == "sintetis-01", Enrollment.completed_at.is_(None),
                   User.email.like("gen%"))
            .order_by(User.id)
            .limit(1)
        )  # fmt: skip
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sintetis-01"))
        return out, "admin@bench.example", learner, course_id


def signed_in(app, email):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/login", data={"identifier": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, f"sign-in of {email} failed"
    return client


def timed(client, url, runs):
    client.get(url)  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def report(label, client, urls, runs, target=None):
    worst = 0
    for url in urls:
        p50, p95 = timed(client, url, runs)
        worst = max(worst, p95)
        print(f"  {label} {url}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    if target:
        print(f"  {label}: worst p95 {worst:.0f} ms (target <= {target} ms)")
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default="")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    args.database = args.database or f"elearn_scale_{args.people}"
    url = prepare(args)
    app = make_app(url)
    ensure_schema(app)
    with app.app_context():
        rows = {
            name: db.session.scalar(text(f"SELECT count(*) FROM {name}"))  # noqa: S608
            for name in ("users", "enrollments", "attempts", "attempt_answers", "completions",
                         "certificates", "competency_assessment_items")
        }  # fmt: skip
    print("rows: " + ", ".join(f"{n} {v:,}" for n, v in rows.items()))
    sizes = [2_000, 20_000] if args.people >= 100_000 else [2_000]
    supervisors, admin, learner, course_id = bench_people(app, sizes)
    with app.app_context():
        some_unit = db.session.scalar(
            select(supervised_units.c.unit_id)
            .join(User, User.id == supervised_units.c.user_id)
            .where(User.email == supervisors[2_000][0])
            .limit(1)
        )
    for size, (email, n) in supervisors.items():
        print(f"\nsupervisor over {n:,} people ({email})")
        client = signed_in(app, email)
        urls = [f"/team?sort={s}" for s in SORTS]
        urls += ["/team?" + f.format(course=course_id, unit=some_unit) for f in FILTERS]
        report(f"{n:,}", client, urls, args.runs, 300 if size <= 2_000 else 1000)
    print(f"\nadmin over the whole instance ({rows['users']:,} people)")
    client = signed_in(app, admin)
    report("admin", client, ["/team", "/team?sort=jp", "/team?status=overdue"], args.runs, 1000)
    print(f"\nlearner ({learner})")
    client = signed_in(app, learner)
    report("learner", client, ["/", "/learn/sintetis-01/modul-1/pelajaran-1"], args.runs * 4)


if __name__ == "__main__":
    main()
