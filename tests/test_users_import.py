"""Bulk import of people from CSV, in the browser and with `flask users import`."""

import io
import re

import pytest
from conftest import csrf_token
from sqlalchemy import func, select

from elearn.admin.importer import parse_roles
from elearn.extensions import db
from elearn.models import AuditLog, User

HEADER = "nip,nama,email,unit,jabatan,golongan,roles,jenis,atasan_nip"
HENDRA = "197503122000031004"
AGUS = "199001152015031001"
LINA = "199712052023212001"  # PPPK: 18 digits, another layout
GOOD = "\n".join(
    [
        HEADER,
        f'{HENDRA},"Ir. Hendra Wijaya, M.M.",hendra@sukamaju.go.id,DISKOMINFO,Kepala Dinas,IV/c,'
        "atasan;peserta,,",
        f'{AGUS},"Agus Setiawan, S.Kom.",Agus@Sukamaju.go.id,aptika,'
        f"Pranata Komputer Ahli Pertama,iii/b,peserta,PNS,{HENDRA}",
        f'{LINA},"Lina Marlina, S.Kom.",lina@sukamaju.go.id,Bidang Aplikasi Informatika,'
        f"Pranata Komputer,IX,,,{HENDRA}",
        ",Dr. Tamu Dosen,dosen@kampus.ac.id,,Dosen tamu,,instruktur|pengajar,NON-ASN,",
        "",
    ]
)


@pytest.fixture
def units(make_unit):
    agency = make_unit("Pemerintah Kabupaten Sukamaju", code="SKM")
    dinas = make_unit("Dinas Komunikasi dan Informatika", parent=agency, code="DISKOMINFO")
    aptika = make_unit("Bidang Aplikasi Informatika", parent=dinas, code="APTIKA")
    return {"agency": agency, "dinas": dinas, "aptika": aptika}


@pytest.fixture
def admin(make_user, login_as):
    user = make_user(roles=["admin"], full_name="Admin Impor", email="admin@sukamaju.go.id")
    login_as(user)
    return user


def upload(client, content, filename="pegawai.csv", encoding="utf-8"):
    data = content.encode(encoding) if isinstance(content, str) else content
    return client.post(
        "/admin/users/import",
        data={
            "csrf_token": csrf_token(client, "/admin/users/import"),
            "file": (io.BytesIO(data), filename),
        },
    )


def people():
    return {u.nip or u.email: u for u in db.session.scalars(select(User))}


def count_users():
    return db.session.scalar(select(func.count(User.id)))


def problem_rows(html):
    """(line, problem) pairs of the problems table, as the admin reads them."""
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>(.*?)</td></tr>', html)
    return [(int(line), message) for line, message in rows]


# In the browser ---------------------------------------------------------------------------------
def test_good_file_imports_everyone(client, admin, units):
    response = upload(client, GOOD)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Impor selesai" in html
    assert re.search(r"<dt>Dibuat</dt><dd>4</dd>", html)

    found = people()
    assert len(found) == 5  # with the admin
    hendra, agus, lina = found[HENDRA], found[AGUS], found[LINA]
    dosen = found["dosen@kampus.ac.id"]
    assert hendra.full_name == "Ir. Hendra Wijaya, M.M."
    assert hendra.roles == {"supervisor", "learner"}
    assert hendra.unit_id == units["dinas"].id
    assert agus.email == "agus@sukamaju.go.id"  # lower-cased
    assert agus.grade == "III/b" and agus.employee_type == "pns"
    assert agus.unit_id == units["aptika"].id  # by code, any case
    assert agus.supervisor_id == hendra.id
    assert lina.employee_type == "pppk"  # inferred from golongan IX
    assert lina.unit_id == units["aptika"].id  # by exact name
    assert lina.roles == {"learner"}  # empty = learner
    assert dosen.nip is None and dosen.employee_type == "non_asn"
    assert dosen.roles == {"instructor"}
    assert all(u.password_hash is None for u in (hendra, agus, lina, dosen))

    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import"))
    assert entry.actor_id == admin.id
    assert entry.detail["created"] == 4 and entry.detail["file"] == "pegawai.csv"
    audit_page = client.get("/admin/audit").get_data(as_text=True)
    assert "Mengimpor pengguna dari CSV" in audit_page
    assert "4 baris: 4 dibuat, 0 diperbarui, 0 tidak berubah" in audit_page


def test_one_bad_row_imports_nothing_and_names_every_bad_row(client, admin, units, make_user):
    make_user(full_name="Sudah Terdaftar", nip="198001012005011001", email="ada@sukamaju.go.id")
    before = count_users()
    content = f"""{HEADER}
{AGUS},Agus Setiawan,agus@sukamaju.go.id,APTIKA,Pranata Komputer,III/b,peserta,,
198613262015051001,Tanggal Salah,salah@sukamaju.go.id,APTIKA,Staf,III/a,peserta,,
199203282019022002,Unit Salah,dewi@sukamaju.go.id,DINAS-X,Staf,II/d,peserta,,
198807092014061001,Email Salah,rudi(at)sukamaju.go.id,APTIKA,Staf,III/c,peserta,,
{AGUS},Ganda,ganda@sukamaju.go.id,APTIKA,Staf,III/b,peserta,,
199509172020122003,Peran Salah,nur@sukamaju.go.id,APTIKA,Staf,III/a,kepala,,
198612012011011002,Email Orang Lain,ADA@sukamaju.go.id,APTIKA,Staf,III/b,,,
199311242019032001,Golongan Salah,fitri@sukamaju.go.id,APTIKA,Staf,IX,,PNS,
"""
    response = upload(client, content)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tidak ada yang diimpor" in html
    problems = problem_rows(html)
    assert [line for line, _ in problems] == [3, 4, 5, 6, 7, 8, 9]
    by_line = dict(problems)
    assert by_line[3] == "8 digit pertama NIP bukan tanggal lahir yang valid."
    assert "Unit “DINAS-X” tidak dikenal" in by_line[4]
    assert "bukan alamat email yang valid" in by_line[5]
    assert by_line[6] == f"NIP {AGUS} juga ada di baris 2."
    assert "Peran “kepala” tidak dikenal" in by_line[7]
    assert "sudah digunakan oleh orang lain: Sudah Terdaftar" in by_line[8]
    assert by_line[9] == "IX bukan golongan PNS (I/a s.d. IV/e)."
    assert count_users() == before  # not even the good row
    assert db.session.scalar(select(func.count(AuditLog.id))) == 0


def test_reimport_updates_instead_of_duplicating(client, admin, units):
    first = upload(client, GOOD)
    assert first.status_code == 302
    assert count_users() == 5

    again = upload(client, GOOD)
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<dt>Dibuat</dt><dd>0</dd>", html)
    assert re.search(r"<dt>Tidak berubah</dt><dd>4</dd>", html)

    # Agus is promoted; the guest lecturer (no NIP) is found by email; an empty cell keeps data.
    changed = (
        GOOD.replace("Pranata Komputer Ahli Pertama,iii/b", "Pranata Komputer Ahli Muda,III/c")
        .replace("Dr. Tamu Dosen,dosen@kampus.ac.id,,Dosen tamu",
                 "Prof. Tamu Dosen,DOSEN@kampus.ac.id,,")
    )  # fmt: skip
    response = upload(client, changed)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<dt>Diperbarui</dt><dd>2</dd>", html)
    assert re.search(r"<dt>Tidak berubah</dt><dd>2</dd>", html)
    assert count_users() == 5
    found = people()
    assert found[AGUS].grade == "III/c"
    assert found[AGUS].position == "Pranata Komputer Ahli Muda"
    dosen = found["dosen@kampus.ac.id"]
    assert dosen.full_name == "Prof. Tamu Dosen"
    assert dosen.position == "Dosen tamu"  # the empty jabatan cell erased nothing


def test_reimport_adds_roles_and_never_removes_them(client, admin, units):
    upload(client, GOOD)
    hendra = people()[HENDRA]
    hendra.roles = ["supervisor", "learner", "admin"]
    db.session.commit()
    upload(client, GOOD.replace("atasan;peserta", "instruktur"))
    assert people()[HENDRA].roles == {"supervisor", "learner", "admin", "instructor"}


def test_semicolon_file_with_bom_from_excel(client, admin, units):
    content = (
        "\ufeff NIP ; Nama ;EMAIL;Unit;Jabatan;Golongan;Roles\r\n"
        f"{AGUS};Agus Setiawan, S.Kom.;agus@sukamaju.go.id;APTIKA;Pranata Komputer;III/b;"
        "peserta, instruktur\r\n"
        ";;;;;;\r\n"  # Excel's trailing empty rows
    )
    response = upload(client, content)
    assert response.status_code == 302
    agus = people()[AGUS]
    assert agus.full_name == "Agus Setiawan, S.Kom."
    assert agus.roles == {"learner", "instructor"}


def test_non_utf8_file_is_refused_with_a_clear_message(client, admin, units):
    content = f"{HEADER}\n{AGUS},José Pérez,jose@sukamaju.go.id,APTIKA,Staf,III/b,,,\n"
    response = upload(client, content, encoding="cp1252")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Berkas ini bukan teks UTF-8" in html
    assert "CSV UTF-8" in html
    assert count_users() == 1


def test_missing_column_is_named(client, admin, units):
    response = upload(client, "nip,nama,email,unit,jabatan\n1,a,b,c,d\n")
    assert problem_rows(response.get_data(as_text=True)) == [
        (1, "Kolom tidak ada: golongan, roles. Baris judul harus memuat: nip, nama, email, "
            "unit, jabatan, golongan, roles.")
    ]  # fmt: skip


@pytest.mark.parametrize(
    "content,message",
    [
        ("", "Berkas kosong."),
        ("\n\n", "Berkas kosong."),
        (HEADER + "\n", "Berkas tidak berisi baris data di bawah baris judul."),
        (HEADER.replace("jabatan", "nama") + "\n", "Kolom “nama” muncul dua kali."),
    ],
)
def test_unusable_files_are_explained(client, admin, units, content, message):
    assert message in upload(client, content).get_data(as_text=True)
    assert count_users() == 1


def test_unquoted_separator_and_excel_number_are_explained(client, admin, units):
    content = (
        f"{HEADER}\n"
        f"{AGUS},Agus Setiawan, S.Kom.,agus@sukamaju.go.id,APTIKA,Staf,III/b,,,\n"
        "1.99001E+17,Angka Excel,angka@sukamaju.go.id,APTIKA,Staf,III/b,,,\n"
    )
    problems = dict(problem_rows(upload(client, content).get_data(as_text=True)))
    assert "berisi 10 sel" in problems[2] and "tanda petik ganda" in problems[2]
    assert "Excel mengubah NIP menjadi angka" in problems[3]


def test_supervision_loop_in_the_file_is_refused(client, admin, units):
    content = (
        f"{HEADER}\n"
        f"{HENDRA},Hendra,hendra@sukamaju.go.id,DISKOMINFO,Kadis,IV/c,atasan,,{AGUS}\n"
        f"{AGUS},Agus,agus@sukamaju.go.id,APTIKA,Staf,III/b,,,{HENDRA}\n"
        f"{LINA},Lina,lina@sukamaju.go.id,APTIKA,Staf,IX,,,{LINA}\n"
        f"198807092014061001,Rudi,rudi@sukamaju.go.id,APTIKA,Staf,III/c,,,199999999999999999\n"
    )
    problems = problem_rows(upload(client, content).get_data(as_text=True))
    assert (4, "Seseorang tidak dapat menjadi atasan dirinya sendiri.") in problems
    assert any(line == 5 and "199999999999999999" in p for line, p in problems)
    assert count_users() == 1


def test_too_many_rows_is_refused(app, client, admin, units):
    app.config["USERS_IMPORT_MAX_ROWS"] = 3
    html = upload(client, GOOD + f"{'1' * 18},X,x@sukamaju.go.id,,,,,,\n").get_data(as_text=True)
    assert "lebih dari 3 baris" in html
    assert count_users() == 1


def test_import_post_without_csrf_token_is_refused(client, admin, units):
    response = client.post(
        "/admin/users/import", data={"file": (io.BytesIO(GOOD.encode()), "pegawai.csv")}
    )
    assert response.status_code == 400
    assert "token" in response.get_data(as_text=True)
    assert count_users() == 1


def test_example_file_can_be_imported_as_is(client, admin, units):
    response = client.get("/admin/users/import/template.csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert upload(client, response.data, "contoh.csv").status_code == 302
    assert "198609262015051001" in people()


def test_file_field_is_required(client, admin):
    response = client.post(
        "/admin/users/import", data={"csrf_token": csrf_token(client, "/admin/users/import")}
    )
    html = response.get_data(as_text=True)
    assert "Pilih berkas CSV." in html
    assert 'aria-describedby="file-hint file-error"' in html


# On the command line ----------------------------------------------------------------------------
def write(tmp_path, content, name="pegawai.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return str(path)


def test_cli_imports_a_good_file(runner, units, tmp_path):
    path = write(tmp_path, GOOD)
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 0, result.output
    assert "4 rows: 4 created, 0 updated, 0 unchanged" in result.output
    assert count_users() == 4
    entry = db.session.scalar(select(AuditLog))
    assert entry.action == "users.import" and entry.actor_id is None
    assert entry.detail["via"] == "cli"

    result = runner.invoke(args=["users", "import", path])
    assert "4 rows: 0 created, 0 updated, 4 unchanged" in result.output
    assert count_users() == 4


def test_cli_import_shows_in_the_audit_log(runner, units, tmp_path, make_user, login_as):
    runner.invoke(args=["users", "import", write(tmp_path, GOOD, "dari-bkn.csv")])
    client = login_as(make_user(roles=["admin"]))
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Sistem" in html
    assert "Dari baris perintah" in html
    assert "Berkas: dari-bkn.csv" in html


def test_cli_reports_bad_rows_and_imports_nothing(runner, units, tmp_path):
    content = GOOD.replace("aptika,Pranata", "DINAS-X,Pranata").replace(
        LINA + ",", "19971205202321200,"
    )
    result = runner.invoke(args=["users", "import", write(tmp_path, content)])
    assert result.exit_code != 0
    assert "line 3: Unit “DINAS-X” tidak dikenal" in result.output
    assert "line 4: NIP harus tepat 18 digit angka." in result.output
    assert "nothing imported" in result.output
    assert count_users() == 0


def test_cli_refuses_a_non_utf8_file(runner, units, tmp_path):
    path = write(tmp_path, GOOD.replace("Agus", "Agüs"), encoding="latin-1")
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code != 0
    assert "bukan teks UTF-8" in result.output
    assert count_users() == 0


def test_cli_dry_run_saves_nothing(runner, units, tmp_path):
    result = runner.invoke(args=["users", "import", "--dry-run", write(tmp_path, GOOD)])
    assert result.exit_code == 0
    assert "4 created" in result.output and "dry run" in result.output
    assert count_users() == 0
    assert db.session.scalar(select(func.count(AuditLog.id))) == 0


# Pure parts -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cell,roles,unknown",
    [
        ("", set(), []),
        ("peserta", {"learner"}, []),
        ("Instruktur | ATASAN", {"instructor", "supervisor"}, []),
        ("pengajar;admin, learner", {"instructor", "admin", "learner"}, []),
        ("peserta;kepala", {"learner"}, ["kepala"]),
    ],
)
def test_parse_roles(cell, roles, unknown):
    assert parse_roles(cell) == (roles, unknown)
