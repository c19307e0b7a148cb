"""Assessments, gaps and recommendations ("My competencies"), the supervisor's assessment, the
unit heatmap with its drill-down and export: through the pages, as their users see them."""

import csv
import io
import re

import pytest
from conftest import csrf_token, login
from factories_course import import_course, write_course
from sqlalchemy import func, select
from test_queries import count_queries

from elearn.extensions import db
from elearn.learn.services import current_year
from elearn.models import (
    AssessorRole,
    AuditLog,
    Competency,
    CompetencyAssessment,
    CompetencyAssessmentItem,
    CompetencyLevel,
    Completion,
    CourseCompetency,
    DevelopmentPlan,
    DevelopmentPlanItem,
    PositionKind,
    PositionStandard,
    User,
)
from elearn.timeutil import utcnow

YEAR = 0  # this year in the instance's zone, set for each test


@pytest.fixture(autouse=True)
def _this_year(app):
    global YEAR
    YEAR = current_year()


HEATMAP_QUERIES = 7  # + the low-rated courses of the gaps
EXPORT_QUERIES = 7
REVISION_RE = re.compile(r'name="revision" type="hidden" value="(\d+)"')


def make_competency(name, kind="manajerial", code=None):
    comp = Competency(name=name, kind=kind, code=code, active=True)
    comp.levels = [
        CompetencyLevel(level=n, indicator=f"{name}: perilaku tingkat {n}") for n in range(1, 6)
    ]
    db.session.add(comp)
    db.session.commit()
    return comp


@pytest.fixture
def world(make_unit, make_user):
    """Unit A (supervised by `sup`) with a1, a2; unit B with b1 (out of sup's scope). The
    position kind "pelaksana" requires Integritas 3 and Kerja Sama 2."""
    root = make_unit("Pemkab Uji", code="ROOT")
    unit_a = make_unit("Dinas A", parent=root, code="A")
    unit_b = make_unit("Dinas B", parent=root, code="B")
    integ = make_competency("Integritas", code="M-01")
    kerja = make_competency("Kerja Sama", code="M-02")
    other = make_competency("Literasi Data", kind="teknis", code="T-01")
    db.session.add(PositionKind(code="pelaksana", name="Pelaksana", group="administrasi"))
    db.session.add_all(
        [
            PositionStandard(position_kind="pelaksana", competency_id=integ.id, level=3),
            PositionStandard(position_kind="pelaksana", competency_id=kerja.id, level=2),
        ]
    )
    db.session.commit()
    sup = make_user(roles=("supervisor", "learner"), unit=unit_a, full_name="Kepala A")
    sup.supervised = [unit_a]
    a1 = make_user(unit=unit_a, full_name="Ani Satu", position_kind="pelaksana")
    a2 = make_user(unit=unit_a, full_name="Adi Dua", position_kind="pelaksana")
    b1 = make_user(unit=unit_b, full_name="Budi Luar", position_kind="pelaksana")
    admin = make_user(roles=("admin", "learner"), full_name="Admin")
    db.session.commit()
    return {
        "A": unit_a, "B": unit_b, "integ": integ, "kerja": kerja, "other": other,
        "sup": sup, "a1": a1, "a2": a2, "b1": b1, "admin": admin,
    }  # fmt: skip


def assess(client, person, levels, notes=None, revision=None, year=None, extra=()):
    """Post the assessment form of `person` ({competency: level}) as the signed-in user."""
    year = year or YEAR
    url = f"/competencies/assess/{person.id}?year={year}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = csrf_token(client, url)
    if revision is None:
        revision = int(REVISION_RE.search(html).group(1))
    data = {"csrf_token": token, "revision": str(revision), "year": str(year), "action": "save"}
    data["competency"] = [str(c.id if hasattr(c, "id") else c) for c in [*levels, *extra]]
    for comp, level in levels.items():
        cid = comp.id if hasattr(comp, "id") else comp
        data[f"level-{cid}"] = str(level)
        data[f"note-{cid}"] = (notes or {}).get(comp, "")
    return client.post(url, data=data)


def add_assessment(user, role, levels, year=None, assessor=None):
    a = CompetencyAssessment(
        user_id=user.id, period=year or YEAR, role=role, assessor_id=(assessor or user).id
    )
    a.items = [
        CompetencyAssessmentItem(competency_id=c.id, level=lv, indicator="")
        for c, lv in levels.items()
    ]
    db.session.add(a)
    db.session.commit()


def text_of(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# Gaps ---------------------------------------------------------------------------------------------
def test_self_assessment_gives_gaps_largest_first(world, login_as):
    client = login_as(world["a1"])
    response = assess(client, world["a1"], {world["integ"]: 1, world["kerja"]: 3})
    assert response.status_code == 302
    page = text_of(client.get("/competencies/mine"))
    # Integritas: required 3, self 1 -> gap 2; Kerja Sama: required 2, self 3 -> no gap.
    assert "Integritas" in page and "kesenjangan 2 level" in page
    gaps = page.split("Memenuhi atau melampaui standar")[0]
    assert "Kerja Sama" not in gaps.split("Kesenjangan tahun")[1]
    assert "Kerja Sama" in page.split("Memenuhi atau melampaui standar")[1]


def test_gaps_in_indonesian(world, login_as):
    client = login_as(world["a1"])
    assess(client, world["a1"], {world["integ"]: 2})
    page = text_of(client.get("/competencies/mine"))
    assert "<h1>Kompetensi saya</h1>" in page


def test_not_assessed_is_listed_apart_with_a_call_to_self_assess(world, login_as):
    client = login_as(world["a2"])
    page = text_of(client.get("/competencies/mine"))
    todo = page.split('id="todo-title"')[1]
    assert "Integritas" in todo and "Kerja Sama" in todo
    assert f"/competencies/assess/{world['a2'].id}" in todo
    assert "Belum ada kesenjangan untuk ditampilkan." in page


def test_supervisor_level_wins_over_self(world, login_as, client):
    login_as(world["a1"])
    assess(client, world["a1"], {world["integ"]: 3, world["kerja"]: 2})
    assert "Tidak ada kesenjangan" in text_of(client.get("/competencies/mine"))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(world["sup"])
    response = assess(client, world["a1"], {world["integ"]: 1})
    assert response.status_code == 302
    # The supervisor's assessment is audited.
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "competency.assess"))
    assert entry is not None and entry.detail["user_id"] == world["a1"].id
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(world["a1"])
    page = text_of(client.get("/competencies/mine"))
    assert "kesenjangan 2 level" in page  # required 3 - supervisor's 1, not the self level 3
    # Kerja Sama has only a self level (2): it still counts, and meets the standard.
    assert "Kerja Sama" in page.split("Memenuhi atau melampaui standar")[1]


def test_completing_a_course_is_evidence_never_a_level(world, login_as, tmp_path):
    course = import_course(
        write_course(tmp_path, "integritas-1", competencies=(("Integritas", "manajerial", 3),))
    )
    db.session.add(
        Completion(
            user_id=world["a1"].id, course_id=course.id, version_id=course.current_version_id,
            completed_at=utcnow(), jp=2,
        )
    )  # fmt: skip
    db.session.commit()
    add_assessment(world["a1"], AssessorRole.SELF, {world["integ"]: 1})
    client = login_as(world["sup"])
    page = text_of(client.get(f"/competencies/assess/{world['a1'].id}"))
    assert "Bukti: kursus yang telah diselesaikan" in page and "Kursus integritas-1" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(world["a1"])
    assert "kesenjangan 2 level" in text_of(client.get("/competencies/mine"))


# Recommendations ---------------------------------------------------------------------------------
def test_recommendations_only_published_courses_at_or_above_the_needed_level(
    world, login_as, tmp_path
):
    def course(slug, level, name="Integritas", kind="manajerial"):
        return import_course(
            write_course(
                tmp_path, slug, title=f"Kursus {slug}", competencies=((name, kind, level),)
            )
        )

    course("pas", 3)
    course("lanjut", 5)
    course("rendah", 2)
    tanpa = course("tanpa-tingkat", 3)
    link = db.session.scalar(
        select(CourseCompetency).where(CourseCompetency.version_id == tanpa.current_version_id)
    )
    link.level = None
    draft = course("belum-terbit", 4)
    draft.current_version_id = None
    closed = course("tertutup", 4)
    closed.restricted = True
    course("lain", 5, name="Literasi Data", kind="teknis")
    db.session.commit()
    add_assessment(world["a1"], AssessorRole.SELF, {world["integ"]: 1})
    page = text_of(login_as(world["a1"]).get("/competencies/mine"))
    recs = page.split("Kursus yang mengajarkannya pada level 3 atau lebih")[1].split("</ul>")[0]
    assert "Kursus pas" in recs and "Kursus lanjut" in recs
    assert "Kursus rendah" not in recs
    assert "Kursus belum-terbit" not in recs and "Kursus tertutup" not in recs
    assert "Kursus lain" not in recs
    # A course that names no level comes after, marked as such.
    assert recs.index("Kursus tanpa-tingkat") > recs.index("Kursus pas")
    assert "tingkat tidak disebut" in recs.split("Kursus tanpa-tingkat")[1]
    assert '/courses/pas"' in recs


# The assessment form ------------------------------------------------------------------------------
def test_assessment_form_shows_the_dictionary_indicators(world, login_as):
    page = text_of(login_as(world["a1"]).get(f"/competencies/assess/{world['a1'].id}"))
    assert "Integritas: perilaku tingkat 4" in page
    assert "level dipersyaratkan 3" in page


def test_an_assessor_may_add_another_competency(world, login_as, client):
    login_as(world["sup"])
    url = f"/competencies/assess/{world['a1'].id}"
    data = {
        "csrf_token": csrf_token(client, url), "revision": "0", "action": "add",
        "add": str(world["other"].id), "competency": [str(world["integ"].id)],
        f"level-{world['integ'].id}": "2", f"note-{world['integ'].id}": "Catatan tetap",
    }  # fmt: skip
    page = text_of(client.post(url, data=data))
    assert "Literasi Data: perilaku tingkat 5" in page and "Catatan tetap" in page
    assert db.session.scalar(select(CompetencyAssessment.id)) is None  # nothing saved yet
    assert assess(client, world["a1"], {world["integ"]: 2, world["other"]: 4}).status_code == 302
    item = db.session.scalar(
        select(CompetencyAssessmentItem).where(
            CompetencyAssessmentItem.competency_id == world["other"].id
        )
    )
    assert item.level == 4


def test_stale_save_is_refused_keeping_the_typed_text(world, login_as):
    client = login_as(world["sup"])
    first = assess(client, world["a1"], {world["integ"]: 2}, notes={world["integ"]: "Pertama"})
    assert first.status_code == 302
    # A second tab still shows revision 0 (the form before the first save).
    response = assess(
        client, world["a1"], {world["integ"]: 4}, notes={world["integ"]: "Catatan kedua"},
        revision=0,
    )  # fmt: skip
    assert response.status_code == 409
    page = text_of(response)
    assert "telah diubah sementara itu" in page and "Catatan kedua" in page
    assert re.search(rf'name="level-{world["integ"].id}" value="4" checked', page)
    item = db.session.scalar(select(CompetencyAssessmentItem))
    assert (item.level, item.note) == (2, "Pertama")
    # Saved again from the refused page (it carries the current revision): accepted.
    rev = REVISION_RE.search(response.get_data(as_text=True)).group(1)
    again = assess(client, world["a1"], {world["integ"]: 4}, revision=int(rev))
    assert again.status_code == 302


@pytest.mark.parametrize("level", ["0", "6", "abc", "-1"])
def test_a_level_outside_1_to_5_is_refused(world, login_as, client, level):
    login_as(world["a1"])
    url = f"/competencies/assess/{world['a1'].id}"
    cid = world["integ"].id
    data = {
        "csrf_token": csrf_token(client, url), "revision": "0", "action": "save",
        "competency": [str(cid), str(world["kerja"].id)], f"level-{cid}": level,
        f"level-{world['kerja'].id}": "2", f"note-{cid}": "Tetap di halaman",
    }  # fmt: skip
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "harus antara 1 dan 5" in page and "Tetap di halaman" in page
    assert db.session.scalar(select(CompetencyAssessment.id)) is None


def test_an_unknown_competency_is_refused(world, login_as, client):
    login_as(world["a1"])
    url = f"/competencies/assess/{world['a1'].id}"
    data = {
        "csrf_token": csrf_token(client, url), "revision": "0", "action": "save",
        "competency": [str(world["integ"].id), "987654"], f"level-{world['integ'].id}": "2",
        "level-987654": "3",
    }  # fmt: skip
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "Kompetensi tidak dikenal" in text_of(response)
    assert db.session.scalar(select(CompetencyAssessment.id)) is None


def test_editing_the_dictionary_keeps_the_old_assessment_text(world, login_as):
    client = login_as(world["a1"])
    assess(client, world["a1"], {world["integ"]: 2})
    level = db.session.get(CompetencyLevel, (world["integ"].id, 2))
    level.indicator = "Teks baru tingkat 2"
    db.session.commit()
    item = db.session.scalar(select(CompetencyAssessmentItem))
    assert item.indicator == "Integritas: perilaku tingkat 2"
    page = text_of(client.get(f"/competencies/assess/{world['a1'].id}"))
    assert "Teks baru tingkat 2" in page  # the radio label: today's dictionary
    assert "uraian sebelumnya: Integritas: perilaku tingkat 2" in page
    mine = text_of(client.get("/competencies/mine"))
    assert "Integritas: perilaku tingkat 2" in mine


# Scope --------------------------------------------------------------------------------------------
def test_nobody_assesses_or_sees_someone_outside_their_scope(world, login_as, client):
    login_as(world["sup"])
    b1 = world["b1"]
    assert client.get(f"/competencies/assess/{b1.id}").status_code == 404
    token = csrf_token(client, "/competencies/mine")
    data = {"csrf_token": token, "revision": "0", "action": "save",
            "competency": [str(world["integ"].id)], f"level-{world['integ'].id}": "1"}  # fmt: skip
    assert client.post(f"/competencies/assess/{b1.id}", data=data).status_code == 404
    assert db.session.scalar(select(CompetencyAssessment.id)) is None
    # Not listed, not even through a unit filter of another unit.
    add_assessment(b1, AssessorRole.SELF, {world["integ"]: 1})
    add_assessment(world["a1"], AssessorRole.SELF, {world["integ"]: 1})
    for url in ("/competencies/team", f"/competencies/team?unit={world['B'].id}"):
        page = text_of(client.get(url))
        assert "Budi Luar" not in page and "Ani Satu" in page
    heat = text_of(client.get(f"/competencies/units?unit={world['B'].id}"))
    assert "Dinas B" not in heat and "1 dari 1 yang dinilai" in heat
    drill = f"/competencies/units/people?competency={world['integ'].id}"
    assert client.get(f"{drill}&unit={world['B'].id}").status_code == 404
    people = text_of(client.get(drill))
    assert "Ani Satu" in people and "Budi Luar" not in people
    export = client.get("/competencies/units/export.csv").get_data(as_text=True)
    row = next(r for r in csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";")
               if r[0] == "Integritas")  # fmt: skip
    assert row[2:5] == ["2", "1", "1"]  # required of a1 and a2 (not b1), a1 assessed, below


def test_a_learner_sees_only_their_own_assessment(world, login_as):
    client = login_as(world["a1"])
    assert client.get(f"/competencies/assess/{world['a2'].id}").status_code == 404
    assert client.get("/competencies/units").status_code == 403
    assert client.get("/competencies/team").status_code == 403


def test_the_team_list_shows_who_is_assessed(world, login_as):
    add_assessment(world["a1"], AssessorRole.SELF, {world["integ"]: 2})
    add_assessment(world["a2"], AssessorRole.SUPERVISOR, {world["integ"]: 2}, assessor=world["sup"])
    client = login_as(world["sup"])
    only_self = text_of(client.get("/competencies/team?status=self"))
    assert "Ani Satu" in only_self and "Adi Dua" not in only_self
    by_sup = text_of(client.get("/competencies/team?status=supervisor"))
    assert "Adi Dua" in by_sup and "Ani Satu" not in by_sup
    nobody = text_of(client.get("/competencies/team?status=none"))
    assert "Kepala A" in nobody and "Ani Satu" not in nobody
    person = text_of(client.get(f"/team/people/{world['a1'].id}"))
    assert f"/competencies/assess/{world['a1'].id}" in person


# Heatmap ------------------------------------------------------------------------------------------
def test_heatmap_numbers_and_trend(world, login_as, tmp_path):
    integ, kerja = world["integ"], world["kerja"]
    a1, a2, sup = world["a1"], world["a2"], world["sup"]
    # This year: a1 is below in Integritas (2 < 3) by the supervisor's level although the self
    # level is 3; a2 meets it. Last year both were below (gaps 1 and 2).
    add_assessment(a1, AssessorRole.SELF, {integ: 3, kerja: 2})
    add_assessment(a1, AssessorRole.SUPERVISOR, {integ: 2}, assessor=sup)
    add_assessment(a2, AssessorRole.SELF, {integ: 3})
    add_assessment(a1, AssessorRole.SELF, {integ: 2}, year=YEAR - 1)
    add_assessment(a2, AssessorRole.SELF, {integ: 1}, year=YEAR - 1)
    import_course(
        write_course(tmp_path, "integ", title="Kursus Integritas",
                     competencies=(("Integritas", "manajerial", 3),))
    )  # fmt: skip
    plan = DevelopmentPlan(user_id=a1.id, year=YEAR)
    plan.items = [
        DevelopmentPlanItem(title="Kursus", competency_id=integ.id, planned_jp=6),
        DevelopmentPlanItem(title="Mentoring", competency_id=integ.id, planned_jp=4),
    ]
    other_plan = DevelopmentPlan(user_id=world["b1"].id, year=YEAR)  # outside the scope
    other_plan.items = [DevelopmentPlanItem(title="X", competency_id=integ.id, planned_jp=50)]
    db.session.add_all([plan, other_plan])
    db.session.commit()
    client = login_as(sup)
    response = client.get(f"/competencies/units?year={YEAR}")
    html = response.get_data(as_text=True)
    assert 'role="img"' in html and "<title" in html
    page = text_of(response)
    cell = page.split('data-label="Integritas">')[1].split("</td>")[0]
    assert "50%" in cell and "▼ -50" in cell and "kesenjangan 0,5" in cell
    assert "1 dari 2 yang dinilai" in cell
    kcell = page.split('data-label="Kerja Sama">')[1].split("</td>")[0]
    assert "0%" in kcell and "1 belum dinilai" in kcell  # a2 has no Kerja Sama level
    # The SVG shows the same share.
    assert re.search(r'class="heat-value[^"]*">50%</text>', html)
    # Drill-down: the people below standard in that cell.
    people = text_of(
        client.get(f"/competencies/units/people?competency={integ.id}&unit={world['A'].id}")
    )
    assert "Ani Satu" in people and "Adi Dua" not in people
    # Export: competency, required, assessed, below, share, mean gap, courses, planned JP.
    export = client.get(f"/competencies/units/export.csv?year={YEAR}")
    assert export.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))  # fmt: skip
    integ_row = next(r for r in rows if r[0] == "Integritas")
    assert integ_row[2:7] == ["2", "2", "1", "50", "0.5"]
    assert "Kursus Integritas" in integ_row[7] and integ_row[8] == "10"
    xlsx = client.get(f"/competencies/units/export.xlsx?year={YEAR}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_heatmap_follows_every_change_of_an_assessment(world, login_as):
    """Self only, supervisor only, a supervisor's level added, edited later and taken back."""
    integ, a1, a2 = world["integ"], world["a1"], world["a2"]
    add_assessment(a1, AssessorRole.SELF, {integ: 2})  # below (3 required)
    add_assessment(a2, AssessorRole.SUPERVISOR, {integ: 3}, assessor=world["sup"])  # no self
    client = login_as(world["sup"])

    def integ_cell():
        page = text_of(client.get(f"/competencies/units?year={YEAR}"))
        return page.split('data-label="Integritas">')[1].split("</td>")[0]

    def below_people():
        url = f"/competencies/units/people?competency={integ.id}&unit={world['A'].id}"
        return text_of(client.get(url))

    assert "50%" in integ_cell() and "1 dari 2 yang dinilai" in integ_cell()
    assert "Ani Satu" in below_people()
    assert assess(client, a1, {integ: 3}).status_code == 302  # the supervisor's level wins
    assert "0%" in integ_cell() and "0 dari 2 yang dinilai" in integ_cell()
    assert "Ani Satu" not in below_people()
    assert assess(client, a1, {integ: 1}).status_code == 302  # edited later
    assert "50%" in integ_cell() and "kesenjangan 1</span>" in integ_cell()  # (3 - 1 + 0) / 2
    assert "Ani Satu" in below_people()
    assert assess(client, a1, {integ: ""}).status_code == 302  # taken back: the self level
    assert "50%" in integ_cell() and "kesenjangan 0,5" in integ_cell()
    # The svg is one image: its drill-down links are in the table only.
    html = client.get(f"/competencies/units?year={YEAR}").get_data(as_text=True)
    assert "<a " not in html.split("<svg")[1].split("</svg>")[0]
    # A drill-down link names its unit and competency to a screen reader listing the links.
    link = re.search(r'<a href="/competencies/units/people[^"]*">(.*?)</a>', html, re.S).group(1)
    assert "50%" in link and "Integritas" in link


def test_heatmap_filters_by_position_kind(world, login_as):
    add_assessment(world["a1"], AssessorRole.SELF, {world["integ"]: 1})
    db.session.add(PositionKind(code="pengawas", name="Pengawas", group="administrasi"))
    db.session.commit()
    client = login_as(world["admin"])
    assert "Integritas" in text_of(client.get("/competencies/units?kind=pelaksana"))
    assert "Belum ada pegawai dalam tampilan ini" in text_of(
        client.get("/competencies/units?kind=pengawas")
    )


def _people(make_user, unit, n, integ, kerja):
    for i in range(n):
        user = make_user(unit=unit, position_kind="pelaksana", full_name=f"Orang {i}")
        add_assessment(user, AssessorRole.SELF, {integ: 1 + i % 5, kerja: 2})
        if i % 2:
            add_assessment(user, AssessorRole.SUPERVISOR, {integ: 2}, assessor=user)
        add_assessment(user, AssessorRole.SELF, {integ: 1}, year=YEAR - 1)


def test_heatmap_queries_do_not_grow_with_people_or_competencies(
    world, login_as, make_user, make_unit
):
    client = login_as(world["admin"])
    _people(make_user, world["A"], 3, world["integ"], world["kerja"])
    urls = ["/competencies/units", f"/competencies/units?unit={world['A'].id}",
            f"/competencies/units/export.csv?unit={world['A'].id}"]  # fmt: skip

    def counts():
        out = []
        for url in urls:
            client.get(url)  # warm
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            out.append(len(statements))
        return out

    small = counts()
    more = [make_competency(f"Teknis {n}", kind="teknis") for n in range(5)]
    for comp in more:
        db.session.add(PositionStandard(position_kind="pelaksana", competency_id=comp.id, level=2))
    db.session.commit()
    _people(make_user, make_unit("Dinas C", parent=world["A"]), 27, world["integ"], more[0])
    big = counts()
    assert big == small
    # Sign-in (2), the bell, the scope's units, the position kinds, the aggregate, the
    # competencies' names; the export: no bell, + recommended courses and planned JP.
    assert small == [HEATMAP_QUERIES, HEATMAP_QUERIES, EXPORT_QUERIES]


def test_assessment_is_refused_for_a_year_outside_the_list(world, login_as):
    client = login_as(world["a1"])
    old = YEAR - 30
    page = text_of(client.get(f"/competencies/assess/{world['a1'].id}?year={old}"))
    assert f"Penilaian diri saya {YEAR}" in page


# Demo and scale data ------------------------------------------------------------------------------
def test_demo_assessments_are_seeded_once_after_the_dictionary(app, runner, client):
    from elearn.competencies.needs_demo import seed_assessments
    from elearn.demo import seed

    seed()
    db.session.commit()
    assert seed_assessments() == 0  # no dictionary yet
    comp = make_competency("Literasi Digital", kind="teknis", code="T.TI.1")
    db.session.add(
        PositionStandard(
            position_key="pranata komputer ahli pertama",
            position_name="Pranata Komputer Ahli Pertama",
            competency_id=comp.id,
            level=3,
        )
    )
    db.session.commit()
    added = seed_assessments()
    db.session.commit()
    # Agus holds that jabatan: his self and supervisor assessments, this year and the last.
    assert added == 4
    assert seed_assessments() == 0
    agus = db.session.scalar(select(User).where(User.email == "agus@sukamaju.go.id"))
    login(client, agus.email, "elearn-demo")
    page = text_of(client.get("/competencies/mine"))
    assert "Literasi Digital" in page and 'id="todo-title"' not in page


def test_demo_generate_writes_assessments_for_everyone(app, runner, make_user, login_as):
    result = runner.invoke(
        args=["demo", "generate", "--people", "60", "--units", "6", "--courses", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "assessments" in result.output
    people = db.session.scalar(select(func.count(User.id)).where(User.email.like("gen%")))
    assessed = db.session.scalar(
        select(func.count(func.distinct(CompetencyAssessment.user_id))).where(
            CompetencyAssessment.period == YEAR, CompetencyAssessment.role == AssessorRole.SELF
        )
    )
    assert assessed == people == 60
    admin = make_user(roles=("admin",))
    page = text_of(login_as(admin).get("/competencies/units"))
    assert "Integritas" in page and "Perekat Bangsa" in page and "yang dinilai" in page
