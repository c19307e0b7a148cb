"""An attacker's round over the competency pages (dictionary, standards, assessments, heatmap,
plans, exports): other people's ids, missing CSRF, markup in every text a user can type, formula
cells in every download, huge and absurd input. Each test asserts what a user would notice."""

import csv
import io
import re

import pytest
from conftest import PASSWORD, csrf_token
from openpyxl import load_workbook
from sqlalchemy import func, select
from test_supervision_helpers import build_agency, signed_in

from elearn.extensions import db
from elearn.learn.services import current_year
from elearn.models import Competency, CompetencyLevel, Notification
from elearn.models.competency import (
    CompetencyAssessment,
    CompetencyAssessmentItem,
    DevelopmentPlan,
    DevelopmentPlanItem,
    PlanStatus,
    PositionKind,
    PositionStandard,
    position_key,
)

XSS = '</title><script>alert(1)</script>"><svg onload=alert(2)>'
RAW_MARKERS = ("<script>alert", "<svg onload", "</title><script")
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def body(response):
    return response.get_data(as_text=True)


def add_competency(name, code, indicator="perilaku"):
    comp = Competency(name=name, kind="manajerial", code=code, active=True)
    comp.levels = [CompetencyLevel(level=n, indicator=f"{indicator} {n}") for n in range(1, 6)]
    db.session.add(comp)
    db.session.commit()
    return comp


@pytest.fixture
def world(app, make_unit, make_user, tmp_path):
    ag = build_agency(make_unit, make_user, tmp_path)
    ag.integ = add_competency("Integritas", "M-01")
    for person in (ag.agus, ag.dewi, ag.budi):
        person.position_kind = "pelaksana"
        person.supervisor = ag.sup_a if person is not ag.budi else ag.sup_b
    db.session.add(PositionKind(code="pelaksana", name="Pelaksana", group="administrasi"))
    db.session.add(PositionStandard(position_kind="pelaksana", competency_id=ag.integ.id, level=3))
    db.session.commit()
    return ag


def make_plan(person, titles=("Magang", "Coaching", "Seminar"), status=PlanStatus.DRAFT):
    plan = DevelopmentPlan(user_id=person.id, year=current_year(), status=status, revision=1)
    plan.items = [
        DevelopmentPlanItem(position=i, title=t, planned_jp=4) for i, t in enumerate(titles, 1)
    ]
    db.session.add(plan)
    db.session.commit()
    return plan


def snapshot(plan):
    db.session.expire_all()
    plan = db.session.get(DevelopmentPlan, plan.id)
    return (plan.status, plan.revision, [(i.id, i.position, i.title) for i in plan.items])


def post_plan(client, url, revision=1, **data):
    data.setdefault("csrf_token", csrf_token(client, "/competencies/plan"))
    data.setdefault("revision", revision)
    data.setdefault("year", current_year())
    return client.post(url, data=data)


# IDOR --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["remove", "up", "down"])
def test_a_learner_cannot_change_another_persons_plan_items(app, world, action):
    theirs = make_plan(world.budi, ("RahasiaB1", "RahasiaB2", "RahasiaB3"))
    make_plan(world.agus, ("Punya Agus",))
    before = snapshot(theirs)
    client = signed_in(app, world.agus)
    item = theirs.items[1].id
    response = post_plan(client, f"/competencies/plan/items/{item}/{action}")
    assert response.status_code in (404, 409)
    assert "Budi Rahasia" not in body(response) and "RahasiaB" not in body(response)
    assert snapshot(theirs) == before


def test_nobody_decides_their_own_plan(app, world):
    for person in (world.agus, world.sup_a, world.admin):
        plan = make_plan(person, ("Sendiri",), status=PlanStatus.SUBMITTED)
        client = signed_in(app, person)
        response = client.post(
            f"/competencies/plans/{plan.id}/decision",
            data={
                "csrf_token": csrf_token(client, "/competencies/plan"),
                "action": "approve",
                "note": "",
                "revision": plan.revision,
            },
        )
        assert response.status_code in (403, 404), person.full_name
        db.session.expire_all()
        assert db.session.get(DevelopmentPlan, plan.id).status == PlanStatus.SUBMITTED


def test_a_learner_reads_nothing_of_other_people(app, world):
    make_plan(world.budi)
    client = signed_in(app, world.agus)
    comp = world.integ.id
    for url in (
        f"/competencies/assess/{world.budi.id}",
        f"/competencies/assess/{world.dewi.id}",
        f"/competencies/plans/people/{world.budi.id}",
        f"/competencies/units/people?competency={comp}",
        f"/competencies/units/people?unit={world.b.id}&competency={comp}",
        "/competencies/units",
        "/competencies/team",
        "/competencies/plans",
        "/competencies/plans/export.csv",
        "/competencies/units/export.csv",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Budi Rahasia" not in body(response), url


def test_a_supervisor_of_unit_a_reaches_nobody_of_unit_b(app, world):
    plan = make_plan(world.budi, ("Rahasia B",), status=PlanStatus.SUBMITTED)
    budi_assessment = CompetencyAssessment(
        user_id=world.budi.id, period=current_year(), role="self", assessor_id=world.budi.id
    )
    budi_assessment.items = [
        CompetencyAssessmentItem(competency_id=world.integ.id, level=1, indicator="")
    ]
    db.session.add(budi_assessment)
    db.session.commit()
    client = signed_in(app, world.sup_a)
    comp = world.integ.id
    b = world.b.id
    for url in (
        f"/competencies/assess/{world.budi.id}",
        f"/competencies/plans/people/{world.budi.id}",
        f"/competencies/units/people?unit={b}&competency={comp}",
        f"/competencies/units/people?unit={b}&competency={comp}&direct=1",
        f"/competencies/units/people?unit={world.root.id}&competency={comp}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/competencies/units?unit={b}",
        f"/competencies/units/people?competency={comp}",
        f"/competencies/units/people?unit=0&competency={comp}",
        f"/competencies/team?unit={b}",
        "/competencies/team?q=Budi",
        f"/competencies/team?q={world.budi.nip}",
        f"/competencies/plans?unit={b}",
        f"/competencies/plans?unit={b}&status=submitted",
        f"/competencies/plans/export.csv?unit={b}",
        f"/competencies/plans/export.xlsx?unit={b}",
        f"/competencies/units/export.csv?unit={b}",
        f"/competencies/units/export.csv?unit={world.root.id}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        data = response.get_data()
        if url.endswith("xlsx") or ".xlsx?" in url:
            data = repr([list(r) for r in load_workbook(io.BytesIO(data)).active.values])
        else:
            data = data.decode("utf-8")
        assert "Budi Rahasia" not in data and "Rahasia B" not in data, url
    response = client.post(
        f"/competencies/plans/{plan.id}/decision",
        data={
            "csrf_token": csrf_token(client, "/competencies/plans"),
            "action": "approve",
            "revision": plan.revision,
        },
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(DevelopmentPlan, plan.id).status == PlanStatus.SUBMITTED


# CSRF --------------------------------------------------------------------------------------------
def test_every_plan_and_assessment_post_refuses_a_missing_csrf_token(app, world):
    mine = make_plan(world.agus)
    item = mine.items[0].id
    before = snapshot(mine)
    client = signed_in(app, world.agus)
    for url in (
        "/competencies/plan/courses",
        "/competencies/plan/activities",
        f"/competencies/plan/items/{item}/remove",
        f"/competencies/plan/items/{item}/up",
        f"/competencies/plan/items/{item}/down",
        "/competencies/plan/submit",
        "/competencies/plan/withdraw",
        "/competencies/plan/reopen-request",
        f"/competencies/assess/{world.agus.id}",
    ):
        response = client.post(
            url,
            data={
                "revision": 1,
                "year": current_year(),
                "title": "Disusupkan",
                "planned_jp": "3",
                "course_id": world.course.id,
                "competency": str(world.integ.id),
                f"level-{world.integ.id}": "5",
                "action": "save",
            },
        )
        assert response.status_code == 400, url
    assert snapshot(mine) == before
    assert db.session.scalar(select(func.count()).select_from(CompetencyAssessment)) == 0


# XSS ---------------------------------------------------------------------------------------------
def test_markup_typed_anywhere_is_shown_as_text_on_every_page(app, world):
    evil = add_competency("Jahat " + XSS, "X-1", indicator="Indikator " + XSS)
    db.session.add(PositionStandard(position_kind="pelaksana", competency_id=evil.id, level=4))
    world.agus.full_name = "Agus " + XSS
    world.agus.position = "Analis " + XSS
    db.session.add(
        PositionStandard(
            position_key=position_key(world.agus.position),
            position_name=world.agus.position,
            competency_id=world.integ.id,
            level=4,
        )
    )
    world.a.name = "Dinas " + XSS
    db.session.commit()

    agus = signed_in(app, world.agus)
    html = body(agus.get(f"/competencies/assess/{world.agus.id}"))
    token = csrf_token(agus, f"/competencies/assess/{world.agus.id}")
    response = agus.post(
        f"/competencies/assess/{world.agus.id}",
        data={
            "csrf_token": token,
            "revision": "0",
            "year": current_year(),
            "action": "save",
            "competency": [str(world.integ.id), str(evil.id)],
            f"level-{world.integ.id}": "1",
            f"note-{world.integ.id}": "Catatan " + XSS,
            f"level-{evil.id}": "1",
            f"note-{evil.id}": "Catatan " + XSS,
        },
    )
    assert response.status_code == 302, body(response)[:2000]
    response = post_plan(
        agus,
        "/competencies/plan/activities",
        revision=0,
        title="Rencana " + XSS[:150],
        planned_jp="4",
        competency_id=evil.id,
    )
    assert response.status_code == 302
    plan = db.session.scalar(
        select(DevelopmentPlan).where(DevelopmentPlan.user_id == world.agus.id)
    )
    response = post_plan(agus, "/competencies/plan/submit", revision=plan.revision)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Notification)) >= 1

    sup = signed_in(app, world.sup_a)
    db.session.expire_all()
    plan = db.session.get(DevelopmentPlan, plan.id)
    response = sup.post(
        f"/competencies/plans/{plan.id}/decision",
        data={
            "csrf_token": csrf_token(sup, "/competencies/plans"),
            "action": "return",
            "note": "Ubah " + XSS,
            "revision": plan.revision,
        },
    )
    assert response.status_code == 302
    admin = signed_in(app, world.admin)
    pages = {
        agus: [
            "/competencies/mine",
            "/competencies/plan",
            f"/competencies/assess/{world.agus.id}",
            "/notifications",
        ],
        sup: [
            "/notifications",
            "/competencies/team",
            f"/competencies/assess/{world.agus.id}",
            f"/competencies/plans/people/{world.agus.id}",
            "/competencies/plans",
            "/competencies/units",
            f"/competencies/units?unit={world.a.id}",
            f"/competencies/units/people?competency={evil.id}",
            f"/competencies/units/people?unit={world.a.id}&competency={evil.id}",
        ],
        admin: [
            "/admin/",
            "/competencies/dictionary",
            f"/competencies/dictionary/{evil.id}",
            "/competencies/standards",
            "/competencies/standards/positions",
            "/competencies/units",
            f"/competencies/units/people?competency={evil.id}",
            "/competencies/plans",
            f"/competencies/plans/people/{world.agus.id}",
        ],
    }
    printed = 0
    for client, urls in pages.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = body(response)
            for marker in RAW_MARKERS:
                assert marker not in html, (url, marker)
            printed += "&lt;script&gt;alert" in html or "&lt;svg onload" in html
    assert printed >= 15  # the text is shown (escaped), not dropped


def test_the_heatmap_svg_escapes_unit_and_competency_names(app, world):
    add_competency(XSS, None)  # no code: the SVG column shows the name
    evil = db.session.scalar(select(Competency).where(Competency.code.is_(None)))
    db.session.add(PositionStandard(position_kind="pelaksana", competency_id=evil.id, level=4))
    world.a.name = XSS
    db.session.commit()
    client = signed_in(app, world.admin)
    html = body(client.get(f"/competencies/units?unit={world.root.id}"))
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count("<title") == svg.count("</title>")
    assert "&lt;/title&gt;" in svg
    for marker in RAW_MARKERS:
        assert marker not in html


# Formula cells in every export -------------------------------------------------------------------
def cells(response, fmt):
    assert response.status_code == 200
    if fmt == "csv":
        text = response.get_data().decode("utf-8-sig")
        return [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for c in row]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [c for row in sheet.values for c in row if c is not None]


def unguarded(values):
    return [v for v in values if isinstance(v, str) and v.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_download_hands_out_a_formula(app, world, fmt):
    for i, formula in enumerate(FORMULAS):
        comp = add_competency(formula, f"{formula[:3]}{i}", indicator=formula)
        comp.sector = formula
        comp.description = formula
        db.session.add(PositionStandard(position_kind="pelaksana", competency_id=comp.id, level=5))
        db.session.add(
            PositionStandard(
                position_key=position_key(formula + " jabatan"),
                position_name=formula + " jabatan",
                competency_id=comp.id,
                level=2,
            )
        )
    world.agus.full_name = FORMULAS[0]
    world.a.name = FORMULAS[1]
    db.session.commit()
    make_plan(world.agus, FORMULAS)
    admin = signed_in(app, world.admin)
    sup = signed_in(app, world.sup_a)
    downloads = [
        (admin, f"/competencies/import/dictionary.{fmt}"),
        (admin, f"/competencies/import/standards.{fmt}"),
        (admin, f"/competencies/plans/export.{fmt}"),
        (sup, f"/competencies/plans/export.{fmt}"),
        (admin, f"/competencies/units/export.{fmt}"),
        (sup, f"/competencies/units/export.{fmt}?unit={world.a.id}"),
    ]
    for client, url in downloads:
        response = client.get(url)
        values = cells(response, fmt)
        assert values, url
        assert unguarded(values) == [], url
        assert response.headers["Cache-Control"] == "no-store"
    plan_cells = cells(admin.get(f"/competencies/plans/export.{fmt}"), fmt)
    assert "'" + FORMULAS[0] in plan_cells  # the text is there, shown as text


# Huge and absurd input ---------------------------------------------------------------------------
def test_a_plan_never_holds_more_than_fifty_items(app, world):
    client = signed_in(app, world.agus)
    token = csrf_token(client, "/competencies/plan")
    statuses = []
    for n in range(55):
        plan = db.session.scalar(
            select(DevelopmentPlan).where(DevelopmentPlan.user_id == world.agus.id)
        )
        db.session.expire_all()
        response = client.post(
            "/competencies/plan/activities",
            data={
                "csrf_token": token,
                "revision": plan.revision if plan else 0,
                "year": current_year(),
                "title": f"Kegiatan {n}",
                "planned_jp": "1",
            },
        )
        statuses.append(response.status_code)
    assert statuses[:50] == [302] * 50
    assert set(statuses[50:]) == {400}
    assert "paling banyak berisi 50 butir" in body(response)
    assert db.session.scalar(select(func.count()).select_from(DevelopmentPlanItem)) == 50


@pytest.mark.parametrize("jp", ["-1", "1.5", "1e3", "99999999999999999999", "\uff10", "NaN", " 4 "])
def test_absurd_planned_jp_gives_a_message_not_an_error(app, world, jp):
    client = signed_in(app, world.agus)
    response = post_plan(
        client, "/competencies/plan/activities", revision=0, title="Workshop", planned_jp=jp
    )
    assert response.status_code in (302, 400), jp
    if response.status_code == 400:
        assert "JP" in body(response)
    items = db.session.scalars(select(DevelopmentPlanItem)).all()
    assert all(0 <= i.planned_jp <= 500 for i in items)


def test_huge_texts_are_refused_with_a_message(app, world):
    megabyte = "a" * 1_000_000
    client = signed_in(app, world.agus)
    response = post_plan(
        client, "/competencies/plan/activities", revision=0, title=megabyte, planned_jp="2"
    )
    assert response.status_code == 400 and "200 karakter" in body(response)
    assert len(response.get_data()) < 200_000  # the megabyte is not echoed back
    url = f"/competencies/assess/{world.agus.id}"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "revision": "0",
            "year": current_year(),
            "action": "save",
            "competency": str(world.integ.id),
            f"level-{world.integ.id}": "2",
            f"note-{world.integ.id}": megabyte,
        },
    )
    assert response.status_code in (302, 422)
    notes = db.session.scalars(select(CompetencyAssessmentItem.note)).all()
    assert all(len(n or "") <= 5000 for n in notes)

    plan = make_plan(world.dewi, status=PlanStatus.SUBMITTED)
    sup = signed_in(app, world.sup_a)
    response = sup.post(
        f"/competencies/plans/{plan.id}/decision",
        data={
            "csrf_token": csrf_token(sup, "/competencies/plans"),
            "action": "return",
            "note": megabyte,
            "revision": plan.revision,
        },
    )
    assert response.status_code == 400 and "2000 karakter" in body(response)
    assert len(response.get_data()) < 200_000
    assert snapshot(plan)[0] == PlanStatus.SUBMITTED


@pytest.mark.parametrize("level", ["0", "6", "-1", "2.5", "1e9", "abc", "99999999999999999999"])
def test_absurd_levels_are_refused_and_nothing_saved(app, world, level):
    client = signed_in(app, world.agus)
    url = f"/competencies/assess/{world.agus.id}"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "revision": "0",
            "year": current_year(),
            "action": "save",
            "competency": str(world.integ.id),
            f"level-{world.integ.id}": level,
        },
    )
    assert response.status_code == 422
    assert "1" in body(response) and "5" in body(response)
    assert db.session.scalar(select(func.count()).select_from(CompetencyAssessmentItem)) == 0


@pytest.mark.parametrize(
    "query",
    ["year=99999", "year=abc", "year=-1", "year=1e5", "year=2024.5", "page=-3", "page=abc",
     "unit=abc", "unit=-1", "unit=99999999999999999999", "kind=%00", "status=<x>",
     "competency=abc", "q=%25%27%22"],
)  # fmt: skip
def test_odd_query_strings_never_break_a_page(app, world, query):
    admin = signed_in(app, world.admin)
    agus = signed_in(app, world.agus)
    comp = f"&competency={world.integ.id}" if "competency" not in query else ""
    for client, url in (
        (agus, "/competencies/mine"),
        (agus, "/competencies/plan"),
        (agus, f"/competencies/assess/{world.agus.id}"),
        (admin, "/competencies/team"),
        (admin, "/competencies/units"),
        (admin, "/competencies/plans"),
        (admin, "/competencies/plans/export.csv"),
        (admin, "/competencies/units/export.csv"),
        (admin, f"/competencies/plans/people/{world.agus.id}"),
        (admin, "/competencies/dictionary"),
        (admin, "/competencies/standards"),
        (admin, "/competencies/standards/positions"),
    ):
        response = client.get(f"{url}?{query}")
        # A NUL character is refused for every request, with the reason (elearn/web.py).
        assert response.status_code == (400 if "%00" in query else 200), (url, query)
    response = admin.get(f"/competencies/units/people?{query}{comp}")
    assert response.status_code in ((400,) if "%00" in query else (200, 404)), query


def test_sign_in_next_never_leaves_the_site_from_competency_pages(app, client, world):
    for url in ("/competencies/plan", "/competencies/units", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith(("/", "http://localhost/")), location
    for target in ("//evil.example/competencies/plan", "https://evil.example/", "/\\evil.example"):
        client = app.test_client()
        token = csrf_token(client, f"/login?next={target}")
        response = client.post(
            f"/login?next={target}",
            data={"identifier": world.agus.email, "password": PASSWORD, "csrf_token": token,
                  "next": target},
        )  # fmt: skip
        assert response.status_code == 302
        assert "evil.example" not in response.headers["Location"], target


# The dictionary and the standards (admin) ---------------------------------------------------------
@pytest.mark.parametrize(
    "fields",
    [
        {"level": "9"},
        {"level": "0"},
        {"level": "-1"},
        {"level": "2.5"},
        {"level": "99999999999999999999"},
        {"competency_id": "999999"},
        {"competency_id": "abc"},
        {"position": ""},
        {"position": "x" * 100_000},
    ],
)
def test_absurd_position_standards_are_refused_and_nothing_saved(app, world, fields):
    admin = signed_in(app, world.admin)
    url = "/competencies/standards/positions"
    before = db.session.scalar(select(func.count()).select_from(PositionStandard))
    data = {"csrf_token": csrf_token(admin, url), "position": "Analis Kebijakan",
            "competency_id": str(world.integ.id), "level": "3", **fields}  # fmt: skip
    response = admin.post(url, data=data)
    assert response.status_code == 200, fields
    assert 'class="error"' in body(response) or "error" in body(response)
    assert db.session.scalar(select(func.count()).select_from(PositionStandard)) == before
    assert len(response.get_data()) < 300_000  # a huge text is not echoed back whole


@pytest.mark.parametrize("level", ["2.5", "99999999999999999999", "-3", "abc", "6"])
def test_absurd_levels_in_the_standards_grid_save_nothing(app, world, level):
    admin = signed_in(app, world.admin)
    html = body(admin.get("/competencies/standards"))
    cells = sorted(set(re.findall(r'name="(level-[a-z_-]+-\d+)"', html)))
    assert cells
    before = db.session.scalar(select(func.count()).select_from(PositionStandard))
    data = {"csrf_token": csrf_token(admin, "/competencies/standards"), cells[0]: "2",
            cells[-1]: level}  # fmt: skip
    response = admin.post("/competencies/standards", data=data)
    assert response.status_code == 200
    assert "antara 1 dan 5" in body(response)
    assert db.session.scalar(select(func.count()).select_from(PositionStandard)) == before


def test_a_megabyte_indicator_is_refused_with_a_message(app, world):
    admin = signed_in(app, world.admin)
    url = f"/competencies/dictionary/{world.integ.id}"
    html = body(admin.get(url))
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]*)"', html).group(1)
    data = {"csrf_token": csrf_token(admin, url), "stamp": stamp, "name": "Integritas",
            "kind": "manajerial", "code": "M-01", "sector": "", "description": "",
            **{f"level_{n}": f"tingkat {n}" for n in range(1, 6)}}  # fmt: skip
    data["level_3"] = "a" * 1_000_000
    response = admin.post(url, data=data)
    assert response.status_code in (200, 400, 422)
    db.session.expire_all()
    levels = db.session.scalars(
        select(CompetencyLevel.indicator).where(CompetencyLevel.competency_id == world.integ.id)
    ).all()
    assert all(len(t) <= 4000 for t in levels)
