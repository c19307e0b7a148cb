"""Partner organisations (admin): the list, adding and changing a partner (audited, refused
with Indonesian messages and nothing saved on bad input), adding a partner's person (no NIP,
non-ASN, the password setup mail), a course co-organised with a partner (its settings, the
catalog page, the certificate and its verification page) and the catalog's organiser filter."""

import io
import re

import pytest
from conftest import csrf_token, login
from factories_course import import_course, write_course
from pypdf import PdfReader
from sqlalchemy import func, select
from test_queries import count_queries

from elearn.extensions import db
from elearn.models import AuditLog, Course, EmployeeType, Partner, Role, User


def text(response):
    return response.get_data(as_text=True)


def post(client, url, data, page=None):
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data})


def partner_data(**overrides):
    data = {
        "name": "Universitas Gadjah Mada",
        "kind": "university",
        "contact_name": "Dr. Sri Wahyuni",
        "contact_email": "Kerja.Sama@UGM.ac.id",
        "contact_phone": "0274 588688",
        "active": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def audits(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def partner_count():
    return db.session.scalar(select(func.count(Partner.id)))


@pytest.fixture
def admin(make_user, login_as):
    user = make_user(roles=["admin"], full_name="Admin Kepegawaian")
    login_as(user)
    return user


@pytest.fixture
def ugm(app):
    partner = Partner(
        name="Universitas Gadjah Mada", kind="university", contact_email="ks@ugm.ac.id"
    )
    db.session.add(partner)
    db.session.commit()
    return partner


# Partners ----------------------------------------------------------------------------------------
def test_admin_adds_a_partner_and_finds_it_in_the_list(client, admin):
    response = post(client, "/activities/partners/new", partner_data())
    assert response.status_code == 302
    partner = db.session.scalar(select(Partner))
    assert response.headers["Location"] == f"/activities/partners/{partner.id}"
    assert (partner.name, partner.kind, partner.contact_email, partner.contact_phone) == (
        "Universitas Gadjah Mada", "university", "kerja.sama@ugm.ac.id", "0274 588688",
    )  # fmt: skip
    assert partner.active is True
    (entry,) = audits("partner.create")
    assert (entry.actor_id, entry.object_id) == (admin.id, str(partner.id))
    assert entry.detail["name"] == "Universitas Gadjah Mada"

    html = text(client.get("/activities/partners"))
    assert "Organisasi mitra" in html
    row = re.search(r'partners/\d+">Universitas Gadjah Mada</a></td>.*?</tr>', html, re.S).group(0)
    assert "Perguruan tinggi" in row and "Dr. Sri Wahyuni" in row and "0274 588688" in row
    cells = re.findall(r'<td class="num" data-label="[^"]+">(\d+)</td>', row)
    assert cells == ["0", "0"]  # people, co-organised courses
    assert "1 mitra ditemukan" in html


def test_list_counts_people_and_courses_filters_and_paginates(
    app, client, admin, ugm, make_user, tmp_path
):
    app.config["PER_PAGE"] = 2
    for name in ("Komunitas Data Terbuka", "PT Telekomunikasi Nusantara"):
        db.session.add(Partner(name=name, kind="community" if "Komunitas" in name else "company"))
    make_user(roles=["instructor"], nip=None, partner_id=ugm.id)
    make_user(roles=["learner"], nip=None, partner_id=ugm.id)
    course = import_course(write_course(tmp_path, "statistik"))
    course.partner_id = ugm.id
    db.session.commit()

    html = text(client.get("/activities/partners"))
    assert "3 mitra ditemukan" in html and "Halaman 1 dari 2" in html
    assert "Komunitas Data Terbuka" in html and "PT Telekomunikasi" in html
    assert "Universitas Gadjah Mada" not in html  # by name: on page 2
    html = text(client.get("/activities/partners?page=2"))
    row = re.search(r"Universitas Gadjah Mada</a></td>.*?</tr>", html, re.S).group(0)
    assert re.findall(r'<td class="num" data-label="[^"]+">(\d+)</td>', row) == ["2", "1"]

    html = text(client.get("/activities/partners?kind=community"))
    assert "Komunitas Data Terbuka" in html and "Universitas Gadjah Mada" not in html
    html = text(client.get("/activities/partners?q=gadjah"))
    assert "1 mitra ditemukan" in html


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": "U"}, "name", "paling sedikit 2 karakter"),
        ({"name": "x" * 201}, "name", "Paling banyak 200 karakter"),
        ({"name": "universitas  gadjah mada"}, "name",
         "Mitra bernama Universitas Gadjah Mada sudah ada"),
        ({"kind": "yayasan"}, "kind", "Pilih jenis organisasi"),
        ({"contact_email": "bukan-email"}, "contact_email", "bukan alamat email yang valid"),
        ({"contact_phone": "telepon kantor"}, "contact_phone", "Ketik nomor telepon"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_indonesian_and_nothing_is_saved(
    client, admin, ugm, change, field, message
):
    before = partner_count()
    response = post(
        client, "/activities/partners/new", partner_data(**{"name": "Mitra Baru", **change})
    )
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert f'id="{field}-error"' in html
    assert "Perbaiki isian yang ditandai" in html
    assert partner_count() == before
    assert audits("partner.create") == []


def test_admin_changes_a_partner_audited_with_the_changes(client, admin, ugm):
    url = f"/activities/partners/{ugm.id}"
    html = text(client.get(url))
    assert 'value="Universitas Gadjah Mada"' in html
    renamed = partner_data(name="Universitas Gadjah Mada (UGM)", contact_email="ks@ugm.ac.id",
                           contact_name=None, contact_phone=None, active=None)  # fmt: skip
    response = post(client, url, renamed)
    assert response.status_code == 302
    partner = db.session.get(Partner, ugm.id)
    assert partner.name == "Universitas Gadjah Mada (UGM)" and partner.active is False
    (entry,) = audits("partner.edit")
    assert entry.detail["changes"]["name"] == [
        "Universitas Gadjah Mada", "Universitas Gadjah Mada (UGM)",
    ]  # fmt: skip
    assert entry.detail["changes"]["active"] == [True, False]
    assert "Dinonaktifkan" in text(client.get(url))

    # The same values again: nothing changed, nothing audited.
    post(client, url, renamed)
    assert "Tidak ada yang berubah" in text(client.get(url))
    assert len(audits("partner.edit")) == 1

    # A bad edit keeps the stored values.
    response = post(client, url, partner_data(name="", kind="university"))
    assert response.status_code == 200 and "paling sedikit 2 karakter" in text(response)
    assert db.session.get(Partner, ugm.id).name == "Universitas Gadjah Mada (UGM)"


@pytest.mark.parametrize("roles", [["learner"], ["instructor"], ["supervisor"]])
def test_partner_pages_are_for_admins_only(client, make_user, ugm, roles):
    user = make_user(roles=roles)
    login(client, user.email)
    for url in (
        "/activities/partners",
        "/activities/partners/new",
        f"/activities/partners/{ugm.id}",
        f"/activities/partners/{ugm.id}/people/new",
    ):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/")
    response = client.post("/activities/partners/new", data={"csrf_token": token, "name": "X Y"})
    assert response.status_code == 403
    assert partner_count() == 1


def test_unknown_partner_is_not_found(client, admin):
    assert client.get("/activities/partners/999").status_code == 404
    assert client.get("/activities/partners/999/people/new").status_code == 404


# A partner's people ------------------------------------------------------------------------------
@pytest.fixture
def mail(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    return smtp_server


def add_person(client, partner, **fields):
    data = {"full_name": "Dr. Bambang Wicaksono, M.Sc.", "email": "Bambang@UGM.ac.id",
            "roles": ["instructor"], "send_link": "y"}  # fmt: skip
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return post(client, f"/activities/partners/{partner.id}/people/new", data)


def test_admin_adds_a_partner_instructor_who_gets_the_setup_mail(client, admin, ugm, mail):
    page = text(client.get(f"/activities/partners/{ugm.id}"))
    assert f'href="/activities/partners/{ugm.id}/people/new"' in page

    response = add_person(client, ugm, roles=["instructor", "learner"])
    assert response.status_code == 302
    assert response.headers["Location"] == f"/activities/partners/{ugm.id}"
    person = db.session.scalar(select(User).where(User.email == "bambang@ugm.ac.id"))
    assert person.nip is None and person.unit_id is None
    assert person.employee_type == EmployeeType.NON_ASN
    assert person.partner_id == ugm.id
    assert person.roles == {Role.INSTRUCTOR, Role.LEARNER}
    assert person.password_hash is None and person.setup_link_sent_at is not None

    (entry,) = audits("partner.person_create")
    assert (entry.object_type, entry.object_id) == ("User", str(person.id))
    assert entry.detail["partner"] == "Universitas Gadjah Mada"
    assert audits("user.password_link")  # the admin's own setup-link service sent it

    (message,) = mail.messages
    assert message["To"] == "bambang@ugm.ac.id"
    assert message["Subject"].startswith("Atur kata sandi akun")
    link = re.search(r"http://localhost(/reset/\S+)", message.get_payload(decode=True).decode())
    assert link, message.get_payload()

    html = text(client.get(f"/activities/partners/{ugm.id}"))
    assert "Tautan pengaturan kata sandi telah dikirim ke bambang@ugm.ac.id" in html
    people = re.search(r'id="people-title".*?</section>', html, re.S).group(0)
    assert "Dr. Bambang Wicaksono, M.Sc." in people and "Belum aktif" in people
    assert "Instruktur" in people and "Peserta" in people

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get(link.group(1)).status_code == 200  # the link opens the password form


def test_person_without_the_mail_now(client, admin, ugm, mail):
    response = add_person(client, ugm, send_link=None, roles=["learner"])
    assert response.status_code == 302
    person = db.session.scalar(select(User).where(User.partner_id == ugm.id))
    assert person.roles == {Role.LEARNER} and person.setup_link_sent_at is None
    assert mail.messages == []


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "pegawai1@example.go.id"},
         "Alamat email ini sudah digunakan oleh Admin Kepegawaian"),
        ({"email": "bukan email"}, "bukan alamat email yang valid"),
        ({"full_name": "  "}, "Isi nama lengkap"),
        ({"roles": []}, "Pilih minimal satu peran"),
        ({"roles": ["admin"]}, "Orang dari mitra berperan sebagai instruktur atau peserta"),
    ],
)  # fmt: skip
def test_person_refused_with_a_clear_message_and_nothing_saved(
    client, admin, ugm, mail, fields, message
):
    before = db.session.scalar(select(func.count(User.id)))
    response = add_person(client, ugm, **fields)
    assert response.status_code == 200
    assert message in text(response)
    assert db.session.scalar(select(func.count(User.id))) == before
    assert audits("partner.person_create") == [] and mail.messages == []


def test_no_person_for_a_deactivated_partner(client, admin, ugm, mail):
    ugm.active = False
    db.session.commit()
    response = add_person(client, ugm)
    assert "Mitra ini dinonaktifkan" in text(response)
    assert db.session.scalar(select(User).where(User.partner_id == ugm.id)) is None


def test_setup_mail_failure_keeps_the_account_and_says_so(client, admin, ugm, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=1)  # nobody listens
    response = add_person(client, ugm)
    assert response.status_code == 302
    person = db.session.scalar(select(User).where(User.partner_id == ugm.id))
    assert person is not None and person.setup_link_sent_at is None
    html = text(client.get(f"/activities/partners/{ugm.id}"))
    assert "Akunnya sudah dibuat" in html


# A co-organised course ---------------------------------------------------------------------------
@pytest.fixture
def course(app, tmp_path, ugm):
    return import_course(
        write_course(
            tmp_path, "analisis-data", title="Analisis Data Kebijakan", lessons=1, final_exam=True
        )
    )


def test_owner_names_the_co_organiser_shown_on_the_course_page(
    client, make_user, login_as, course, ugm
):
    inactive = Partner(name="Komunitas Lama", kind="community", active=False)
    db.session.add(inactive)
    owner = make_user(roles=["instructor"], full_name="Pemilik")
    course.owners.append(owner)
    db.session.commit()
    login_as(owner)

    page = text(client.get("/teach/analisis-data/"))
    assert 'href="/teach/analisis-data/organiser"' in page
    form = text(client.get("/teach/analisis-data/organiser"))
    assert "Universitas Gadjah Mada" in form and "Komunitas Lama" not in form
    response = post(client, "/teach/analisis-data/organiser", {"partner_id": str(ugm.id)})
    assert response.status_code == 302
    assert db.session.get(Course, course.id).partner_id == ugm.id
    (entry,) = audits("course.co_organiser")
    assert entry.detail["changes"] == {"co_organiser": ["", "Universitas Gadjah Mada"]}

    html = text(client.get("/courses/analisis-data"))
    assert "Diselenggarakan bersama Universitas Gadjah Mada" in html
    assert "Diselenggarakan bersama Universitas Gadjah Mada" in text(client.get("/courses/"))

    # An inactive partner cannot be chosen by typing its id.
    response = post(client, "/teach/analisis-data/organiser", {"partner_id": str(inactive.id)})
    assert response.status_code == 200
    assert db.session.get(Course, course.id).partner_id == ugm.id

    # None again.
    post(client, "/teach/analisis-data/organiser", {"partner_id": "0"})
    assert db.session.get(Course, course.id).partner_id is None
    assert "Diselenggarakan bersama" not in text(client.get("/courses/analisis-data"))
    assert len(audits("course.co_organiser")) == 2


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_certificate_and_its_verification_page_name_the_co_organiser(
    client, make_user, login_as, course, ugm
):
    from test_certificates import complete

    course.partner_id = ugm.id
    db.session.commit()
    learner = make_user(full_name="Siti Rahmawati, S.E.")
    cert = complete(learner, db.session.get(Course, course.id))
    login_as(learner)
    content = pdf_text(client.get(f"/certificates/{cert.number}.pdf").data)
    assert "diselenggarakan bersama Universitas Gadjah Mada" in content
    assert "Analisis Data Kebijakan" in content and cert.number in content

    html = text(client.get(f"/verify/{cert.number}"))
    assert "Penyelenggara bersama" in html and "Universitas Gadjah Mada" in html
    data = client.get(f"/verify/{cert.number}.json").get_json()
    assert data["co_organiser"] == "Universitas Gadjah Mada"


LONG_PARTNER = (
    "Lembaga Penelitian dan Pengabdian kepada Masyarakat Universitas Pendidikan Indonesia "
    "Bandung bersama Konsorsium Perguruan Tinggi Negeri Jawa Barat untuk Transformasi Digital"
)


def test_long_partner_name_keeps_the_certificate_tidy(app, course):
    """A partner name of 170 characters wraps under a two-line title and a long holder's name
    and stays above the QR code and the signatory blocks (they begin at 150 mm)."""
    from datetime import UTC, datetime

    from elearn.certificates import pdf

    class Cert:
        number = "ELN-2026-AAAA-BBBB-CCCC"
        full_name = "Prof. Dr. Ir. Raden Ajeng Kartika Sari Dewi Purnamasari, M.Sc., Ph.D."
        nip = "198609262015052001"
        course_title = "Analisis Data Kebijakan Publik untuk Perencanaan Pembangunan Daerah " * 2
        jp = 12
        jp_minutes = 45
        completed_at = issued_at = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
        final_score = 90
        institution = "Pemerintah Kabupaten Sukamaju"
        signatory_name = "Drs. Kepala Badan"
        signatory_title = "Kepala BKPSDM"
        signatory_nip = ""

    positions = []
    original = pdf.FPDF.multi_cell

    def spy(self, w, h, text="", *args, **kwargs):
        result = original(self, w, h, text, *args, **kwargs)
        if str(text).startswith("diselenggarakan bersama") and not kwargs.get("dry_run"):
            positions.append(self.get_y())
        return result

    pdf.FPDF.multi_cell = spy
    try:
        data = pdf.render_pdf(Cert, "http://localhost/verify/x", co_organiser=LONG_PARTNER)
    finally:
        pdf.FPDF.multi_cell = original
    assert positions and positions[0] < pdf.BODY_BOTTOM - 8  # and the line of JP below it
    flat = " ".join(pdf_text(data).split())
    assert "diselenggarakan bersama Lembaga Penelitian" in flat and "Transformasi Digital" in flat


# The catalog's organiser filter ------------------------------------------------------------------
@pytest.fixture
def catalog(app, tmp_path, ugm):
    telkom = Partner(name="PT Telekomunikasi Nusantara", kind="company")
    quiet = Partner(name="Komunitas Tanpa Kursus", kind="community")
    db.session.add_all([telkom, quiet])
    db.session.commit()
    made = {}
    for slug, title, partner, level in (
        ("data-ugm", "Data bersama UGM", ugm, "dasar"),
        ("data-ugm-lanjut", "Data Lanjut bersama UGM", ugm, "lanjut"),
        ("jaringan", "Jaringan Kantor", telkom, "dasar"),
        ("etika", "Etika ASN", None, "dasar"),
    ):
        course = import_course(write_course(tmp_path, slug, title=title, level=level))
        course.partner_id = partner.id if partner else None
        made[slug] = course
    db.session.commit()
    return {"ugm": ugm, "telkom": telkom, "quiet": quiet}


def titles(client, query=""):
    html = text(client.get(f"/courses/{query}"))
    return re.findall(r'<h2><a href="/courses/[^"]+">([^<]+)</a></h2>', html)


def test_catalog_filters_by_organiser(client, make_user, login_as, catalog):
    login_as(make_user())
    html = text(client.get("/courses/"))
    select_html = re.search(r'<select[^>]*name="organiser".*?</select>', html, re.S).group(0)
    assert "Penyelenggara" in html
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]+)</option>', select_html)
    assert options == [
        ("", "Semua penyelenggara"),
        ("own", "Instansi sendiri"),
        (str(catalog["telkom"].id), "PT Telekomunikasi Nusantara"),
        (str(catalog["ugm"].id), "Universitas Gadjah Mada"),
    ]
    assert "Komunitas Tanpa Kursus" not in select_html  # co-organises no published course

    ugm = catalog["ugm"].id
    assert titles(client, f"?organiser={ugm}") == ["Data bersama UGM", "Data Lanjut bersama UGM"]
    assert titles(client, "?organiser=own") == ["Etika ASN"]
    assert titles(client, f"?organiser={catalog['telkom'].id}") == ["Jaringan Kantor"]
    # With the other filters.
    assert titles(client, f"?organiser={ugm}&level=lanjut") == ["Data Lanjut bersama UGM"]
    assert titles(client, "?organiser=own&level=lanjut") == []
    # An organiser that is not a choice is ignored.
    assert len(titles(client, f"?organiser={catalog['quiet'].id}")) == 4
    assert len(titles(client, "?organiser=abc")) == 4


def test_organiser_filter_keeps_the_filters_across_pages(app, client, make_user, login_as, catalog):
    app.config["PER_PAGE"] = 1
    login_as(make_user())
    ugm = catalog["ugm"].id
    html = text(client.get(f"/courses/?organiser={ugm}&q=data"))
    assert titles(client, f"?organiser={ugm}&q=data") == ["Data bersama UGM"]
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    assert f"organiser={ugm}" in next_link and "q=data" in next_link and "page=2" in next_link
    assert titles(client, next_link.removeprefix("/courses/")) == ["Data Lanjut bersama UGM"]


def test_catalog_queries_stay_fixed_with_the_organiser_filter(
    client, make_user, login_as, catalog, tmp_path
):
    """As tests/test_queries.py pins the catalog: the filter adds no query, whatever the number
    of courses and partners (the organisers come with the categories, in one query)."""
    from test_queries import CATALOG

    login_as(make_user())
    ugm = catalog["ugm"]
    url = f"/courses/?organiser={ugm.id}&level=dasar"
    counts = []
    for n in range(2):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
        for m in range(3):
            partner = Partner(name=f"Mitra {n}-{m}", kind="company")
            db.session.add(partner)
            db.session.flush()
            course = import_course(write_course(tmp_path, f"tambahan-{n}-{m}"))
            course.partner_id = ugm.id if m else partner.id
        db.session.commit()
    assert counts == [CATALOG, CATALOG], counts
