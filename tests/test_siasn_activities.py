"""The SIASN course-record export carries the approved development activities of the period
next to the completions: one row each, in the same columns, typed by the kind's SIASN codes,
with the same scope and filters, by unit and person, then date."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import csrf_token
from sqlalchemy import select
from test_supervision_helpers import build_agency, complete

from elearn.activities.kinds import ensure_kinds
from elearn.extensions import db
from elearn.models import Activity, ActivityKind, ActivityStatus, AuditLog, Course, Partner
from elearn.supervision.services import today


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    app.config.update(SIASN_INSTANSI_ID="A5EB03E23C52F6A0E040640A040252AD",
                      SIASN_JENIS_KURSUS_SERTIPIKAT="T")  # fmt: skip
    return build_agency(make_unit, make_user, tmp_path)


@pytest.fixture
def kinds(app):
    ensure_kinds()
    return {k.code: k for k in db.session.scalars(select(ActivityKind))}


def add(person, kind, title, start, end, jp, status=ActivityStatus.APPROVED, **organiser):
    activity = Activity(user_id=person.id, kind_id=kind.id, title=title, start_date=start,
                        end_date=end, duration_amount=Decimal(1), jp=jp, status=status,
                        **organiser)  # fmt: skip
    db.session.add(activity)
    db.session.commit()
    return activity


def records(client, query=""):
    response = client.get(f"/team/completions.csv?layout=siasn{query}")
    assert response.status_code == 200
    data = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_approved_activities_are_records_typed_by_their_kind(client, agency, kinds, login_as):
    this = today()
    start, end = this - timedelta(days=2), this - timedelta(days=1)
    partner = Partner(name="Universitas Sukamaju")
    db.session.add(partner)
    db.session.commit()
    add(agency.agus, kinds["workshop"], "Lokakarya Data Terbuka", start, end, 10,
        partner_id=partner.id)  # fmt: skip
    add(agency.agus, kinds["bimbingan-teknis"], "Bimtek Arsip", end, end, 6,
        organiser_unit_id=agency.b.id)  # fmt: skip
    add(agency.agus, kinds["kursus"], "Kursus Bahasa", end, end, 8, organiser_name="LB Sukamaju")
    add(agency.agus, kinds["seminar"], "Menunggu keputusan", end, end, 4, ActivityStatus.PENDING)
    add(agency.agus, kinds["seminar"], "Dikembalikan", end, end, 4, ActivityStatus.RETURNED)
    login_as(agency.sup_a)
    rows = records(client)
    assert [r["namaKursus"] for r in rows] == ["Lokakarya Data Terbuka", "Bimtek Arsip",
                                               "Kursus Bahasa"]  # fmt: skip
    workshop = rows[0]
    assert workshop["jumlahJam"] == "10"
    assert workshop["tanggalKursus"] == start.strftime("%d-%m-%Y")
    assert workshop["tanggalSelesaiKursus"] == end.strftime("%d-%m-%Y")
    assert workshop["institusiPenyelenggara"] == "Universitas Sukamaju"
    assert workshop["jenisKursusSertipikat"] == "P" and workshop["jenisDiklatId"] == "4"
    assert workshop["nomorSertipikat"] == "" and workshop["pnsOrangId"] == ""
    assert workshop["instansiId"] == "A5EB03E23C52F6A0E040640A040252AD"
    assert (workshop["nip"], workshop["nama"]) == (agency.agus.nip, "Agus Setiawan")
    assert rows[1]["institusiPenyelenggara"] == "Dinas B"  # a unit of the agency
    assert (rows[1]["jenisKursusSertipikat"], rows[1]["jenisDiklatId"]) == ("P", "8")
    assert rows[2]["institusiPenyelenggara"] == "LB Sukamaju"
    assert (rows[2]["jenisKursusSertipikat"], rows[2]["jenisDiklatId"]) == ("T", "3")


def test_the_mapping_follows_the_kinds_instance_data(client, agency, kinds, login_as):
    seminar = kinds["seminar"]
    seminar.siasn_type_id, seminar.siasn_certificate_kind = 12, "X"
    db.session.commit()
    add(agency.dewi, seminar, "Seminar Nasional", today(), today(), 4)
    login_as(agency.sup_a)
    (row,) = records(client)
    assert (row["jenisKursusSertipikat"], row["jenisDiklatId"]) == ("X", "12")


def test_completions_and_activities_by_person_then_date(app, client, agency, kinds, login_as):
    this = today()
    first = date(this.year, 1, 1)
    complete(agency.agus, agency.course)  # today
    add(agency.agus, kinds["seminar"], "Seminar awal tahun", first, first, 4)
    add(agency.dewi, kinds["coaching"], "Coaching", first, first, 2)
    login_as(agency.sup_a)
    rows = records(client)
    # By unit and person as the completions always were (Bidang A1 before Dinas A), each
    # person's records by date.
    agus = [("Agus Setiawan", "Seminar awal tahun"), ("Agus Setiawan", "Etika ASN")]
    if this == first:  # the same day: the course, begun days earlier, comes first
        agus.reverse()
    assert [(r["nama"], r["namaKursus"]) for r in rows] == [("Dewi Lestari", "Coaching"), *agus]
    course = next(r for r in rows if r["namaKursus"] == "Etika ASN")
    assert course["institusiPenyelenggara"] == app.config["INSTANCE_NAME"]
    assert course["jenisKursusSertipikat"] == "T" and course["jenisDiklatId"] == "3"
    app.config["SIASN_JENIS_DIKLAT_ID"] = 2
    assert [r["jenisDiklatId"] for r in records(client)] == ["8", *(
        "2" if name == "Etika ASN" else "9" for _n, name in agus)]  # fmt: skip
    header = client.get("/team/completions.csv?layout=siasn").get_data().decode("utf-8-sig")
    assert header.split("\r\n", 1)[0].split(";")[-3:] == ["nip", "nama", "jenisDiklatId"]


def test_the_period_scope_and_filters_apply_to_activities(client, agency, kinds, login_as):
    this = today()
    last_year = date(this.year - 1, 12, 31)
    add(agency.agus, kinds["seminar"], "Seminar tahun lalu", last_year, last_year, 4)
    add(agency.dewi, kinds["seminar"], "Seminar Dewi", this, this, 4)
    add(agency.budi, kinds["seminar"], "Seminar Budi", this, this, 4)  # Dinas B: not in scope
    login_as(agency.sup_a)
    assert [r["namaKursus"] for r in records(client)] == ["Seminar Dewi"]
    span = f"&date_from={last_year.isoformat()}&date_to={last_year.isoformat()}"
    assert [r["namaKursus"] for r in records(client, span)] == ["Seminar tahun lalu"]
    assert records(client, f"&unit={agency.a.id}&date_from={this.year - 1}-01-01") != []
    assert [r["nama"] for r in records(client, f"&unit={agency.a1.id}")] == ["Dewi Lestari"]
    # A course filter is about that course: no activity in it.
    assert records(client, f"&course={agency.course.id}") == []


def test_the_admin_sees_everyone_and_xlsx_has_the_same_rows(client, agency, kinds, login_as):
    add(agency.budi, kinds["seminar"], "Seminar Budi", today(), today(), 4)
    login_as(agency.admin)
    assert [r["nama"] for r in records(client)] == ["Budi Rahasia"]
    response = client.get("/team/completions.xlsx?layout=siasn")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")


def test_a_course_type_chosen_on_the_course_gives_its_codes(app, client, agency, login_as):
    """Without a forced certificate kind, a course's records carry its own SIASN type and the
    kind that type implies (instance data); a course left on the default gets type 3, "T"."""
    app.config["SIASN_JENIS_KURSUS_SERTIPIKAT"] = None
    complete(agency.agus, agency.course)
    complete(agency.dewi, agency.other_course)
    login_as(agency.admin)
    page = "/teach/etika/organiser"
    html = client.get(page).get_data(as_text=True)
    assert "Jenis kursus SIASN" in html and "8 · Bimbingan Teknis (P)" in html
    response = client.post(
        "/teach/etika/siasn-type",
        data={"csrf_token": csrf_token(client, page), "siasn_type_id": "8"},
    )
    assert response.status_code == 302
    assert db.session.get(Course, agency.course.id).siasn_type_id == 8
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "course.siasn_type")).one()
    assert entry.detail["changes"] == {"siasn_type_id": [None, 8]}
    codes = {r["namaKursus"]: (r["jenisDiklatId"], r["jenisKursusSertipikat"])
             for r in records(client)}  # fmt: skip
    assert codes == {"Etika ASN": ("8", "P"), "Kearsipan": ("3", "T")}
    # A type outside the instance's list is refused and changes nothing.
    response = client.post(
        "/teach/etika/siasn-type",
        data={"csrf_token": csrf_token(client, page), "siasn_type_id": "99"},
    )
    assert response.status_code == 400
    assert db.session.get(Course, agency.course.id).siasn_type_id == 8
    # Back to the instance's default.
    client.post(
        "/teach/etika/siasn-type",
        data={"csrf_token": csrf_token(client, page), "siasn_type_id": "0"},
    )
    assert db.session.get(Course, agency.course.id).siasn_type_id is None


def test_a_learner_cannot_set_the_course_type(client, agency, login_as):
    login_as(agency.agus)
    token = csrf_token(client, "/account/password")
    response = client.post("/teach/etika/siasn-type",
                           data={"csrf_token": token, "siasn_type_id": "8"})  # fmt: skip
    assert response.status_code in (403, 404), response.status_code
    assert db.session.get(Course, agency.course.id).siasn_type_id is None


def test_a_package_may_state_the_course_type(app, tmp_path):
    """`siasn_type` in course.yml sets the course's type on import; a type outside the
    instance's list is a problem in Indonesian and nothing is imported."""
    from factories_course import course_files

    from elearn.content.importer import import_package
    from elearn.content.package import load_package

    def package(slug, extra):
        folder = tmp_path / f"{slug}-{extra.strip().replace(' ', '')}"
        for rel, text in course_files(slug).items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text + extra if rel == "course.yml" else text, "utf-8")
        return load_package(folder)

    pkg, problems = package("bimtek-arsip", "siasn_type: 8\n")
    assert problems == []
    course = import_package(pkg).course
    db.session.commit()
    assert course.siasn_type_id == 8
    _pkg, problems = package("bimtek-lain", "siasn_type: 99\n")
    assert [str(p) for p in problems] == [
        "course.yml:14: siasn_type 99 tidak ada dalam daftar jenis kursus SIASN instansi ini "
        "(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)"
    ]
    assert db.session.scalar(select(Course).where(Course.slug == "bimtek-lain")) is None
