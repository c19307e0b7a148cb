"""Individual development plans, as a learner and a supervisor use them: building the plan,
totals against the yearly target, progress that follows completions (of the plan's year only),
submit / approve / return with audit and notification, no change after approval, stale pages
refused without losing what was typed, scope (404) and the export."""

import csv
import html as htmlmod
import io
import re

import pytest
from conftest import csrf_token, login
from factories_course import import_shipped
from openpyxl import load_workbook
from sqlalchemy import func, select
from test_supervision_helpers import build_agency, complete, count_queries, signed_in

from elearn.competencies.plan_demo import seed_plans
from elearn.demo import DEMO_OWNERS, DEMO_PASSWORD, EMAIL_DOMAIN
from elearn.extensions import db
from elearn.learn.services import current_year
from elearn.models import AuditLog, Competency, Notification
from elearn.models.competency import (
    CompetencyAssessment,
    CompetencyAssessmentItem,
    DevelopmentPlan,
    DevelopmentPlanItem,
    PlanStatus,
    PositionStandard,
    position_key,
)
from elearn.timeutil import utcnow


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    ag = build_agency(make_unit, make_user, tmp_path)
    ag.agus.supervisor = ag.sup_a
    db.session.add(Competency(name="Integritas", kind="manajerial", code="M1"))
    db.session.add(Competency(name="Arsip Lama", kind="teknis", code="T9", active=False))
    db.session.commit()
    return ag


def text(response):
    return response.get_data(as_text=True)


def competency(code):
    return db.session.scalar(select(Competency).where(Competency.code == code))


def competency_named(name):
    return db.session.scalar(select(Competency).where(Competency.name == name))


def plan_of(user, year=None):
    return db.session.scalar(
        select(DevelopmentPlan).where(
            DevelopmentPlan.user_id == user.id, DevelopmentPlan.year == (year or current_year())
        )
    )


def revision(user, year=None):
    plan = plan_of(user, year)
    return plan.revision if plan else 0


def post(client, url, user, year=None, **data):
    data.setdefault("csrf_token", csrf_token(client, "/competencies/plan"))
    data.setdefault("revision", revision(user, year))
    data.setdefault("year", year or current_year())
    return client.post(url, data=data)


def add_course(client, user, course, jp="", year=None, **extra):
    return post(
        client, "/competencies/plan/courses", user, year, course_id=course.id, planned_jp=jp,
        **extra,
    )  # fmt: skip


def add_activity(client, user, title, jp, year=None, **extra):
    return post(
        client, "/competencies/plan/activities", user, year, title=title, planned_jp=jp, **extra
    )


def rows_of(html):
    """The plan's item rows as plain text, in order."""
    body = html.split('<table class="stack plan-items">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [" ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", r)).split()) for r in rows]


def decide(client, plan, action, note="", rev=None, person=None):
    token = csrf_token(client, "/competencies/plan")
    return client.post(
        f"/competencies/plans/{plan.id}/decision",
        data={
            "csrf_token": token,
            "action": action,
            "note": note,
            "revision": plan.revision if rev is None else rev,
        },
    )


# Building the plan -------------------------------------------------------------------------------
def test_learner_plans_a_course_and_an_activity_against_the_yearly_target(client, agency, login_as):
    login_as(agency.agus)
    html = text(client.get("/competencies/plan"))
    assert f"Rencana pengembangan saya {current_year()}" in html
    assert "Belum ada butir dalam rencana." in html
    assert "Etika ASN (4 JP)" in html  # published courses offered with their JP

    response = add_course(client, agency.agus, agency.course)  # JP left empty: the course's
    assert response.status_code == 302
    response = add_activity(
        client, agency.agus, "Coaching dengan atasan", "6", competency_id=competency("M1").id
    )
    assert response.status_code == 302

    html = text(client.get("/competencies/plan"))
    rows = rows_of(html)
    assert rows[0].startswith("1 Kursus: Etika ASN") and " 4 Belum selesai" in rows[0]
    assert "Kegiatan: Coaching dengan atasan Integritas 6" in rows[1]
    assert "Dicatat saat kegiatan non-klasikal tersedia" in rows[1]
    assert re.search(r"<dt>JP rencana</dt><dd>10</dd>", html)
    assert re.search(r"<dt>Target tahunan</dt><dd>20</dd>", html)
    assert "Rencana masih kurang 10 JP dari target tahunan." in html


def test_planned_jp_of_a_course_can_be_changed_and_items_reordered_and_removed(
    client, agency, login_as
):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course, jp="8")
    add_course(client, agency.agus, agency.other_course)
    add_activity(client, agency.agus, "Magang di BKPSDM", "12")
    assert [r.split(" ", 3)[2] for r in rows_of(text(client.get("/competencies/plan")))] == [
        "Etika", "Kearsipan", "Magang",
    ]  # fmt: skip
    items = plan_of(agency.agus).items
    post(client, f"/competencies/plan/items/{items[2].id}/up", agency.agus)
    rows = rows_of(text(client.get("/competencies/plan")))
    assert [r.split(" ", 3)[2] for r in rows] == ["Etika", "Magang", "Kearsipan"]
    assert " 8 " in rows[0]  # the planned JP typed, not the course's 4

    response = post(client, f"/competencies/plan/items/{items[0].id}/remove", agency.agus)
    assert response.status_code == 302
    html = text(client.get("/competencies/plan"))
    assert [r.split(" ", 3)[2] for r in rows_of(html)] == ["Magang", "Kearsipan"]
    assert re.search(r"<dt>JP rencana</dt><dd>18</dd>", html)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kind": "activity", "title": "Workshop", "planned_jp": "-3"}, "bilangan bulat dari 0"),
        ({"kind": "activity", "title": "Workshop", "planned_jp": "501"}, "sampai 500"),
        ({"kind": "activity", "title": "Workshop", "planned_jp": "dua"}, "bilangan bulat"),
        ({"kind": "activity", "title": "   ", "planned_jp": "4"}, "Tuliskan nama kegiatannya."),
        ({"kind": "activity", "title": "Workshop", "planned_jp": ""}, "Isikan JP rencana."),
        (
            {"kind": "course", "course_id": "99999", "planned_jp": ""},
            "Pilih kursus yang sudah terbit",
        ),
        (
            {"kind": "course", "course_id": "abc", "planned_jp": ""},
            "Pilih kursus yang sudah terbit",
        ),
        ({"kind": "course", "course": True, "planned_jp": "-1"}, "bilangan bulat dari 0"),
        ({"kind": "activity", "title": "X", "planned_jp": "2", "competency": "T9"}, "kamus"),
    ],
)
def test_bad_input_is_refused_in_indonesian_and_nothing_is_saved(
    client, agency, login_as, form, message
):
    login_as(agency.agus)
    form = dict(form)
    kind = form.pop("kind")
    if form.pop("course", False):
        form["course_id"] = agency.course.id
    if "competency" in form:
        form["competency_id"] = competency(form.pop("competency")).id
    url = "/competencies/plan/courses" if kind == "course" else "/competencies/plan/activities"
    response = post(client, url, agency.agus, **form)
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(select(func.count()).select_from(DevelopmentPlanItem)) == 0
    page = text(response)
    assert "Etika ASN (4 JP)" in page and ">Integritas</option>" in page  # the lists are there
    if form.get("title", "").strip():  # what was typed is still there
        assert f'value="{form["title"]}"' in page
    if kind == "course" and str(form["course_id"]).isdigit() and form["course_id"] != "99999":
        assert re.search(rf'<option selected value="{agency.course.id}">Etika ASN', page)


def test_the_same_course_twice_is_refused(client, agency, login_as):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    response = add_course(client, agency.agus, agency.course)
    assert response.status_code == 400
    assert "Kursus ini sudah ada dalam rencana." in text(response)
    assert len(plan_of(agency.agus).items) == 1


def test_courses_for_the_persons_gaps_are_suggested_and_added_in_one_click(
    client, agency, login_as
):
    teaches = competency_named("Literasi Digital")  # the courses teach it at level 2
    db.session.add(PositionStandard(position_key=position_key("Analis"), position_name="Analis",
                                    competency_id=teaches.id, level=2))  # fmt: skip
    assessment = CompetencyAssessment(
        user_id=agency.agus.id, period=current_year(), role="supervisor",
        assessor_id=agency.sup_a.id,
    )  # fmt: skip
    assessment.items.append(CompetencyAssessmentItem(competency_id=teaches.id, level=1))
    db.session.add(assessment)
    db.session.commit()

    login_as(agency.agus)
    html = text(client.get("/competencies/plan"))
    section = html.split('id="suggest-title"', 1)[1].split("</section>", 1)[0]
    assert "Etika ASN (4 JP)" in section and "untuk Literasi Digital, kesenjangan 1" in section
    token = csrf_token(client, "/competencies/plan")
    response = client.post(
        "/competencies/plan/courses",
        data={"csrf_token": token, "revision": 0, "year": current_year(),
              "course_id": agency.course.id, "competency_id": teaches.id},
    )  # fmt: skip
    assert response.status_code == 302
    html = text(client.get("/competencies/plan"))
    assert "Kursus: Etika ASN Literasi Digital 4" in rows_of(html)[0]
    section = html.split('id="suggest-title"', 1)[1].split("</section>", 1)[0]
    assert "Etika ASN" not in section and "Kearsipan" in section  # the other course is left


def test_a_plan_made_ahead_suggests_the_courses_for_this_years_gaps(client, agency, login_as):
    teaches = competency_named("Literasi Digital")
    db.session.add(PositionStandard(position_key=position_key("Analis"), position_name="Analis",
                                    competency_id=teaches.id, level=2))  # fmt: skip
    assessment = CompetencyAssessment(
        user_id=agency.agus.id, period=current_year(), role="self", assessor_id=agency.agus.id
    )
    assessment.items.append(CompetencyAssessmentItem(competency_id=teaches.id, level=1))
    db.session.add(assessment)
    db.session.commit()
    login_as(agency.agus)
    html = text(client.get(f"/competencies/plan?year={current_year() + 1}"))
    assert f"Rencana pengembangan saya {current_year() + 1}" in html
    section = html.split('id="suggest-title"', 1)[1].split("</section>", 1)[0]
    assert "Etika ASN (4 JP)" in section


# Progress ----------------------------------------------------------------------------------------
def test_a_course_item_is_done_when_completed_in_the_plans_year_only(client, agency, login_as):
    this_year = current_year()
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    add_course(client, agency.agus, agency.other_course)
    # Last year's plan holds the same course: its completion this year does not count there.
    add_course(client, agency.agus, agency.course, year=this_year - 1)

    complete(agency.agus, agency.course)  # now, this year
    completed_last_year = utcnow().replace(year=this_year - 1, month=6, day=15)
    complete(agency.agus, agency.other_course, when=completed_last_year)

    rows = rows_of(text(client.get("/competencies/plan")))
    assert "Selesai " in rows[0] and str(this_year) in rows[0]
    assert "Belum selesai" in rows[1]  # completed, but in another year
    html = text(client.get(f"/competencies/plan?year={this_year - 1}"))
    assert "Belum selesai" in rows_of(html)[0]
    assert re.search(r"<dt>Butir rencana selesai</dt><dd>0/1</dd>", html)
    html = text(client.get("/competencies/plan"))
    assert re.search(r"<dt>Butir rencana selesai</dt><dd>1/2</dd>", html)
    # Earned JP comes from the one JP function: 4 JP this year (the other course was last year).
    assert re.search(rf"<dt>JP diperoleh pada {this_year}</dt><dd>4</dd>", html)


# Approval ----------------------------------------------------------------------------------------
def test_a_decided_plan_no_longer_waits_unread_in_the_deciders_bell(app, client, agency, login_as):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    post(client, "/competencies/plan/submit", agency.agus)
    boss = signed_in(app, agency.sup_a)
    assert "Notifikasi, 1 belum dibaca" in text(boss.get("/competencies/plans"))
    plan = plan_of(agency.agus)
    assert decide(boss, plan, "approve").status_code == 302  # from the list, not the bell
    html = text(boss.get("/competencies/plans"))
    assert "Notifikasi, tidak ada yang belum dibaca" in html
    assert "Menunggu keputusan Anda" in text(boss.get("/notifications"))  # still listed


def test_submit_notifies_the_supervisor_who_approves_with_audit(app, client, agency, login_as):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    response = post(client, "/competencies/plan/submit", agency.agus)
    assert response.status_code == 302
    plan = plan_of(agency.agus)
    assert plan.status == PlanStatus.SUBMITTED
    note = db.session.scalar(select(Notification).where(Notification.user_id == agency.sup_a.id))
    assert (
        note is not None
        and note.link == f"/competencies/plans/people/{agency.agus.id}?year={current_year()}"
    )
    assert "Menunggu persetujuan" in text(client.get("/competencies/plan"))

    boss = signed_in(app, agency.sup_a)
    html = text(boss.get(note.link))
    assert "Setujui rencana" in html and "Etika ASN" in html
    response = decide(boss, plan, "approve", "Bagus, lanjutkan.")
    assert response.status_code == 302
    db.session.expire_all()
    plan = plan_of(agency.agus)
    assert plan.status == PlanStatus.APPROVED and plan.decided_by_id == agency.sup_a.id
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action.startswith("plan.")).order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == ["plan.submit", "plan.approve"]
    assert entries[1].actor_id == agency.sup_a.id and entries[1].object_id == str(plan.id)

    html = text(client.get("/competencies/plan"))
    assert "Disetujui oleh Kepala A" in html and "Bagus, lanjutkan." in html


def test_returning_needs_a_note_and_the_learner_can_change_and_resend(
    app, client, agency, login_as
):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    post(client, "/competencies/plan/submit", agency.agus)
    plan = plan_of(agency.agus)
    boss = signed_in(app, agency.sup_a)

    response = decide(boss, plan, "return", "")
    assert response.status_code == 400
    assert "Tuliskan catatan tentang apa yang perlu diubah." in text(response)
    db.session.expire_all()
    assert plan_of(agency.agus).status == PlanStatus.SUBMITTED

    assert decide(boss, plan, "return", "Tambahkan kegiatan coaching.").status_code == 302
    html = text(client.get("/competencies/plan"))
    assert "Dikembalikan untuk diperbaiki" in html and "Tambahkan kegiatan coaching." in html
    assert add_activity(client, agency.agus, "Coaching", "4").status_code == 302
    assert post(client, "/competencies/plan/submit", agency.agus).status_code == 302
    db.session.expire_all()
    assert plan_of(agency.agus).status == PlanStatus.SUBMITTED
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.action.startswith("plan.")).order_by(AuditLog.id)
    ).all()
    assert actions == ["plan.submit", "plan.return", "plan.submit"]
    # Resent: the supervisor is told again (a new revision, a new request).
    count = select(func.count()).select_from(Notification)
    assert db.session.scalar(count.where(Notification.user_id == agency.sup_a.id)) == 2


def test_an_approved_plan_cannot_be_changed_until_the_supervisor_reopens_it(
    app, client, agency, login_as
):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    post(client, "/competencies/plan/submit", agency.agus)
    boss = signed_in(app, agency.sup_a)
    decide(boss, plan_of(agency.agus), "approve")

    html = text(client.get("/competencies/plan"))
    assert "telah disetujui dan tidak dapat diubah lagi" in html
    assert "Tambahkan kegiatan" not in html  # no add forms on an approved plan
    response = add_activity(client, agency.agus, "Seminar nasional", "4")
    assert response.status_code == 400
    assert "telah disetujui dan tidak dapat diubah lagi" in text(response)
    assert "Belum disimpan" in text(response) and "Seminar nasional" in text(response)
    item = plan_of(agency.agus).items[0]
    assert (
        post(client, f"/competencies/plan/items/{item.id}/remove", agency.agus).status_code == 400
    )
    assert len(plan_of(agency.agus).items) == 1

    # The learner asks; the supervisor is told and reopens it.
    assert post(client, "/competencies/plan/reopen-request", agency.agus).status_code == 302
    assert db.session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == agency.sup_a.id
        )
    ) == 2  # fmt: skip
    assert decide(boss, plan_of(agency.agus), "reopen").status_code == 302
    assert add_activity(client, agency.agus, "Seminar nasional", "4").status_code == 302
    db.session.expire_all()
    assert plan_of(agency.agus).status == PlanStatus.DRAFT


def test_a_submitted_plan_is_withdrawn_before_changing_it(client, agency, login_as):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    post(client, "/competencies/plan/submit", agency.agus)
    response = add_activity(client, agency.agus, "Coaching", "2")
    assert response.status_code == 400 and "Tarik kembali terlebih dahulu" in text(response)
    assert post(client, "/competencies/plan/withdraw", agency.agus).status_code == 302
    assert add_activity(client, agency.agus, "Coaching", "2").status_code == 302


# Two tabs ----------------------------------------------------------------------------------------
def test_a_save_from_an_older_page_is_refused_and_the_typed_text_stays(
    app, client, agency, login_as
):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    old = revision(agency.agus)
    post(client, "/competencies/plan/submit", agency.agus)
    boss = signed_in(app, agency.sup_a)
    decide(boss, plan_of(agency.agus), "approve")

    # The learner's other tab, loaded before the approval, still has the add form.
    response = add_activity(client, agency.agus, "Job shadowing di Bappeda", "9", revision=old)
    assert response.status_code == 409
    page = text(response)
    assert "Rencana telah berubah sementara itu" in page
    # No add form on an approved plan: what was typed is shown to keep.
    unsaved = page.split('id="unsaved-title"', 1)[1].split("</section>", 1)[0]
    assert "Job shadowing di Bappeda" in unsaved and "<dd>9</dd>" in unsaved
    assert len(plan_of(agency.agus).items) == 1


def test_two_tabs_editing_a_draft_the_later_save_is_refused_keeping_the_text(
    client, agency, login_as
):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    old = revision(agency.agus)
    assert add_activity(client, agency.agus, "Tab satu", "2", revision=old).status_code == 302
    response = add_activity(client, agency.agus, "Tab dua: mentoring", "3", revision=old)
    assert response.status_code == 409
    page = text(response)
    assert "Rencana telah berubah sementara itu" in page
    assert 'value="Tab dua: mentoring"' in page and 'value="3"' in page
    assert [i.title for i in plan_of(agency.agus).items] == ["Etika ASN", "Tab satu"]
    # Sent again from the page shown (the current revision): saved.
    revision_now = re.search(
        r'action="/competencies/plan/activities".*?name="revision" type="hidden" value="(\d+)"',
        page,
        re.S,
    ).group(1)
    assert add_activity(
        client, agency.agus, "Tab dua: mentoring", "3", revision=revision_now
    ).status_code == 302  # fmt: skip


def test_approving_from_an_older_page_is_refused_and_the_note_stays(app, client, agency, login_as):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    post(client, "/competencies/plan/submit", agency.agus)
    plan = plan_of(agency.agus)
    old = plan.revision
    post(client, "/competencies/plan/withdraw", agency.agus)  # the learner withdrew meanwhile
    boss = signed_in(app, agency.sup_a)
    response = decide(boss, plan, "return", "Catatan panjang yang saya tulis", rev=old)
    assert response.status_code == 409
    assert "Rencana telah berubah sementara itu" in text(response)
    unsaved = text(response).split('id="unsaved-title"', 1)[1].split("</section>", 1)[0]
    assert "Catatan panjang yang saya tulis" in unsaved
    db.session.expire_all()
    assert plan_of(agency.agus).status == PlanStatus.DRAFT


# Scope -------------------------------------------------------------------------------------------
def test_plans_outside_the_scope_are_404(app, client, agency, login_as):
    budi = signed_in(app, agency.budi)
    add_course(budi, agency.budi, agency.course)
    post(budi, "/competencies/plan/submit", agency.budi)
    plan = plan_of(agency.budi)

    login_as(agency.sup_a)  # supervises A, not B
    assert client.get(f"/competencies/plans/people/{agency.budi.id}").status_code == 404
    assert decide(client, plan, "approve").status_code == 404
    db.session.expire_all()
    assert plan_of(agency.budi).status == PlanStatus.SUBMITTED
    assert "Budi Rahasia" not in text(client.get("/competencies/plans"))
    # ... nor someone else's plan through the learner's pages (items are the viewer's own).
    item = plan.items[0]
    response = post(client, f"/competencies/plan/items/{item.id}/remove", agency.sup_a)
    assert response.status_code == 409
    assert len(plan_of(agency.budi).items) == 1
    # A learner cannot decide at all; a supervisor never on their own plan.
    assert signed_in(app, agency.agus).get("/competencies/plans").status_code == 403
    sup_b = signed_in(app, agency.sup_b)
    own = signed_in(app, agency.sup_b)
    add_course(own, agency.sup_b, agency.course)
    assert decide(sup_b, plan_of(agency.sup_b), "approve").status_code == 404
    assert decide(sup_b, plan, "approve").status_code == 302


def test_supervisor_list_pending_first_with_filters(app, client, agency, login_as):
    for person, submit in ((agency.agus, False), (agency.dewi, True)):
        c = signed_in(app, person)
        add_course(c, person, agency.course)
        if submit:
            post(c, "/competencies/plan/submit", person)
    login_as(agency.sup_a)
    html = text(client.get("/competencies/plans"))
    names = re.findall(r'<a href="/competencies/plans/people/\d+\?year=\d+">([^<]+)</a>', html)
    assert names == ["Dewi Lestari", "Agus Setiawan"]  # awaiting a decision first
    html = text(client.get("/competencies/plans?status=draft"))
    assert "Agus Setiawan" in html and "Dewi Lestari" not in html
    html = text(client.get(f"/competencies/plans?unit={agency.a1.id}"))
    assert "Dewi Lestari" in html and "Agus Setiawan" not in html
    html = text(client.get(f"/competencies/plans?year={current_year() - 1}"))
    assert "Tidak ada rencana yang sesuai" in html
    # The person page links to the plan, with its status.
    html = text(client.get(f"/team/people/{agency.dewi.id}"))
    assert f'href="/competencies/plans/people/{agency.dewi.id}">Menunggu persetujuan</a>' in html


# Export ------------------------------------------------------------------------------------------
def csv_rows(response):
    data = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data), delimiter=";"))


def test_export_has_one_row_per_item_of_the_plans_in_scope(app, client, agency, login_as):
    agus = signed_in(app, agency.agus)
    add_course(agus, agency.agus, agency.course)
    add_activity(agus, agency.agus, "=HYPERLINK(1)", "5", competency_id=competency("M1").id)
    complete(agency.agus, agency.course)
    budi = signed_in(app, agency.budi)
    add_course(budi, agency.budi, agency.course)

    login_as(agency.sup_a)
    response = client.get("/competencies/plans/export.csv")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0] == [
        "NIP", "Nama", "Unit kerja", "Tahun", "Status", "Butir", "Kursus", "Kompetensi",
        "JP rencana", "Selesai pada",
    ]  # fmt: skip
    year = str(current_year())
    assert rows[1][:9] == [
        agency.agus.nip, "Agus Setiawan", "Dinas A", year, "Draf", "Etika ASN", "Etika ASN",
        "Literasi Digital", "4",
    ]  # fmt: skip
    assert rows[1][9][:4] == year  # the completion date (ISO)
    assert rows[2] == [
        agency.agus.nip, "Agus Setiawan", "Dinas A", year, "Draf", "'=HYPERLINK(1)", "",
        "Integritas", "5", "",
    ]  # fmt: skip
    assert len(rows) == 3  # Budi (Dinas B) is outside the scope

    response = client.get("/competencies/plans/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][0] == agency.agus.nip and values[1][5] == "Etika ASN"
    assert len(values) == 3

    admin = signed_in(app, agency.admin)
    assert len(csv_rows(admin.get("/competencies/plans/export.csv"))) == 4


# Query counts ------------------------------------------------------------------------------------
def test_plan_page_costs_the_same_queries_for_3_and_30_items(client, agency, login_as):
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    add_course(client, agency.agus, agency.other_course)
    add_activity(client, agency.agus, "Kegiatan 0", "1", competency_id=competency("M1").id)
    complete(agency.agus, agency.course)

    def queries():
        with count_queries() as statements:
            assert client.get("/competencies/plan").status_code == 200
        return len(statements)

    few = queries()
    plan = plan_of(agency.agus)
    for n in range(1, 28):
        plan.items.append(
            DevelopmentPlanItem(title=f"Kegiatan {n}", planned_jp=1, position=10 + n,
                                competency_id=competency("M1").id)
        )  # fmt: skip
    db.session.commit()
    assert len(plan_of(agency.agus).items) == 30
    assert queries() == few
    assert few <= 18, few


# Demo --------------------------------------------------------------------------------------------
def test_demo_plans_are_seeded_once_with_a_done_course(app, runner, client):
    for slug in DEMO_OWNERS:
        import_shipped(slug)
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    plans = db.session.scalars(select(DevelopmentPlan)).all()
    assert {p.status for p in plans} == {"draft", "submitted", "approved", "returned"}
    assert seed_plans() == 0
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert len(db.session.scalars(select(DevelopmentPlan)).all()) == len(plans)

    assert login(client, f"agus@{EMAIL_DOMAIN}", DEMO_PASSWORD).status_code == 302
    html = text(client.get("/competencies/plan"))
    assert "Disetujui oleh Ir. Hendra Wijaya" in html
    assert "Selesai " in rows_of(html)[0]  # the course Agus completed in the demo
    client = app.test_client()
    assert login(client, f"hendra@{EMAIL_DOMAIN}", DEMO_PASSWORD).status_code == 302
    html = text(client.get("/competencies/plans"))
    assert "Dewi Lestari" in html and "Menunggu persetujuan" in html


def test_supervisor_list_costs_the_same_queries_for_2_and_25_plans(
    app, client, agency, login_as, make_user
):
    for person in (agency.agus, agency.dewi):
        add_course(signed_in(app, person), person, agency.course)
    login_as(agency.sup_a)

    def queries():
        with count_queries() as statements:
            assert client.get("/competencies/plans").status_code == 200
        return len(statements)

    few = queries()
    for n in range(23):
        person = make_user(unit=agency.a, full_name=f"Staf {n:02d}")
        plan = DevelopmentPlan(user_id=person.id, year=current_year(), status="submitted")
        plan.items.append(DevelopmentPlanItem(title="Coaching", planned_jp=2, position=1))
        db.session.add(plan)
    db.session.commit()
    assert queries() == few
    html = text(client.get("/competencies/plans"))
    assert "25 rencana" in html


def test_a_restricted_course_is_planned_only_by_the_people_assigned_to_it(client, agency, login_as):
    from test_supervision_helpers import assign

    agency.other_course.restricted = True
    db.session.commit()
    login_as(agency.agus)
    html = text(client.get("/competencies/plan"))
    assert "Etika ASN (4 JP)" in html and "Kearsipan (6 JP)" not in html
    response = add_course(client, agency.agus, agency.other_course)
    assert response.status_code == 400
    assert "hanya terbuka bagi pegawai yang ditugaskan" in text(response)
    assert db.session.scalar(select(func.count()).select_from(DevelopmentPlanItem)) == 0

    assign(agency.sup_a, agency.other_course, people=[agency.agus])
    assert "Kearsipan (6 JP)" in text(client.get("/competencies/plan"))
    assert add_course(client, agency.agus, agency.other_course).status_code == 302


def test_a_colleague_supervising_the_same_unit_does_not_decide_on_the_plan(
    app, client, agency, login_as, make_user
):
    # A second supervisor of unit A sees Agus (scope) but Agus's direct supervisor decides.
    colleague = make_user(roles=["supervisor", "learner"], unit=agency.a, full_name="Wakil A")
    colleague.supervised = [agency.a]
    db.session.commit()
    login_as(agency.agus)
    add_course(client, agency.agus, agency.course)
    assert post(client, "/competencies/plan/submit", agency.agus).status_code == 302
    plan = plan_of(agency.agus)

    other = signed_in(app, colleague)
    page = text(other.get(f"/competencies/plans/people/{agency.agus.id}"))
    assert "diputuskan oleh atasan langsungnya, Kepala A" in page
    assert "Setujui rencana" not in page
    response = decide(other, plan, "approve", "")
    assert response.status_code == 400
    assert "diputuskan oleh atasan langsungnya" in text(response)
    db.session.expire_all()
    assert plan_of(agency.agus).status == PlanStatus.SUBMITTED
    # The direct supervisor still decides.
    assert decide(signed_in(app, agency.sup_a), plan, "approve", "").status_code == 302
