"""A learner's path through HTTP: lessons, resuming, marking done, progress, completion, JP."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from factories_course import (
    SHIPPED,
    enrol,
    import_course,
    import_shipped,
    mark_done,
    write_course,
)
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.learn.services import jp_earned, year_bounds
from elearn.models import (
    Attempt,
    Completion,
    Course,
    Enrollment,
    LessonProgress,
    Question,
    Quiz,
    QuizRole,
)
from elearn.timeutil import utcnow

L1, L2, L3 = "modul/pelajaran-1", "modul/pelajaran-2", "modul/pelajaran-3"


@pytest.fixture
def course(app, tmp_path):
    return import_course(write_course(tmp_path, "uji", title="Kursus Uji", jp=3, lessons=3))


@pytest.fixture
def learner(make_user):
    return make_user()


def enrollment_of(user, course):
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )


def home(client):
    return client.get("/").get_data(as_text=True)


def jp_earned_on_home(client):
    match = re.search(r'<p class="figure">(\d+) dari (\d+) JP</p>', home(client))
    assert match, "no JP figure on My learning"
    return int(match.group(1))


def continue_link(html):
    match = re.search(r'<a class="button primary[^"]*" href="([^"]+)">(Lanjutkan|Mulai)', html)
    return match.group(1) if match else None


def test_not_enrolled_learner_cannot_open_a_lesson(client, learner, login_as, course):
    login_as(learner)
    response = client.get(f"/learn/uji/{L1}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/uji"
    page = client.get("/courses/uji").get_data(as_text=True)
    assert "Daftar di kursus ini untuk membuka pelajarannya." in page
    assert client.get("/learn/uji").headers["Location"] == "/courses/uji"
    assert mark_done(client, "uji", L1).headers["Location"] == "/courses/uji"
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_opening_a_lesson_records_where_the_learner_is(client, learner, login_as, course):
    login_as(learner)
    enrol(client, "uji")
    response = client.get(f"/learn/uji/{L2}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Isi pelajaran modul/pelajaran-2." in html  # the stored body
    assert f'href="/learn/uji/{L2}" aria-current="page"' in html
    assert f'href="/learn/uji/{L1}" rel="prev"' in html
    assert f'href="/learn/uji/{L3}" rel="next"' in html
    assert "css/code.css" in html
    enrollment = enrollment_of(learner, course)
    assert enrollment.last_item_key == L2
    assert enrollment.last_activity_at is not None
    row = db.session.scalar(select(LessonProgress))
    assert (row.lesson_key, row.completed_at) == (L2, None)
    assert row.first_viewed_at is not None
    # Opening it again keeps the first view.
    first = row.first_viewed_at
    client.get(f"/learn/uji/{L2}")
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    assert db.session.scalar(select(LessonProgress.first_viewed_at)) == first


def test_learner_leaves_and_resumes_at_the_right_lesson(client, learner, login_as, course):
    login_as(learner)
    enrol(client, "uji")
    # Before anything: start at the first lesson.
    assert continue_link(home(client)) == f"/learn/uji/{L1}"
    client.get(f"/learn/uji/{L1}")
    client.get(f"/learn/uji/{L3}")
    client.post("/logout", data={"csrf_token": _token(client)})
    from conftest import login

    login(client, learner.email)
    page = home(client)
    assert continue_link(page) == f"/learn/uji/{L3}"
    assert "Pelajaran pelajaran-3" in page
    assert client.get("/learn/uji").headers["Location"] == f"/learn/uji/{L3}"
    course_page = client.get("/courses/uji").get_data(as_text=True)
    assert continue_link(course_page) == f"/learn/uji/{L3}"


def _token(client):
    from conftest import csrf_token

    return csrf_token(client, "/")


def test_marking_lessons_done_updates_progress(client, learner, login_as, course):
    login_as(learner)
    enrol(client, "uji")
    response = mark_done(client, "uji", L1)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/learn/uji/{L2}"  # on to the next item
    enrollment = enrollment_of(learner, course)
    assert enrollment.progress_percent == 33
    assert enrollment.last_item_key == L2
    assert 'value="33"' in home(client)
    lesson = client.get(f"/learn/uji/{L1}").get_data(as_text=True)
    assert "Anda telah menandai pelajaran ini selesai." in lesson
    assert f"/learn/uji/{L1}/done" not in lesson
    # Idempotent: a second post changes nothing.
    done_at = db.session.scalar(select(LessonProgress.completed_at))
    mark_done(client, "uji", L1)
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    assert db.session.scalar(select(LessonProgress.completed_at)) == done_at
    assert enrollment_of(learner, course).progress_percent == 33


def test_completing_a_course_records_it_once_and_adds_its_jp(client, learner, login_as, course):
    login_as(learner)
    enrol(client, "uji")
    assert jp_earned_on_home(client) == 0
    mark_done(client, "uji", L1)
    mark_done(client, "uji", L2)
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    response = mark_done(client, "uji", L3)
    assert response.headers["Location"] == "/courses/uji"
    page = client.get("/courses/uji").get_data(as_text=True)
    assert "Selamat! Anda telah menyelesaikan Kursus Uji dan memperoleh 3 JP." in page
    assert "Selesai pada" in page
    completion = db.session.scalar(select(Completion))
    assert (completion.user_id, completion.jp, completion.final_score) == (learner.id, 3, None)
    enrollment = enrollment_of(learner, course)
    assert enrollment.progress_percent == 100
    assert enrollment.completed_at == completion.completed_at
    # My learning: JP this year, the completed list, 17 JP still missing.
    page = home(client)
    assert jp_earned_on_home(client) == 3
    assert "Kurang 17 JP untuk mencapai target tahunan." in page
    assert re.search(
        r"Kursus Uji</a></td>\s*<td[^>]*>[^<]+</td>\s*<td class=\"num\"[^>]*>3</td>", page
    )
    # Marking again does not complete twice.
    mark_done(client, "uji", L3)
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1


def test_optional_lessons_do_not_hold_completion(client, learner, login_as, tmp_path):
    import_course(write_course(tmp_path, "opsi", lessons=2, optional=(L2,)))
    login_as(learner)
    enrol(client, "opsi")
    page = client.get("/courses/opsi").get_data(as_text=True)
    assert "opsional" in page
    mark_done(client, "opsi", L1)
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1


def _pass_quiz(user, course, key, score="90"):
    quiz = db.session.scalar(
        select(Quiz).where(Quiz.version_id == course.current_version_id, Quiz.key == key)
    )
    db.session.add(
        Attempt(
            user_id=user.id,
            course_id=course.id,
            quiz_id=quiz.id,
            quiz_key=key,
            role=quiz.role,
            number=1,
            submitted_at=utcnow(),
            score_percent=Decimal(score),
            passed=True,
        )
    )
    db.session.commit()


def test_course_with_quizzes_completes_when_the_last_lesson_is_done(
    client, learner, login_as, tmp_path
):
    course = import_course(
        write_course(tmp_path, "kuis", jp=4, lessons=2, quizzes=True, final_exam=True)
    )
    login_as(learner)
    enrol(client, "kuis")
    # 2 lessons + module quiz + final exam.
    mark_done(client, "kuis", L1)
    assert enrollment_of(learner, course).progress_percent == 25
    response = mark_done(client, "kuis", L2)
    # Next comes the module quiz (the quizzes feature's page, or the course page without it).
    assert "kuis" in response.headers["Location"]
    _pass_quiz(learner, course, "modul/kuis")
    _pass_quiz(learner, course, "final", score="85.5")
    # Quizzes passed elsewhere; the learner comes back and marks the last lesson again: the
    # completion happens now (the quizzes feature calls evaluate() itself after grading).
    db.session.execute(LessonProgress.__table__.update().values(completed_at=None))
    db.session.commit()
    mark_done(client, "kuis", L1)
    response = mark_done(client, "kuis", L2)
    assert response.headers["Location"] == "/courses/kuis"
    completion = db.session.scalar(select(Completion))
    assert completion.final_score == Decimal("85.5")
    page = client.get("/courses/kuis").get_data(as_text=True)
    assert "Nilai ujian akhir: 85,5" in page
    assert jp_earned_on_home(client) == 4
    assert "85,5" in home(client)


def test_quiz_items_open_in_the_quizzes_feature(app, client, learner, login_as, tmp_path):
    import_course(write_course(tmp_path, "kuis", lessons=1, quizzes=True))
    login_as(learner)
    enrol(client, "kuis")
    lesson = client.get(f"/learn/kuis/{L1}").get_data(as_text=True)
    response = client.get("/learn/kuis/modul/kuis")
    assert response.status_code == 302
    if "quizzes.quiz" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            quiz_url = url_for("quizzes.quiz", course_slug="kuis", quiz_key="modul/kuis")
        assert urlsplit(response.headers["Location"]).path == quiz_url
        assert f'href="{quiz_url}" rel="next"' in lesson
    else:
        assert response.headers["Location"] == "/courses/kuis"


def test_unknown_lesson_is_not_found(client, learner, login_as, course):
    login_as(learner)
    enrol(client, "uji")
    assert client.get("/learn/uji/modul/nothing").status_code == 404
    assert client.get("/learn/nothing/modul/pelajaran-1").status_code == 404
    from conftest import csrf_token

    token = csrf_token(client, f"/learn/uji/{L1}")
    response = client.post("/learn/uji/modul/nothing/done", data={"csrf_token": token})
    assert response.status_code == 404


def test_new_version_keeps_progress_of_surviving_lessons(client, learner, login_as, tmp_path):
    course = import_course(
        write_course(tmp_path, "versi", modules={"modul": ["satu", "dua", "tiga"]})
    )
    first_version = course.current_version_id
    login_as(learner)
    enrol(client, "versi")
    mark_done(client, "versi", "modul/satu")
    mark_done(client, "versi", "modul/dua")
    assert enrollment_of(learner, course).progress_percent == 66
    # Version 2: "dua" is gone, "empat" is new, "satu" and "tiga" stay.
    course = import_course(
        write_course(tmp_path, "versi", modules={"modul": ["satu", "tiga", "empat"]})
    )
    assert course.current_version_id != first_version
    assert enrollment_of(learner, course).version_id == first_version  # until the next visit
    html = client.get("/learn/versi/modul/tiga").get_data(as_text=True)
    assert "Isi pelajaran modul/tiga." in html
    assert "/learn/versi/modul/dua" not in html
    enrollment = enrollment_of(learner, course)
    assert enrollment.version_id == course.current_version_id
    assert enrollment.progress_percent == 33  # satu of satu, tiga, empat
    assert re.search(
        r'href="/learn/versi/modul/satu"><span class="mark" aria-hidden="true">✓', html
    )
    mark_done(client, "versi", "modul/tiga")
    mark_done(client, "versi", "modul/empat")
    completion = db.session.scalar(select(Completion))
    assert completion.version_id == course.current_version_id


def test_my_learning_orders_assigned_then_in_progress_then_completed(
    client, learner, login_as, tmp_path
):
    for slug in ("alpha", "beta", "gamma", "delta"):
        import_course(write_course(tmp_path, slug, title=f"Kursus {slug}", lessons=1))
    login_as(learner)
    enrol(client, "alpha")
    enrol(client, "beta")
    client.get(f"/learn/beta/{L1}")
    enrol(client, "gamma")
    mark_done(client, "gamma", L1)  # completed
    delta = db.session.scalar(select(Course).where(Course.slug == "delta"))
    db.session.add(
        Enrollment(
            user_id=learner.id,
            course_id=delta.id,
            version_id=delta.current_version_id,
            source="assigned",
        )
    )
    db.session.commit()
    page = home(client)
    order = [page.index(f"Kursus {s}</a>") for s in ("delta", "beta", "alpha", "gamma")]
    assert order == sorted(order)
    assert page.index("Ditugaskan kepada Anda") < page.index("Sedang berjalan")
    assert page.index("Sedang berjalan") < page.index("Kursus yang telah diselesaikan")


def test_home_without_courses_points_to_the_catalog(client, learner, login_as):
    login_as(learner)
    page = home(client)
    assert page.count("<h1>") == 1 and "Selamat datang" in page
    assert "Anda belum terdaftar di kursus mana pun." in page
    assert 'href="/courses/"' in page
    assert "0 dari 20 JP" in page and "1 JP = 45 menit" in page


@pytest.mark.parametrize("config_overrides", [{"YEARLY_JP_TARGET": 5, "JP_MINUTES": 60}])
def test_jp_settings_are_used(client, learner, login_as, course):
    login_as(learner)
    enrol(client, "uji")
    for key in (L1, L2, L3):
        mark_done(client, "uji", key)
    page = home(client)
    assert "3 dari 5 JP" in page and "Kurang 2 JP" in page and "1 JP = 60 menit" in page


def test_jp_counts_completions_of_this_year_in_the_local_time_zone(app, learner, course, tmp_path):
    version_id = course.current_version_id
    # Asia/Jakarta is UTC+7: 2025-12-31 17:30 UTC is already 2026-01-01 in Jakarta.
    start, end = year_bounds(2026)
    assert start == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    other = import_course(write_course(tmp_path, "lain", jp=5))
    db.session.add_all(
        [
            Completion(
                user_id=learner.id,
                course_id=course.id,
                version_id=version_id,
                completed_at=datetime(2025, 12, 31, 17, 30, tzinfo=UTC),
                jp=3,
            ),
            Completion(
                user_id=learner.id,
                course_id=other.id,
                version_id=other.current_version_id,
                completed_at=datetime(2025, 12, 31, 16, 30, tzinfo=UTC),
                jp=5,
            ),
        ]
    )
    db.session.commit()
    assert jp_earned([learner.id], 2026) == {learner.id: 3}
    assert jp_earned([learner.id], 2025) == {learner.id: 5}
    assert jp_earned([learner.id, learner.id + 1], 2024) == {learner.id: 0, learner.id + 1: 0}


def test_last_year_completions_do_not_count_this_year(client, learner, login_as, course):
    db.session.add(
        Completion(
            user_id=learner.id,
            course_id=course.id,
            version_id=course.current_version_id,
            completed_at=utcnow() - timedelta(days=400),
            jp=3,
        )
    )
    db.session.commit()
    login_as(learner)
    assert jp_earned_on_home(client) == 0
    assert "Kursus Uji" in home(client)  # still listed among completed courses


def test_pages_never_contain_quiz_answers(client, learner, login_as, app):
    import_shipped("literasi-digital-asn")
    login_as(learner)
    enrol(client, "literasi-digital-asn")
    pages = [client.get("/courses/literasi-digital-asn").get_data(as_text=True)]
    first_lesson = "dokumen-dan-lembar-kerja/naskah-dinas-templat-style"
    pages.append(client.get(f"/learn/literasi-digital-asn/{first_lesson}").get_data(as_text=True))
    pages.append(home(client))
    pages.append(client.get("/courses/").get_data(as_text=True))
    secrets = set()
    for question in db.session.scalars(select(Question)):
        secrets.update(o["key"] for o in question.options)
        if question.explanation_html:
            secrets.add(question.explanation_html[:60])
    assert secrets
    for html in pages:
        assert "correct" not in html
        leaked = [s for s in secrets if len(s) >= 6 and s in html]
        assert leaked == []


def test_lesson_pages_are_light(client, learner, login_as, app):
    """HTML + every same-origin stylesheet and script it references stays under 100 KB, for
    every lesson of the shipped courses (lesson images excluded: they load lazily by nature)."""
    login_as(learner)
    biggest, checked = (0, ""), 0
    for name in SHIPPED:
        slug = import_shipped(name).slug
        enrol(client, slug)
        course_page = client.get(f"/courses/{slug}").get_data(as_text=True)
        for url in dict.fromkeys(re.findall(rf'href="(/learn/{slug}/[^"]+)"', course_page)):
            response = client.get(url)
            if response.status_code != 200:
                continue  # quizzes open in the quizzes feature
            html = response.get_data(as_text=True)
            total = len(response.data)
            assets = re.findall(r'<link rel="stylesheet" href="(/[^"]+)"', html)
            assets += re.findall(r'<script src="(/[^"]+)"', html)
            assert any("code.css" in a for a in assets) and any("learn.js" in a for a in assets)
            for asset in assets:
                asset_response = client.get(asset)
                assert asset_response.status_code == 200, asset
                total += len(asset_response.data)
                asset_response.close()
            biggest = max(biggest, (total, url))
            checked += 1
    assert checked > 40
    assert biggest[0] < 100 * 1024, f"{biggest[1]}: {biggest[0] / 1024:.1f} KB"
    print(f"heaviest of {checked} lesson pages with CSS and JS: {biggest[0] / 1024:.1f} KB")


def test_unpublished_course_closes_for_enrolled_learners(client, learner, login_as, course):
    """An unpublished course (no current version) is not found, even for enrolled learners."""
    login_as(learner)
    enrol(client, "uji")
    course = db.session.get(Course, course.id)
    course.current_version_id = None
    db.session.commit()
    assert client.get(f"/learn/uji/{L1}").status_code == 404
    page = home(client)  # My learning still renders, without a way into the course
    assert "/learn/uji/" not in page and "Anda belum terdaftar di kursus mana pun." in page


def test_pretest_comes_first_for_a_new_learner_only(client, learner, login_as, tmp_path):
    files_course = write_course(tmp_path, "pre", lessons=2)
    (files_course / "pretest.md").write_text(
        "---\ntype: quiz\ntitle: Pretest\n---\n## Soal? {#s}\n\n- [x] Ya\n- [ ] Tidak\n"
    )
    yml = files_course / "course.yml"
    yml.write_text(yml.read_text() + "pretest: pretest.md\n")
    course = import_course(files_course)
    login_as(learner)
    enrol(client, "pre")
    assert continue_link(client.get("/courses/pre").get_data(as_text=True)) in (
        "/learn/pre/pretest",
        _quiz_url(client, "pre", "pretest"),
    )
    quiz = db.session.scalar(select(Quiz).where(Quiz.role == QuizRole.PRETEST))
    assert quiz is not None and course is not None
    mark_done(client, "pre", L1)  # progress made: the pre-test is no longer where to resume
    assert continue_link(home(client)) == f"/learn/pre/{L2}"


def _quiz_url(client, slug, key):
    app = client.application
    if "quizzes.quiz" not in app.view_functions:
        return None
    with app.test_request_context():
        from flask import url_for

        return url_for("quizzes.quiz", course_slug=slug, quiz_key=key)


def test_insert_if_absent_tells_whether_it_inserted(app, learner, course):
    """On PostgreSQL too (psycopg reports no rowcount for an INSERT ... RETURNING)."""
    from elearn.dbutil import insert_if_absent

    values = {
        "user_id": learner.id,
        "course_id": course.id,
        "lesson_key": L1,
        "first_viewed_at": utcnow(),
    }
    keys = ["user_id", "course_id", "lesson_key"]
    assert insert_if_absent(LessonProgress, values, keys) is True
    assert insert_if_absent(LessonProgress, values, keys) is False
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
