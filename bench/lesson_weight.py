"""What a learner on a slow link downloads for each lesson page of the shipped courses.

    .venv/bin/python bench/lesson_weight.py [--budget-kb 100] [--top 10]

Imports the courses in content/ into a temporary SQLite database, signs an enrolled learner
in, and fetches every lesson page as a browser would on a first visit: the HTML, then each
stylesheet, script and image it references (once per page; a cache shares them between pages,
so this is the worst case). Prints the heaviest pages (HTML, HTML gzipped, images, everything)
and exits 1 when the heaviest page's total is over the budget (default 100 KB).
"""

import argparse
import gzip
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"  # noqa: S105
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REFS = re.compile(r'<(?:link[^>]*\bhref|script[^>]*\bsrc|img[^>]*\bsrc)="([^"]+)"')


def kb(size):
    return f"{size / 1024:7.1f}"


def measure(db_url):
    from sqlalchemy import select

    from elearn import create_app
    from elearn.content import import_package, load_package
    from elearn.extensions import db
    from elearn.models import Course, Enrollment, Lesson, User

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        db.create_all()
        for course_yml in sorted((ROOT / "content").glob("*/course.yml")):
            package, problems = load_package(course_yml.parent)
            assert not problems, [str(p) for p in problems]
            import_package(package)
        user = User(full_name="Pegawai Ukur", email="ukur@bench.go.id", nip="198001010000000000")
        user.roles = ["learner"]
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        pages = []
        for course in db.session.scalars(select(Course)):
            version = course.current_version
            db.session.add(Enrollment(user_id=user.id, course_id=course.id, version_id=version.id))
            keys = db.session.scalars(
                select(Lesson.key).where(Lesson.version_id == version.id).order_by(Lesson.id)
            )
            pages += [(course.slug, key) for key in keys]
        db.session.commit()

    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    signed_in = client.post(
        "/login",
        data={"identifier": "ukur@bench.go.id", "password": PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302, "sign-in failed"

    sizes = {}

    def fetch(url):
        if url not in sizes:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sizes[url] = len(response.data)
        return sizes[url]

    rows = []
    for slug, key in pages:
        url = f"/learn/{slug}/{key}"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.data
        refs = sorted(set(REFS.findall(html.decode())))
        images = [r for r in refs if r.startswith("/media/")]
        other = [r for r in refs if r.startswith("/static/")]
        image_bytes = sum(fetch(r) for r in images)
        static_bytes = sum(fetch(r.split("?")[0]) for r in other)
        rows.append(
            {
                "page": url,
                "html": len(html),
                "gzip": len(gzip.compress(html)),
                "images": image_bytes,
                "count": len(images),
                "static": static_bytes,
                "total": len(html) + image_bytes + static_bytes,
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget-kb", type=float, default=100)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(f"sqlite:///{tmp}/weight.sqlite3")
    rows.sort(key=lambda r: r["total"], reverse=True)
    print(f"{len(rows)} lesson pages of the shipped courses (KB; first visit, nothing cached)")
    print(f"{'HTML':>7} {'gzip':>7} {'images':>7} {'n':>2} {'CSS+JS':>7} {'total':>7}  page")
    for r in rows[: args.top]:
        print(
            f"{kb(r['html'])} {kb(r['gzip'])} {kb(r['images'])} {r['count']:>2} "
            f"{kb(r['static'])} {kb(r['total'])}  {r['page']}"
        )
    heaviest = rows[0]
    html_max = max(rows, key=lambda r: r["html"])
    print(
        f"heaviest page: {heaviest['total'] / 1024:.1f} KB in all ({heaviest['page']}); "
        f"largest HTML: {html_max['html'] / 1024:.1f} KB; budget {args.budget_kb:g} KB"
    )
    if heaviest["total"] > args.budget_kb * 1024:
        print("OVER BUDGET")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
