"""Mentoring and coaching: a supervisor pairs a mentor (a colleague or a partner's person) with
a mentee of their scope; either side logs a session, the other confirms it exactly once, and
the confirmed session is the mentee's approved activity, credited in JP by the rule. Both
sides see it; nobody else but the mentee's supervisors and admins opens the pair.

    Root ── A (sup_a) ── A1
         └─ B (sup_b)
"""

import contextlib
import html
import threading
from dataclasses import dataclass
from datetime import timedelta

import pytest
from conftest import csrf_token
from flask import current_app
from sqlalchemy import func, select
from test_supervision_helpers import count_queries, signed_in

from elearn.activities import mentoring_routes
from elearn.activities.mentoring import AlreadyConfirmed, confirm_session
from elearn.extensions import db
from elearn.i18n import local_date
from elearn.learn.jp import jp_earned
from elearn.models import (
    Activity,
    ActivityOrigin,
    ActivityStatus,
    AuditLog,
    MentoringPair,
    MentoringSession,
    Notification,
    NotificationKind,
    Partner,
    User,
)
from elearn.supervision.services import today

PAIRS = "/activities/mentoring"
NEW = "/activities/mentoring/new"


@dataclass
class People:
    a: object
    b: object
    sup_a: object
    sup_b: object
    admin: object
    agus: object  # in A: the mentee
    dewi: object  # in A1: a colleague mentor
    budi: object  # in B: outside sup_a's scope
    rina: object  # a partner's person (no NIP, no unit)


@pytest.fixture
def people(app, make_unit, make_user):
    root = make_unit("Pemerintah Kabupaten", code="ROOT")
    a = make_unit("Dinas A", root, code="DINAS-A")
    a1 = make_unit("Bidang A1", a, code="A1")
    b = make_unit("Dinas B", root, code="DINAS-B")
    sup_a = make_user(roles=["supervisor", "learner"], unit=a, full_name="Kepala A")
    sup_b = make_user(roles=["supervisor", "learner"], unit=b, full_name="Kepala B")
    admin = make_user(roles=["admin", "learner"], unit=root, full_name="Admin")
    agus = make_user(unit=a, full_name="Agus Setiawan")
    dewi = make_user(unit=a1, full_name="Dewi Lestari")
    budi = make_user(unit=b, full_name="Budi Santoso")
    partner = Partner(name="Universitas Nusantara")
    db.session.add(partner)
    db.session.flush()
    rina = make_user(
        roles=["instructor"], nip=None, email="rina@unusa.ac.id", full_name="Rina Wulandari",
        employee_type="non_asn", partner_id=partner.id,
    )  # fmt: skip
    sup_a.supervised = [a]
    sup_b.supervised = [b]
    db.session.commit()
    return People(a, b, sup_a, sup_b, admin, agus, dewi, budi, rina)


def text(response):
    return html.unescape(response.get_data(as_text=True))


def shown(day):
    with current_app.test_request_context():
        return local_date(day)


def post(client, url, **data):
    data.setdefault("csrf_token", csrf_token(client, PAIRS))
    return client.post(url, data=data)


def pair_form(mentor, mentee, kind="mentoring", start=None, end=None, goals="Menyusun laporan"):
    start = start or today() - timedelta(days=30)
    end = end or today() + timedelta(days=60)
    return {
        "mentor": mentor.email if mentor.nip is None else mentor.nip,
        "mentee": mentee.nip,
        "kind": kind,
        "goals": goals,
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
    }


def make_pair(mentor, mentee, kind="mentoring", by=None, start=None, end=None):
    pair = MentoringPair(
        kind=kind, mentor_id=mentor.id, mentee_id=mentee.id, goals="Tujuan",
        starts_on=start or today() - timedelta(days=30),
        ends_on=end or today() + timedelta(days=60),
        created_by_id=by.id if by else None,
    )  # fmt: skip
    db.session.add(pair)
    db.session.commit()
    return pair


def log(client, pair, held_on=None, minutes="90", topic="Menyusun rencana kerja", next_step=""):
    held_on = held_on or today() - timedelta(days=3)
    return post(
        client, f"{PAIRS}/{pair.id}/sessions",
        held_on=held_on.isoformat() if hasattr(held_on, "isoformat") else held_on,
        minutes=minutes, topic=topic, next_step=next_step,
    )  # fmt: skip


def sessions_of(pair):
    return db.session.scalars(
        select(MentoringSession).where(MentoringSession.pair_id == pair.id)
    ).all()


def activities_of(user):
    return db.session.scalars(select(Activity).where(Activity.user_id == user.id)).all()


def audits(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


# Pairing -----------------------------------------------------------------------------------------
def test_a_supervisor_pairs_a_mentee_of_their_scope_with_a_partners_person(
    app, client, people, login_as
):
    login_as(people.sup_a)
    start, end = today() - timedelta(days=10), today() + timedelta(days=200)
    response = post(client, NEW, **pair_form(people.rina, people.agus, "coaching", start, end))
    assert response.status_code == 303, text(response)
    pair = db.session.scalar(select(MentoringPair))
    assert (pair.mentor_id, pair.mentee_id, pair.kind, pair.active) == (
        people.rina.id, people.agus.id, "coaching", True,
    )  # fmt: skip
    assert pair.created_by_id == people.sup_a.id
    [entry] = audits("mentoring_pair.create")
    assert entry.actor_id == people.sup_a.id and entry.detail["mentee_id"] == people.agus.id

    page = text(client.get(response.headers["Location"], follow_redirects=True))
    assert "Rina Wulandari dan Agus Setiawan telah dipasangkan." in page
    assert "Coaching untuk Agus Setiawan" in page
    assert "Rina Wulandari (Universitas Nusantara)" in page
    assert "Menyusun laporan" in page
    assert shown(start) in page and shown(end) in page and str(end.year) in shown(end)

    # Listed for the supervisor, and as "my pairs" for both sides.
    listing = text(client.get(PAIRS))
    assert "Pasangan pegawai yang Anda bina" in listing and "Agus Setiawan" in listing
    mine = text(signed_in(app, people.rina).get(PAIRS))
    assert "Pasangan saya" in mine and "Agus Setiawan" in mine
    assert "Pasangan pegawai yang Anda bina" not in mine


def test_a_supervisor_cannot_pair_someone_outside_their_scope(app, client, people, login_as):
    login_as(people.sup_a)
    response = post(client, NEW, **pair_form(people.dewi, people.budi))
    assert response.status_code == 400
    page = text(response)
    assert (
        "Tidak ditemukan pegawai dengan NIP atau email ini di antara pegawai yang Anda bina."
        in page
    )
    assert "Tidak ada yang disimpan." in page
    assert db.session.scalar(select(func.count()).select_from(MentoringPair)) == 0

    # A pair the admin made for Budi is not even visible to sup_a.
    pair = make_pair(people.dewi, people.budi, by=people.admin)
    assert client.get(f"{PAIRS}/{pair.id}").status_code == 404
    assert "Budi Santoso" not in text(client.get(PAIRS))
    assert log(client, pair).status_code == 404
    # Learners cannot pair anyone.
    assert signed_in(app, people.agus).get(NEW).status_code == 403


def test_an_admin_pairs_anyone(app, client, people, login_as):
    login_as(people.admin)
    response = post(client, NEW, **pair_form(people.agus, people.budi))
    assert response.status_code == 303
    assert db.session.scalar(select(MentoringPair.mentee_id)) == people.budi.id


def test_pairing_refuses_bad_input_in_indonesian_and_saves_nothing(client, people, login_as):
    login_as(people.sup_a)
    cases = [
        (pair_form(people.agus, people.agus), "Mentor dan mentee harus dua orang yang berbeda."),
        (
            pair_form(people.dewi, people.agus, start=today(), end=today() - timedelta(days=1)),
            "Periode tidak boleh berakhir sebelum dimulai.",
        ),
        (
            {**pair_form(people.dewi, people.agus), "mentor": "tidak.ada@example.go.id"},
            "Tidak ditemukan akun aktif dengan NIP atau email ini.",
        ),
        (
            {**pair_form(people.dewi, people.agus), "goals": "x" * 2001},
            "Tulis tujuan paling banyak 2000 karakter.",
        ),
        (
            {**pair_form(people.dewi, people.agus), "ends_on": "31-31-2026"},
            "Masukkan tanggal yang benar",
        ),
        (pair_form(people.dewi, people.sup_a), "Anda tidak dapat mengatur mentoring"),
    ]
    for data, message in cases:
        response = post(client, NEW, **data)
        assert response.status_code == 400, message
        assert message in text(response), message
    assert db.session.scalar(select(func.count()).select_from(MentoringPair)) == 0

    # One running pair of a kind for the same two people; the other kind is another pair.
    assert post(client, NEW, **pair_form(people.dewi, people.agus)).status_code == 303
    response = post(client, NEW, **pair_form(people.dewi, people.agus))
    assert response.status_code == 400
    assert "sudah memiliki pasangan mentoring yang berjalan" in text(response)
    assert post(client, NEW, **pair_form(people.dewi, people.agus, "coaching")).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(MentoringPair)) == 2


# Sessions ----------------------------------------------------------------------------------------
def test_a_logged_session_is_confirmed_once_by_the_other_side_and_counts_for_the_mentee(
    app, people
):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    mentor, mentee = signed_in(app, people.dewi), signed_in(app, people.agus)
    held_on = today() - timedelta(days=3)
    year = held_on.year

    response = log(mentor, pair, held_on, "90", "Menyusun rencana kerja", "Draf laporan")
    assert response.status_code == 303, text(response)
    [session] = sessions_of(pair)
    assert (session.minutes, session.logged_by_id, session.confirmed_at) == (
        90, people.dewi.id, None,
    )  # fmt: skip
    # The mentee is asked to confirm it, with a link to the pair.
    [note] = db.session.scalars(
        select(Notification).where(Notification.user_id == people.agus.id)
    ).all()
    assert note.kind == NotificationKind.SESSION_TO_CONFIRM
    assert note.params == {
        "title": "Menyusun rencana kerja", "due": held_on.isoformat(), "by": "Dewi Lestari",
    }  # fmt: skip
    assert note.link == f"{PAIRS}/{pair.id}"
    bell = text(mentee.get("/notifications"))
    assert "Dewi Lestari" in bell and "Menyusun rencana kerja" in bell

    # Not counted yet; the logger cannot confirm their own session.
    assert jp_earned([people.agus.id], year)[people.agus.id] == 0
    response = post(mentor, f"{PAIRS}/sessions/{session.id}/confirm")
    assert response.status_code == 403
    assert "Anda yang mencatat sesi ini: Agus Setiawan yang mengonfirmasinya." in text(response)
    assert activities_of(people.agus) == []

    # The mentee confirms: an approved activity of the mentee, 90 minutes = 2 JP (45-minute JP).
    response = post(mentee, f"{PAIRS}/sessions/{session.id}/confirm")
    assert response.status_code == 303
    page = text(mentee.get(response.headers["Location"]))
    assert "Sesi telah dikonfirmasi: dihitung 2 JP untuk Agus Setiawan." in page
    [activity] = activities_of(people.agus)
    assert activity.origin == ActivityOrigin.MENTORING
    assert activity.status == ActivityStatus.APPROVED
    assert activity.kind.code == "mentoring"
    assert activity.title == "Mentoring: Menyusun rencana kerja"
    assert activity.organiser_name == "Dewi Lestari"
    assert (activity.start_date, activity.end_date) == (held_on, held_on)
    assert str(activity.duration_amount) == "1.50" and activity.duration_unit == "hour"
    assert activity.jp == 2
    assert activity.decided_by_id == people.agus.id and activity.decided_at is not None
    db.session.refresh(session)
    assert session.activity_id == activity.id and session.confirmed_by_id == people.agus.id
    assert jp_earned([people.agus.id, people.dewi.id], year) == {
        people.agus.id: 2, people.dewi.id: 0,
    }  # fmt: skip
    [entry] = audits("mentoring_session.confirm")
    assert entry.actor_id == people.agus.id and entry.detail["jp"] == 2

    # A second click (or the other tab) confirms nothing more.
    response = post(mentee, f"{PAIRS}/sessions/{session.id}/confirm")
    assert response.status_code == 303
    assert "Sesi ini sudah dikonfirmasi sebelumnya" in text(mentee.get(f"{PAIRS}/{pair.id}"))
    assert len(activities_of(people.agus)) == 1
    assert len(audits("mentoring_session.confirm")) == 1
    assert jp_earned([people.agus.id], year)[people.agus.id] == 2


def test_two_confirmations_of_one_page_give_one_activity(app, people):
    """Two requests that both read the session as unconfirmed: the conditional UPDATE lets
    one through."""
    pair = make_pair(people.rina, people.agus, kind="coaching", by=people.sup_a)
    mentee = signed_in(app, people.agus)
    assert log(signed_in(app, people.rina), pair, minutes="45").status_code == 303
    [session] = sessions_of(pair)
    stale = db.session.get(MentoringSession, session.id)  # read before the first click
    assert post(mentee, f"{PAIRS}/sessions/{session.id}/confirm").status_code == 303
    with app.test_request_context(), pytest.raises(AlreadyConfirmed):
        confirm_session(db.session.get(User, people.agus.id), stale)
    db.session.rollback()
    [activity] = activities_of(people.agus)
    assert activity.kind.code == "coaching" and activity.jp == 1
    assert activity.organiser_name == "Rina Wulandari (Universitas Nusantara)"


def test_two_tabs_confirming_at_the_same_moment_give_one_activity(app, people, monkeypatch):
    """Both requests pass every check in Python and meet right before the confirmation: the
    conditional UPDATE settles it."""
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    assert log(signed_in(app, people.dewi), pair).status_code == 303
    [session] = sessions_of(pair)
    tabs = [signed_in(app, people.agus), signed_in(app, people.agus)]
    tokens = [csrf_token(tab, PAIRS) for tab in tabs]
    barrier = threading.Barrier(2)
    original = mentoring_routes.confirm_session
    met = []

    def meet_first(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
            met.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(mentoring_routes, "confirm_session", meet_first)
    statuses, errors = [], []

    def click(tab, token):
        try:
            with app.app_context():
                url = f"{PAIRS}/sessions/{session.id}/confirm"
                statuses.append(tab.post(url, data={"csrf_token": token}).status_code)
        except Exception as exc:  # re-raised below
            errors.append(exc)

    threads = [
        threading.Thread(target=click, args=pair_) for pair_ in zip(tabs, tokens, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(met) == 2  # both had passed every check
    assert statuses == [303, 303]
    assert len(activities_of(people.agus)) == 1
    assert len(audits("mentoring_session.confirm")) == 1


def test_the_mentee_logs_and_the_mentor_confirms(app, people):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    assert log(signed_in(app, people.agus), pair, minutes="60").status_code == 303
    [session] = sessions_of(pair)
    note = db.session.scalar(select(Notification).where(Notification.user_id == people.dewi.id))
    assert note.kind == NotificationKind.SESSION_TO_CONFIRM
    mentor = signed_in(app, people.dewi)
    assert post(mentor, f"{PAIRS}/sessions/{session.id}/confirm").status_code == 303
    [activity] = activities_of(people.agus)
    assert activity.jp == 1 and activity.decided_by_id == people.dewi.id
    assert activities_of(people.dewi) == []  # the mentee's development, not the mentor's


def test_both_sides_see_the_session_and_its_state_outsiders_get_404(app, people):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    mentor, mentee = signed_in(app, people.dewi), signed_in(app, people.agus)
    held_on = today() - timedelta(days=2)
    assert log(mentor, pair, held_on, "75", "Analisis data", "Kirim tabel").status_code == 303
    url = f"{PAIRS}/{pair.id}"
    for client in (mentor, mentee, signed_in(app, people.sup_a), signed_in(app, people.admin)):
        page = text(client.get(url))
        assert "Analisis data" in page and "Kirim tabel" in page and shown(held_on) in page
        assert "1 jam 15 menit" in page and "Menunggu Agus Setiawan" in page
    assert "Konfirmasi" in text(mentee.get(url))  # the button is the mentee's
    [session] = sessions_of(pair)
    assert post(mentee, f"{PAIRS}/sessions/{session.id}/confirm").status_code == 303
    for client in (mentor, mentee):
        page = text(client.get(url))
        assert "Dikonfirmasi" in page and "oleh Agus Setiawan" in page
        assert "Menunggu" not in page
    for outsider in (people.budi, people.sup_b, people.rina):
        client = signed_in(app, outsider)
        assert client.get(url).status_code == 404
        assert post(client, f"{PAIRS}/sessions/{session.id}/confirm").status_code == 404
        assert log(client, pair).status_code == 404
    # The mentee's supervisor sees it but is no side of it: cannot log.
    assert log(signed_in(app, people.sup_a), pair).status_code == 403


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("held_on", "future", "Sesi dicatat setelah berlangsung: pilih hari ini atau tanggal"),
        ("held_on", "before", "Sesi harus berada dalam periode pasangan"),
        ("held_on", "bukan-tanggal", "Masukkan tanggal yang benar"),
        ("minutes", "10", "Isi lama sesi dalam menit, dari 15 sampai 480."),
        ("minutes", "481", "Isi lama sesi dalam menit, dari 15 sampai 480."),
        ("minutes", "satu jam", "Isi lama sesi dalam menit, dari 15 sampai 480."),
        ("topic", "ab", "Tulis topik dengan 3 sampai 200 karakter."),
        ("topic", "x" * 201, "Tulis topik dengan 3 sampai 200 karakter."),
        ("next_step", "x" * 1001, "Tulis langkah berikutnya paling banyak 1000 karakter."),
    ],
)  # fmt: skip
def test_a_session_with_bad_input_is_refused_in_indonesian_and_nothing_is_saved(
    app, people, field, value, message
):
    start = today() - timedelta(days=20)
    pair = make_pair(people.dewi, people.agus, by=people.sup_a, start=start)
    values = {"future": today() + timedelta(days=1), "before": start - timedelta(days=1)}
    data = {"held_on": today() - timedelta(days=1), "minutes": "60", "topic": "Topik sesi"}
    data["next_step"] = ""
    data[field] = values.get(value, value)
    response = log(signed_in(app, people.dewi), pair, **data)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Tidak ada yang disimpan." in page
    assert sessions_of(pair) == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_session_of_today_and_of_the_first_day_are_accepted(app, people):
    start = today() - timedelta(days=5)
    pair = make_pair(people.dewi, people.agus, start=start, end=today())
    mentor = signed_in(app, people.dewi)
    assert log(mentor, pair, today(), "15", "Hari ini").status_code == 303
    assert log(mentor, pair, start, "480", "Hari pertama").status_code == 303
    # The same form sent twice is one session.
    response = log(mentor, pair, start, "480", "Hari pertama")
    assert response.status_code == 400
    assert "Sesi pada tanggal ini dengan topik ini sudah dicatat." in text(response)
    assert len(sessions_of(pair)) == 2


def test_the_logger_deletes_an_unconfirmed_session_only(app, people):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    mentor, mentee = signed_in(app, people.dewi), signed_in(app, people.agus)
    assert log(mentor, pair, topic="Salah catat").status_code == 303
    assert log(mentor, pair, topic="Sesi benar").status_code == 303
    by_topic = {s.topic: s for s in sessions_of(pair)}
    wrong, right = by_topic["Salah catat"], by_topic["Sesi benar"]

    response = post(mentee, f"{PAIRS}/sessions/{wrong.id}/delete")
    assert response.status_code == 403  # the other side confirms, never deletes
    assert post(mentor, f"{PAIRS}/sessions/{wrong.id}/delete").status_code == 303
    assert [s.topic for s in sessions_of(pair)] == ["Sesi benar"]
    # The request to confirm it is gone with it.
    keys = db.session.scalars(select(Notification.dedupe_key)).all()
    assert keys == [f"session:{right.id}"]
    assert len(audits("mentoring_session.delete")) == 1

    assert post(mentee, f"{PAIRS}/sessions/{right.id}/confirm").status_code == 303
    response = post(mentor, f"{PAIRS}/sessions/{right.id}/delete")
    assert response.status_code == 403
    assert "sudah menjadi kegiatan" in text(response)
    assert len(sessions_of(pair)) == 1 and len(activities_of(people.agus)) == 1


def test_an_ended_pair_takes_no_new_session_but_a_logged_one_is_still_confirmed(
    app, client, people, login_as
):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    mentor, mentee = signed_in(app, people.dewi), signed_in(app, people.agus)
    assert log(mentor, pair).status_code == 303
    # Only the mentee's supervisor or an admin ends it (the mentor is a learner: 403).
    assert post(mentor, f"{PAIRS}/{pair.id}/end").status_code == 403
    assert post(signed_in(app, people.sup_b), f"{PAIRS}/{pair.id}/end").status_code == 404
    login_as(people.sup_a)
    assert post(client, f"{PAIRS}/{pair.id}/end").status_code == 303
    db.session.refresh(pair)
    assert pair.active is False
    assert len(audits("mentoring_pair.end")) == 1
    assert post(client, f"{PAIRS}/{pair.id}/end").status_code == 303  # twice: no second audit
    assert len(audits("mentoring_pair.end")) == 1

    response = log(mentor, pair, topic="Sesi baru")
    assert response.status_code == 400
    assert "Pasangan ini telah berakhir: sesi baru tidak dapat dicatat." in text(response)
    [session] = sessions_of(pair)
    assert post(mentee, f"{PAIRS}/sessions/{session.id}/confirm").status_code == 303
    assert len(activities_of(people.agus)) == 1
    # Ended, a new pair of the same kind can be made.
    assert post(client, NEW, **pair_form(people.dewi, people.agus)).status_code == 303


def test_the_list_shows_confirmed_sessions_and_the_last_session_date(app, client, people, login_as):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    mentor, mentee = signed_in(app, people.dewi), signed_in(app, people.agus)
    first, last = today() - timedelta(days=9), today() - timedelta(days=2)
    assert log(mentor, pair, first, topic="Pertama").status_code == 303
    assert log(mentor, pair, last, topic="Kedua").status_code == 303
    first_session = next(s for s in sessions_of(pair) if s.topic == "Pertama")
    assert post(mentee, f"{PAIRS}/sessions/{first_session.id}/confirm").status_code == 303
    login_as(people.sup_a)
    page = text(client.get(PAIRS))
    assert "Dewi Lestari" in page and "Agus Setiawan" in page
    assert "(+1 menunggu konfirmasi)" in page
    assert shown(last) in page
    # Filters: ended pairs only shows none.
    assert "Tidak ada pasangan yang sesuai" in text(
        client.get(PAIRS, query_string={"status": "ended"})
    )
    assert "Dewi Lestari" in text(client.get(PAIRS, query_string={"q": "dewi"}))


# Queries -----------------------------------------------------------------------------------------
def _queries(client, url):
    with count_queries() as statements:
        response = client.get(url)
        assert response.status_code == 200
    return len(statements)


def test_the_supervisors_list_costs_the_same_queries_for_one_pair_or_thirty(
    app, client, people, make_user, login_as
):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    db.session.add(MentoringSession(
        pair_id=pair.id, held_on=today(), minutes=60, topic="Satu", logged_by_id=people.dewi.id,
    ))  # fmt: skip
    db.session.commit()
    login_as(people.sup_a)
    few = _queries(client, PAIRS)
    for n in range(30):
        mentee = make_user(unit=people.a, full_name=f"Staf {n:02d}")
        other = make_pair(people.rina if n % 2 else people.dewi, mentee, by=people.sup_a)
        for d in range(3):
            db.session.add(MentoringSession(
                pair_id=other.id, held_on=today() - timedelta(days=d), minutes=60,
                topic=f"Sesi {d}", logged_by_id=mentee.id,
            ))  # fmt: skip
    db.session.commit()
    assert _queries(client, PAIRS) == few
    assert few <= 10, few
    assert "31 pasangan" in text(client.get(PAIRS))


def test_the_pair_page_costs_the_same_queries_for_one_session_or_forty(app, people):
    pair = make_pair(people.dewi, people.agus, by=people.sup_a)
    mentee = signed_in(app, people.agus)
    assert log(signed_in(app, people.dewi), pair, minutes="60", topic="Awal").status_code == 303
    url = f"{PAIRS}/{pair.id}"
    few = _queries(mentee, url)
    for d in range(40):
        db.session.add(MentoringSession(
            pair_id=pair.id, held_on=today() - timedelta(days=d % 25), minutes=30,
            topic=f"Sesi {d}", logged_by_id=people.dewi.id if d % 2 else people.agus.id,
        ))  # fmt: skip
    db.session.commit()
    assert _queries(mentee, url) == few
    assert few <= 12, few
    assert "41 sesi" in text(mentee.get(url))
