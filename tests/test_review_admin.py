"""Review of the setup links, the dates and the answer-sheet check: an attacker's markup in every
new field shows as text, two tabs pressing the same buttons mail nobody twice and record one
start, dates of nothing are empty, and the check before submitting holds back nothing after the
deadline and nobody else's sheet."""

from datetime import UTC, datetime

import pytest
from conftest import login
from sqlalchemy import func, select
from test_learn_flow import learner  # noqa: F401 (fixture)
from test_quizzes import MODULE_QUIZ, answers, move_deadline, open_attempt, post, start
from test_setup_links import (  # noqa: F401 (fixtures)
    NEW_PEOPLE,
    admin,
    import_csv,
    mail,
    refused,
    send_round,
    submit,
    text,
    the_batch,
    unit,
)

from elearn.extensions import db
from elearn.i18n import date_formatter, local_date, local_datetime
from elearn.models import Attempt, AuditLog

ATTACK = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


# Setup links ------------------------------------------------------------------------------------
def test_markup_in_names_files_and_refusals_is_shown_as_text(client, admin, mail, refused):  # noqa: F811
    people = [(NEW_PEOPLE[0][0], "Rina <img src=x onerror=alert(1)>", "rina@sukamaju.go.id")]
    refused.add("rina@sukamaju.go.id")
    import_csv(client, people)
    batch = the_batch()
    send_round(client, batch)
    html = text(client.get(f"/admin/users/setup-links/{batch.id}"))
    assert "Tidak terkirim" in html  # the refusal is listed, with the person's name
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_two_tabs_sending_and_retrying_mail_each_person_once(client, admin, mail, refused):  # noqa: F811
    refused.add(NEW_PEOPLE[0][2])
    import_csv(client)
    batch = the_batch()
    page = f"/admin/users/setup-links/{batch.id}"
    for _round in range(6):  # both tabs keep pressing "send" until nothing waits, and more
        send_round(client, batch)
    sent_to = [m["To"] for m in mail.messages]
    assert sorted(sent_to) == sorted(p[2] for p in NEW_PEOPLE[1:])
    starts = db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.action == "setup_links.start")
    )
    assert starts == 1

    first = submit(client, f"{page}/retry", page=page, follow_redirects=True)
    second = submit(client, f"{page}/retry", page=page, follow_redirects=True)
    assert "1 orang kembali menunggu tautan." in text(first)
    assert "0 orang kembali menunggu tautan." in text(second)  # the stale tab: nothing more
    refused.clear()
    for _round in range(2):
        send_round(client, batch)
    assert [m["To"] for m in mail.messages].count(NEW_PEOPLE[0][2]) == 1


# Dates ------------------------------------------------------------------------------------------
def test_no_moment_is_an_empty_text_not_the_current_time(app):
    with app.test_request_context():
        assert local_datetime(None) == "" and local_date(None) == ""


@pytest.mark.parametrize("config_overrides", [{"TIMEZONE": "Asia/Jayapura"}])
def test_the_day_of_a_moment_is_the_day_on_the_instance_clock(app):
    late_evening_utc = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)  # 3 December, 05.00 WIT
    with app.test_request_context():
        assert local_date(late_evening_utc) == "3 Des 2026"
        assert local_date(late_evening_utc, "long") == "3 Desember 2026"
        assert date_formatter()(late_evening_utc.replace(tzinfo=None)) == "3 Des 2026"


# The check before submitting --------------------------------------------------------------------
def test_the_check_past_the_grace_period_grades_the_sheet_as_it_stood(client, learner):  # noqa: F811
    start(client)
    attempt = open_attempt(learner)
    if attempt.deadline_at is None:
        attempt.deadline_at = attempt.started_at
    move_deadline(attempt, 3600)
    response = post(client, f"/attempts/{attempt.id}/submit", {"check": "1"})
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.late


def test_the_check_on_someone_elses_sheet_is_not_found(app, client, learner, make_user):  # noqa: F811
    start(client)
    attempt = open_attempt(learner)
    data = answers(attempt)
    data.pop(next(iter(data)))
    other = app.test_client()  # another learner, in their own browser
    assert login(other, make_user().email).status_code == 302
    response = post(other, f"/attempts/{attempt.id}/submit", {**data, "check": "1"})
    assert response.status_code == 404
    stored = db.session.get(Attempt, attempt.id)
    db.session.refresh(stored)
    assert stored.submitted_at is None and not stored.saved_answers
    assert stored.quiz_key == MODULE_QUIZ
