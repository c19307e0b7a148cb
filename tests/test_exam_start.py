"""Starting an attempt costs a fixed, small number of queries: what the quiz page and the start
need comes in one query, the questions from a per-process cache kept by course version. The
cache follows a new version at once and never puts an answer in the page."""

import pytest
from sqlalchemy import select
from test_queries import count_queries
from test_quizzes import (
    MODULE_QUIZ,
    SECRETS,
    answers,
    attempts_of,
    enrol,
    get_sheet,
    install,
    module_quiz,
    open_attempt,
    quiz_url,
    start,
    submit,
)

from elearn.extensions import db
from elearn.models import Question, Quiz

# Every signed-in request loads the user with roles and session (1); pages with the header
# count the bell's notifications (1). A start: the course, version, quiz, enrolment, open
# attempt and attempt counts in one query, the INSERT of the attempt (its questions and option
# order are columns of that one row), the enrolment's resume point. The sheet: that one query.
START = 3  # + the user
START_COLD = 4  # + the quiz's questions, the first time in a process
SHEET = 1  # + the user, the bell
SHEET_COLD = 2  # + the quiz's questions, the first time in a process


@pytest.fixture
def learner(make_user, login_as):
    course = install()
    user = make_user()
    enrol(user, course)
    login_as(user)
    return user


def forget_questions(app):
    """Empty the per-process question cache (a freshly started worker)."""
    app.extensions.pop("elearn.quiz_questions", None)


def measured(client, method, url, **kwargs):
    with count_queries() as statements:
        response = getattr(client, method)(url, **kwargs)
    return response, len(statements)


def token(client):
    from conftest import csrf_token

    return csrf_token(client, "/")


def test_a_start_and_its_sheet_cost_a_fixed_number_of_queries(app, client, learner):
    for key in (MODULE_QUIZ, "final"):
        forget_questions(app)
        csrf = token(client)
        response, cold = measured(client, "post", quiz_url(key), data={"csrf_token": csrf})
        assert response.status_code == 302 and response.headers["Location"] == quiz_url(key)
        response, sheet = measured(client, "get", quiz_url(key))
        assert response.status_code == 200
        assert 'action="/attempts/' in response.get_data(as_text=True)
        forget_questions(app)
        response, sheet_cold = measured(client, "get", quiz_url(key))
        assert response.status_code == 200
        # Pressing "Start" again (a double click, a second tab) resumes that attempt: no write.
        response, again = measured(client, "post", quiz_url(key), data={"csrf_token": csrf})
        assert response.status_code == 302
        assert len(attempts_of(learner, key)) == 1
        assert (cold, sheet, sheet_cold, again) == (
            1 + START_COLD,
            2 + SHEET,
            2 + SHEET_COLD,
            1 + SHEET,  # the same one query, then the redirect
        ), key
    # The final exam's questions are kept now, the module quiz's were forgotten: its next start
    # reads them once, the one after that not at all.
    counts = []
    for _ in range(2):
        take_and_submit(client, learner, MODULE_QUIZ)
        response, n = measured(client, "post", quiz_url(MODULE_QUIZ), data={"csrf_token": csrf})
        assert response.status_code == 302
        counts.append(n)
    assert counts == [1 + START_COLD, 1 + START]
    assert [a.number for a in attempts_of(learner)] == [1, 2, 3]


def take_and_submit(client, learner, key):
    attempt = open_attempt(learner, key)
    response = submit(client, attempt, answers(attempt))
    assert response.status_code == 302


def test_the_kept_questions_follow_a_new_version(app, client, learner, tmp_path):
    assert start(client).status_code == 302  # fills the cache with version 1's questions
    first = open_attempt(learner)
    old_quiz = first.quiz_id
    # A new version is published while the attempt is open: the open attempt keeps the
    # questions it started with; the next attempt draws from the new version's questions.
    course = install(tmp_path, **module_quiz(title="Kuis Dasar (revisi)"))
    assert course.current_version.number == 2
    sheet, html = get_sheet(client)
    assert sheet.order == first.question_ids
    assert "Kuis Dasar (revisi)" not in html  # the attempt's own quiz
    take_and_submit(client, learner, MODULE_QUIZ)

    assert start(client).status_code == 302
    second = open_attempt(learner)
    new_quiz = db.session.scalar(
        select(Quiz.id).where(Quiz.version_id == course.current_version_id, Quiz.key == MODULE_QUIZ)
    )
    assert second.quiz_id == new_quiz != old_quiz
    new_ids = set(db.session.scalars(select(Question.id).where(Question.quiz_id == new_quiz)))
    assert set(second.question_ids) == new_ids
    sheet, html = get_sheet(client)
    assert sheet.order == second.question_ids
    assert "Kuis Dasar (revisi)" in html


def test_a_sheet_from_the_kept_questions_holds_no_answers(app, client, learner):
    for key in (MODULE_QUIZ, "final"):
        assert start(client, key).status_code == 302
        for _ in range(2):  # the cache filled by the start, then read again
            _sheet, html = get_sheet(client, key)
            for secret in SECRETS:
                assert secret not in html, (key, secret)
    kept = app.extensions["elearn.quiz_questions"].data.values()
    for questions in kept:
        for question in questions.values():
            assert not hasattr(question, "answer")
            assert not hasattr(question, "explanation_html")
            assert all(set(option) == {"key", "html"} for option in question.options)


def test_a_refused_start_still_says_why(app, client, make_user, login_as, tmp_path):
    course = install(tmp_path, **module_quiz(attempts=1))
    user = make_user()
    enrol(user, course)
    login_as(user)
    assert start(client).status_code == 302
    take_and_submit(client, user, MODULE_QUIZ)
    response = start(client, follow=True)
    assert response.status_code == 200
    assert len(attempts_of(user)) == 1
    html = response.get_data(as_text=True)
    assert "Anda sudah memakai semua kesempatan untuk kuis ini." in html
