"""`flask reminders send` against a real SMTP server: learners get their assigned courses due
soon or overdue at most once a day per course, supervisors a digest once per ISO week; a mail
that fails is not recorded, so the next run sends it."""

import socket
from datetime import UTC, datetime, time, timedelta

import pytest
from babel.dates import format_date
from test_supervision_helpers import assign, build_agency, complete

from elearn.extensions import db
from elearn.models import ReminderLog
from elearn.supervision.services import today


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    return build_agency(make_unit, make_user, tmp_path)


@pytest.fixture
def monday():
    """A Monday after today, so that the assignments' dates are valid when made."""
    day = today() + timedelta(days=7)
    return day - timedelta(days=day.isoweekday() - 1)


def at(day):
    return datetime.combine(day, time(3, 0), tzinfo=UTC)


def body(message):
    return message.get_payload(decode=True).decode("utf-8")


def send(runner, day):
    result = runner.invoke(args=["reminders", "send", "--day", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def assignments(agency, monday):
    # Agus: due in two days. Dewi: overdue for five days. Budi: due in ten days (too early).
    # Kepala A: overdue but completed.
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=2, now=at(monday))
    assign(
        agency.sup_a, agency.other_course, people=[agency.dewi, agency.sup_a], due_in_days=5,
        now=at(monday - timedelta(days=10)),
    )  # fmt: skip
    assign(agency.sup_b, agency.course, people=[agency.budi], due_in_days=10, now=at(monday))
    complete(agency.sup_a, agency.other_course)
    return agency


def test_learners_get_one_reminder_a_day_and_supervisors_one_digest_a_week(
    runner, assignments, smtp_server, monday
):
    agency = assignments
    output = send(runner, monday)
    assert "reminders sent to 2 learners (2 courses), 2 weekly digests, 0 failed" in output
    by_to = {}
    for message in smtp_server.messages:
        by_to.setdefault(message["To"], []).append(message)
    agus, dewi = by_to[agency.agus.email][0], by_to[agency.dewi.email][0]
    assert "Etika ASN" in body(agus)
    due = monday + timedelta(days=2)
    assert format_date(due, "d MMM y", locale="id") in body(agus)  # "4 Mar 2026", not 04-03-26
    assert "Kearsipan" in body(dewi) and "terlambat" in dewi["Subject"].lower()
    assert agency.budi.email not in by_to or all(
        "Etika" not in body(m) for m in by_to[agency.budi.email]
    )  # only the digest's supervisors and due learners get mail
    digest_a = by_to[agency.sup_a.email][0]
    assert "Dewi Lestari" in body(digest_a)  # overdue
    assert "Budi" not in body(digest_a)  # another supervisor's team
    assert "Budi Rahasia" in body(by_to[agency.sup_b.email][0])  # below the JP target

    # Cron runs again the same day: nothing is sent twice.
    count = len(smtp_server.messages)
    output = send(runner, monday)
    assert "reminders sent to 0 learners (0 courses), 0 weekly digests" in output
    assert len(smtp_server.messages) == count

    # The next day: the learners again, no digest (same ISO week).
    output = send(runner, monday + timedelta(days=1))
    assert "reminders sent to 2 learners (2 courses), 0 weekly digests" in output
    # The next week: Agus' course is overdue now, Budi's due soon; digests again.
    output = send(runner, monday + timedelta(days=7))
    assert "reminders sent to 3 learners (3 courses), 2 weekly digests" in output
    kinds = db.session.scalars(db.select(ReminderLog.kind)).all()
    assert kinds.count("digest") == 4


def test_a_failed_mail_is_not_recorded_and_goes_out_next_time(
    app, runner, assignments, smtp_server, monday
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config.update(MAIL_PORT=closed_port)
    result = runner.invoke(args=["reminders", "send", "--day", monday.isoformat()])
    assert result.exit_code == 1
    assert "4 failed" in result.output
    assert db.session.scalar(db.select(db.func.count(ReminderLog.id))) == 0
    app.config.update(MAIL_PORT=smtp_server.port)
    assert "2 learners" in send(runner, monday)


def test_no_digest_option_and_completed_courses(runner, assignments, smtp_server, monday):
    output = runner.invoke(
        args=["reminders", "send", "--day", monday.isoformat(), "--no-digest"]
    ).output
    assert "2 learners (2 courses), 0 weekly digests" in output
    recipients = {m["To"] for m in smtp_server.messages}
    assert assignments.sup_a.email not in recipients  # completed their course, no digest
