"""Course assignments: to units and people of the scope, with a due date; people who join the
unit later (admin form, CSV import, or simply opening My learning) get its open assignments;
learners see assigned courses first with the due date; overdue shows."""

import io
import re
from datetime import timedelta

import pytest
from conftest import csrf_token
from test_supervision_helpers import assign, build_agency, complete, signed_in

from elearn.extensions import db
from elearn.models import Assignment, AssignmentPerson, Enrollment, User
from elearn.supervision.assignments import assignments_for
from elearn.supervision.services import today
from elearn.timeutil import utcnow


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return build_agency(make_unit, make_user, tmp_path)


def text(response):
    return response.get_data(as_text=True)


FINGERPRINT_RE = re.compile(r'name="fingerprint" type="hidden" value="([^"]+)"')


def post_assign(client, course, units=(), people=(), due=None, future=True):
    """Submit the choice, then confirm the preview it answers with (as the form does)."""
    due = due or today() + timedelta(days=14)
    data = {
        "csrf_token": csrf_token(client, "/team/assignments/new"),
        "course_id": str(course.id),
        "unit_ids": [str(u.id) for u in units],
        "user_ids": [str(getattr(p, "id", p)) for p in people],
        "due_date": due.isoformat(),
    }
    if future:
        data["include_future_members"] = "y"
    preview = client.post("/team/assignments/new", data=data)
    match = FINGERPRINT_RE.search(text(preview))
    if preview.status_code != 200 or not match:
        return preview  # the form again, with its errors
    return client.post("/team/assignments/new", data={**data, "fingerprint": match.group(1)})


def enrolment(user, course):
    return db.session.scalar(
        db.select(Enrollment).where(
            Enrollment.user_id == user.id, Enrollment.course_id == course.id
        )
    )


def test_assigning_a_unit_enrols_its_members_and_keeps_self_enrolments(
    app, client, agency, login_as
):
    db.session.add(
        Enrollment(
            user_id=agency.dewi.id,
            course_id=agency.course.id,
            version_id=agency.course.current_version_id,
            source="self",
            progress_percent=50,
        )
    )
    db.session.commit()
    login_as(agency.sup_a)
    response = post_assign(client, agency.course, units=[agency.a])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/team/assignments")
    assert enrolment(agency.agus, agency.course).source == "assigned"
    kept = enrolment(agency.dewi, agency.course)  # sub-unit A1; enrolled herself before
    assert (kept.source, kept.progress_percent) == ("self", 50)
    assert enrolment(agency.budi, agency.course) is None
    due = today() + timedelta(days=14)
    assert assignments_for(agency.dewi.id) == {agency.course.id: due}
    html = text(client.get("/team/assignments"))
    assert "Etika ASN" in html and "Dinas A" in html
    assert re.search(r'<td class="num"[^>]*>3</td>', html)  # Kepala A, Agus, Dewi

    # The learner sees it first on My learning, with the due date, also if self-enrolled.
    html = text(signed_in(app, agency.dewi).get("/"))
    assigned = html[html.index("Ditugaskan kepada Anda") :]
    assert "Etika ASN" in assigned.split("</ul>")[0]
    assert "Tenggat" in assigned


def test_assigning_chosen_people(client, agency, login_as):
    login_as(agency.sup_a)
    response = post_assign(client, agency.other_course, people=[agency.agus, agency.dewi])
    assert response.status_code == 302
    assert enrolment(agency.agus, agency.other_course).source == "assigned"
    assert enrolment(agency.dewi, agency.other_course) is not None
    rows = db.session.scalars(db.select(Assignment)).all()
    assert sorted(a.user_id for a in rows) == sorted([agency.agus.id, agency.dewi.id])


def test_a_supervisor_cannot_assign_outside_their_scope(client, agency, login_as):
    login_as(agency.sup_a)
    html = text(post_assign(client, agency.course, units=[agency.b]))
    assert "Pilih unit kerja dalam tim Anda." in html
    html = text(post_assign(client, agency.course, people=[agency.budi]))
    assert "Pilih pegawai aktif dalam tim Anda." in html  # like an id that does not exist
    assert agency.budi.full_name not in html
    html = text(post_assign(client, agency.course, people=[999999]))
    assert "Pilih pegawai aktif dalam tim Anda." in html
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0
    assert enrolment(agency.budi, agency.course) is None


def test_assignment_form_errors(client, agency, login_as):
    login_as(agency.sup_a)
    yesterday = today() - timedelta(days=1)
    html = text(post_assign(client, agency.course, units=[agency.a], due=yesterday))
    assert 'aria-invalid="true"' in html
    html = text(post_assign(client, agency.course))  # neither units nor people
    assert 'id="user_ids-error"' in html
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0


def test_withdrawing_an_assignment_keeps_progress(client, agency, login_as):
    assign(agency.sup_a, agency.course, units=[agency.a])
    assign(agency.sup_b, agency.course, units=[agency.b])
    mine, theirs = db.session.scalars(db.select(Assignment.id).order_by(Assignment.id)).all()
    login_as(agency.sup_a)
    html = text(client.get("/team/assignments"))
    assert "Dinas A" in html and "Dinas B" not in html
    token = csrf_token(client, "/team/assignments")
    assert client.post(f"/team/assignments/{theirs}/withdraw",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    response = client.post(f"/team/assignments/{mine}/withdraw", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(Assignment, mine) is None
    assert db.session.get(Assignment, theirs) is not None
    assert enrolment(agency.agus, agency.course) is not None  # enrolment stays
    assert assignments_for(agency.agus.id) == {}


# People who join later ---------------------------------------------------------------------------
def admin_form(unit, **fields):
    data = {
        "employee_type": "pns",
        "nip": "198609262015051001",
        "full_name": "Rina Pendatang",
        "email": "rina@example.go.id",
        "unit_id": str(unit.id),
        "position": "Analis",
        "grade": "III/a",
        "supervisor_id": "0",
        "supervisor_nip": "",
        "roles": ["learner"],
        "active": "y",
    }
    data.update(fields)
    return data


def test_a_person_created_in_the_unit_later_gets_its_open_assignments(client, agency, login_as):
    assign(agency.sup_a, agency.course, units=[agency.a], future=True)
    assign(agency.sup_a, agency.other_course, units=[agency.a], future=False)
    login_as(agency.admin)
    data = admin_form(agency.a1)  # a sub-unit of A
    response = client.post(
        "/admin/users/new", data={**data, "csrf_token": csrf_token(client, "/admin/users/new")}
    )
    assert response.status_code == 302
    rina = db.session.scalar(db.select(User).where(User.email == "rina@example.go.id"))
    assert enrolment(rina, agency.course).source == "assigned"
    assert enrolment(rina, agency.other_course) is None  # that one was for members then only
    assert set(assignments_for(rina.id)) == {agency.course.id}


def test_a_person_moved_into_the_unit_gets_its_open_assignments(client, agency, login_as):
    assign(agency.sup_a, agency.course, units=[agency.a], future=True)
    assert enrolment(agency.budi, agency.course) is None
    login_as(agency.admin)
    url = f"/admin/users/{agency.budi.id}"
    data = admin_form(
        agency.a, nip=agency.budi.nip, full_name=agency.budi.full_name, email=agency.budi.email
    )
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert enrolment(agency.budi, agency.course).source == "assigned"


def test_a_person_imported_from_csv_into_the_unit_gets_its_open_assignments(
    client, agency, login_as
):
    assign(agency.sup_a, agency.course, units=[agency.a], future=True)
    login_as(agency.admin)
    content = (
        "nip,nama,email,unit,jabatan,golongan,roles\n"
        f"198609262015051001,Rina Impor,rina.impor@example.go.id,{agency.a1.code},Analis,"
        "III/a,peserta\n"
    )
    response = client.post(
        "/admin/users/import",
        data={
            "csrf_token": csrf_token(client, "/admin/users/import"),
            "file": (io.BytesIO(content.encode()), "pegawai.csv"),
        },
    )
    assert response.status_code == 302, text(response)
    rina = db.session.scalar(db.select(User).where(User.email == "rina.impor@example.go.id"))
    assert enrolment(rina, agency.course).source == "assigned"


def test_my_learning_applies_missed_unit_assignments(client, agency, login_as, make_user):
    assign(agency.sup_a, agency.course, units=[agency.a], future=True)
    # Someone put into the unit without the admin services (e.g. a database fix by hand).
    late = make_user(unit=agency.b, full_name="Tono Terlambat")
    late.unit_id = agency.a.id
    db.session.commit()
    assert enrolment(late, agency.course) is None
    login_as(late)
    html = text(client.get("/"))
    assert "Etika ASN" in html
    assert enrolment(late, agency.course).source == "assigned"
    text(client.get("/"))  # idempotent
    assert (
        db.session.scalar(db.select(db.func.count()).where(AssignmentPerson.user_id == late.id))
        == 1
    )


def test_past_due_assignments_do_not_reach_newcomers(client, agency, login_as, make_user):
    assign(
        agency.sup_a, agency.course, units=[agency.a], due_in_days=5,
        now=utcnow() - timedelta(days=30),
    )  # fmt: skip
    newcomer = make_user(unit=agency.a, full_name="Baru Datang")
    login_as(newcomer)
    client.get("/")
    assert enrolment(newcomer, agency.course) is None


# Overdue -----------------------------------------------------------------------------------------
def test_overdue_assignments_show_to_the_learner_and_the_supervisor(app, client, agency, login_as):
    assign(
        agency.sup_a, agency.course, people=[agency.agus], due_in_days=5,
        now=utcnow() - timedelta(days=10),
    )  # fmt: skip
    assign(agency.sup_a, agency.other_course, people=[agency.agus], due_in_days=3)
    complete(agency.dewi, agency.course)
    html = text(signed_in(app, agency.agus).get("/"))
    assigned = html[html.index("Ditugaskan kepada Anda") : html.index('id="completed-title"')]
    # Overdue first (earliest due date), with its badge.
    assert assigned.index("Etika ASN") < assigned.index("Kearsipan")
    assert "badge-warn" in assigned
    login_as(agency.sup_a)
    html = text(client.get("/team?status=overdue"))
    assert re.findall(r'<a href="/team/people/\d+">([^<]+)</a>', html) == ["Agus Setiawan"]
    html = text(client.get(f"/team/people/{agency.agus.id}"))
    courses = html[html.index('id="courses-title"') : html.index('id="jp-title"')]
    assert courses.index("Etika ASN") < courses.index("Kearsipan")
    assert "badge-off" in courses


def test_assigning_and_withdrawing_show_in_the_admin_audit_log(app, client, agency, login_as):
    login_as(agency.sup_a)
    assert post_assign(client, agency.course, units=[agency.a]).status_code == 302
    (assignment_id,) = db.session.scalars(db.select(Assignment.id)).all()
    token = csrf_token(client, "/team/assignments")
    client.post(f"/team/assignments/{assignment_id}/withdraw", data={"csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    login_as(agency.admin)
    html = text(client.get("/admin/audit"))
    assert "Menugaskan kursus" in html
    assert "Menarik penugasan kursus" in html
    assert agency.course.slug in html
