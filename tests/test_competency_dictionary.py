"""The competency dictionary and position standards: shipped defaults, CSV/XLSX import on the
command line and in the browser (all or nothing, every bad line reported), the admin pages
(list, edit with a stale-page refusal, matrix, standards per jabatan), people's position kind,
and the level of a competency in a course package."""

import io
import re
import textwrap

import pytest
from conftest import csrf_token, login
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from elearn.content import load_package
from elearn.extensions import db
from elearn.models import (
    AuditLog,
    Competency,
    CompetencyAssessment,
    CompetencyAssessmentItem,
    CourseCompetency,
    PositionKind,
    PositionStandard,
    User,
)

DICT_HEADER = "kode;nama;jenis;sektor;definisi;level_1;level_2;level_3;level_4;level_5"
KEUANGAN = "T.KEU.1;Pengelolaan Keuangan Negara;teknis;Keuangan;Mengelola anggaran.;a1;a2;a3;a4;a5"
ARSIP = "T.ARS.1;Pengelolaan Arsip;teknis;Kearsipan;Mengelola arsip.;b1;b2;b3;b4;b5"


def write(tmp_path, text, name="kamus.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def competency_count():
    return db.session.scalar(select(func.count()).select_from(Competency))


def standard(kind="", key="", code=""):
    return db.session.scalar(
        select(PositionStandard.level)
        .join(Competency)
        .where(
            PositionStandard.position_kind == kind,
            PositionStandard.position_key == key,
            Competency.code == code,
        )
    )


@pytest.fixture
def defaults(runner):
    result = runner.invoke(args=["competencies", "load-defaults"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def admin(make_user, login_as):
    user = make_user(roles=["admin"])
    login_as(user)
    return user


# Shipped defaults ---------------------------------------------------------------------------------
def test_load_defaults_is_idempotent_and_keeps_edits(runner, defaults):
    assert "added 14 position kinds, 9 competencies (0 completed), 126 standards" in (
        defaults.output
    )
    assert {c.code for c in db.session.scalars(select(Competency))} == {
        *(f"M.{n}" for n in range(1, 9)),
        "SK.1",
    }
    assert standard("jpt_madya", code="M.1") == 5
    assert standard("jpt_pratama", code="M.8") == 4
    assert standard("administrator", code="SK.1") == 3
    assert standard("pengawas", code="M.3") == 2
    assert standard("pelaksana", code="M.5") == 1
    integritas = db.session.scalar(select(Competency).where(Competency.code == "M.1"))
    assert len(integritas.levels) == 5 and all(lv.indicator for lv in integritas.levels)

    # An admin's edit survives a second run, which adds nothing.
    integritas.levels[0].indicator = "Teks instansi sendiri."
    db.session.execute(
        PositionStandard.__table__.update()
        .where(PositionStandard.position_kind == "pelaksana")
        .values(level=2)
    )
    db.session.commit()
    again = runner.invoke(args=["competencies", "load-defaults"])
    assert again.exit_code == 0
    assert "nothing added" in again.output
    db.session.expire_all()
    assert integritas.levels[0].indicator == "Teks instansi sendiri."
    assert standard("pelaksana", code="M.5") == 2
    assert competency_count() == 9


def test_defaults_complete_a_competency_first_met_in_a_course(runner):
    db.session.add(Competency(name="komunikasi", kind="manajerial"))
    db.session.commit()
    runner.invoke(args=["competencies", "load-defaults"])
    rows = db.session.scalars(select(Competency).where(Competency.kind == "manajerial")).all()
    assert len(rows) == 8  # no second "Komunikasi"
    komunikasi = next(c for c in rows if c.code == "M.3")
    assert komunikasi.description and len(komunikasi.levels) == 5


# Import on the command line ----------------------------------------------------------------------
def test_cli_import_and_reimport_updates(runner, tmp_path):
    path = write(tmp_path, "\n".join([DICT_HEADER, KEUANGAN, ARSIP, ""]))
    result = runner.invoke(args=["competencies", "import", path])
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 created, 0 updated, 0 unchanged" in result.output
    again = runner.invoke(args=["competencies", "import", path])
    assert "2 rows: 0 created, 0 updated, 2 unchanged" in again.output

    changed = KEUANGAN.replace(";a3;", ";teks baru level tiga;").replace(
        "Keuangan;", "Keuangan Negara;", 1
    )
    path = write(tmp_path, "\n".join([DICT_HEADER, changed, ""]))
    result = runner.invoke(args=["competencies", "import", path])
    assert "1 rows: 0 created, 1 updated, 0 unchanged" in result.output
    comp = db.session.scalar(select(Competency).where(Competency.code == "T.KEU.1"))
    assert {lv.level: lv.indicator for lv in comp.levels}[3] == "teks baru level tiga"
    assert comp.sector == "Keuangan Negara"
    assert competency_count() == 2
    entry = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry.action == "competencies.import" and entry.detail["via"] == "cli"


def test_cli_import_is_all_or_nothing_with_every_bad_line(runner, tmp_path):
    lines = [
        DICT_HEADER,
        KEUANGAN,  # good
        ";;teknis;;;x;x;x;x;x",  # no name
        "T.X;Satu;rahasia;;;x;x;x;x;x",  # unknown kind
        "T.KEU.1;Lain;teknis;;;x;x;x;x;x",  # the code of line 2 again
        ARSIP,  # good
    ]
    result = runner.invoke(args=["competencies", "import", write(tmp_path, "\n".join(lines))])
    assert result.exit_code == 1
    out = result.output
    assert re.search(r"line 3: .*", out) and re.search(r"line 4: .*rahasia", out)
    assert re.search(r"line 5: .*T\.KEU\.1.*2", out)
    assert "line 2:" not in out and "line 6:" not in out
    assert "3 line(s)" in out
    assert competency_count() == 0


def test_cli_import_refuses_a_missing_column(runner, tmp_path):
    text = "kode,nama,jenis,level_1,level_2,level_3,level_4\nX,Satu,teknis,a,b,c,d\n"
    result = runner.invoke(args=["competencies", "import", write(tmp_path, text)])
    assert result.exit_code == 1
    assert "line 1:" in result.output and "level_5" in result.output
    assert competency_count() == 0


def test_cli_standards_import_reports_every_problem(runner, defaults, tmp_path):
    text = "\n".join(
        [
            "jenis_jabatan;jabatan;kode_kompetensi;level",
            "JPT Pratama;;M.1;3",  # good, by the kind's name
            "direktur;;M.1;3",  # unknown position kind
            ";Analis Keuangan;M.99;3",  # unknown competency
            ";Analis Keuangan;M.2;6",  # level outside 1-5
            "pengawas;;M.3;0",
            "jpt_pratama;;m.1;4",  # the same standard as line 2
            "",
        ]
    )
    before = standard("jpt_pratama", code="M.1")
    result = runner.invoke(args=["competencies", "import-standards", write(tmp_path, text)])
    assert result.exit_code == 1
    for line, word in ((3, "direktur"), (4, "M.99"), (5, "6"), (6, "0"), (7, "2")):
        assert re.search(rf"line {line}: .*{re.escape(word)}", result.output), result.output
    assert "line 2:" not in result.output
    assert standard("jpt_pratama", code="M.1") == before == 4


def test_cli_standards_by_jabatan_and_dry_run(runner, defaults, tmp_path):
    text = "jenis_jabatan,jabatan,kode_kompetensi,level\n,Analis Keuangan ,M.4,3\npengawas,,M.4,3\n"
    path = write(tmp_path, text)
    dry = runner.invoke(args=["competencies", "import-standards", "--dry-run", path])
    assert "2 rows: 1 created, 1 updated, 0 unchanged (dry run: nothing saved)" in dry.output
    assert standard(key="analis keuangan", code="M.4") is None
    result = runner.invoke(args=["competencies", "import-standards", path])
    assert result.exit_code == 0
    assert standard(key="analis keuangan", code="M.4") == 3
    assert standard("pengawas", code="M.4") == 3


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_of_dictionary_and_standards(runner, defaults, tmp_path):
    dictionary = tmp_path / "kamus.xlsx"
    dictionary.write_bytes(
        xlsx(
            [
                [
                    "Kode",
                    "Nama",
                    "Jenis",
                    "Sektor",
                    "Definisi",
                    *(f"Level_{n}" for n in range(1, 6)),
                ],
                [
                    "T.ARS.1",
                    "Pengelolaan Arsip",
                    "teknis",
                    "Kearsipan",
                    None,
                    "a",
                    "b",
                    "c",
                    "d",
                    "e",
                ],
                [None] * 10,
                [
                    "T.KEU.1",
                    "Pengelolaan Keuangan",
                    "Teknis",
                    "Keuangan",
                    "x",
                    "1",
                    "2",
                    "3",
                    "4",
                    "5",
                ],
            ]
        )
    )
    result = runner.invoke(args=["competencies", "import", str(dictionary)])
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 created" in result.output
    standards = tmp_path / "standar.xlsx"
    standards.write_bytes(
        xlsx(
            [
                ["jenis_jabatan", "jabatan", "kode_kompetensi", "level"],
                [None, "Arsiparis Terampil", "T.ARS.1", 3.0],  # Excel's numbers are floats
                ["administrator", None, "T.KEU.1", 9],
            ]
        )
    )
    result = runner.invoke(args=["competencies", "import-standards", str(standards)])
    assert result.exit_code == 1 and "line 3:" in result.output and "line 2:" not in result.output
    assert standard(key="arsiparis terampil", code="T.ARS.1") is None


def test_reimport_never_rewrites_an_assessment(runner, tmp_path, make_user):
    runner.invoke(args=["competencies", "import", write(tmp_path, f"{DICT_HEADER}\n{ARSIP}\n")])
    comp = db.session.scalar(select(Competency).where(Competency.code == "T.ARS.1"))
    person = make_user()
    assessment = CompetencyAssessment(
        user_id=person.id, period=2026, role="self", assessor_id=person.id
    )
    assessment.items.append(
        CompetencyAssessmentItem(competency_id=comp.id, level=2, indicator="b2")
    )
    db.session.add(assessment)
    db.session.commit()
    changed = ARSIP.replace(";b2;", ";indikator baru;")
    runner.invoke(args=["competencies", "import", write(tmp_path, f"{DICT_HEADER}\n{changed}\n")])
    db.session.expire_all()
    item = db.session.scalar(select(CompetencyAssessmentItem))
    assert item.indicator == "b2"
    assert {lv.level: lv.indicator for lv in comp.levels}[2] == "indikator baru"


# Admin pages -------------------------------------------------------------------------------------
ADMIN_URLS = [
    "/competencies/dictionary",
    "/competencies/dictionary/new",
    "/competencies/standards",
    "/competencies/standards/positions",
    "/competencies/import",
    "/competencies/import/dictionary.xlsx",
]


@pytest.mark.parametrize("role", ["learner", "instructor", "supervisor"])
def test_only_admins_reach_the_pages(client, make_user, login_as, defaults, role):
    login_as(make_user(roles=[role]))
    comp = db.session.scalar(select(Competency))
    for url in [*ADMIN_URLS, f"/competencies/dictionary/{comp.id}"]:
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/")
    response = client.post(
        f"/competencies/dictionary/{comp.id}/deactivate", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert db.session.get(Competency, comp.id).active


def test_admins_reach_the_dictionary_from_the_administration_page(app, client, make_user, admin):
    assert 'data-nav="admin"' in client.get("/").get_data(as_text=True)
    assert 'href="/competencies/dictionary"' in client.get("/admin/").get_data(as_text=True)
    other = app.test_client()
    login(other, make_user(roles=["supervisor"]).email)
    assert 'data-nav="admin"' not in other.get("/").get_data(as_text=True)
    assert other.get("/admin/").status_code == 403


def test_dictionary_list_filters_and_search(client, admin, defaults, runner, tmp_path):
    runner.invoke(
        args=["competencies", "import", write(tmp_path, f"{DICT_HEADER}\n{KEUANGAN}\n{ARSIP}\n")]
    )
    for url in ADMIN_URLS:
        assert client.get(url).status_code == 200, url
    html = client.get("/competencies/dictionary").get_data(as_text=True)
    assert "Integritas" in html and "Pengelolaan Arsip" in html and "M.1" in html
    html = client.get("/competencies/dictionary?kind=teknis").get_data(as_text=True)
    assert "Pengelolaan Arsip" in html and "Integritas" not in html
    html = client.get("/competencies/dictionary?sector=Kearsipan").get_data(as_text=True)
    assert "Pengelolaan Arsip" in html and "Pengelolaan Keuangan" not in html
    html = client.get("/competencies/dictionary?q=integ").get_data(as_text=True)
    assert "Integritas" in html and "Kerja Sama" not in html


def test_list_is_paginated(client, admin, defaults, app):
    app.config["PER_PAGE"] = 4
    first = client.get("/competencies/dictionary").get_data(as_text=True)
    third = client.get("/competencies/dictionary?page=3").get_data(as_text=True)
    assert "M.1" in first and "SK.1" not in first
    assert "SK.1" in third and 'rel="prev"' in third


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]*)"', html) or re.search(
        r'id="stamp" name="stamp" type="hidden" value="([^"]*)"', html
    )
    assert stamp, html
    return csrf_token(client, url), stamp.group(1)


def _edit_data(token, stamp, **changes):
    data = {
        "csrf_token": token, "stamp": stamp, "code": "M.1", "name": "Integritas",
        "sector": "", "description": "Jujur.",
        **{f"level_{n}": f"indikator {n}" for n in range(1, 6)},
    }  # fmt: skip
    data.update(changes)
    return data


def test_edit_and_stale_page_refusal(client, admin, defaults):
    comp = db.session.scalar(select(Competency).where(Competency.code == "M.1"))
    url = f"/competencies/dictionary/{comp.id}"
    token, stamp = _form(client, url)
    first = client.post(url, data=_edit_data(token, stamp, level_3="teks tab pertama"))
    assert first.status_code == 302
    db.session.expire_all()
    assert {lv.level: lv.indicator for lv in comp.levels}[3] == "teks tab pertama"

    # A second tab opened before the first save: refused, its text kept, nothing changed.
    stale = client.post(url, data=_edit_data(token, stamp, level_3="teks tab kedua"))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 200
    assert "teks tab kedua" in html and 'role="alert"' in html
    db.session.expire_all()
    assert {lv.level: lv.indicator for lv in comp.levels}[3] == "teks tab pertama"
    # The refused page now carries the newer version: saving again is a deliberate choice.
    newer = re.search(r'name="stamp" type="hidden" value="([^"]*)"', html).group(1)
    again = client.post(url, data=_edit_data(token, newer, level_3="teks tab kedua"))
    assert again.status_code == 302
    db.session.expire_all()
    assert {lv.level: lv.indicator for lv in comp.levels}[3] == "teks tab kedua"
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "competency.update")
    ).all()
    assert len(entries) == 2 and entries[0].actor_id == admin.id
    assert entries[0].detail["changes"]["level_3"][1] == "teks tab pertama"
    # The audit log page names the action.
    assert "competency.update" not in client.get("/admin/audit").get_data(as_text=True)


def test_edit_refuses_a_taken_code_and_new_competency(client, admin, defaults):
    comp = db.session.scalar(select(Competency).where(Competency.code == "M.1"))
    url = f"/competencies/dictionary/{comp.id}"
    token, stamp = _form(client, url)
    response = client.post(url, data=_edit_data(token, stamp, code="m.2", level_1="diketik"))
    assert response.status_code == 200 and "diketik" in response.get_data(as_text=True)
    assert db.session.get(Competency, comp.id).code == "M.1"

    token, stamp = _form(client, "/competencies/dictionary/new")
    response = client.post(
        "/competencies/dictionary/new",
        data={"csrf_token": token, "stamp": stamp, "code": "T.HUK.1", "name": "Legal Drafting",
              "kind": "teknis", "sector": "Hukum", "level_1": "Menyusun draf sederhana."},
    )  # fmt: skip
    assert response.status_code == 302
    new = db.session.scalar(select(Competency).where(Competency.code == "T.HUK.1"))
    assert new.kind == "teknis" and new.levels[0].indicator == "Menyusun draf sederhana."
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "competency.create"))


def test_deactivate_a_used_competency_and_delete_an_unused_one(client, admin, defaults):
    used = db.session.scalar(select(Competency).where(Competency.code == "M.1"))  # standards
    token = csrf_token(client, f"/competencies/dictionary/{used.id}")
    client.post(f"/competencies/dictionary/{used.id}/delete", data={"csrf_token": token})
    assert db.session.get(Competency, used.id) is not None
    client.post(f"/competencies/dictionary/{used.id}/deactivate", data={"csrf_token": token})
    assert db.session.get(Competency, used.id).active is False
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "competency.deactivate"))

    unused = Competency(name="Sementara", kind="teknis")
    db.session.add(unused)
    db.session.commit()
    unused_id = unused.id
    client.post(f"/competencies/dictionary/{unused_id}/delete", data={"csrf_token": token})
    db.session.expunge_all()
    assert db.session.get(Competency, unused_id) is None


def test_matrix_edit_in_one_form(client, admin, defaults):
    m1 = db.session.scalar(select(Competency).where(Competency.code == "M.1"))
    sk1 = db.session.scalar(select(Competency).where(Competency.code == "SK.1"))
    html = client.get("/competencies/standards").get_data(as_text=True)
    assert f'name="level-pengawas-{m1.id}"' in html and "JPT Madya" in html
    token = csrf_token(client, "/competencies/standards")
    response = client.post(
        "/competencies/standards",
        data={"csrf_token": token, f"level-pengawas-{m1.id}": "3", f"level-pelaksana-{sk1.id}": ""},
    )
    assert response.status_code == 302
    assert standard("pengawas", code="M.1") == 3
    assert standard("pelaksana", code="SK.1") is None
    assert standard("pelaksana", code="M.1") == 1  # not posted: unchanged
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "standards.update"))
    assert len(entry.detail["cells"]) == 2

    bad = client.post(
        "/competencies/standards", data={"csrf_token": token, f"level-pengawas-{m1.id}": "7"}
    )
    assert bad.status_code == 200
    assert standard("pengawas", code="M.1") == 3


def test_standards_per_jabatan(client, admin, defaults):
    m4 = db.session.scalar(select(Competency).where(Competency.code == "M.4"))
    url = "/competencies/standards/positions"
    token = csrf_token(client, url)
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "position": "Analis  Keuangan",
            "competency_id": m4.id,
            "level": 4,
        },
    )
    assert response.status_code == 302
    assert standard(key="analis keuangan", code="M.4") == 4
    html = client.get(url).get_data(as_text=True)
    assert "Analis Keuangan" in html
    bad = client.post(
        url, data={"csrf_token": token, "position": "", "competency_id": m4.id, "level": 4}
    )
    assert bad.status_code == 200
    std = db.session.scalar(select(PositionStandard).where(PositionStandard.position_key != ""))
    client.post(f"{url}/{std.id}/delete", data={"csrf_token": token})
    assert standard(key="analis keuangan", code="M.4") is None
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"standards.position_set", "standards.position_remove"} <= actions


def test_browser_import_checks_then_imports(client, admin, defaults):
    url = "/competencies/import"
    token = csrf_token(client, url)
    good = f"{DICT_HEADER}\n{KEUANGAN}\n".encode()

    def post(data, action, what="dictionary", name="kamus.csv"):
        return client.post(
            url,
            data={"csrf_token": token, "what": what, "action": action,
                  "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )  # fmt: skip

    checked = post(good, "check")
    assert checked.status_code == 200
    assert competency_count() == 9
    assert not db.session.scalar(select(AuditLog).where(AuditLog.action == "competencies.import"))

    bad = f"{DICT_HEADER}\n{KEUANGAN}\nT.Y;Dua;entah;;;a;b;c;d;e\n".encode()
    html = post(bad, "import").get_data(as_text=True)
    assert re.search(r'<td class="num">3</td><td>[^<]*entah', html), html
    assert competency_count() == 9

    assert post(good, "import").status_code == 302
    assert competency_count() == 10
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "competencies.import"))
    assert entry.actor_id == admin.id and entry.detail["file"] == "kamus.csv"

    standards = xlsx([["jabatan", "kode_kompetensi", "level"], ["Bendahara", "T.KEU.1", 4]])
    assert post(standards, "import", what="standards", name="standar.xlsx").status_code == 302
    assert standard(key="bendahara", code="T.KEU.1") == 4


def test_export_round_trips_through_the_import(client, admin, defaults):
    response = client.get("/competencies/import/dictionary.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("kode", "nama", "jenis") and len(rows) == 10
    token = csrf_token(client, "/competencies/import")
    again = client.post(
        "/competencies/import",
        data={"csrf_token": token, "what": "dictionary", "action": "check",
              "file": (io.BytesIO(response.data), "kamus.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert re.search(r"\b9\b.*\b0\b.*\b0\b.*\b9\b", again.get_data(as_text=True))


# People's position kind --------------------------------------------------------------------------
def test_user_form_and_users_import_take_a_position_kind(
    client, admin, defaults, make_unit, tmp_path, runner
):
    person = User(full_name="Ani", email="ani@example.go.id", employee_type="non_asn")
    person.roles = ["learner"]
    db.session.add(person)
    db.session.commit()
    url = f"/admin/users/{person.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'name="position_kind"' in html and "JPT Pratama" in html
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "full_name": "Ani",
              "email": "ani@example.go.id", "employee_type": "non_asn",
              "position_kind": "pengawas", "roles": ["learner"], "active": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    assert db.session.get(User, person.id).position_kind == "pengawas"

    make_unit("Dinas", code="DINAS")
    header = "nip,nama,email,unit,jabatan,golongan,roles,jenis,jenis_jabatan"
    rows = [
        header,
        ",Budi,budi@example.go.id,DINAS,Analis,,peserta,NON-ASN,JPT Pratama",
        ",Cici,cici@example.go.id,DINAS,Analis,,peserta,NON-ASN,kepala",
    ]
    path = write(tmp_path, "\n".join(rows), "pegawai.csv")
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 1 and re.search(r"line 3: .*kepala", result.output)
    path = write(tmp_path, "\n".join(rows[:2]), "pegawai.csv")
    assert runner.invoke(args=["users", "import", path]).exit_code == 0
    budi = db.session.scalar(select(User).where(User.email == "budi@example.go.id"))
    assert budi.position_kind == "jpt_pratama"


def test_demo_seed_sets_position_kinds_once(runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    hendra = db.session.scalar(select(User).where(User.email.like("hendra@%")))
    assert hendra.position_kind == "jpt_pratama"
    assert db.session.scalar(select(Competency).where(Competency.code == "T.ARS.1"))
    assert db.session.get(PositionKind, "pelaksana") is not None
    count = db.session.scalar(select(func.count()).select_from(PositionStandard))
    runner.invoke(args=["demo", "seed"])
    assert db.session.scalar(select(func.count()).select_from(PositionStandard)) == count


# Course packages ---------------------------------------------------------------------------------
COURSE = """\
slug: uji
title: Kursus Uji
summary: Ringkasan kursus uji.
jp: 2
competencies:
  - name: Komunikasi Efektif
    kind: manajerial
    code: M.3
    level: {level}
"""


def _package(tmp_path, level):
    root = tmp_path / "pkg"
    (root / "01-modul").mkdir(parents=True)
    (root / "course.yml").write_text(COURSE.format(level=level), encoding="utf-8")
    (root / "01-modul/module.yml").write_text("title: Modul\n", encoding="utf-8")
    (root / "01-modul/01-a.md").write_text(
        textwrap.dedent("""\
            ---
            title: Pelajaran
            ---
            Isi.
            """),
        encoding="utf-8",
    )
    return load_package(root)


@pytest.mark.parametrize("level", ["0", "6", "tiga", "2.5"])
def test_package_competency_level_is_validated(app, tmp_path, level):
    package, problems = _package(tmp_path, level)
    assert package is None
    assert any(str(p).startswith("course.yml:9:") and "level" in str(p) for p in problems), [
        str(p) for p in problems
    ]


def test_package_competency_matches_the_dictionary_by_code(app, runner, tmp_path):
    from elearn.content.importer import import_package

    runner.invoke(args=["competencies", "load-defaults"])
    package, problems = _package(tmp_path, "3")
    assert not problems
    import_package(package)
    db.session.commit()
    assert competency_count() == 9  # "Komunikasi Efektif" is M.3, not a new competency
    link = db.session.scalar(select(CourseCompetency))
    assert link.competency.code == "M.3" and link.competency.name == "Komunikasi"
    assert link.level == 3


def test_busy_pages_cost_a_fixed_number_of_queries(client, admin, defaults):
    from contextlib import contextmanager

    from sqlalchemy import event

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

    def costs():
        out = []
        for url in ("/competencies/dictionary", "/competencies/standards"):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            out.append(len(statements))
        return out

    before = costs()
    for n in range(30):
        comp = Competency(name=f"Tambahan {n}", kind="manajerial", code=f"X.{n}", sector="Uji")
        db.session.add(comp)
        db.session.flush()
        db.session.add(PositionStandard(position_kind="pengawas", competency_id=comp.id, level=2))
    db.session.commit()
    assert costs() == before
