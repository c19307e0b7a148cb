"""Quizzes through HTTP, as a learner uses them: attempts fixed on the server, limits, time
limits with a grace period, hidden answers, review settings, pre-test vs final exam, completion,
and the number of queries of the busiest pages."""

import re
import shutil
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import csrf_token, login
from sqlalchemy import event, func, select

from elearn.content import import_package, load_package
from elearn.extensions import db
from elearn.models import (
    Attempt,
    AttemptAnswer,
    Completion,
    Course,
    Enrollment,
    LessonProgress,
    Question,
    Quiz,
)
from elearn.quizzes.services import pretest_vs_final
from elearn.timeutil import utcnow

PACKAGE = Path(__file__).parent / "data" / "packages" / "quiz-course"
SLUG = "kursus-kuis"
MODULE_QUIZ = "dasar/kuis"
SECRETS = ["PENJELASAN", "Semarang", "1275000", "1.275.000", "correct"]


# Course setup -----------------------------------------------------------------------------------
def install(tmp_path=None, **edits):
    """Import the quiz-course package; `edits` maps a quiz file to front-matter settings to
    change, e.g. install(tmp_path, **{"01-dasar/02-kuis.md": {"attempts": 1}})."""
    source = PACKAGE
    if edits:
        source = tmp_path / "quiz-course"
        shutil.copytree(PACKAGE, source)
        for path, settings in edits.items():
            set_front_matter(source / path, settings)
    package, problems = load_package(source)
    assert problems == []
    result = import_package(package)
    db.session.commit()
    return result.course


def set_front_matter(path, settings):
    head, body = path.read_text().split("\n---\n", 1)
    lines = [line for line in head.split("\n") if line.split(":")[0] not in settings]
    lines += [f"{key}: {value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n---\n" + body)


def module_quiz(**settings):
    return {"01-dasar/02-kuis.md": settings}


def enrol(user, course):
    db.session.add(
        Enrollment(user_id=user.id, course_id=course.id, version_id=course.current_version_id)
    )
    db.session.commit()


@pytest.fixture
def course(app):
    return install()


@pytest.fixture
def learner(make_user, login_as, course):
    user = make_user()
    enrol(user, course)
    login_as(user)
    return user


# HTTP helpers -----------------------------------------------------------------------------------
def quiz_url(key, slug=SLUG):
    return f"/quizzes/{slug}/{key}"


class Sheet(HTMLParser):
    """The answer sheet as a browser sees it: questions in order, options, what is filled in."""

    def __init__(self, html):
        super().__init__()
        self.order = []  # question ids in page order
        self.options = {}  # question id -> [option key, ...]
        self.checked = {}  # question id -> [option key, ...]
        self.text = {}  # question id -> value
        self.kinds = {}  # question id -> input type
        self.attrs = {}  # question id -> attributes of the (last) input
        self.forms = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(a.get("action"))
        if tag != "input" or not (a.get("name") or "").startswith("q-"):
            return
        qid = int(a["name"][2:])
        if qid not in self.order:
            self.order.append(qid)
        self.kinds[qid] = a.get("type")
        self.attrs[qid] = a
        if a.get("type") in ("radio", "checkbox"):
            self.options.setdefault(qid, []).append(a["value"])
            if "checked" in a:
                self.checked.setdefault(qid, []).append(a["value"])
        else:
            self.text[qid] = a.get("value", "")


def get_sheet(client, key=MODULE_QUIZ):
    response = client.get(quiz_url(key))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return Sheet(html), html


def start(client, key=MODULE_QUIZ, follow=False):
    token = csrf_token(client, "/")  # not the quiz page: opening it may close an attempt
    return client.post(quiz_url(key), data={"csrf_token": token}, follow_redirects=follow)


def open_attempt(user, key=MODULE_QUIZ):
    return db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user.id, Attempt.quiz_key == key, Attempt.submitted_at.is_(None)
        )
    )


def attempts_of(user, key=MODULE_QUIZ):
    return db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.quiz_key == key)
        .order_by(Attempt.number)
    ).all()


def answers(attempt, right=True, override=None):
    """Form data answering every question of the attempt rightly (or wrongly)."""
    data = {}
    for qid in attempt.question_ids:
        q = db.session.get(Question, qid)
        name = f"q-{qid}"
        if q.is_choice:
            keys = [o["key"] for o in q.options if bool(o["correct"]) is right]
            data[name] = keys if q.type == "multiple" else keys[:1]
        elif q.type == "short":
            data[name] = q.answer["accepted"][0] if right else "Surabaya"
        else:
            data[name] = q.answer["value"] if right else "7"
    for qkey, value in (override or {}).items():
        data[f"q-{question(attempt, qkey).id}"] = value
    return data


def question(attempt, key):
    return db.session.scalar(
        select(Question).where(Question.quiz_id == attempt.quiz_id, Question.key == key)
    )


def post(client, url, data, **kwargs):
    token = csrf_token(client, "/")
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def submit(client, attempt, data, **kwargs):
    return post(client, f"/attempts/{attempt.id}/submit", data, **kwargs)


def save(client, attempt, data, **kwargs):
    return post(client, f"/attempts/{attempt.id}/save", data, **kwargs)


def take(client, user, key=MODULE_QUIZ, right=True, override=None):
    """Start an attempt and submit it; returns the submitted attempt."""
    assert start(client, key).status_code == 302
    attempt = open_attempt(user, key)
    response = submit(client, attempt, answers(attempt, right, override))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None
    return attempt


def graded_rows(attempt):
    return db.session.scalar(
        select(func.count())
        .select_from(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt.id)
    )


def move_deadline(attempt, seconds_ago):
    attempt.deadline_at = utcnow() - timedelta(seconds=seconds_ago)
    db.session.commit()


@contextmanager
def count_queries():
    statements = []

    def before(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


# Who may take a quiz ----------------------------------------------------------------------------
def test_quiz_page_needs_sign_in(client, course):
    response = client.get(quiz_url(MODULE_QUIZ))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_unknown_quiz_or_course_is_404(client, learner):
    assert client.get(quiz_url("dasar/tidak-ada")).status_code == 404
    assert client.get(quiz_url("final", slug="tidak-ada")).status_code == 404
    assert client.get("/attempts/999999").status_code == 404


def test_only_enrolled_learners_start(client, make_user, login_as, course):
    user = make_user()
    login_as(user)
    response = client.get(quiz_url(MODULE_QUIZ))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kuis Dasar" in html
    assert 'action="/quizzes/kursus-kuis/dasar/kuis"' not in html  # no start button
    assert start(client).status_code == 403
    assert attempts_of(user) == []


def test_restricted_course_is_hidden_from_learners_not_enrolled(
    client, make_user, login_as, course
):
    course.restricted = True
    db.session.commit()
    login_as(make_user())
    assert client.get(quiz_url(MODULE_QUIZ)).status_code == 404
    assert start(client).status_code == 404


# Attempts fixed on the server --------------------------------------------------------------------
def test_landing_page_shows_the_settings(client, learner):
    html = client.get(quiz_url("final")).get_data(as_text=True)
    assert "Ujian Akhir" in html
    assert "80%" in html  # pass mark
    assert "10 menit" in html  # time limit (Indonesian is the default language)
    assert "0 dari 2" in html  # attempts used


def test_start_fixes_questions_and_reload_shows_the_same_attempt(client, learner):
    response = start(client)
    assert response.status_code == 302
    assert response.headers["Location"] == quiz_url(MODULE_QUIZ)
    attempt = open_attempt(learner)
    assert attempt.number == 1 and attempt.deadline_at is None
    assert len(attempt.question_ids) == 5

    first, _html = get_sheet(client)
    assert first.order == attempt.question_ids
    for qid, keys in attempt.option_order.items():
        assert first.options[int(qid)] == keys
    again, _html = get_sheet(client)
    assert (again.order, again.options) == (first.order, first.options)

    # Starting again resumes the open attempt instead of making another.
    assert start(client).status_code == 302
    assert len(attempts_of(learner)) == 1


def test_saved_answers_come_back_on_reload(client, learner):
    start(client)
    attempt = open_attempt(learner)
    data = answers(attempt, right=False, override={"anggaran": "Rp 1.200.000"})
    response = save(client, attempt, data)
    assert response.status_code == 302
    assert response.headers["Location"] == quiz_url(MODULE_QUIZ)
    db.session.refresh(attempt)
    assert attempt.saved_at is not None and attempt.submitted_at is None

    sheet, _html = get_sheet(client)
    for qid in attempt.question_ids:
        sent = data[f"q-{qid}"]
        if sheet.kinds[qid] in ("radio", "checkbox"):
            assert sorted(sheet.checked[qid]) == sorted(sent)
        else:
            assert sheet.text[qid] == sent
    # Unchecking an answer and saving again forgets it.
    tf = question(attempt, "benar-salah")
    del data[f"q-{tf.id}"]
    save(client, attempt, data)
    sheet, _html = get_sheet(client)
    assert tf.id not in sheet.checked


def test_the_answer_sheet_never_contains_the_answers(client, learner):
    start(client)
    attempt = open_attempt(learner)
    sheet, html = get_sheet(client)
    assert sheet.checked == {}
    for secret in SECRETS:
        assert secret not in html, secret
    # Option values are the opaque option keys, labelled by their text.
    for qid, keys in sheet.options.items():
        q = db.session.get(Question, qid)
        assert sorted(keys) == sorted(o["key"] for o in q.options)
    form = html[
        html.index('id="quiz-sheet"') : html.index("</form>", html.index('id="quiz-sheet"'))
    ]
    assert form.count('type="hidden"') == 1 and 'name="csrf_token" type="hidden"' in form
    # Inputs by type: radios, checkboxes, text; numbers get a decimal keyboard.
    kinds = {db.session.get(Question, qid).type: sheet.kinds[qid] for qid in sheet.order}
    assert kinds == {
        "single": "radio",
        "true_false": "radio",
        "multiple": "checkbox",
        "short": "text",
        "numeric": "text",
    }
    numeric_id = question(attempt, "anggaran").id
    assert sheet.attrs[numeric_id]["inputmode"] == "decimal"
    assert html.count("<fieldset") == 3 and html.count("<legend>") == 3
    assert f'<label for="q-{numeric_id}">' in html

    # Nor after answers were saved.
    save(client, attempt, answers(attempt, right=False))
    _sheet, html = get_sheet(client)
    for secret in SECRETS:
        assert secret not in html, secret


def test_draw_count_draws_questions(client, make_user, login_as, tmp_path, app):
    course = install(tmp_path, **module_quiz(draw=2))
    user = make_user()
    enrol(user, course)
    login_as(user)
    start(client)
    attempt = open_attempt(user)
    assert len(attempt.question_ids) == 2
    sheet, _html = get_sheet(client)
    assert sheet.order == attempt.question_ids
    take_rest = submit(client, attempt, answers(attempt))
    assert take_rest.status_code == 302
    db.session.refresh(attempt)
    assert attempt.score_percent == 100
    assert graded_rows(attempt) == 2


# Grading, retries and the attempts limit ----------------------------------------------------------
def test_fail_retry_pass_and_the_limit(client, learner):
    first = take(client, learner, right=False)
    assert (first.number, first.score_percent, first.passed) == (1, 0, False)
    html = client.get(f"/attempts/{first.id}").get_data(as_text=True)
    assert "Tidak lulus" in html and "2 kesempatan lagi" in html

    # 4 of 6 points: single, true/false, short and numeric right, multiple wrong.
    second = take(client, learner, override={"jamak": []})
    assert second.number == 2
    assert (second.score_points, second.max_points) == (Decimal(4), Decimal(6))
    assert second.score_percent == Decimal("66.67") and second.passed is False

    third = take(client, learner, override={"ibu-kota": " kota  SEMARANG. "})
    assert third.score_percent == 100 and third.passed is True
    html = client.get(f"/attempts/{third.id}").get_data(as_text=True)
    assert "Lulus" in html and "Tidak ada kesempatan lagi" in html

    # A fourth attempt is refused by the server, whatever the page shows.
    response = start(client)
    assert response.status_code == 302
    assert len(attempts_of(learner)) == 3
    html = client.get(quiz_url(MODULE_QUIZ)).get_data(as_text=True)
    assert "Anda sudah memakai semua kesempatan" in html
    assert 'action="/quizzes/kursus-kuis/dasar/kuis"' not in html
    # The list of attempts shows all three with their scores.
    assert html.count('href="/attempts/') == 3 and "66,67%" in html

    rows = db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == second.id)
    ).all()
    assert len(rows) == 5
    assert sum(r.points for r in rows) == 4
    multiple = next(r for r in rows if r.question_id == question(second, "jamak").id)
    assert (multiple.correct, multiple.points, multiple.max_points) == (False, 0, 2)


def test_unlimited_attempts(client, make_user, login_as, tmp_path):
    course = install(tmp_path, **module_quiz(attempts=0))
    user = make_user()
    enrol(user, course)
    login_as(user)
    for _ in range(4):
        take(client, user, right=False)
    assert len(attempts_of(user)) == 4
    assert "Mulai percobaan 5" in client.get(quiz_url(MODULE_QUIZ)).get_data(as_text=True)


def test_attempts_are_counted_across_versions(client, learner, tmp_path):
    take(client, learner, right=False)
    take(client, learner, right=False)
    # A new version of the course (any change) keeps the count for the quiz's key.
    course = install(tmp_path, **module_quiz(title="Kuis Dasar (revisi)"))
    assert course.current_version.number == 2
    third = take(client, learner, right=False)
    assert third.number == 3
    assert third.quiz.version_id == course.current_version_id
    start(client)
    assert len(attempts_of(learner)) == 3


def test_partial_scoring(client, make_user, login_as, tmp_path):
    course = install(tmp_path, **module_quiz(scoring="partial"))
    user = make_user()
    enrol(user, course)
    login_as(user)
    start(client)
    attempt = open_attempt(user)
    multiple = question(attempt, "jamak")
    right = [o["key"] for o in multiple.options if o["correct"]]
    wrong = [o["key"] for o in multiple.options if not o["correct"]]
    # Two of three right picks and one wrong one: 2 x (2 - 1) / 3 = 0.67 of 2 points.
    data = answers(attempt, override={"jamak": right[:2] + wrong[:1]})
    submit(client, attempt, data)
    row = db.session.scalar(
        select(AttemptAnswer).where(
            AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id == multiple.id
        )
    )
    assert (row.points, row.max_points, row.correct) == (Decimal("0.67"), 2, False)
    db.session.refresh(attempt)
    assert attempt.score_points == Decimal("4.67")
    assert attempt.score_percent == Decimal("77.83") and attempt.passed
    html = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Sebagian benar" in html and "0,67 dari 2 poin" in html


def test_answer_in_a_wrong_format_is_sent_back(client, learner):
    start(client)
    attempt = open_attempt(learner)
    numeric = question(attempt, "anggaran")
    data = answers(attempt, override={"anggaran": "satu juta"})
    response = submit(client, attempt, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Masukkan angka" in html
    assert 'value="satu juta"' in html  # what the learner typed stays in the field
    assert f'aria-describedby="q{numeric.id}-hint q{numeric.id}-error"' in html
    db.session.refresh(attempt)
    assert attempt.submitted_at is None
    assert str(numeric.id) not in attempt.saved_answers  # not saved...
    assert len(attempt.saved_answers) == 4  # ...but the valid answers are

    # A tampered option key is an error too, not a crash.
    single = question(attempt, "tunggal")
    response = save(client, attempt, {**data, f"q-{single.id}": "tidak-ada"})
    assert response.status_code == 422

    data[f"q-{numeric.id}"] = "1.275.000"
    assert submit(client, attempt, data).status_code == 302
    db.session.refresh(attempt)
    assert attempt.score_percent == 100


def test_autosave_answers_in_json(client, learner):
    start(client)
    attempt = open_attempt(learner)
    headers = {"Accept": "application/json"}
    response = save(client, attempt, answers(attempt), headers=headers)
    assert response.status_code == 200
    assert response.json["status"] == "saved" and response.json["errors"] == {}
    # What the page says after an autosave: the time in the instance's zone, with the year.
    assert re.fullmatch(
        r"Tersimpan \d{1,2} \w{3} 20\d\d, \d\d\.\d\d WIB", response.json["saved_label"]
    ), response.json["saved_label"]
    numeric = question(attempt, "anggaran")
    bad = answers(attempt, override={"anggaran": "??"})
    response = save(client, attempt, bad, headers=headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [str(numeric.id)]
    submit(client, attempt, answers(attempt))
    response = save(client, attempt, answers(attempt), headers=headers)
    assert response.json == {"status": "closed", "url": f"/attempts/{attempt.id}"}


def test_a_second_tab_is_told_its_answers_were_not_recorded(client, learner):
    start(client)
    attempt = open_attempt(learner)
    assert submit(client, attempt, answers(attempt, right=False)).status_code == 302
    client.get(f"/attempts/{attempt.id}")  # the first tab reads its result (and its message)
    page = submit(client, attempt, answers(attempt), follow_redirects=True).get_data(as_text=True)
    assert "sudah dikirim sebelumnya" in page and "tidak dicatat" in page
    db.session.refresh(attempt)
    assert attempt.passed is False  # the first (wrong) answers stand


def test_submitting_twice_records_one_submission(client, learner):
    start(client)
    attempt = open_attempt(learner)
    assert submit(client, attempt, answers(attempt, right=False)).status_code == 302
    db.session.refresh(attempt)
    submitted_at = attempt.submitted_at
    # The second click (or the other tab) just shows the result.
    response = submit(client, attempt, answers(attempt))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at == submitted_at and attempt.score_percent == 0
    assert graded_rows(attempt) == 5
    # Saving into a submitted attempt changes nothing either.
    save(client, attempt, answers(attempt))
    db.session.refresh(attempt)
    assert attempt.score_percent == 0


# Time limits --------------------------------------------------------------------------------------
def test_the_timer_comes_from_the_server(client, learner):
    start(client, "final")
    attempt = open_attempt(learner, "final")
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=10)
    _sheet, html = get_sheet(client, "final")
    remaining = int(re.search(r'data-remaining="(\d+)"', html).group(1))
    assert 590 <= remaining <= 600
    assert "js/quiz.js" in html


def test_submission_within_the_grace_period_counts(client, learner):
    start(client, "final")
    attempt = open_attempt(learner, "final")
    save(client, attempt, answers(attempt, right=False))
    move_deadline(attempt, 10)  # 10 s late, within the 30 s grace
    submit(client, attempt, answers(attempt))
    db.session.refresh(attempt)
    assert attempt.score_percent == 100 and attempt.late is False


def test_submission_after_the_grace_period_is_graded_as_it_stood(client, learner):
    start(client, "final")
    attempt = open_attempt(learner, "final")
    # Two right answers saved before the deadline; the third was never saved.
    saved = answers(attempt)
    surel = question(attempt, "surel")
    del saved[f"q-{surel.id}"]
    save(client, attempt, saved)
    move_deadline(attempt, 31)
    deadline = attempt.deadline_at
    response = submit(client, attempt, answers(attempt))  # all right, but too late
    assert response.status_code == 302
    db.session.refresh(attempt)
    assert attempt.late is True
    assert attempt.score_points == 2 and attempt.max_points == 3
    assert attempt.submitted_at == deadline
    html = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "dinilai sebagaimana adanya pada batas waktu" in html


def test_saving_after_the_deadline_submits(client, learner):
    start(client, "final")
    attempt = open_attempt(learner, "final")
    move_deadline(attempt, 5)
    response = save(client, attempt, answers(attempt))
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.late is False
    assert attempt.score_percent == 100


def test_expired_attempt_is_graded_when_the_learner_comes_back(client, learner):
    start(client, "final")
    attempt = open_attempt(learner, "final")
    save(client, attempt, answers(attempt, right=False))
    move_deadline(attempt, 3600)
    response = client.get(quiz_url("final"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at == attempt.deadline_at and attempt.late
    assert attempt.score_percent == 0
    # The next start is attempt 2 (of 2).
    start(client, "final")
    assert open_attempt(learner, "final").number == 2


def test_expired_attempt_is_graded_on_its_result_url_and_on_start(client, learner):
    start(client, "final")
    attempt = open_attempt(learner, "final")
    move_deadline(attempt, 3600)
    assert client.get(f"/attempts/{attempt.id}").status_code == 200
    db.session.refresh(attempt)
    assert attempt.late and attempt.score_percent == 0

    start(client, "final")
    second = open_attempt(learner, "final")
    move_deadline(second, 3600)
    start(client, "final")  # closes the expired one; no attempts are left for a third
    db.session.refresh(second)
    assert second.submitted_at is not None
    assert len(attempts_of(learner, "final")) == 2


def test_open_attempt_result_url_leads_to_the_sheet(client, learner):
    start(client)
    attempt = open_attempt(learner)
    response = client.get(f"/attempts/{attempt.id}")
    assert response.status_code == 302 and response.headers["Location"] == quiz_url(MODULE_QUIZ)


# Other learners -----------------------------------------------------------------------------------
def test_another_learners_attempt_is_not_found(client, app, learner, make_user, course):
    start(client)
    attempt = open_attempt(learner)
    save(client, attempt, answers(attempt, right=False))
    other = make_user()
    enrol(other, course)
    other_client = app.test_client()
    login(other_client, other.email)
    data = answers(attempt)
    for url in (f"/attempts/{attempt.id}/save", f"/attempts/{attempt.id}/submit"):
        response = post(other_client, url, data)
        assert response.status_code == 404, url
    assert other_client.get(f"/attempts/{attempt.id}").status_code == 404
    db.session.refresh(attempt)
    assert attempt.submitted_at is None
    # Once submitted, its result is still the owner's only.
    submit(client, attempt, data)
    assert other_client.get(f"/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/attempts/{attempt.id}").status_code == 200
    # And the other learner's quiz page lists none of it.
    html = other_client.get(quiz_url(MODULE_QUIZ)).get_data(as_text=True)
    assert f"/attempts/{attempt.id}" not in html


# Showing the answers ------------------------------------------------------------------------------
def review_shows_answers(client, attempt):
    html = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    return "PENJELASAN" in html and "Jawaban yang benar" in html


def test_show_answers_after_submit(client, learner):
    attempt = take(client, learner, right=False)
    html = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "PENJELASAN-TUNGGAL" in html and "Semarang" in html and "1.275.000" in html
    assert "Salah" in html  # true/false review shows the option text
    assert html.count("Jawaban yang benar") == 5


def test_show_answers_never(client, learner):
    attempt = take(client, learner, "pretest", right=True)
    html = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Jawaban yang benar" not in html and "Benar</span>" not in html
    assert "tidak ditampilkan" in html
    assert "Sistem Pemerintahan" in html  # the learner's own answer


def test_show_answers_after_pass(client, learner):
    failed = take(client, learner, "final", right=False)
    assert not review_shows_answers(client, failed)
    html = client.get(f"/attempts/{failed.id}").get_data(as_text=True)
    assert "PENJELASAN-FINAL" not in html and "Jawaban yang benar" not in html
    passed = take(client, learner, "final")
    assert passed.passed
    html = client.get(f"/attempts/{passed.id}").get_data(as_text=True)
    assert "PENJELASAN-FINAL-SPBE" in html
    # Once passed, earlier attempts may be reviewed too.
    html = client.get(f"/attempts/{failed.id}").get_data(as_text=True)
    assert "PENJELASAN-FINAL-SPBE" in html


def test_show_answers_after_last_attempt(client, make_user, login_as, tmp_path):
    course = install(tmp_path, **module_quiz(show_answers="after_last_attempt", attempts=2))
    user = make_user()
    enrol(user, course)
    login_as(user)
    first = take(client, user, right=False)
    assert not review_shows_answers(client, first)
    second = take(client, user, right=False)
    assert review_shows_answers(client, second)
    assert review_shows_answers(client, first)


def test_show_answers_after_last_attempt_when_passed(client, make_user, login_as, tmp_path):
    course = install(tmp_path, **module_quiz(show_answers="after_last_attempt", attempts=3))
    user = make_user()
    enrol(user, course)
    login_as(user)
    first = take(client, user)
    assert first.passed and review_shows_answers(client, first)


# Pre-test, final exam, completion -----------------------------------------------------------------
def test_pretest_and_final_exam_are_kept_apart(client, learner, course):
    surel = "surel"
    pre = take(client, learner, "pretest", override={surel: []})  # 1 of 2
    assert pre.score_percent == 50 and pre.role == "pretest"
    final = take(client, learner, "final")
    assert final.score_percent == 100 and final.role == "final"

    gain = pretest_vs_final(learner.id, course.id)
    assert (gain.pretest, gain.final, gain.gain) == (50, 100, 50)
    assert gain.normalized_gain == 1
    html = client.get(quiz_url("final")).get_data(as_text=True)
    assert "+50" in html and "N-gain" in html
    # The pre-test has no pass/fail and no attempt left: its one try is used.
    html = client.get(f"/attempts/{pre.id}").get_data(as_text=True)
    assert "Tidak lulus" not in html and "tidak dihitung" in html


def test_the_pretest_never_counts_as_the_final_score(client, learner, course):
    lesson_done(learner, course)
    take(client, learner)  # the module quiz
    take(client, learner, "pretest")  # 100% on the pre-test
    final = take(client, learner, "final", override={"jp": "19"})  # 2 of 3: 66.67%, failed
    assert not final.passed
    assert completions(learner) == []
    final = take(client, learner, "final")
    completion = completions(learner)[0]
    assert completion.final_score == 100
    assert pretest_vs_final(learner.id, course.id).final == 100


def lesson_done(user, course):
    now = utcnow()
    db.session.add(
        LessonProgress(
            user_id=user.id,
            course_id=course.id,
            lesson_key="dasar/pengantar",
            first_viewed_at=now,
            completed_at=now,
        )
    )
    db.session.commit()


def completions(user):
    return db.session.scalars(select(Completion).where(Completion.user_id == user.id)).all()


def test_passing_the_final_exam_completes_the_course(client, learner, course):
    lesson_done(learner, course)
    take(client, learner)  # the module quiz; the pre-test is never required
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert completions(learner) == [] and enrollment.progress_percent == 66
    final = take(client, learner, "final")
    [completion] = completions(learner)
    assert completion.final_score == 100 and completion.jp == 2
    assert completion.completed_at >= final.submitted_at
    db.session.refresh(enrollment)
    assert enrollment.completed_at == completion.completed_at
    assert enrollment.progress_percent == 100
    assert enrollment.last_item_key == "final"
    # Taking the final exam again records no second completion.
    take(client, learner, "final")
    assert len(completions(learner)) == 1


def test_a_failed_final_exam_does_not_complete(client, learner, course):
    lesson_done(learner, course)
    take(client, learner)
    take(client, learner, "final", right=False)
    assert completions(learner) == []


# Queries that do not grow -------------------------------------------------------------------------
def _pages(client, user):
    """Query counts of the quiz page (sheet), its landing page and a result page."""
    start(client)
    attempt = open_attempt(user)
    with count_queries() as sheet:
        assert client.get(quiz_url(MODULE_QUIZ)).status_code == 200
    submit(client, attempt, answers(attempt))
    with count_queries() as landing:
        assert client.get(quiz_url(MODULE_QUIZ)).status_code == 200
    result_url = f"/attempts/{attempt.id}"
    with count_queries() as result:
        assert client.get(result_url).status_code == 200
    return len(sheet), len(landing), len(result)


def big_quiz(tmp_path, questions):
    source = tmp_path / "big"
    shutil.copytree(PACKAGE, source)
    quiz = source / "01-dasar" / "02-kuis.md"
    extra = "".join(
        f"\n## Soal tambahan {n}? {{#tambahan-{n}}}\n\n- [x] Ya {n}\n- [ ] Tidak {n}\n\n"
        f"## Angka {n}? {{#angka-{n}}}\n\n= {n}\n"
        for n in range(questions)
    )
    quiz.write_text(quiz.read_text().replace("attempts: 3", "attempts: 0") + extra)
    package, problems = load_package(source)
    assert problems == []
    course = import_package(package).course
    db.session.commit()
    return course


def test_query_counts_do_not_grow(client, app, make_user, tmp_path):
    small = install()
    user = make_user()
    enrol(user, small)
    login(client, user.email)
    small_counts = _pages(client, user)

    # The same pages with 40 more questions and more past attempts.
    db.session.delete(db.session.get(Course, small.id))
    db.session.commit()
    big = big_quiz(tmp_path, 20)
    quiz = db.session.scalar(select(Quiz).where(Quiz.version_id == big.current_version_id))
    assert quiz is not None
    user2 = make_user()
    enrol(user2, big)
    client2 = app.test_client()
    login(client2, user2.email)
    for _ in range(3):
        take(client2, user2, right=False)
    big_counts = _pages(client2, user2)
    assert big_counts == small_counts
    # Pinned: sheet (the user with roles and session, one query for the course, quiz,
    # enrolment, open attempt and attempts used; the questions come from the per-process
    # cache), landing page (... attempts count, a page of attempts, their total, question
    # count and points) and result page (user, attempt with its quiz and course,
    # standing, questions, graded answers, whether the quiz is still offered). A passed quiz's
    # pages also find the next step: the learner's progress (landing page), their enrolment
    # and progress (result page). The header's notification bell adds one to each.
    assert small_counts == (3, 8, 9)
