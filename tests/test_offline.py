"""Offline reading and data saving over HTTP: the manifest, /sw.js, a course's offline list
(only for its learners, with sizes from the stored HTML), marks sent with a fresh token from a
fetch, sign-out, compressed pages and static files kept by their digest."""

import os
import re

import pytest
from factories_course import enrol, import_course, write_course
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import Lesson, LessonProgress
from elearn.offline.services import PAGE_CHROME_BYTES

L1 = "modul/pelajaran-1"


@pytest.fixture
def course(app, tmp_path):
    return import_course(write_course(tmp_path, "uji", title="Kursus Uji", jp=3, lessons=3))


def test_manifest_is_installable(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.mimetype == "application/manifest+json"
    data = answer.get_json()
    assert data["display"] == "standalone" and data["lang"] == "id"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in data["icons"]}
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_worker_from_the_root_never_cached(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["Service-Worker-Allowed"] == "/"
    assert b'addEventListener("fetch"' in answer.data


def test_offline_pages_carry_nothing_of_a_user(client, make_user, login_as):
    login_as(make_user(full_name="Rahasia Pengguna"))
    for url, text in (("/offline", "Anda sedang offline"), ("/offline/quiz", "Kuis memerlukan")):
        html = client.get(url).get_data(as_text=True)
        assert text in html
        assert "Rahasia Pengguna" not in html and "csrf_token" not in html


def test_offline_list_only_for_enrolled_learners(client, make_user, login_as, course):
    assert client.get("/learn/uji/offline.json").status_code in (302, 401)
    login_as(make_user())
    assert client.get("/learn/uji/offline.json").status_code == 404
    assert client.get("/learn/nope/offline.json").status_code == 404
    enrol(client, "uji")
    data = client.get("/learn/uji/offline.json").get_json()
    assert data["version"] == 1
    lesson_urls = [u for u in data["urls"] if u["url"].startswith("/learn/uji/")]
    assert [u["url"] for u in lesson_urls] == [f"/learn/uji/modul/pelajaran-{i}" for i in (1, 2, 3)]
    body = db.session.scalar(select(func.length(Lesson.body_html)).where(Lesson.key == L1))
    assert lesson_urls[0]["bytes"] == body + PAGE_CHROME_BYTES
    assert data["bytes"] == sum(u["bytes"] for u in data["urls"])
    assert any(u["url"].startswith("/static/css/app.css?v=") for u in data["urls"])
    assert data["size"].startswith("±") and data["size"].endswith(" kB")
    assert data["cache"].startswith(f"elearn-u{data['cache'].split('-u')[1].split('-')[0]}-")


def test_size_label_in_the_page_language(app):
    from elearn.offline.routes import size_label

    with app.test_request_context():
        assert size_label(1_234_567) == "±1,2 MB"
        assert size_label(45_400) == "±45 kB"


def test_queued_mark_with_a_fresh_token_counts_once(client, make_user, login_as, course):
    learner = make_user()
    login_as(learner)
    enrol(client, "uji")
    for _ in range(2):  # the same lesson sent twice (queued offline, then again)
        token = client.get("/offline/csrf.json").get_json()["token"]
        answer = client.post(f"/learn/uji/{L1}/done", headers={"X-CSRFToken": token},
                             data={"csrf_token": token})  # fmt: skip
        assert answer.status_code == 302
    rows = db.session.scalars(
        select(LessonProgress).where(LessonProgress.user_id == learner.id)
    ).all()
    assert [(r.lesson_key, r.completed_at is not None) for r in rows] == [(L1, True)]
    assert client.post(f"/learn/uji/{L1}/done").status_code == 400  # still no mark without CSRF


def test_sign_out_clears_the_site_data(client, make_user, login_as):
    login_as(make_user())
    token = client.get("/offline/csrf.json").get_json()["token"]
    answer = client.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 302
    assert answer.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_pages_link_the_manifest_and_the_offline_script(client, make_user, login_as, course):
    login_as(make_user())
    enrol(client, "uji")
    html = client.get("/courses/uji").get_data(as_text=True)
    assert 'rel="manifest"' in html and "js/offline.js" in html
    assert 'data-offline-course="/learn/uji/offline.json"' in html
    assert "Simpan untuk dibaca offline" in html
    assert "data-offline-done" in client.get(f"/learn/uji/{L1}").get_data(as_text=True)


def test_background_answers_never_write_the_session_cookie(app, client, make_user, login_as):
    """The service worker fetches its shell while a sign-in is in flight, with the cookie of
    the sign-in page: the answer must not write that older cookie back over the new one."""
    client.get("/login")
    before = client.get_cookie("session").value
    login_as(make_user())
    late = app.test_client()  # the request sent before the sign-in answered
    late.set_cookie("session", before)
    for path in ("/offline", "/offline/quiz", "/sw.js", "/manifest.webmanifest",
                 "/static/css/app.css"):  # fmt: skip
        response = late.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    assert "session=" in late.get("/courses/").headers.get("Set-Cookie", "")  # a page does


def test_pages_travel_compressed_and_static_files_are_kept_a_year(client, make_user, login_as,
                                                                   course):  # fmt: skip
    login_as(make_user())
    enrol(client, "uji")
    plain = client.get(f"/learn/uji/{L1}")
    for encoding in ("br", "gzip"):
        packed = client.get(f"/learn/uji/{L1}", headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding
        assert len(packed.data) < len(plain.data) / 2
        assert "Accept-Encoding" in packed.headers["Vary"]
    # A page echoing what the request chose stays uncompressed (BREACH: its size would leak
    # the CSRF token beside the echo).
    echoed = client.get("/courses/?q=uji", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in echoed.headers and "uji" in echoed.get_data(as_text=True)
    html = plain.get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html).group(1)
    kept = client.get(css)
    assert kept.status_code == 200
    assert kept.cache_control.max_age == 365 * 24 * 3600 and kept.cache_control.immutable
    # The plain address, or an old digest, is asked again each time (the file may change).
    for old in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        assert client.get(old).headers["Cache-Control"] == "no-cache"


def test_a_changed_static_file_gets_a_new_address(tmp_path):
    from elearn.static_files import digest

    (tmp_path / "a.css").write_text("body{color:red}")
    first = digest(tmp_path, "a.css")
    os.utime(tmp_path / "a.css", ns=(1, 1))
    (tmp_path / "a.css").write_text("body{color:blue}")
    assert digest(tmp_path, "a.css") != first and digest(tmp_path, "none.css") is None
