"""The learner's way through a course by its "Lanjutkan" and "Lanjut ke" links: never back to a
finished quiz, the completion moment with JP and certificate, and the check before submitting
an answer sheet with questions left blank (on the server, for browsers without script)."""

import re

import pytest
from conftest import csrf_token
from factories_course import enrol as enrol_by_http
from factories_course import import_course, write_course
from sqlalchemy import select
from test_quizzes import (
    MODULE_QUIZ,
    SLUG,
    answers,
    attempts_of,
    enrol,
    install,
    open_attempt,
    post,
    question,
    quiz_url,
    start,
    take,
)

from elearn.extensions import db
from elearn.models import Attempt, Certificate, Enrollment

LESSON = "dasar/pengantar"
PUBLIC = "https://elearn.example.go.id"


@pytest.fixture
def config_overrides():
    return {"PUBLIC_BASE_URL": PUBLIC + "/"}


@pytest.fixture
def learner(make_user, login_as, app):
    course = install()
    user = make_user()
    enrol(user, course)
    login_as(user)
    return user


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def continue_href(html):
    """Where the course page's primary "Lanjutkan"/"Mulai belajar" button leads."""
    match = re.search(r'<a class="button primary" href="([^"]+)">(Lanjutkan|Mulai belajar)', html)
    return match.group(1) if match else None


def next_link(html):
    """(href, text) of a finished quiz's primary "Lanjut ke ..." link, or None."""
    match = re.search(
        r'<a class="button primary" href="([^"]+)" rel="next">(Lanjut ke [^<]+)</a>', html
    )
    return match.groups() if match else None


def resume(client):
    return client.get(f"/learn/{SLUG}").headers["Location"]


def start_forms(html):
    return html.count(f'action="{quiz_url(MODULE_QUIZ)}"'), html.count('action="/quizzes/')


# The resume point and the next step ---------------------------------------------------------------
def test_lanjutkan_never_leads_back_to_a_finished_quiz(client, learner):
    course_page = f"/courses/{SLUG}"
    assert continue_href(page(client, course_page)) == quiz_url("pretest")  # before studying

    # The pre-test taken: on to the first lesson, not back to the pre-test.
    pretest = take(client, learner, "pretest", right=False)
    result = page(client, f"/attempts/{pretest.id}")
    assert next_link(result) == (f"/learn/{SLUG}/{LESSON}", "Lanjut ke Pengantar")
    assert "Coba lagi" not in result and "Mulai percobaan" not in result
    assert continue_href(page(client, course_page)) == f"/learn/{SLUG}/{LESSON}"
    assert resume(client) == f"/learn/{SLUG}/{LESSON}"
    landing = page(client, quiz_url("pretest"))  # one attempt allowed: nothing to start
    assert next_link(landing)[0] == f"/learn/{SLUG}/{LESSON}"
    assert "Mulai" not in landing and "Anda sudah memakai semua kesempatan" in landing

    # The lesson marked done leads to the module quiz.
    token = csrf_token(client, course_page)
    done = client.post(f"/learn/{SLUG}/{LESSON}/done", data={"csrf_token": token})
    assert done.headers["Location"] == quiz_url(MODULE_QUIZ)
    assert continue_href(page(client, course_page)) == quiz_url(MODULE_QUIZ)

    # The module quiz passed: "Lanjut ke" the final exam, the retake only optional.
    passed = take(client, learner, MODULE_QUIZ)
    db.session.expire_all()
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment.last_item_key == MODULE_QUIZ  # the quiz last opened ...
    assert continue_href(page(client, course_page)) == quiz_url("final")  # ... is not resumed
    assert resume(client) == quiz_url("final")
    for html in (page(client, f"/attempts/{passed.id}"), page(client, quiz_url(MODULE_QUIZ))):
        assert next_link(html) == (quiz_url("final"), "Lanjut ke Ujian Akhir")
        assert "Mulai percobaan" not in html and "Coba lagi" not in html
        assert "Ulangi kuis (opsional)" in html
        assert "Tidak wajib: kuis ini tetap lulus berapa pun nilai baru Anda." in html
        # The way on comes before the optional retake.
        assert html.index("Lanjut ke Ujian Akhir") < html.index("Ulangi kuis (opsional)")
        retake = re.search(r'<button type="submit"([^>]*)>Ulangi kuis', html).group(1)
        assert "primary" not in retake
    # The optional retake still works (attempts are left).
    assert start(client).status_code == 302 and open_attempt(learner) is not None


def test_a_failed_quiz_still_invites_another_attempt(client, learner):
    failed = take(client, learner, right=False)
    result = page(client, f"/attempts/{failed.id}")
    assert next_link(result) is None
    assert re.search(r'<button type="submit" class="primary">Coba lagi</button>', result)
    landing = page(client, quiz_url(MODULE_QUIZ))
    assert "Mulai percobaan 2" in landing and next_link(landing) is None
    # The lesson before the quiz is still to do; the pre-test is skipped once started.
    assert resume(client) == f"/learn/{SLUG}/{LESSON}"


def test_the_final_exam_shows_the_completion_moment(client, learner):
    take(client, learner, "pretest", right=False)
    token = csrf_token(client, "/")
    client.post(f"/learn/{SLUG}/{LESSON}/done", data={"csrf_token": token})
    take(client, learner, MODULE_QUIZ)

    start(client, "final")
    attempt = open_attempt(learner, "final")
    response = post(client, f"/attempts/{attempt.id}/submit", answers(attempt))
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    result = page(client, response.headers["Location"])
    assert "Selamat! Anda telah menyelesaikan Kursus Uji Kuis dan memperoleh 2 JP." in result
    assert "Jawaban Anda telah dikirim" not in result

    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    download = f'href="/certificates/{certificate.number}.pdf"'
    verify = f"{PUBLIC}/verify/{certificate.number}"
    for html in (result, page(client, quiz_url("final")), page(client, f"/courses/{SLUG}")):
        assert "Kursus selesai" in html and "Anda memperoleh 2 JP." in html
        assert download in html
        assert f'href="{verify}"' in html  # absolute, from PUBLIC_BASE_URL, not the request
        assert "http://localhost/verify" not in html
        # No invitation to retake a passed exam (one attempt would still be allowed).
        assert "Coba lagi" not in html and "Mulai percobaan" not in html
        assert 'action="/quizzes/kursus-kuis/final"' not in html
        assert "Lanjutkan" not in html
    assert page(client, f"/attempts/{attempt.id}").count("Kursus selesai") == 1
    # "Lanjutkan" (the resume link of mails and other pages) leads to the completion view.
    assert resume(client) == f"/courses/{SLUG}"
    # The server refuses nothing here: the learner may still retake by hand if allowed.
    assert len(attempts_of(learner, "final")) == 1


def test_a_revoked_certificate_is_not_offered(client, learner):
    token = csrf_token(client, "/")
    client.post(f"/learn/{SLUG}/{LESSON}/done", data={"csrf_token": token})
    take(client, learner, MODULE_QUIZ)
    final = take(client, learner, "final")
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    certificate.revoked_at = certificate.issued_at
    db.session.commit()
    html = page(client, f"/attempts/{final.id}")
    assert "Kursus selesai" in html and certificate.number not in html
    assert "Sertifikat Anda sedang tidak tersedia." in html


def test_resume_skips_optional_lessons_passed_by_and_keeps_the_lesson_being_read(
    client, make_user, login_as, tmp_path
):
    import_course(
        write_course(tmp_path, "ops", lessons=4, quizzes=True, optional=("modul/pelajaran-2",))
    )
    login_as(make_user())
    enrol_by_http(client, "ops")
    token = csrf_token(client, "/courses/ops")

    def mark(key):
        return client.post(f"/learn/ops/{key}/done", data={"csrf_token": token})

    # Marked done in order: the optional lesson comes next, as in the outline.
    assert mark("modul/pelajaran-1").headers["Location"] == "/learn/ops/modul/pelajaran-2"
    # Skipped: the learner jumps to lesson 3 and finishes it.
    assert mark("modul/pelajaran-3").headers["Location"] == "/learn/ops/modul/pelajaran-4"
    assert client.get("/learn/ops").headers["Location"] == "/learn/ops/modul/pelajaran-4"
    # Reading lesson 4 without marking it done: still where to resume.
    client.get("/learn/ops/modul/pelajaran-4")
    assert client.get("/learn/ops").headers["Location"] == "/learn/ops/modul/pelajaran-4"
    assert mark("modul/pelajaran-4").headers["Location"] == "/quizzes/ops/modul/kuis"


def test_a_quiz_with_no_attempts_left_does_not_block_the_way(client, make_user, login_as, tmp_path):
    course = install(tmp_path, **{"01-dasar/02-kuis.md": {"attempts": 1}})
    user = make_user()
    enrol(user, course)
    login_as(user)
    take(client, user, "pretest", right=False)
    failed = take(client, user, MODULE_QUIZ, right=False)
    # Nothing more to do at the quiz: on to what can still be done.
    assert resume(client) == f"/learn/{SLUG}/{LESSON}"
    html = page(client, f"/attempts/{failed.id}")
    assert "Coba lagi" not in html and "Tidak ada kesempatan lagi" in html


# The check before submitting ----------------------------------------------------------------------
def submit_from_sheet(client, attempt, data, **headers):
    """What the sheet's "Kirim jawaban" button sends (name=check)."""
    return post(client, f"/attempts/{attempt.id}/submit", {**data, "check": "1"}, headers=headers)


def test_blank_questions_are_named_before_submitting(client, learner):
    start(client)
    attempt = open_attempt(learner)
    data = answers(attempt)
    numbers = {qid: n for n, qid in enumerate(attempt.question_ids, start=1)}
    blank = sorted(attempt.question_ids, key=numbers.get)[1:3]  # questions 2 and 3
    for qid in blank:
        data.pop(f"q-{qid}")
    response = submit_from_sheet(client, attempt, data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{quiz_url(MODULE_QUIZ)}?check=1#submit-check"
    db.session.refresh(attempt)
    assert attempt.submitted_at is None  # not submitted ...
    assert len(attempt.saved_answers) == len(attempt.question_ids) - 2  # ... but nothing lost

    html = page(client, f"{quiz_url(MODULE_QUIZ)}?check=1")
    total = len(attempt.question_ids)
    assert f"2 dari {total} soal belum dijawab" in html
    panel = html[html.index('id="submit-check"') :]
    assert (
        '<a href="#question-2">Soal 2</a>' in panel and '<a href="#question-3">Soal 3</a>' in panel
    )
    assert "#question-1" not in panel.split("</ul>")[0]
    assert 'id="question-2" tabindex="-1"' in html and html.count("Belum dijawab") == 2
    assert "Tetap kirim" in panel
    for secret in ("PENJELASAN", "correct"):  # the check gives nothing away
        assert secret not in html

    # "Tetap kirim" submits as it stands.
    response = post(client, f"/attempts/{attempt.id}/submit", data)
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None


def test_a_complete_sheet_is_submitted_at_once(client, learner):
    start(client)
    attempt = open_attempt(learner)
    response = submit_from_sheet(client, attempt, answers(attempt))
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None


def test_the_sheet_hides_the_check_until_needed(client, learner):
    start(client)
    html = page(client, quiz_url(MODULE_QUIZ))
    assert re.search(r'<section class="alert submit-check" id="submit-check"[^>]*hidden', html)
    assert 'name="check" value="1"' in html
    assert "data-confirm=" not in html  # quiz.js asks, naming blank questions
    assert "<script>" not in html and "onclick" not in html


def test_the_check_in_json_and_after_the_deadline(client, learner):
    start(client, "final")
    attempt = open_attempt(learner, "final")
    response = submit_from_sheet(client, attempt, {}, Accept="application/json")
    assert response.status_code == 409
    assert response.get_json() == {"status": "unanswered", "questions": [1, 2, 3]}
    # Past the deadline the sheet is the learner's last word: never held back.
    attempt = db.session.get(Attempt, attempt.id)
    from test_quizzes import move_deadline

    move_deadline(attempt, 5)
    response = submit_from_sheet(client, attempt, {})
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None


def test_answers_in_a_wrong_format_are_reported_first(client, learner):
    start(client)
    attempt = open_attempt(learner)
    data = answers(attempt, override={"anggaran": "dua belas"})
    wrong = f"q-{question(attempt, 'anggaran').id}"
    data.pop(next(name for name in data if name != wrong))  # and one left blank
    response = submit_from_sheet(client, attempt, data)
    assert response.status_code == 422  # the format error, as before: the sheet comes back
    html = response.get_data(as_text=True)
    assert "1 jawaban tidak sesuai format." in html
    assert re.search(r'id="submit-check"[^>]*hidden', html) and "Belum dijawab" not in html


# Queries that do not grow -------------------------------------------------------------------------
def test_the_completion_view_costs_two_queries_more_than_the_course_page(
    client, make_user, login_as, tmp_path
):
    """The course page of a completed course (completion and certificate) runs a fixed number
    of queries whatever the size of the course: the in-progress page's count plus the
    certificate and the reaction survey of the completion, as pinned for the course page in
    tests/test_queries.py."""
    from test_queries import count_queries

    login_as(make_user())
    counts = []
    for n, lessons in enumerate((2, 30)):
        slug = f"besar{n}"
        import_course(write_course(tmp_path, slug, lessons=lessons))
        enrol_by_http(client, slug)
        token = csrf_token(client, f"/courses/{slug}")
        client.post(f"/learn/{slug}/modul/pelajaran-1/done", data={"csrf_token": token})
        with count_queries() as in_progress:
            assert "Lanjutkan" in page(client, f"/courses/{slug}")
        for k in range(2, lessons + 1):
            client.post(f"/learn/{slug}/modul/pelajaran-{k}/done", data={"csrf_token": token})
        with count_queries() as completed:
            assert "Kursus selesai" in page(client, f"/courses/{slug}")
        counts.append((len(in_progress), len(completed)))
    assert counts[0] == counts[1]
    assert counts[0][1] == counts[0][0] + 2, counts
