"""In-app notifications: each event (new assignment, due soon, overdue, certificate issued,
approval needed, the supervisor's weekly summary) gives its person exactly one notification,
also when `flask reminders send` runs twice; the bell in the header shows the unread count; a
person sees, opens and marks only their own; messages are shown in the reader's language with
user-provided text escaped; the list runs a fixed number of queries."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from conftest import csrf_token
from test_supervision_helpers import assign, build_agency, complete, count_queries, signed_in

from elearn.extensions import db
from elearn.models import Course, Notification, NotificationKind, User
from elearn.notifications.services import (
    deciders_for,
    notify,
    notify_approval_needed,
    unread_count,
)
from elearn.supervision.services import today


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return build_agency(make_unit, make_user, tmp_path)


def of(user, kind=None):
    stmt = db.select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt.order_by(Notification.id)).all()


def text(response):
    return response.get_data(as_text=True)


def bell(html):
    """The bell's accessible name and its visible count ('' when none unread)."""
    link = re.search(r'<a class="bell[^"]*"[^>]*>(.*?)</a>', html, re.S)
    assert link, "no bell in the header"
    name = re.search(r'class="visually-hidden">([^<]*)<', link.group(1)).group(1)
    count = re.search(r'class="bell-count"[^>]*>([^<]*)<', link.group(1))
    return name, count.group(1) if count else ""


def run_reminders(runner, day):
    result = runner.invoke(args=["reminders", "send", "--day", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def at(day):
    return datetime.combine(day, time(3, 0), tzinfo=UTC)


# Events ------------------------------------------------------------------------------------------
def test_a_new_assignment_notifies_each_person_reached_once(agency):
    assign(agency.sup_a, agency.course, units=[agency.a], due_in_days=10)
    # Agus (unit A) and Dewi (A1, below A) are reached; the supervisor who assigned is not told,
    # and nobody outside the unit is.
    assert [n.kind for n in of(agency.agus)] == [NotificationKind.ASSIGNED]
    assert len(of(agency.dewi)) == 1
    assert of(agency.sup_a) == [] and of(agency.budi) == []
    note = of(agency.agus)[0]
    assert note.params["title"] == "Etika ASN" and note.params["by"] == "Kepala A"
    assert note.link == "/courses/etika" and note.read_at is None
    # The same course with the same due date assigned to him by name as well: still one.
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=10)
    assert len(of(agency.agus)) == 1
    # Another course is another assignment to be told about.
    assign(agency.sup_a, agency.other_course, people=[agency.agus], due_in_days=20)
    assert [n.params["title"] for n in of(agency.agus)] == ["Etika ASN", "Kearsipan"]


def test_an_issued_certificate_notifies_its_holder_once(agency):
    from elearn.certificates.services import issue_certificate

    completion, cert = complete(agency.agus, agency.course)
    notes = of(agency.agus, NotificationKind.CERTIFICATE_ISSUED)
    assert len(notes) == 1
    assert notes[0].params == {"title": "Etika ASN", "number": cert.number}
    assert notes[0].link == "/certificates"
    assert issue_certificate(completion).id == cert.id  # already issued: nothing new
    db.session.commit()
    assert len(of(agency.agus, NotificationKind.CERTIFICATE_ISSUED)) == 1


def test_reminders_notify_due_soon_overdue_and_digest_once_however_often_they_run(agency, runner):
    day = today() + timedelta(days=7)
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=2, now=at(day))
    assign(
        agency.sup_a, agency.other_course, people=[agency.dewi], due_in_days=5,
        now=at(day - timedelta(days=10)),
    )  # fmt: skip
    assign(agency.sup_b, agency.course, people=[agency.budi], due_in_days=10, now=at(day))
    before = db.session.scalar(db.select(db.func.count()).select_from(Notification))

    output = run_reminders(runner, day)
    assert "in-app notifications: 4 new" in output
    assert [n.params["title"] for n in of(agency.agus, NotificationKind.DUE_SOON)] == ["Etika ASN"]
    overdue = of(agency.dewi, NotificationKind.OVERDUE)
    assert len(overdue) == 1 and overdue[0].link == "/learn/arsip"
    assert of(agency.budi, NotificationKind.DUE_SOON) == []  # due in ten days: not yet
    digest = of(agency.sup_a, NotificationKind.TEAM_DIGEST)
    assert len(digest) == 1 and digest[0].params["overdue"] == 1
    assert digest[0].link == "/team"
    assert len(of(agency.sup_b, NotificationKind.TEAM_DIGEST)) == 1  # Budi is below the target
    after_first = db.session.scalar(db.select(db.func.count()).select_from(Notification))
    assert after_first == before + 4

    # Cron runs again the same day, and the next day: the mails may repeat, the bell does not.
    assert "in-app notifications: 0 new" in run_reminders(runner, day)
    assert "in-app notifications: 0 new" in run_reminders(runner, day + timedelta(days=1))
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == after_first


def test_reminders_delete_old_read_notifications_and_keep_unread_ones(agency, runner):
    now = datetime.now(UTC)
    for key, age, read in (("old-read", 200, True), ("old-unread", 200, False),
                           ("recent-read", 10, True)):  # fmt: skip
        created = now - timedelta(days=age)
        notify(agency.agus.id, NotificationKind.ASSIGNED, {"title": key}, "/", key, created)
        if read:
            note = of(agency.agus)[-1]
            note.read_at = created + timedelta(days=1)
    db.session.commit()
    output = run_reminders(runner, today())
    assert "1 old read ones deleted" in output
    assert sorted(n.dedupe_key for n in of(agency.agus)) == ["old-unread", "recent-read"]


def test_approval_needed_goes_to_the_people_who_decide(app, agency, make_user):
    # Dewi is in A1 below A: the supervisor of A decides, once per request.
    assert [u.id for u in deciders_for(agency.dewi)] == [agency.sup_a.id]
    made = notify_approval_needed(agency.dewi, "activity", "Seminar nasional", "/team", "a:1")
    made += notify_approval_needed(agency.dewi, "activity", "Seminar nasional", "/team", "a:1")
    db.session.commit()
    assert made == 1
    notes = of(agency.sup_a, NotificationKind.APPROVAL_NEEDED)
    assert len(notes) == 1 and notes[0].params["person"] == "Dewi Lestari"
    assert of(agency.sup_b) == [] and of(agency.dewi) == []

    # A direct supervisor comes first; with no supervisor at all, the admins decide.
    agency.budi.supervisor_id = agency.sup_a.id
    loner = make_user(full_name="Tanpa Atasan")
    db.session.commit()
    assert [u.id for u in deciders_for(agency.budi)] == [agency.sup_a.id]
    assert [u.id for u in deciders_for(loner)] == [agency.admin.id]
    # A supervisor asking for themselves is not their own decider.
    assert agency.sup_a.id not in [u.id for u in deciders_for(agency.sup_a)]

    client = signed_in(app, agency.sup_a)
    html = text(client.get("/notifications"))
    assert "Menunggu keputusan Anda" in html
    assert "Dewi Lestari menunggu keputusan Anda atas kegiatan pengembangan kompetensi" in html


# The bell and the list ---------------------------------------------------------------------------
def test_the_bell_counts_unread_and_opening_an_item_marks_it_read(app, agency):
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=10)
    complete(agency.agus, agency.other_course)
    client = signed_in(app, agency.agus)
    assert bell(text(client.get("/"))) == ("Notifikasi, 2 belum dibaca", "2")

    html = text(client.get("/notifications"))
    assert bell(html) == ("Notifikasi, 2 belum dibaca", "2")
    assert html.count('class="notification unread"') == 2
    # Newest first: the certificate came after the assignment.
    assert html.index("Sertifikat Anda untuk kursus “Kearsipan”") < html.index(
        "Kepala A menugaskan kursus “Etika ASN” kepada Anda"
    )
    assignment = of(agency.agus, NotificationKind.ASSIGNED)[0]
    response = client.get(f"/notifications/{assignment.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/courses/etika"
    assert of(agency.agus, NotificationKind.ASSIGNED)[0].read_at is not None
    assert bell(text(client.get("/"))) == ("Notifikasi, 1 belum dibaca", "1")
    # Opening it again keeps the time it was first read, and still leads there.
    first_read = of(agency.agus, NotificationKind.ASSIGNED)[0].read_at
    assert client.get(f"/notifications/{assignment.id}").headers["Location"] == "/courses/etika"
    assert of(agency.agus, NotificationKind.ASSIGNED)[0].read_at == first_read


def test_mark_all_as_read_needs_the_csrf_token(app, agency):
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=10)
    complete(agency.agus, agency.other_course)
    client = signed_in(app, agency.agus)
    assert client.post("/notifications/read").status_code == 400
    assert client.post("/notifications/read", data={"csrf_token": "forged"}).status_code == 400
    assert unread_count(agency.agus.id) == 2

    token = csrf_token(client, "/notifications")
    response = client.post("/notifications/read", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert unread_count(agency.agus.id) == 0
    html = text(client.get("/notifications"))
    assert "Semua notifikasi ditandai sudah dibaca." in html
    assert bell(html) == ("Notifikasi, tidak ada yang belum dibaca", "")
    assert 'class="notification unread"' not in html
    assert "Tandai semua sudah dibaca" not in html  # nothing left to mark


def test_only_the_owner_sees_opens_and_marks_their_notifications(app, agency):
    assign(agency.sup_a, agency.course, people=[agency.agus, agency.dewi], due_in_days=10)
    mine = of(agency.agus)[0]
    other = signed_in(app, agency.dewi)
    assert other.get(f"/notifications/{mine.id}").status_code == 404
    assert other.get("/notifications/999999").status_code == 404
    # Dewi's list shows her own notification only, and marking all reads only hers.
    html = text(other.get("/notifications"))
    assert html.count('class="notification unread"') == 1
    assert f'/notifications/{mine.id}"' not in html
    other.post("/notifications/read", data={"csrf_token": csrf_token(other, "/notifications")})
    assert unread_count(agency.dewi.id) == 0
    assert of(agency.agus)[0].read_at is None
    # A supervisor or an admin does not read other people's notifications either.
    for boss in (agency.sup_a, agency.admin):
        assert signed_in(app, boss).get(f"/notifications/{mine.id}").status_code == 404
    assert of(agency.agus)[0].read_at is None
    # Signed out: the sign-in page.
    anonymous = app.test_client()
    assert anonymous.get("/notifications").headers["Location"].startswith("/login")


def test_the_list_pages_and_runs_a_fixed_number_of_queries(app, agency):
    client = signed_in(app, agency.agus)

    def add(count):
        for n in range(count):
            notify(agency.agus.id, NotificationKind.DUE_SOON,
                   {"title": f"Kursus {n}", "due": "2026-12-02"}, "/", f"k{n}")  # fmt: skip
        db.session.commit()

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    add(3)
    few = queries("/notifications")
    add(60)  # 63 in all, the first of them unread
    assert queries("/notifications") == few
    assert queries("/notifications?page=2") == few
    # the user with roles and session, the bell's count, the page's count and its rows.
    assert few == 4
    html = text(client.get("/notifications"))
    assert html.count('class="notification unread"') == 25
    assert "Halaman 1 dari 3" in html


def test_messages_escape_course_titles_in_the_list_and_the_bell(app, agency):
    evil = "<img src=x onerror=alert(1)>"
    course = db.session.get(Course, agency.course.id)
    course.current_version.title = evil
    db.session.commit()
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=10)
    complete(agency.agus, agency.course)
    assert of(agency.agus)[0].params["title"] == evil
    html = text(signed_in(app, agency.agus).get("/notifications"))
    assert "<img src=x" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 2  # assignment and certificate


def test_messages_follow_the_readers_language(app, agency):
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=10)
    due = today() + timedelta(days=10)
    client = signed_in(app, agency.agus)
    html = text(client.get("/notifications"))
    assert "Kepala A menugaskan kursus “Etika ASN” kepada Anda" in html
    assert "Penugasan baru" in html
    user = db.session.get(User, agency.agus.id)
    user.locale = "en"
    db.session.commit()
    html = text(client.get("/notifications"))
    assert "Kepala A assigned you the course “Etika ASN”" in html
    assert str(due.year) in html and "Notifications, 1 unread" in html


def test_only_internal_links_are_kept_and_followed(app, agency):
    for n, link in enumerate(("https://evil.example/", "//evil.example/x", "/\\evil")):
        notify(agency.agus.id, NotificationKind.ASSIGNED, {"title": "x"}, link, f"bad{n}")
    db.session.commit()
    client = signed_in(app, agency.agus)
    for note in of(agency.agus):
        assert note.link == ""
        response = client.get(f"/notifications/{note.id}")
        assert response.headers["Location"] == "/notifications"


def test_unknown_kinds_and_missing_params_still_show(app, agency):
    notify(agency.agus.id, "retired_kind", {}, "/", "old")
    notify(agency.agus.id, NotificationKind.OVERDUE, {}, "/", "bare")
    db.session.commit()
    response = signed_in(app, agency.agus).get("/notifications")
    assert response.status_code == 200
    assert "Notifikasi" in text(response) and "Tenggat kursus “”" in text(response)
