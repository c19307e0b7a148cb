"""The admin area as an administrator meets it: people, units, the audit log."""

import re
from contextlib import contextmanager

import pytest
from conftest import PASSWORD, csrf_token, login
from sqlalchemy import event, func, select

from elearn.extensions import db
from elearn.models import AuditLog, Unit, User

PNS_NIP = "198609262015051001"


def user_form(**fields):
    """What the user form posts, with the fields a test cares about changed."""
    data = {
        "employee_type": "pns",
        "nip": PNS_NIP,
        "full_name": "Rina Kartika, S.E.",
        "email": "rina@example.go.id",
        "unit_id": "0",
        "position": "Analis Keuangan",
        "grade": "III/a",
        "supervisor_id": "0",
        "supervisor_nip": "",
        "roles": ["learner"],
        "active": "y",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, url, data, page=None):
    """Post a form the way a browser does: with the CSRF token of the page that shows it."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)})


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def admin(make_user, login_as):
    user = make_user(
        roles=["admin", "learner"], full_name="Admin Satu", email="admin@example.go.id"
    )
    login_as(user)
    return user


def count_users():
    return db.session.scalar(select(func.count(User.id)))


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


# Access -----------------------------------------------------------------------------------------
def _admin_urls(user, unit, entry):
    gets = [
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{user.id}",
        "/admin/users/import",
        "/admin/users/import/template.csv",
        f"/admin/users/import/{entry.id}",
        "/admin/units",
        "/admin/units/new",
        f"/admin/units/{unit.id}",
        "/admin/audit",
    ]
    posts = [
        "/admin/users/new",
        f"/admin/users/{user.id}",
        f"/admin/users/{user.id}/deactivate",
        f"/admin/users/{user.id}/reactivate",
        f"/admin/users/{user.id}/password-link",
        "/admin/users/import",
        "/admin/units/new",
        f"/admin/units/{unit.id}",
        f"/admin/units/{unit.id}/delete",
    ]
    return gets, posts


@pytest.mark.parametrize("role", ["learner", "instructor", "supervisor"])
def test_other_roles_get_403_on_every_admin_url(client, make_user, make_unit, role):
    unit = make_unit("Dinas", code="DINAS")
    target = make_user(unit=unit)
    entry = AuditLog(action="users.import", detail={"rows": 0})
    db.session.add(entry)
    db.session.commit()
    user = make_user(roles=[role, "learner"])
    assert login(client, user.email).status_code == 302
    token = csrf_token(client, "/")
    gets, posts = _admin_urls(target, unit, entry)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert db.session.get(User, target.id).active
    assert db.session.get(Unit, unit.id) is not None


def test_anonymous_visitors_are_sent_to_sign_in(client, make_user, make_unit):
    unit = make_unit()
    target = make_user()
    entry = AuditLog(action="users.import", detail={})
    db.session.add(entry)
    db.session.commit()
    gets, _posts = _admin_urls(target, unit, entry)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url


# People -----------------------------------------------------------------------------------------
def test_admin_creates_a_user_without_password_and_sends_a_setup_link(
    app, client, admin, make_unit, smtp_server
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    unit = make_unit("Bidang Aplikasi Informatika", code="APTIKA")
    response = submit(
        client,
        "/admin/users/new",
        user_form(
            nip="19860926 201505 1 001",  # typed with spaces
            email="Rina@Example.go.id",
            grade="iii/a",
            unit_id=str(unit.id),
            roles=["learner", "instructor"],
        ),
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.nip == PNS_NIP))
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.email == "rina@example.go.id"
    assert user.grade == "III/a"
    assert user.unit_id == unit.id
    assert user.roles == {"learner", "instructor"}
    assert user.password_hash is None
    page = text(client.get(response.headers["Location"]))
    assert "Rina Kartika, S.E. telah ditambahkan" in page

    # The new person cannot sign in yet.
    other = app.test_client()
    assert login(other, PNS_NIP, PASSWORD).status_code == 200

    response = submit(
        client, f"/admin/users/{user.id}/password-link", {}, f"/admin/users/{user.id}"
    )
    assert response.status_code == 302
    assert "Tautan pengaturan kata sandi telah dikirim" in text(
        client.get(f"/admin/users/{user.id}")
    )
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "rina@example.go.id"
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"http://localhost(/reset/\S+)", body).group(1)
    new = {"new_password": "pilihan-sendiri-7", "confirm": "pilihan-sendiri-7"}
    assert submit(other, link, new).status_code == 302
    assert login(other, PNS_NIP, "pilihan-sendiri-7").status_code == 302

    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["user.create", "user.password_link"]


def test_users_list_shows_the_new_user(client, admin, make_unit):
    unit = make_unit("Dinas Kominfo", code="KOMINFO")
    submit(client, "/admin/users/new", user_form(unit_id=str(unit.id)))
    html = text(client.get("/admin/users"))
    assert "Rina Kartika, S.E." in html
    assert PNS_NIP in html
    assert "Dinas Kominfo" in html


@pytest.mark.parametrize(
    "fields,field,message",
    [
        (
            {"nip": "198613262015051001"},
            "nip",
            "8 digit pertama NIP bukan tanggal lahir yang valid.",
        ),
        ({"nip": "198609262015053001"}, "nip", "Digit ke-15 NIP (jenis kelamin) harus 1 atau 2."),
        ({"nip": "19860926201505100"}, "nip", "NIP harus tepat 18 digit angka."),
        (
            {"nip": ""},
            "nip",
            "NIP wajib diisi untuk PNS dan PPPK; untuk pegawai lain pilih jenis Non-ASN",
        ),
        (
            {"employee_type": "pppk", "nip": "12345", "grade": "IX"},
            "nip",
            "NIP harus tepat 18 digit angka.",
        ),
        ({"grade": "IX"}, "grade", "IX bukan golongan PNS (I/a s.d. IV/e)."),
        ({"employee_type": "pppk", "grade": "III/a"}, "grade", "III/a bukan golongan PPPK"),
        ({"email": "bukan-email"}, "email", "bukan alamat email yang valid"),
        ({"roles": None}, "roles", "Pilih minimal satu peran."),
    ],
)
def test_invalid_input_shows_the_precise_error_and_creates_nothing(
    client, admin, fields, field, message
):
    before = count_users()
    response = submit(client, "/admin/users/new", user_form(**fields))
    assert response.status_code == 200
    html = text(response)
    assert message in html
    # The message is tied to its field for screen readers.
    error_id = f"{field}-error"
    assert f'id="{error_id}"' in html
    assert re.search(rf'aria-describedby="[^"]*{error_id}"', html)
    assert count_users() == before


def test_an_empty_form_shows_every_problem_at_once(client, admin):
    html = text(submit(client, "/admin/users/new", user_form(nip="", full_name="", email="")))
    assert "Isi nama lengkap." in html
    assert "Alamat email wajib diisi." in html
    assert "NIP wajib diisi untuk PNS dan PPPK; untuk pegawai lain pilih jenis Non-ASN" in html
    assert count_users() == 1


def test_non_asn_may_have_no_nip(client, admin):
    response = submit(
        client,
        "/admin/users/new",
        user_form(employee_type="non_asn", nip="", grade="", email="dosen@kampus.ac.id"),
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "dosen@kampus.ac.id"))
    assert user.nip is None and user.employee_type == "non_asn"


def test_nip_and_email_must_be_unique(client, admin, make_user):
    make_user(nip=PNS_NIP, full_name="Sudah Ada", email="Ada@Example.go.id")
    html = text(submit(client, "/admin/users/new", user_form()))
    assert "NIP ini sudah dimiliki oleh Sudah Ada." in html
    html = text(
        submit(
            client,
            "/admin/users/new",
            user_form(nip="199001152015031001", email="ADA@example.go.id"),
        )
    )
    assert "Alamat email ini sudah digunakan oleh Sudah Ada." in html
    assert count_users() == 2


def test_admin_edits_a_user(client, admin, make_user, make_unit):
    agency = make_unit("Pemkab", code="PEMKAB")
    dinas = make_unit("Dinas", parent=agency, code="DINAS")
    boss = make_user(roles=["supervisor", "learner"], full_name="Kepala Dinas", unit=dinas)
    person = make_user(full_name="Staf Lama", unit=agency)
    url = f"/admin/users/{person.id}"
    page = text(client.get(url))
    assert 'value="Staf Lama"' in page

    response = submit(
        client,
        url,
        user_form(
            nip=person.nip,
            full_name="Staf Baru",
            email=person.email,
            unit_id=str(dinas.id),
            supervisor_nip=boss.nip,
            roles=["learner", "supervisor"],
            supervised_ids=[str(dinas.id)],
        ),
    )
    assert response.status_code == 302
    person = db.session.get(User, person.id)
    assert person.full_name == "Staf Baru"
    assert person.unit_id == dinas.id
    assert person.supervisor_id == boss.id
    assert person.roles == {"learner", "supervisor"}
    assert [u.id for u in person.supervised] == [dinas.id]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.update"))
    assert entry.actor_id == admin.id
    assert entry.detail["changes"]["full_name"] == ["Staf Lama", "Staf Baru"]

    # The supervisor select offers people with the supervisor role.
    assert "Kepala Dinas" in text(client.get(url))
    # A supervisor cannot report to someone who reports to them.
    html = text(submit(client, f"/admin/users/{boss.id}", user_form(
        nip=boss.nip, full_name=boss.full_name, email=boss.email, supervisor_id=str(person.id),
        roles=["learner", "supervisor"],
    )))  # fmt: skip
    assert "rantai akan berputar" in html
    # Units are overseen by supervisors only.
    html = text(submit(client, url, user_form(
        nip=person.nip, full_name="Staf Baru", email=person.email, roles=["learner"],
        supervised_ids=[str(dinas.id)],
    )))  # fmt: skip
    assert "Hanya atasan yang mengawasi unit" in html


def test_deactivated_user_can_no_longer_sign_in(app, client, admin, make_user):
    person = make_user(email="pindah@example.go.id")
    phone = app.test_client()
    assert login(phone, person.email).status_code == 302

    url = f"/admin/users/{person.id}"
    response = submit(client, f"{url}/deactivate", {}, url)
    assert response.status_code == 302
    assert "tidak dapat masuk lagi" in text(client.get(url))
    assert phone.get("/").status_code == 302  # the open session ended
    refused = login(app.test_client(), person.email)
    assert refused.status_code == 200
    assert "dinonaktifkan" in text(refused)
    assert "Dinonaktifkan" in text(client.get("/admin/users?status=inactive"))

    submit(client, f"{url}/reactivate", {}, url)
    assert login(app.test_client(), person.email).status_code == 302
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["user.deactivate", "user.reactivate"]


def test_admin_cannot_deactivate_themselves_or_drop_their_admin_role(client, admin):
    url = f"/admin/users/{admin.id}"
    response = client.post(f"{url}/deactivate", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    html = text(client.get(url))
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in html
    assert db.session.get(User, admin.id).active

    mine = user_form(nip=admin.nip, full_name=admin.full_name, email=admin.email)
    html = text(submit(client, url, {**mine, "roles": ["learner"]}))
    assert "Anda tidak dapat menghapus peran administrator Anda sendiri." in html
    html = text(submit(client, url, {**mine, "roles": ["learner", "admin"], "active": None}))
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in html
    me = db.session.get(User, admin.id)
    assert me.active and "admin" in me.roles
    assert client.get("/admin/users").status_code == 200


def test_users_list_search_and_filters(client, admin, make_user, make_unit):
    agency = make_unit("Pemkab", code="PEMKAB")
    dinas = make_unit("Dinas Kominfo", parent=agency, code="KOMINFO")
    bidang = make_unit("Bidang Aptika", parent=dinas, code="APTIKA")
    other = make_unit("Dinas Dukcapil", parent=agency, code="DUKCAPIL")
    make_user(full_name="Budi Santoso", nip="198111052006041003", unit=bidang)
    make_user(full_name="Siti Aminah", email="siti.aminah@example.go.id", unit=other,
              roles=["supervisor"])  # fmt: skip
    make_user(full_name="Joko Lelono", unit=dinas, active=False)

    def names(query):
        html = text(client.get(f"/admin/users?{query}"))
        return {n for n in ("Budi Santoso", "Siti Aminah", "Joko Lelono") if n in html}

    assert names("q=budi") == {"Budi Santoso"}
    assert names("q=1981+1105") == {"Budi Santoso"}  # NIP typed with a space
    assert names("q=SITI.AMINAH@") == {"Siti Aminah"}
    assert names(f"unit={dinas.id}") == {"Budi Santoso", "Joko Lelono"}  # with sub-units
    assert names(f"unit={bidang.id}") == {"Budi Santoso"}
    assert names("role=supervisor") == {"Siti Aminah"}
    assert names("status=inactive") == {"Joko Lelono"}
    assert names("status=active&role=learner") == {"Budi Santoso"}
    assert names("unit=abc&role=nonsense") == {"Budi Santoso", "Siti Aminah", "Joko Lelono"}
    assert "Tidak ada orang yang cocok" in text(client.get("/admin/users?q=zzz"))


def test_users_list_is_paginated(app, client, admin, make_user):
    app.config["PER_PAGE"] = 5
    for i in range(11):
        make_user(full_name=f"Orang {i:02d}")
    html = text(client.get("/admin/users?q=orang"))
    assert "Orang 00" in html and "Orang 05" not in html
    assert "Halaman 1 dari 3" in html
    html = text(client.get("/admin/users?q=orang&page=3"))
    assert "Orang 10" in html and "Orang 09" not in html


def test_users_list_issues_a_fixed_number_of_queries(client, admin, make_user, make_unit):
    units = [make_unit(f"Unit {i}") for i in range(4)]

    def queries_with(total):
        while count_users() < total + 1:  # + the admin
            n = count_users()
            person = make_user(unit=units[n % 4], roles=["learner", "instructor"])
            if n % 3 == 0:
                person.supervisor = admin
                db.session.commit()
        with count_queries() as statements:
            assert client.get("/admin/users").status_code == 200
        return len(statements)

    few = queries_with(5)
    many = queries_with(40)
    assert few == many
    assert few <= 8


# Units ------------------------------------------------------------------------------------------
def test_admin_creates_units_and_sees_the_tree_with_counts(client, admin, make_user):
    response = submit(client, "/admin/units/new", {"name": "Pemerintah Kabupaten", "code": "pemkab",
                                                   "parent_id": "0"})  # fmt: skip
    assert response.status_code == 302
    top = db.session.scalar(select(Unit).where(Unit.code == "PEMKAB"))  # codes are upper-cased
    submit(client, "/admin/units/new", {"name": "Dinas Kominfo", "code": "KOMINFO",
                                        "parent_id": str(top.id)}, "/admin/units/new")  # fmt: skip
    dinas = db.session.scalar(select(Unit).where(Unit.code == "KOMINFO"))
    assert dinas.path == f"{top.path}{dinas.id}/"
    make_user(unit=dinas)
    make_user(unit=dinas)
    make_user(unit=top)

    with count_queries() as statements:
        html = text(client.get("/admin/units"))
    assert "Pemerintah Kabupaten" in html and "Dinas Kominfo" in html
    assert "1 / 3 anggota" in html  # the agency: itself / with sub-units
    assert "2 / 2 anggota" in html
    grouped = [s for s in statements if "GROUP BY" in s.upper()]
    assert len(grouped) == 1

    html = text(submit(client, "/admin/units/new", {"name": "Lain", "code": "KOMINFO",
                                                    "parent_id": "0"}))  # fmt: skip
    assert "Kode ini sudah digunakan oleh Dinas Kominfo." in html
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert actions == ["unit.create", "unit.create"]


def test_moving_a_unit_rewrites_sub_unit_paths(client, admin, make_unit, make_user):
    agency = make_unit("Pemkab", code="PEMKAB")
    old_parent = make_unit("Sekretariat", parent=agency, code="SETDA")
    new_parent = make_unit("Dinas Kominfo", parent=agency, code="KOMINFO")
    bagian = make_unit("Bagian TI", parent=old_parent, code="SETDA-TI")
    subbag = make_unit("Subbagian Jaringan", parent=bagian, code="SETDA-TI-JAR")
    make_user(full_name="Teknisi Jaringan", unit=subbag)

    url = f"/admin/units/{bagian.id}"
    response = submit(client, url, {"name": "Bidang TI", "code": "KOMINFO-TI",
                                    "parent_id": str(new_parent.id)})  # fmt: skip
    assert response.status_code == 302
    moved = db.session.get(Unit, subbag.id)
    assert moved.path == f"/{agency.id}/{new_parent.id}/{bagian.id}/{subbag.id}/"
    assert "Teknisi Jaringan" in text(client.get(f"/admin/users?unit={new_parent.id}"))
    assert "Teknisi Jaringan" not in text(client.get(f"/admin/users?unit={old_parent.id}"))
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "unit.update"))
    assert entry.detail["changes"]["parent"] == ["SETDA", "KOMINFO"]
    assert entry.detail["changes"]["name"] == ["Bagian TI", "Bidang TI"]


def test_a_unit_cannot_move_under_itself_or_a_sub_unit(client, admin, make_unit):
    top = make_unit("Pemkab", code="PEMKAB")
    child = make_unit("Dinas", parent=top, code="DINAS")
    grandchild = make_unit("Bidang", parent=child, code="BIDANG")
    url = f"/admin/units/{child.id}"
    # The list does not even offer them.
    page = text(client.get(url))
    assert f'value="{grandchild.id}"' not in page
    for target in (child, grandchild):
        html = text(submit(client, url, {"name": "Dinas", "code": "DINAS",
                                         "parent_id": str(target.id)}))  # fmt: skip
        assert "tidak dapat ditempatkan di bawah dirinya sendiri" in html
    assert db.session.get(Unit, child.id).parent_id == top.id
    assert db.session.get(Unit, grandchild.id).path == f"/{top.id}/{child.id}/{grandchild.id}/"


def test_a_unit_is_deleted_only_when_empty(client, admin, make_unit, make_user):
    top = make_unit("Pemkab", code="PEMKAB")
    dinas = make_unit("Dinas", parent=top, code="DINAS")
    person = make_user(unit=dinas)

    def delete(unit):
        url = f"/admin/units/{unit.id}"
        return client.post(f"{url}/delete", data={"csrf_token": csrf_token(client, url)},
                           follow_redirects=True)  # fmt: skip

    assert "masih memiliki 1 sub-unit" in text(delete(top))
    assert "masih memiliki 1 anggota" in text(delete(dinas))
    person.unit = top
    db.session.commit()
    dinas_id, top_id = dinas.id, top.id
    html = text(delete(dinas))
    assert "Unit Dinas telah dihapus." in html
    assert db.session.get(Unit, dinas_id) is None
    assert db.session.get(Unit, top_id) is not None
    assert db.session.scalars(select(AuditLog.action)).all() == ["unit.delete"]


# Audit log --------------------------------------------------------------------------------------
def test_audit_log_shows_newest_first_with_actor_and_readable_action(client, admin, make_user):
    person = make_user(full_name="Dewi Lestari")
    url = f"/admin/users/{person.id}"
    submit(client, f"{url}/deactivate", {}, url)
    submit(client, f"{url}/reactivate", {}, url)
    html = text(client.get("/admin/audit"))
    assert "Admin Satu" in html
    assert "Dewi Lestari" in html
    first = html.index("Mengaktifkan kembali pengguna")
    second = html.index("Menonaktifkan pengguna")
    assert first < second  # newest first


def test_every_audited_action_has_a_label_on_the_audit_page():
    """The audit log names each action in words, never by its code."""
    from pathlib import Path

    import elearn
    from elearn.admin.services import AUDIT_ACTIONS

    package = Path(elearn.__file__).parent
    source = "\n".join(p.read_text() for p in package.rglob("*.py"))
    written = set(re.findall(r'audit\(\s*[^,()]+(?:\([^)]*\))?,\s*"([a-z_]+\.[a-z_]+)"', source))
    assert len(written) > 30
    assert written - set(AUDIT_ACTIONS) == set()
