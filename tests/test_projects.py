"""Strategic projects: an admin or the supervisor of a unit records a project and its members;
each membership is the member's activity of the kind "proyek-strategis", waiting for the
member's supervisor and counted in JP only once approved. Removing a member deletes an
activity not approved yet, keeps an approved one. Whoever can see a member sees the project
read-only; others get 404.

    Root ── A (sup_a) ── A1
         └─ B (sup_b)
"""

import html
from dataclasses import dataclass
from datetime import timedelta

import pytest
from conftest import csrf_token
from flask import current_app
from sqlalchemy import func, select
from test_supervision_helpers import count_queries, signed_in

from elearn.extensions import db
from elearn.i18n import local_date
from elearn.learn.jp import jp_earned
from elearn.models import (
    Activity,
    ActivityOrigin,
    ActivityStatus,
    AuditLog,
    Competency,
    Notification,
    NotificationKind,
    Project,
    ProjectMember,
)
from elearn.supervision.services import today

PROJECTS = "/activities/projects"
NEW = "/activities/projects/new"


@dataclass
class People:
    a: object
    a1: object
    b: object
    sup_a: object
    sup_b: object
    admin: object
    agus: object  # in A
    dewi: object  # in A1
    budi: object  # in B


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
    sup_a.supervised = [a]
    sup_b.supervised = [b]
    for n, name in enumerate(["Integritas", "Kerja Sama", "Komunikasi", "Orientasi pada Hasil",
                              "Pelayanan Publik", "Pengambilan Keputusan"], start=1):  # fmt: skip
        db.session.add(Competency(name=name, kind="manajerial", code=f"M{n}"))
    db.session.add(Competency(name="Arsip Lama", kind="teknis", code="T9", active=False))
    db.session.commit()
    return People(a, a1, b, sup_a, sup_b, admin, agus, dewi, budi)


def text(response):
    return html.unescape(response.get_data(as_text=True))


def shown(day):
    with current_app.test_request_context():
        return local_date(day)


def post(client, url, **data):
    data.setdefault("csrf_token", csrf_token(client, PROJECTS))
    return client.post(url, data=data)


def competency(code):
    return db.session.scalar(select(Competency).where(Competency.code == code))


def make_project(unit, start=None, end=None, name="Digitalisasi Arsip", by=None):
    project = Project(
        name=name, unit_id=unit.id, starts_on=start or today() - timedelta(days=60),
        ends_on=end or today() - timedelta(days=11), description="Arsip dinas menjadi digital",
        created_by_id=by.id if by else None,
    )  # fmt: skip
    db.session.add(project)
    db.session.commit()
    return project


def add(client, project, person, role="Ketua tim", hours="30", competencies=()):
    return post(
        client, f"{PROJECTS}/{project.id}/members", who=person.nip, role=role, hours=hours,
        competency_ids=[str(c) for c in competencies],
    )  # fmt: skip


def member(project, person):
    return db.session.scalar(
        select(ProjectMember).where(
            ProjectMember.project_id == project.id, ProjectMember.user_id == person.id
        )
    )


def activities_of(person):
    return db.session.scalars(select(Activity).where(Activity.user_id == person.id)).all()


def audits(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def approve(client, activity):
    response = post(
        client, f"/activities/{activity.id}/decide", action="approve", note="",
        revision=str(activity.revision),
    )  # fmt: skip
    assert response.status_code in (302, 303), text(response)


# Projects ----------------------------------------------------------------------------------------
def test_a_supervisor_records_a_project_of_a_unit_in_scope(client, people, login_as):
    login_as(people.sup_a)
    form = text(client.get(NEW))
    assert "Dinas A" in form and "Bidang A1" in form and "Dinas B" not in form
    start, end = today() - timedelta(days=30), today() + timedelta(days=90)
    data = {
        "name": "Satu Data Kabupaten", "unit_id": str(people.a1.id),
        "starts_on": start.isoformat(), "ends_on": end.isoformat(),
        "description": "Menyatukan data sektoral",
    }  # fmt: skip
    response = post(client, NEW, **data)
    assert response.status_code == 303, text(response)
    project = db.session.scalar(select(Project))
    assert (project.name, project.unit_id, project.created_by_id) == (
        "Satu Data Kabupaten", people.a1.id, people.sup_a.id,
    )  # fmt: skip
    assert len(audits("project.create")) == 1
    page = text(client.get(response.headers["Location"], follow_redirects=True))
    assert "Proyek “Satu Data Kabupaten” telah dicatat: tambahkan anggotanya." in page
    assert shown(start) in page and shown(end) in page and "Menyatukan data sektoral" in page
    assert "Tambahkan anggota" in page
    assert "Satu Data Kabupaten" in text(client.get(PROJECTS))

    # A unit outside the scope is refused; learners cannot record projects.
    response = post(client, NEW, **{**data, "unit_id": str(people.b.id)})
    assert response.status_code == 400
    assert "Pilih salah satu unit kerja yang Anda bina." in text(response)
    assert signed_in(client.application, people.agus).get(NEW).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "ab", "Tulis nama proyek dengan 3 sampai 200 karakter."),
        ("ends_on", "before", "Proyek tidak boleh berakhir sebelum dimulai."),
        ("starts_on", "", "Isi tanggal mulai proyek."),
        ("description", "x" * 4001, "Tulis deskripsi paling banyak 4000 karakter."),
        ("unit_id", "", "Pilih salah satu unit kerja yang Anda bina."),
    ],
)
def test_a_project_with_bad_input_is_refused_in_indonesian(
    client, people, login_as, field, value, message
):
    login_as(people.sup_a)
    start = today() - timedelta(days=3)
    data = {
        "name": "Proyek", "unit_id": str(people.a.id), "starts_on": start.isoformat(),
        "ends_on": today().isoformat(), "description": "",
    }  # fmt: skip
    data[field] = (start - timedelta(days=1)).isoformat() if value == "before" else value
    response = post(client, NEW, **data)
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


# Members -----------------------------------------------------------------------------------------
def test_a_membership_is_a_pending_activity_counted_only_once_approved(
    app, client, people, login_as
):
    project = make_project(people.a, by=people.sup_a)
    login_as(people.sup_a)
    ids = [competency("M1").id, competency("M3").id]
    response = add(client, project, people.agus, "Ketua tim", "30", ids)
    assert response.status_code == 303, text(response)
    page = text(client.get(response.headers["Location"]))
    assert "Agus Setiawan telah ditambahkan." in page and "Ketua tim" in page

    m = member(project, people.agus)
    activity = m.activity
    assert activity.origin == ActivityOrigin.PROJECT
    assert activity.status == ActivityStatus.PENDING
    assert activity.kind.code == "proyek-strategis"
    assert activity.title == "Digitalisasi Arsip — Ketua tim"
    assert activity.organiser_unit_id == people.a.id
    assert (activity.start_date, activity.end_date) == (project.starts_on, project.ends_on)
    assert str(activity.duration_amount) == "30.00" and activity.duration_unit == "hour"
    assert activity.jp == 20  # 30 h x 60 / 45 = 40 JP, capped at 20 per activity by the kind
    assert {c.name for c in activity.competencies} == {"Integritas", "Komunikasi"}
    [entry] = audits("project.member_add")
    assert entry.detail["user_id"] == people.agus.id

    # Agus's supervisor is asked; nothing counts yet.
    [note] = db.session.scalars(
        select(Notification).where(Notification.kind == NotificationKind.APPROVAL_NEEDED)
    ).all()
    assert note.user_id == people.sup_a.id and note.params["what"] == "activity"
    assert note.params["title"] == "Digitalisasi Arsip — Ketua tim"
    year = activity.end_date.year
    assert jp_earned([people.agus.id], year)[people.agus.id] == 0
    page = text(client.get(f"{PROJECTS}/{project.id}"))
    assert "Menunggu persetujuan" in page
    assert "setelah disetujui" in page

    approve(client, activity)
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.APPROVED
    assert jp_earned([people.agus.id], year)[people.agus.id] == 20
    assert db.session.get(Notification, note.id).read_at is not None


def test_members_are_people_of_the_managers_scope_once_each(app, client, people, login_as):
    project = make_project(people.a, by=people.sup_a)
    login_as(people.sup_a)
    response = add(client, project, people.budi)
    assert response.status_code == 400
    assert (
        "Tidak ditemukan pegawai dengan NIP atau email ini di antara pegawai yang Anda bina."
        in (text(response))
    )
    assert add(client, project, people.dewi).status_code == 303  # A1 is within A
    response = add(client, project, people.dewi, role="Anggota")
    assert response.status_code == 400
    assert "Dewi Lestari sudah menjadi anggota proyek ini." in text(response)
    assert len(activities_of(people.dewi)) == 1
    # The admin may add anyone active.
    admin = signed_in(app, people.admin)
    assert add(admin, project, people.budi).status_code == 303
    # A supervisor of another unit does not manage the project.
    assert add(signed_in(app, people.sup_b), project, people.budi).status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        ({"hours": "0"}, "Isi jam keterlibatan, misalnya 12 atau 12,5."),
        ({"hours": "banyak"}, "Isi jam keterlibatan, misalnya 12 atau 12,5."),
        ({"hours": "1201"}, "Paling banyak 1.200 jam"),  # 50 days x 24 hours
        ({"role": "ab"}, "Tulis peran dengan 3 sampai 120 karakter."),
        ({"competencies": "six"}, "Pilih paling banyak 5 kompetensi."),
        ({"competencies": "inactive"}, "Pilih kompetensi dari daftar."),
    ],
)
def test_a_member_with_bad_input_is_refused_and_nothing_is_saved(
    client, people, login_as, data, message
):
    project = make_project(people.a)
    login_as(people.sup_a)
    chosen = []
    if data.get("competencies") == "six":
        chosen = [competency(f"M{n}").id for n in range(1, 7)]
    elif data.get("competencies") == "inactive":
        chosen = [competency("T9").id]
    response = add(
        client, project, people.agus, role=data.get("role", "Analis data"),
        hours=data.get("hours", "12,5"), competencies=chosen,
    )  # fmt: skip
    assert response.status_code == 400
    page = text(response)
    assert message in page and "Tidak ada yang disimpan." in page
    assert member(project, people.agus) is None and activities_of(people.agus) == []


def test_hours_with_a_decimal_comma_and_the_full_period_are_accepted(client, people, login_as):
    project = make_project(people.a)
    login_as(people.sup_a)
    assert add(client, project, people.agus, hours="12,5").status_code == 303
    assert str(member(project, people.agus).activity.duration_amount) == "12.50"
    assert add(client, project, people.dewi, hours="1200").status_code == 303


def test_a_running_project_gives_an_activity_that_ends_today(client, people, login_as):
    project = make_project(people.a, end=today() + timedelta(days=40))
    login_as(people.sup_a)
    page = text(client.get(f"{PROJECTS}/{project.id}"))
    assert "Proyek masih berjalan, jadi kegiatan berakhir hari ini" in page
    assert add(client, project, people.agus).status_code == 303
    activity = member(project, people.agus).activity
    assert (activity.start_date, activity.end_date) == (project.starts_on, today())


def test_a_project_that_has_not_started_takes_no_member_yet(client, people, login_as):
    project = make_project(
        people.a, start=today() + timedelta(days=5), end=today() + timedelta(days=30)
    )
    login_as(people.sup_a)
    page = text(client.get(f"{PROJECTS}/{project.id}"))
    assert "Proyek dimulai pada" in page and "tambahkan anggotanya setelah proyek dimulai" in page
    assert 'name="who"' not in page
    response = add(client, project, people.agus)
    assert response.status_code == 400
    assert activities_of(people.agus) == []


def test_removing_a_member_deletes_an_activity_not_approved_and_keeps_an_approved_one(
    app, client, people, login_as
):
    project = make_project(people.a, by=people.sup_a)
    login_as(people.sup_a)
    assert add(client, project, people.agus, hours="6").status_code == 303
    assert add(client, project, people.dewi, hours="9").status_code == 303
    agus_activity = member(project, people.agus).activity
    approve(client, agus_activity)
    page = text(client.get(f"{PROJECTS}/{project.id}"))
    assert "Kegiatannya yang sudah disetujui tetap ada dalam catatannya." in page  # the button
    dewi_member = member(project, people.dewi)
    dewi_activity_id = dewi_member.activity_id

    response = post(client, f"{PROJECTS}/{project.id}/members/{dewi_member.id}/remove")
    assert response.status_code == 303
    flashed = text(client.get(f"{PROJECTS}/{project.id}"))
    assert "Dewi Lestari bukan anggota lagi. Kegiatannya, yang belum disetujui, telah dihapus." in (
        flashed
    )
    assert db.session.get(Activity, dewi_activity_id) is None
    # Dewi's deciders no longer have an unread request for it.
    unread = db.session.scalars(
        select(Notification).where(
            Notification.kind == NotificationKind.APPROVAL_NEEDED, Notification.read_at.is_(None)
        )
    ).all()
    assert unread == []

    agus_member = member(project, people.agus)
    response = post(client, f"{PROJECTS}/{project.id}/members/{agus_member.id}/remove")
    assert response.status_code == 303
    flashed = text(client.get(f"{PROJECTS}/{project.id}"))
    assert "Agus Setiawan bukan anggota lagi. Kegiatannya yang sudah disetujui tetap ada" in flashed
    kept = db.session.get(Activity, agus_activity.id)
    assert kept is not None and kept.status == ActivityStatus.APPROVED
    assert jp_earned([people.agus.id], kept.end_date.year)[people.agus.id] == 8  # 6 h = 8 JP
    assert db.session.scalar(select(func.count()).select_from(ProjectMember)) == 0
    assert [a.detail.get("activity_kept") for a in audits("project.member_remove")].count(
        agus_activity.id
    ) == 1


def test_who_sees_a_project(app, people):
    project = make_project(people.a, by=people.sup_a)
    admin = signed_in(app, people.admin)
    assert add(admin, project, people.agus).status_code == 303
    url = f"{PROJECTS}/{project.id}"
    # Others see nothing of it.
    for outsider in (people.sup_b, people.dewi, people.budi):
        client = signed_in(app, outsider)
        assert client.get(url).status_code == 404
        assert "Digitalisasi Arsip" not in text(client.get(PROJECTS))
    # Budi joins: his supervisor sees the project read-only, with his record only.
    assert add(admin, project, people.budi, role="Analis data").status_code == 303
    sup_b = signed_in(app, people.sup_b)
    page = text(sup_b.get(url))
    assert "Agus Setiawan" in page and "Budi Santoso" in page
    assert "Anda melihat proyek ini karena Anda dapat melihat salah satu anggotanya" in page
    assert 'name="who"' not in page and "/remove" not in page and "/edit" not in page
    assert page.count("Menunggu persetujuan") == 1
    assert "Digitalisasi Arsip" in text(sup_b.get(PROJECTS))
    agus_member = member(project, people.agus)
    assert (
        post(sup_b, f"{PROJECTS}/{project.id}/members/{agus_member.id}/remove").status_code == 404
    )
    assert sup_b.get(f"{url}/edit").status_code == 404
    # A member sees their project; the unit's supervisor manages it.
    assert signed_in(app, people.agus).get(url).status_code == 200
    manager = text(signed_in(app, people.sup_a).get(url))
    assert 'name="who"' in manager and "/remove" in manager


def test_editing_a_project_updates_the_activities_not_approved_yet(app, client, people, login_as):
    project = make_project(people.a, by=people.sup_a)
    login_as(people.sup_a)
    assert add(client, project, people.agus, hours="6").status_code == 303
    assert add(client, project, people.dewi, hours="30").status_code == 303
    approve(client, member(project, people.agus).activity)
    new_start = project.starts_on + timedelta(days=1)
    data = {
        "name": "Arsip Digital Terpadu", "unit_id": str(people.a.id),
        "starts_on": new_start.isoformat(), "ends_on": project.ends_on.isoformat(),
        "description": "Baru",
    }  # fmt: skip
    response = post(client, f"{PROJECTS}/{project.id}/edit", **data)
    assert response.status_code == 303, text(response)
    assert member(project, people.dewi).activity.title == "Arsip Digital Terpadu — Ketua tim"
    assert member(project, people.dewi).activity.start_date == new_start
    assert member(project, people.agus).activity.title == "Digitalisasi Arsip — Ketua tim"
    [entry] = audits("project.edit")
    assert entry.detail["changed"]["name"] == ["Digitalisasi Arsip", "Arsip Digital Terpadu"]
    # A period too short for a member's hours is refused.
    short = {**data, "starts_on": project.ends_on.isoformat()}
    response = post(client, f"{PROJECTS}/{project.id}/edit", **short)
    assert response.status_code == 400
    assert "Periode ini terlalu pendek untuk 30 jam milik Dewi Lestari" in text(response)


def test_a_returned_membership_is_changed_and_waits_again(app, client, people, login_as):
    project = make_project(people.a, by=people.sup_a)
    login_as(people.sup_a)
    assert add(client, project, people.agus, hours="30").status_code == 303
    m = member(project, people.agus)
    response = post(
        client, f"/activities/{m.activity.id}/decide", action="return",
        note="Jamnya terlalu banyak", revision=str(m.activity.revision),
    )  # fmt: skip
    assert response.status_code in (302, 303)
    url = f"{PROJECTS}/{project.id}/members/{m.id}/edit"
    page = text(client.get(url))
    assert "Jamnya terlalu banyak" in page and 'value="30"' in page
    response = post(client, url, role="Ketua tim", hours="9", competency_ids=[])
    assert response.status_code == 303
    activity = member(project, people.agus).activity
    assert activity.status == ActivityStatus.PENDING and activity.jp == 12
    assert activity.decided_by_id is None
    assert len(audits("project.member_edit")) == 1


# Queries -----------------------------------------------------------------------------------------
def _queries(client, url):
    with count_queries() as statements:
        response = client.get(url)
        assert response.status_code == 200
    return len(statements)


def test_the_project_list_costs_the_same_queries_for_one_project_or_thirty(
    app, client, people, make_user, login_as
):
    first = make_project(people.a)
    db.session.add(ProjectMember(project_id=first.id, user_id=people.agus.id, role="Ketua"))
    db.session.commit()
    login_as(people.sup_a)
    few = _queries(client, PROJECTS)
    for n in range(30):
        project = make_project(people.a1 if n % 2 else people.a, name=f"Proyek {n:02d}")
        for k in range(3):
            person = make_user(unit=people.a1, full_name=f"Staf {n}-{k}")
            db.session.add(ProjectMember(project_id=project.id, user_id=person.id, role="Anggota"))
    db.session.commit()
    assert _queries(client, PROJECTS) == few
    assert few <= 8, few
    page = text(client.get(PROJECTS))
    assert "31 proyek" in page
    # The learner sees the project they are a member of, in as few queries.
    agus = signed_in(app, people.agus)
    assert "1 proyek" in text(agus.get(PROJECTS))


def test_the_project_page_costs_the_same_queries_for_one_member_or_thirty(
    app, client, people, make_user, login_as
):
    project = make_project(people.a)
    login_as(people.sup_a)
    assert add(client, project, people.agus, competencies=[competency("M1").id]).status_code == 303
    url = f"{PROJECTS}/{project.id}"
    few = _queries(client, url)
    for n in range(30):
        person = make_user(unit=people.a1, full_name=f"Staf {n:02d}")
        response = add(client, project, person, competencies=[competency("M2").id])
        assert response.status_code == 303
    assert _queries(client, url) == few
    assert few <= 12, few
    assert "31 anggota" in text(client.get(url))
