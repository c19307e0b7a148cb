"""Bytes a repeat visit of a lesson page transfers, measured in Chromium over CDP.

    .venv/bin/python bench/offline_bytes.py [--port 55471] [--budget-kb 20]

Imports one shipped course into a temporary SQLite database, serves the app on 127.0.0.1, signs
a learner in with Playwright, opens a lesson (first visit), then opens it again and sums the
encoded bytes of every response (Network.loadingFinished). Exits 1 over the budget.
"""

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"  # noqa: S105
SLUG = "literasi-digital-asn"


def prepare(db_url):
    from sqlalchemy import select

    from elearn import create_app
    from elearn.content import import_package, load_package
    from elearn.extensions import db
    from elearn.models import Course, Enrollment, Lesson, User

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        db.create_all()
        package, problems = load_package(ROOT / "content" / SLUG)
        assert not problems, [str(p) for p in problems]
        import_package(package)
        user = User(full_name="Pegawai Ukur", email="ukur@bench.go.id", nip="198001010000000000")
        user.roles = ["learner"]
        user.set_password(PASSWORD)
        db.session.add(user)
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        version = course.current_version
        db.session.flush()
        db.session.add(Enrollment(user_id=user.id, course_id=course.id, version_id=version.id))
        key = db.session.scalar(
            select(Lesson.key).where(Lesson.version_id == version.id).order_by(Lesson.id)
        )
        db.session.commit()
    return app, f"/learn/{SLUG}/{key}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=55471)
    parser.add_argument("--budget-kb", type=float, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    with tempfile.TemporaryDirectory() as tmp:
        app, lesson = prepare(f"sqlite:///{tmp}/bench.db")
        server = make_server("127.0.0.1", args.port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{args.port}"
        chromium = os.environ.get("ELEARN_CHROMIUM", "/usr/bin/chromium")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                # The worker's own fetches are not counted on the page's session: measure the
                # HTTP caching the browser does without it (a first-time or signed-out visitor).
                page = browser.new_page(service_workers="block")
                page.goto(f"{base}/login")
                page.fill("#identifier", "ukur@bench.go.id")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                cdp = page.context.new_cdp_session(page)
                cdp.send("Network.enable")
                first = []
                cdp.on("Network.loadingFinished", lambda e: first.append(e["encodedDataLength"]))
                page.goto(base + lesson)
                page.wait_for_load_state("networkidle")
                first_total, first_count = sum(first), len(first)
                first.clear()
                page.goto(base + lesson)
                page.wait_for_load_state("networkidle")
                repeat_total, repeat_count = sum(first), len(first)
                browser.close()
        finally:
            server.shutdown()
    print(f"lesson {lesson}")
    print(f"first visit : {first_total / 1024:7.1f} KB in {first_count} responses")
    print(f"repeat visit: {repeat_total / 1024:7.1f} KB in {repeat_count} responses")
    return 0 if repeat_total <= args.budget_kb * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
