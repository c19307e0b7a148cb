"""The supervisor's side: the list of activities to decide (scope, filters, pages, a fixed
number of queries), who may decide (the direct supervisor, else the unit's supervisors, and
admins; never on one's own), approving and returning with a reason, stale pages, audit and
notifications."""

from datetime import date
from decimal import Decimal

import pytest
from test_activities_helpers import (
    PDF,
    approve,
    audits,
    build_org,
    kind,
    notifications,
    post_decision,
    record,
    seminar,
    signed_in,
    text,
)
from test_supervision_helpers import count_queries

from elearn.extensions import db
from elearn.learn.services import current_year
from elearn.models import Activity, ActivityEvidence, ActivityStatus, NotificationKind


@pytest.fixture
def org(app, make_unit, make_user):
    return build_org(make_unit, make_user)


def add_activities(person, count, status=ActivityStatus.PENDING, with_file=None):
    """`count` activities of `person` written directly (the list's cost does not depend on
    how they were made)."""
    for n in range(count):
        activity = Activity(
            user_id=person.id, kind_id=kind("seminar").id, title=f"Seminar {person.id}-{n}",
            organiser_name="Panitia", start_date=date(current_year(), 1, 1),
            end_date=date(current_year(), 1, 1), duration_amount=Decimal(1), jp=4, status=status,
        )  # fmt: skip
        db.session.add(activity)
        if with_file is not None:
            db.session.flush()
            db.session.add(
                ActivityEvidence(
                    activity_id=activity.id, filename="a.pdf", content_type="application/pdf",
                    size=len(with_file), sha256=with_file_sha(with_file),
                )
            )  # fmt: skip
    db.session.commit()


def with_file_sha(data):
    import hashlib

    from elearn.dbutil import insert_if_absent
    from elearn.models import AssetBlob

    sha = hashlib.sha256(data).hexdigest()
    insert_if_absent(AssetBlob, {"sha256": sha, "size": len(data), "data": data}, ["sha256"])
    return sha


# The list ----------------------------------------------------------------------------------------
def test_the_list_shows_pending_activities_of_the_scope_only(app, org):
    record(app, org.agus, files=[("sertifikat.pdf", PDF)])
    record(app, org.dewi, seminar(title="Lokakarya Data", kind_id=kind("workshop").id))
    record(app, org.budi, seminar(title="Kegiatan Unit B"))
    record(app, org.sup_a, seminar(title="Kegiatan Kepala A"))
    page = text(signed_in(app, org.sup_a).get("/activities/review"))
    assert "Kegiatan yang perlu diputuskan" in page
    assert "2 kegiatan · Menunggu persetujuan" in page
    assert "Seminar Nasional Pelayanan Publik Agus Setiawan" in page
    assert org.agus.nip in page and "Dinas A" in page and "Bidang A1" in page
    assert "Seminar/konferensi/sarasehan nasional" in page
    assert "Lokakarya Data Dewi Lestari" in page
    assert "Kegiatan Unit B" not in page  # another unit
    assert "Kegiatan Kepala A" not in page  # one's own activity is decided by someone else
    html = signed_in(app, org.sup_a).get("/activities/review").get_data(as_text=True)
    assert 'data-label="Bukti">1</td>' in html  # the evidence count
    assert 'data-label="JP usulan">4</td>' in html

    admin_page = text(signed_in(app, org.admin).get("/activities/review"))
    assert "4 kegiatan" in admin_page


def test_the_list_filters_by_status_and_unit(app, org):
    approve(app, org.sup_a, record(app, org.agus))
    record(app, org.dewi, seminar(title="Lokakarya Data", kind_id=kind("workshop").id))
    client = signed_in(app, org.sup_a)
    page = text(client.get("/activities/review?status=approved"))
    assert "1 kegiatan · Disetujui" in page and "Agus Setiawan" in page
    assert "Diputuskan pada" in page
    page = text(client.get(f"/activities/review?unit={org.a1.id}"))
    assert "Dewi Lestari" in page and "Agus Setiawan" not in page
    page = text(client.get(f"/activities/review?unit={org.b.id}"))  # not in scope: all units
    assert "Dewi Lestari" in page
    page = text(client.get("/activities/review?status=returned"))
    assert "Tidak ada kegiatan yang sesuai dengan saringan ini." in page


def test_the_list_pages_by_25_newest_first(app, org):
    add_activities(org.agus, 30)
    client = signed_in(app, org.sup_a)
    page = text(client.get("/activities/review"))
    assert "30 kegiatan" in page and "Halaman 1 dari 2" in page
    assert f"Seminar {org.agus.id}-29" in page
    assert f"Seminar {org.agus.id}-0 " not in page
    page = text(client.get("/activities/review?page=2"))
    assert f"Seminar {org.agus.id}-0 " in page


def test_the_list_costs_the_same_queries_for_2_and_25_activities(app, org):
    add_activities(org.agus, 1, with_file=PDF)
    add_activities(org.dewi, 1, with_file=PDF)
    client = signed_in(app, org.sup_a)

    def queries():
        with count_queries() as statements:
            response = client.get("/activities/review")
        assert response.status_code == 200
        return len(statements)

    few = queries()
    add_activities(org.agus, 12, with_file=PDF)
    add_activities(org.dewi, 11, with_file=PDF)
    assert queries() == few
    # Signed-in user and roles, units supervised, units in scope, count, the page (activities
    # with person, unit, kind and evidence count), the page's people's roles, the bell.
    assert few == 7  # the user with their roles and session in one query


def test_learners_do_not_reach_the_review(app, org):
    assert signed_in(app, org.agus).get("/activities/review").status_code == 403


# Who decides -------------------------------------------------------------------------------------
def test_a_supervisor_of_another_unit_gets_404(app, org):
    activity = record(app, org.agus)
    client = signed_in(app, org.sup_b)
    assert client.get(f"/activities/{activity.id}").status_code == 404
    assert post_decision(client, activity, "approve").status_code == 404
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.PENDING


def test_nobody_decides_on_their_own_activity(app, org):
    own = record(app, org.sup_a, seminar(title="Kegiatan Kepala A"))
    client = signed_in(app, org.sup_a)
    page = text(client.get(f"/activities/{own.id}"))
    assert "Keputusan Anda" not in page
    response = post_decision(client, own, "approve")
    assert response.status_code == 403
    assert "Anda tidak dapat memutuskan kegiatan Anda sendiri." in text(response)
    db.session.refresh(own)
    assert own.status == ActivityStatus.PENDING
    # An admin's own activity is decided by others too.
    mine = record(app, org.admin, seminar(title="Kegiatan Admin"))
    response = post_decision(signed_in(app, org.admin), mine, "approve")
    assert response.status_code == 403


def test_a_colleague_supervisor_is_refused_while_there_is_a_direct_supervisor(app, org):
    activity = record(app, org.agus)
    client = signed_in(app, org.sup_a2)
    page = text(client.get(f"/activities/{activity.id}"))
    assert "Kepala A yang memutuskan kegiatan ini." in page
    assert "Keputusan Anda" not in page
    response = post_decision(client, activity, "approve")
    assert response.status_code == 403
    assert "Kepala A yang memutuskan kegiatan ini." in text(response)
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.PENDING
    assert audits("activity.approve") == []


def test_without_a_direct_supervisor_the_units_supervisors_decide(app, org):
    activity = record(app, org.dewi)  # in A1, no direct supervisor: A's supervisors decide
    assert len(notifications(org.sup_a, NotificationKind.APPROVAL_NEEDED)) == 1
    assert len(notifications(org.sup_a2, NotificationKind.APPROVAL_NEEDED)) == 1
    approve(app, org.sup_a2, activity)
    assert activity.status == ActivityStatus.APPROVED
    # Deciding resolves the request for the other decider too.
    assert notifications(org.sup_a, NotificationKind.APPROVAL_NEEDED)[0].read_at is not None


def test_an_admin_may_always_decide(app, org):
    activity = record(app, org.agus)
    approve(app, org.admin, activity)
    assert activity.status == ActivityStatus.APPROVED and activity.decided_by_id == org.admin.id


def test_an_inactive_direct_supervisor_hands_the_decision_to_the_unit(app, org):
    org.sup_a.active = False
    db.session.commit()
    activity = record(app, org.agus)
    approve(app, org.sup_a2, activity)
    assert activity.status == ActivityStatus.APPROVED


# Deciding ----------------------------------------------------------------------------------------
def test_returning_needs_a_reason(app, org):
    activity = record(app, org.agus)
    client = signed_in(app, org.sup_a)
    response = post_decision(client, activity, "return", note="   ")
    assert response.status_code == 400
    assert "Tulis alasan pengembalian kegiatan." in text(response)
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.PENDING
    response = post_decision(client, activity, "return", note="r" * 2001)
    assert "Alasan paling panjang 2000 karakter." in text(response)

    response = post_decision(client, activity, "return", note="Lampirkan sertifikat.")
    assert response.status_code == 302
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.RETURNED
    assert activity.decision_note == "Lampirkan sertifikat."
    [told] = notifications(org.agus, NotificationKind.ACTIVITY_RETURNED)
    assert told.params == {
        "title": "Seminar Nasional Pelayanan Publik",
        "reason": "Lampirkan sertifikat.",
        "by": "Kepala A",
    }
    [entry] = audits("activity.return")
    assert entry.detail["note"] == "Lampirkan sertifikat." and entry.detail["jp"] == 4
    page = text(signed_in(app, org.agus).get("/notifications"))
    assert "Lampirkan sertifikat." in page


def test_a_decided_activity_cannot_be_decided_again_from_a_stale_page(app, org):
    activity = record(app, org.agus)
    stale = activity.revision
    approve(app, org.sup_a, activity)
    response = post_decision(signed_in(app, org.admin), activity, "return", "Tidak", stale)
    assert response.status_code == 409
    assert "Kegiatan ini telah berubah sementara itu" in text(response)
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.APPROVED
    assert len(audits("activity.approve")) == 1 and audits("activity.return") == []
    response = post_decision(signed_in(app, org.admin), activity, "approve")
    assert "Kegiatan ini tidak sedang menunggu keputusan." in text(response)


def test_an_unknown_decision_is_refused(app, org):
    activity = record(app, org.agus)
    response = post_decision(signed_in(app, org.sup_a), activity, "delete")
    assert response.status_code == 400
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.PENDING


def test_the_decider_sees_the_credit_and_the_person(app, org):
    activity = record(app, org.agus, files=[("sertifikat.pdf", PDF)])
    page = text(signed_in(app, org.sup_a).get(f"/activities/{activity.id}"))
    assert "Persetujuan memberikan 4 JP kepada Agus Setiawan" in page
    assert "sertifikat.pdf" in page and org.agus.nip in page
    assert "Setujui" in page and "Kembalikan dengan alasan" in page


def test_the_list_says_who_decides_as_the_decision_rule_does(app, org, make_user):
    from sqlalchemy import select

    from elearn.activities.services import decidable_condition, may_decide
    from elearn.models import User

    sup_a1 = make_user(roles=["supervisor"], unit=org.a1, full_name="Kepala A1")
    sup_a1.supervised = [org.a1]
    a1_person = make_user(unit=org.a1, full_name="Rina")  # A1 has its own supervisor now
    inactive_boss = make_user(roles=["supervisor"], unit=org.a, active=False)
    orphan = make_user(unit=org.a, full_name="Tono", supervisor=inactive_boss)
    db.session.commit()
    people = [org.agus, org.dewi, org.budi, a1_person, orphan, org.sup_a2]
    viewers = [org.sup_a, org.sup_a2, org.sup_b, sup_a1, org.admin]
    for viewer in viewers:
        decides, person_unit = decidable_condition(viewer)
        stmt = select(User.id, decides).where(User.id.in_([p.id for p in people]))
        if person_unit is not None:
            stmt = stmt.outerjoin(person_unit, person_unit.id == User.unit_id)
        flags = dict(db.session.execute(stmt).all())
        for person in people:
            assert bool(flags[person.id]) == may_decide(viewer, person), (viewer, person)

    record(app, org.agus)  # sup_a decides
    record(app, org.dewi, seminar(title="Lokakarya Data", kind_id=kind("workshop").id))  # sup_a1
    record(app, orphan, seminar(title="Magang"))  # no active direct supervisor: A's supervisors
    client = signed_in(app, org.sup_a2)
    html = client.get("/activities/review").get_data(as_text=True)
    assert html.count('data-label="Yang memutuskan"><span class="badge badge-progress">') == 1
    assert "Atasan lain" in html
    page = text(client.get("/activities/review?decider=me"))
    assert "1 kegiatan" in page and "Tono" in page
    assert "Agus Setiawan" not in page and "Dewi Lestari" not in page
