"""The team dashboard, the person view and the exports, as a supervisor and an admin use them:
a supervisor sees exactly their scope through every page, filter, export and download, and
the dashboard costs the same number of queries for 5 people as for 60."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date
from openpyxl import load_workbook
from test_supervision_helpers import assign, build_agency, complete, count_queries

from elearn.extensions import db
from elearn.models import User
from elearn.supervision.services import today
from elearn.timeutil import utcnow


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return build_agency(make_unit, make_user, tmp_path)


def text(response):
    return response.get_data(as_text=True)


def csv_rows(response):
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte order mark"
    data = body.decode("utf-8-sig")
    delimiter = ";" if data.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(data), delimiter=delimiter))


def xlsx_rows(response):
    assert response.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def people_names(html):
    return re.findall(r'<a href="/team/people/\d+">([^<]+)</a>', html)


# Scope -------------------------------------------------------------------------------------------
def test_supervisor_sees_their_units_with_sub_units_and_nobody_else(client, agency, login_as):
    complete(agency.budi, agency.course)
    login_as(agency.sup_a)
    html = text(client.get("/team"))
    assert sorted(people_names(html)) == ["Agus Setiawan", "Dewi Lestari", "Kepala A"]
    assert "Budi Rahasia" not in html and "Dinas B" not in html
    assert "3 orang ditemukan" in html


@pytest.mark.parametrize(
    "query",
    [
        "unit={b}",
        "unit={root}",
        "unit=999999",
        "unit={b}&course={course}",
        "q=Budi",
        "q={budi_nip}",
        "status=completed&unit={b}",
        "course={course}&status=completed",
        "jp=reached",
        "sort=-jp&year=2020",
    ],
)
def test_no_filter_widens_the_scope(client, agency, login_as, query):
    complete(agency.budi, agency.course)
    assign(agency.sup_b, agency.course, units=[agency.b])
    login_as(agency.sup_a)
    q = query.format(
        b=agency.b.id, root=agency.root.id, course=agency.course.id, budi_nip=agency.budi.nip
    )
    for url in (f"/team?{q}", f"/team/export.csv?{q}", f"/team/export.xlsx?{q}"):
        response = client.get(url)
        assert response.status_code == 200, url
        if "export" not in url:
            assert "Budi Rahasia" not in text(response)  # (the search box may echo "Budi")
        if "export.csv" in url:
            assert not any("Budi" in cell for row in csv_rows(response) for cell in row)
        if "export.xlsx" in url:
            assert not any("Budi" in str(cell) for row in xlsx_rows(response) for cell in row)


def test_person_view_outside_the_scope_is_not_found(client, agency, login_as):
    login_as(agency.sup_a)
    assert client.get(f"/team/people/{agency.budi.id}").status_code == 404
    assert client.get(f"/team/people/{agency.admin.id}").status_code == 404
    assert client.get("/team/people/999999").status_code == 404
    assert client.get(f"/team/people/{agency.dewi.id}").status_code == 200  # a sub-unit
    # The assign form does not fill in an outsider either.
    html = text(client.get(f"/team/assignments/new?person={agency.budi.id}"))
    assert agency.budi.nip not in html


def test_certificates_of_outsiders_cannot_be_downloaded(client, agency, login_as):
    _c, inside = complete(agency.agus, agency.course)
    _c, outside = complete(agency.budi, agency.course)
    login_as(agency.sup_a)
    html = text(client.get(f"/team/people/{agency.agus.id}"))
    assert f"/certificates/{inside.number}.pdf" in html
    response = client.get(f"/certificates/{inside.number}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert client.get(f"/certificates/{outside.number}.pdf").status_code == 404


def test_completion_exports_keep_to_the_scope(client, agency, login_as):
    complete(agency.agus, agency.course)
    complete(agency.budi, agency.course)
    login_as(agency.sup_a)
    for query in ("", f"?unit={agency.b.id}", f"?unit={agency.b.id}&layout=siasn"):
        rows = csv_rows(client.get(f"/team/completions.csv{query}"))
        assert not any("Budi" in cell for row in rows for cell in row), query
    rows = csv_rows(client.get("/team/completions.csv"))
    assert [r[1] for r in rows[1:]] == ["Agus Setiawan"]


def test_admin_sees_everyone(client, agency, login_as):
    login_as(agency.admin)
    html = text(client.get("/team"))
    assert {"Agus Setiawan", "Dewi Lestari", "Budi Rahasia", "Kepala B"} <= set(people_names(html))
    assert client.get(f"/team/people/{agency.budi.id}").status_code == 200


def test_direct_reports_elsewhere_are_in_scope(client, agency, login_as, make_user):
    report = make_user(unit=agency.b, full_name="Rina Langsung", supervisor_id=agency.sup_a.id)
    login_as(agency.sup_a)
    html = text(client.get("/team"))
    assert "Rina Langsung" in people_names(html)
    assert "Budi Rahasia" not in html
    assert "Pegawai lain dalam cakupan Anda" in html  # the summary row of direct reports
    assert client.get(f"/team/people/{report.id}").status_code == 200


def test_learners_and_instructors_cannot_open_team_pages(client, agency, login_as, make_user):
    login_as(agency.agus)
    for url in ("/team", "/team/export.csv", "/team/completions.xlsx", "/team/assignments"):
        assert client.get(url).status_code == 403, url


# Figures -----------------------------------------------------------------------------------------
def test_dashboard_figures_jp_status_and_certificates(client, agency, login_as):
    this_year = today().year
    complete(agency.agus, agency.course)  # 4 JP this year
    last_year = datetime(this_year - 1, 6, 1, 3, 0, tzinfo=UTC)
    complete(agency.agus, agency.other_course, when=last_year)  # 6 JP last year
    # Dewi (in A1): due ten days ago, not done.
    ago = utcnow() - timedelta(days=20)
    assign(agency.sup_a, agency.course, units=[agency.a1], due_in_days=10, now=ago)
    login_as(agency.sup_a)

    html = text(client.get("/team?sort=-jp"))
    assert people_names(html)[0] == "Agus Setiawan"
    row = html[html.index("Agus Setiawan") :].split("</tr>")[0]
    assert "4 / 20" in row
    assert re.search(r'<td class="num"[^>]*>2</td>', row)  # two certificates

    html = text(client.get(f"/team?year={this_year - 1}"))
    row = html[html.index("Agus Setiawan") :].split("</tr>")[0]
    assert "6 / 20" in row

    html = text(client.get("/team?status=overdue"))
    assert people_names(html) == ["Dewi Lestari"]
    assert "1 terlambat" in html
    assert re.search(r"<dd>1</dd>", html)  # one overdue assigned course in the stats

    html = text(client.get(f"/team?course={agency.course.id}&status=completed"))
    assert people_names(html) == ["Agus Setiawan"]
    html = text(client.get("/team?jp=below"))
    assert "Agus Setiawan" in people_names(html)  # 4 of 20 JP
    html = text(client.get(f"/team/people/{agency.dewi.id}"))
    assert "Etika ASN" in html and "badge-off" in html  # overdue


def test_summary_per_unit_with_an_accessible_chart(client, agency, login_as):
    assign(agency.sup_a, agency.course, units=[agency.a])
    complete(agency.dewi, agency.course)
    login_as(agency.sup_a)
    html = text(client.get("/team"))
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg
    assert "style=" not in html and "<script>" not in html
    summary = html[html.index('id="summary-title"') : html.index('id="people-title"')]
    # Bidang A1: Dewi completed her assigned course; Dinas A directly: two people, none done.
    assert re.search(r"Bidang A1</a></th>\s*<td class=\"num\"[^>]*>1</td>", summary)
    assert "1/1 (100%)" in summary and "0/2 (0%)" in summary
    assert 'width="300" height="16" rx="3" class="chart-bar"' in svg  # 100% bar


# Exports -----------------------------------------------------------------------------------------
def test_team_export_csv_and_xlsx(client, agency, login_as):
    complete(agency.agus, agency.course)
    login_as(agency.sup_a)
    rows = csv_rows(client.get("/team/export.csv"))
    assert rows[0][:4] == ["NIP", "Nama", "Unit kerja", "Jabatan"]
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"Agus Setiawan", "Dewi Lestari", "Kepala A"}
    assert by_name["Agus Setiawan"][0] == agency.agus.nip
    assert by_name["Agus Setiawan"][4] == "4"
    rows = csv_rows(client.get("/team/export.csv?sep=,"))
    assert rows[0][0] == "NIP" and len(rows) == 4
    response = client.get("/team/export.xlsx")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = xlsx_rows(response)
    assert len(rows) == 4
    agus = next(r for r in rows if r[1] == "Agus Setiawan")
    assert agus[0] == agency.agus.nip  # text, not a number Excel would round
    assert agus[4] == 4


def test_completions_export_lists_completions_with_certificate_numbers(client, agency, login_as):
    _c, cert = complete(agency.agus, agency.course, score="92.50")
    old = datetime(today().year - 1, 3, 1, tzinfo=UTC)
    complete(agency.dewi, agency.other_course, when=old)
    login_as(agency.sup_a)
    rows = csv_rows(client.get("/team/completions.csv"))  # this year by default
    assert len(rows) == 2
    nip, name, unit, _position, course, jp, day, score, number = rows[1]
    assert (nip, name, unit, course, jp) == (agency.agus.nip, "Agus Setiawan", "Dinas A",
                                            "Etika ASN", "4")  # fmt: skip
    assert score == "92.5" and number == cert.number
    assert day == format_date(today(), "d MMM y", locale="id")  # read by people: "2 Des 2026"
    first = f"{today().year - 1}-01-01"
    rows = xlsx_rows(client.get(f"/team/completions.xlsx?date_from={first}"))
    assert sorted(r[1] for r in rows[1:]) == ["Agus Setiawan", "Dewi Lestari"]
    rows = xlsx_rows(client.get(f"/team/completions.xlsx?course={agency.course.id}"))
    assert [r[1] for r in rows[1:]] == ["Agus Setiawan"]


def test_siasn_export_has_the_course_record_fields_in_order(app, client, agency, login_as):
    app.config.update(SIASN_INSTANSI_ID="A5EB03E23C52F6A0E040640A040252AD",
                      SIASN_JENIS_KURSUS_SERTIPIKAT="T")  # fmt: skip
    _c, cert = complete(agency.agus, agency.course)
    login_as(agency.sup_a)
    rows = csv_rows(client.get("/team/completions.csv?layout=siasn"))
    assert rows[0][:9] == [
        "namaKursus", "jumlahJam", "tanggalKursus", "tanggalSelesaiKursus",
        "institusiPenyelenggara", "jenisKursusSertipikat", "nomorSertipikat", "instansiId",
        "pnsOrangId",
    ]  # fmt: skip
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["namaKursus"] == "Etika ASN" and record["jumlahJam"] == "4"
    assert record["tanggalSelesaiKursus"] == today().strftime("%d-%m-%Y")
    assert re.fullmatch(r"\d\d-\d\d-\d{4}", record["tanggalKursus"])
    assert record["institusiPenyelenggara"] == app.config["INSTANCE_NAME"]
    assert record["jenisKursusSertipikat"] == "T"
    assert record["nomorSertipikat"] == cert.number
    assert record["instansiId"] == "A5EB03E23C52F6A0E040640A040252AD"
    assert record["pnsOrangId"] == ""
    assert record["nip"] == agency.agus.nip
    rows = xlsx_rows(client.get("/team/completions.xlsx?layout=siasn"))
    assert rows[0][:2] == ["namaKursus", "jumlahJam"] and rows[1][0] == "Etika ASN"


# Queries -----------------------------------------------------------------------------------------
# Every signed-in request loads the user with their roles and session (Flask-Login): 1 query,
# and the header's notification bell its unread count: 1.
DASHBOARD_SUPERVISOR = 10  # + supervised units, units of the scope, courses, count, page, summary,
# the viewer's pending follow-up surveys, the team's JP by source (10:20:70)
DASHBOARD_ADMIN = 9  # an admin's scope needs no supervised units
# Without filters the summary may come from the kept figures of a large instance: + their lookup.
KEPT_LOOKUP = 1


def _team_of(size, unit, supervisor, course, other):
    people = [
        User(
            nip=f"1990010120150{n:05d}",
            full_name=f"Anggota {n:03d}",
            email=f"anggota{n}@example.go.id",
            unit_id=unit.id,
            position="Analis",
            supervisor_id=supervisor.id if n % 2 else None,
        )
        for n in range(size)
    ]
    for p in people:
        p.roles = ["learner"]
    db.session.add_all(people)
    db.session.commit()
    assign(supervisor, course, units=[unit], now=utcnow() - timedelta(days=30), due_in_days=20)
    assign(supervisor, other, units=[unit])
    for p in people[::2]:
        complete(p, course)
    return people


@pytest.mark.parametrize("size", [5, 60])
def test_dashboard_queries_do_not_grow_with_the_team(client, agency, login_as, size):
    _team_of(size, agency.a1, agency.sup_a, agency.course, agency.other_course)
    login_as(agency.sup_a)
    filtered = f"/team?course={agency.course.id}&status=overdue&sort=-activity"
    for url, expected in (
        ("/team", DASHBOARD_SUPERVISOR + KEPT_LOOKUP),
        (filtered, DASHBOARD_SUPERVISOR),
    ):
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert len(statements) == expected, statements
    html = text(client.get("/team"))
    assert f"{size + 3} orang ditemukan" in html


@pytest.mark.parametrize("size", [5, 60])
def test_admin_dashboard_and_exports_queries_do_not_grow(client, agency, login_as, size):
    _team_of(size, agency.a1, agency.sup_a, agency.course, agency.other_course)
    login_as(agency.admin)
    with count_queries() as statements:
        assert client.get("/team?jp=below&sort=unit").status_code == 200
    assert len(statements) == DASHBOARD_ADMIN, statements
    with count_queries() as statements:
        assert client.get("/team/export.xlsx").status_code == 200
    team_export = len(statements)
    with count_queries() as statements:
        assert client.get("/team/completions.csv?layout=siasn").status_code == 200
    # + units, courses, the row count (a large export becomes a job), the export
    assert (team_export, len(statements)) == (5, 5)


# The synthetic agency ----------------------------------------------------------------------------
def test_demo_generate_makes_a_consistent_agency_and_refuses_production(app, runner, client):
    result = runner.invoke(
        args=["demo", "generate", "--people", "120", "--units", "12", "--courses", "4",
              "--per-person", "3", "--seed", "7"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "120 people" in result.output and "12 units" in result.output
    again = runner.invoke(args=["demo", "generate", "--people", "5"])
    assert again.exit_code != 0 and "already there" in again.output
    boss = db.session.scalar(db.select(User).where(User.email == "gen00001@sintetis.go.id"))
    assert boss.has_role("supervisor") and boss.supervised
    from conftest import login

    assert login(client, boss.email, "elearn-demo").status_code == 302
    html = text(client.get("/team"))
    assert "orang ditemukan" in html and "<svg" in html
    rows = csv_rows(client.get("/team/completions.csv?date_from=2000-01-01"))
    assert len(rows) > 1 and all(r[8] for r in rows[1:])  # every completion has a certificate
    app.config["PRODUCTION"] = True
    refused = runner.invoke(args=["demo", "generate", "--people", "5"])
    assert refused.exit_code != 0 and "production" in refused.output
