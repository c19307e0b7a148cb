"""Development activities as a learner records them: the JP rule of each kind (days, hours,
caps per activity and per year), the credit shown before saving, only approved activities in
the JP (My learning before and after approval), editing after approval back to pending, bad
input refused in Indonesian with nothing saved, the overlap warning, the lock on stale
forms, withdrawing, and who may open what."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import csrf_token
from test_activities_helpers import (
    activity_count,
    approve,
    audits,
    build_org,
    days_ago,
    kind,
    last_activity,
    notifications,
    post_edit,
    post_new,
    record,
    self_study,
    seminar,
    signed_in,
    text,
    today,
)

from elearn.activities.kinds import credit
from elearn.activities.services import person_activities
from elearn.extensions import db
from elearn.learn.jp import jp_earned
from elearn.learn.services import current_year
from elearn.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Competency,
    DurationUnit,
    NotificationKind,
    Partner,
    User,
)
from elearn.timeutil import utcnow


@pytest.fixture
def org(app, make_unit, make_user):
    return build_org(make_unit, make_user)


def home_jp(client):
    """The JP figure of My learning ("4 dari 20 JP")."""
    page = text(client.get("/"))
    marker = page.index(" dari 20 JP")
    return int(page[:marker].rsplit(" ", 1)[1])


# The rule ----------------------------------------------------------------------------------------
def test_the_rule_of_each_kind_gives_the_jp(org):
    day, hour = DurationUnit.DAY, DurationUnit.HOUR
    assert credit(kind("seminar"), Decimal("2"), day).jp == 8  # 4 JP a day
    assert credit(kind("workshop-internasional"), Decimal("1"), day).jp == 7
    assert credit(kind("kursus"), Decimal("3"), hour).jp == 4  # 180 minutes / 45
    assert credit(kind("kursus"), Decimal("1.5"), hour).jp == 2  # exactly 2, not 1.99
    assert credit(kind("kursus"), Decimal("1"), hour).jp == 1  # whole JP, rounded down
    assert credit(kind("kursus"), Decimal("3"), hour, minutes_per_jp=60).jp == 3
    shadowing = credit(kind("job-shadowing"), Decimal("40"), hour)  # 53 JP, at most 20
    assert (shadowing.jp, shadowing.uncapped, shadowing.capped) == (20, 53, True)
    assert credit(kind("kursus"), Decimal("2"), day) is None  # counted in hours only


def test_the_credit_is_shown_before_saving_and_nothing_is_saved(client, org, login_as):
    login_as(org.agus)
    page = text(client.get("/activities/new"))
    assert "Catat kegiatan pengembangan" in page
    assert "Hitung JP" in page
    assert "4 JP per hari, atau jam ÷ panjang JP (45 menit)" in page  # the rules, printed

    response = post_new(client, seminar(action="preview", title=""))
    assert response.status_code == 200
    page = text(response)
    assert "JP menurut aturan jenisnya: 4 JP" in page
    assert "Tulis judul kegiatan." not in page  # only what the credit needs is checked
    assert activity_count() == 0

    capped = seminar(
        action="preview", kind_id=kind("job-shadowing").id, duration_amount="40",
        duration_unit="hour", start_date=days_ago(3),
    )  # fmt: skip
    page = text(post_new(client, capped))
    assert "20 JP (aturan memberikan 53 JP; paling banyak 20 JP per kegiatan)" in page
    no_dates = seminar(action="preview", start_date="", end_date="", duration_amount="2")
    page = text(post_new(client, no_dates))
    assert "JP menurut aturan jenisnya: 8 JP" in page  # the credit needs no dates
    assert "Isi hari pertama kegiatan." not in page
    future = seminar(action="preview", end_date=(today() + timedelta(days=3)).isoformat())
    assert "jatuh setelah hari ini" in text(post_new(client, future))
    page = text(post_new(client, seminar(action="preview", kind_id=kind("kursus").id)))
    assert "Kursus hanya dihitung dalam jam: isi durasi dalam jam." in page
    assert activity_count() == 0


def test_the_form_carries_what_the_script_needs_to_work_out_the_jp(client, org, login_as):
    login_as(org.agus)
    html = client.get("/activities/new").get_data(as_text=True)
    assert 'data-jp-minutes="45"' in html
    shadowing = kind("job-shadowing")
    assert f'value="{shadowing.id}" data-jp-per-day="" data-cap="20"' in html
    assert f'value="{kind("seminar").id}" data-jp-per-day="4" data-cap=""' in html
    assert 'type="date"' in html and f'max="{today().isoformat()}"' in html
    assert 'accept=".pdf,.png,.jpg,.jpeg,.webp"' in html
    assert 'maxlength="2000"' in html
    assert "js/activities.js" in html


# Recording, approval and the JP ------------------------------------------------------------------
def test_only_an_approved_activity_counts_toward_the_jp_on_my_learning(app, client, org, login_as):
    login_as(org.agus)
    assert home_jp(client) == 0
    response = post_new(client, seminar())
    assert response.status_code == 302
    activity = last_activity(org.agus)
    assert response.headers["Location"].endswith(f"/activities/{activity.id}")
    assert (activity.status, activity.jp, activity.revision) == (ActivityStatus.PENDING, 4, 1)
    assert activity.organiser == "Kementerian PANRB"
    assert home_jp(client) == 0  # pending: not counted

    page = text(client.get(f"/activities/{activity.id}"))
    assert "Menunggu persetujuan" in page and "Dihitung dalam JP setelah disetujui." in page
    asked = notifications(org.sup_a, NotificationKind.APPROVAL_NEEDED)
    assert len(asked) == 1 and asked[0].link == f"/activities/{activity.id}"
    assert asked[0].params["what"] == "activity"
    assert notifications(org.sup_a2, NotificationKind.APPROVAL_NEEDED) == []  # direct only

    approve(app, org.sup_a, activity)
    assert activity.status == ActivityStatus.APPROVED
    assert activity.decided_by_id == org.sup_a.id and activity.decided_at is not None
    assert home_jp(client) == 4
    told = notifications(org.agus, NotificationKind.ACTIVITY_APPROVED)
    assert [n.params for n in told] == [
        {"title": "Seminar Nasional Pelayanan Publik", "jp": 4, "by": "Kepala A"}
    ]
    [entry] = audits("activity.approve")
    assert entry.actor_id == org.sup_a.id and entry.detail["jp"] == 4
    assert entry.object_id == str(activity.id)
    assert notifications(org.sup_a, NotificationKind.APPROVAL_NEEDED)[0].read_at is not None

    page = text(client.get("/activities/"))
    assert f"Kegiatan pengembangan saya {current_year()}" in page
    assert "4 dari 20 JP" in page
    assert "kegiatan yang disetujui dihitung dalam JP" in page
    assert "Disetujui" in page


def test_returned_and_pending_activities_do_not_count(app, org):
    pending = record(app, org.agus)
    returned = record(app, org.agus, seminar(title="Workshop Arsip", kind_id=kind("workshop").id))
    client = signed_in(app, org.sup_a)
    token = csrf_token(client, "/activities/review")
    client.post(
        f"/activities/{returned.id}/decide",
        data={"csrf_token": token, "action": "return", "note": "Lampirkan sertifikat.",
              "revision": returned.revision},
    )  # fmt: skip
    db.session.refresh(returned)
    assert returned.status == ActivityStatus.RETURNED
    assert pending.status == ActivityStatus.PENDING
    assert jp_earned([org.agus.id], current_year()) == {org.agus.id: 0}


def test_the_yearly_cap_of_a_kind_applies_to_the_total(app, org):
    # Self-study: 6 hours = 8 JP each; at most 10 JP a year however many are approved.
    first = record(app, org.agus, self_study("6"))
    second = record(app, org.agus, self_study("6", title="Kursus daring", save_anyway="y"))
    assert (first.jp, second.jp) == (8, 8)
    approve(app, org.sup_a, first)
    assert jp_earned([org.agus.id], current_year())[org.agus.id] == 8
    approve(app, org.sup_a, second)
    assert jp_earned([org.agus.id], current_year())[org.agus.id] == 10
    seminar_day = record(app, org.agus)
    approve(app, org.sup_a, seminar_day)  # another kind: its own rule, no shared cap
    assert jp_earned([org.agus.id], current_year())[org.agus.id] == 14


def test_an_activity_counts_in_the_year_of_its_last_day(app, org):
    day = today()
    if day.month == 1 and day.day == 1:
        pytest.skip("needs a day of this year before today")
    start = date(day.year - 1, 12, 31)
    activity = record(
        app, org.agus,
        seminar(start_date=start.isoformat(), end_date=date(day.year, 1, 1).isoformat(),
                duration_amount="2"),
    )  # fmt: skip
    approve(app, org.sup_a, activity)
    assert jp_earned([org.agus.id], day.year)[org.agus.id] == 8
    assert jp_earned([org.agus.id], day.year - 1)[org.agus.id] == 0


# Editing -----------------------------------------------------------------------------------------
def test_editing_an_approved_activity_makes_it_pending_and_its_jp_drop(app, client, org, login_as):
    activity = approve(app, org.sup_a, record(app, org.agus))
    login_as(org.agus)
    assert home_jp(client) == 4
    page = text(client.get(f"/activities/{activity.id}/edit"))
    assert "Kegiatan ini sudah disetujui. Menyimpan perubahan mengirimkannya lagi" in page

    response = post_edit(client, activity, seminar(title="Seminar Nasional (hari pertama)"))
    assert response.status_code == 302
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.PENDING
    assert activity.title == "Seminar Nasional (hari pertama)"
    assert (activity.decided_by_id, activity.decided_at, activity.decision_note) == (None, None, "")
    assert activity.revision == 3  # recorded 1, approved 2, edited 3
    assert home_jp(client) == 0
    assert len(notifications(org.sup_a, NotificationKind.APPROVAL_NEEDED)) == 2  # asked again
    [entry] = audits("activity.edit")
    assert entry.detail["jp_before"] == 4 and entry.detail["was"] == "approved"


def test_an_edit_counts_by_the_current_rule(app, client, org, login_as):
    activity = record(app, org.agus)
    seminar_kind = kind("seminar")
    seminar_kind.jp_per_day = 5
    db.session.commit()
    login_as(org.agus)
    post_edit(client, activity, seminar(duration_amount="1"))
    db.session.refresh(activity)
    assert activity.jp == 5


def test_a_returned_activity_edited_goes_back_for_approval(app, client, org, login_as):
    activity = record(app, org.agus)
    sup = signed_in(app, org.sup_a)
    sup.post(
        f"/activities/{activity.id}/decide",
        data={"csrf_token": csrf_token(sup, "/activities/review"), "action": "return",
              "note": "Tambahkan refleksi yang lebih rinci.", "revision": activity.revision},
    )  # fmt: skip
    login_as(org.agus)
    page = text(client.get(f"/activities/{activity.id}"))
    assert "Dikembalikan oleh Kepala A pada" in page
    assert "Tambahkan refleksi yang lebih rinci." in page
    db.session.refresh(activity)
    post_edit(client, activity, seminar(reflection="Refleksi yang lebih rinci tentang SOP."))
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.PENDING and activity.decision_note == ""


def test_a_stale_edit_is_refused_and_changes_nothing(app, client, org, login_as):
    activity = record(app, org.agus)
    login_as(org.agus)
    stale = activity.revision
    assert post_edit(client, activity, seminar(title="Judul baru")).status_code == 302
    response = post_edit(client, activity, seminar(title="Judul dari tab lama"), revision=stale)
    assert response.status_code == 409
    assert "Kegiatan ini telah berubah sementara itu" in text(response)
    db.session.refresh(activity)
    assert activity.title == "Judul baru"


def test_a_decision_taken_meanwhile_makes_an_open_edit_form_stale(app, client, org, login_as):
    activity = record(app, org.agus)
    login_as(org.agus)
    form_revision = activity.revision
    approve(app, org.sup_a, activity)
    response = post_edit(client, activity, seminar(title="Ganti"), revision=form_revision)
    assert response.status_code == 409
    db.session.refresh(activity)
    assert activity.status == ActivityStatus.APPROVED and activity.title != "Ganti"


# Bad input ---------------------------------------------------------------------------------------
def test_an_empty_form_names_every_missing_field_and_saves_nothing(client, org, login_as):
    login_as(org.agus)
    response = post_new(client, {"action": "save"})
    assert response.status_code == 400
    page = text(response)
    assert "Tidak ada yang disimpan." in page
    for message in (
        "Pilih jenis kegiatan.",
        "Tulis judul kegiatan.",
        "Sebutkan penyelenggara kegiatan",
        "Isi hari pertama kegiatan.",
        "Isi hari terakhir kegiatan.",
        "Isi berapa lama kegiatan berlangsung.",
        "Tulis refleksi singkat",
    ):
        assert message in page, message
    assert activity_count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_date": "+1", "end_date": "+1"}, "jatuh setelah hari ini"),
        ({"start_date": "0", "end_date": "+2"}, "jatuh setelah hari ini"),
        ({"start_date": "-1", "end_date": "-3"}, "Hari terakhir tidak boleh sebelum hari pertama."),
        ({"title": "ab"}, "Judul paling sedikit 3 karakter."),
        ({"title": "x" * 201}, "Judul paling panjang 200 karakter."),
        ({"duration_amount": "0"}, "Durasi harus berupa angka lebih dari 0"),
        ({"duration_amount": "dua"}, "Durasi harus berupa angka lebih dari 0"),
        ({"duration_amount": "1,255"}, "Durasi paling banyak 2 angka desimal."),
        ({"duration_amount": "2"}, "2 hari lebih dari 1 hari kalender"),
        ({"duration_amount": "25", "duration_unit": "hour"}, "25 jam lebih dari 24 jam"),
        ({"reflection": "   "}, "Tulis refleksi singkat"),
        ({"reflection": "r" * 2001}, "Refleksi paling panjang 2000 karakter."),
        ({"organiser_name": ""}, "Tulis nama penyelenggara."),
        ({"organiser": "unit"}, "Pilih unit kerja yang menyelenggarakan kegiatan."),
        ({"organiser": "partner"}, "Pilih mitra yang menyelenggarakan kegiatan."),
        ({"kind_id": "999"}, "Pilih jenis kegiatan."),
    ],
)
def test_bad_input_is_refused_in_indonesian_and_nothing_is_saved(
    client, org, login_as, overrides, message
):
    for name in ("start_date", "end_date"):
        if name in overrides:
            overrides[name] = (today() + timedelta(days=int(overrides[name]))).isoformat()
    login_as(org.agus)
    response = post_new(client, seminar(**overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert activity_count() == 0


def test_a_kind_counted_in_hours_refuses_days(client, org, login_as):
    login_as(org.agus)
    response = post_new(client, seminar(kind_id=kind("coaching").id))
    assert response.status_code == 400
    assert "Coaching hanya dihitung dalam jam: isi durasi dalam jam." in text(response)
    assert activity_count() == 0
    response = post_new(client, seminar(kind_id=kind("coaching").id, duration_unit="hour",
                                        duration_amount="1,5"))  # fmt: skip
    assert response.status_code == 302
    assert last_activity(org.agus).jp == 2


def test_a_refused_form_keeps_what_was_typed(client, org, login_as):
    login_as(org.agus)
    html = post_new(client, seminar(reflection="")).get_data(as_text=True)
    assert 'value="Seminar Nasional Pelayanan Publik"' in html
    assert 'value="Kementerian PANRB"' in html


def test_a_retired_kind_is_not_offered_and_refused(client, org, login_as):
    retired = kind("sosialisasi")
    retired.active = False
    db.session.commit()
    login_as(org.agus)
    assert f'value="{retired.id}"' not in client.get("/activities/new").get_data(as_text=True)
    response = post_new(client, seminar(kind_id=retired.id, duration_unit="hour"))
    assert "Pilih jenis kegiatan." in text(response)


def test_competencies_come_from_the_active_dictionary_at_most_five(client, org, login_as):
    comps = [Competency(name=f"Kompetensi {n}", kind="teknis", code=f"T{n}") for n in range(7)]
    old = Competency(name="Arsip Lama", kind="teknis", code="OLD", active=False)
    db.session.add_all([*comps, old])
    db.session.commit()
    login_as(org.agus)
    html = client.get("/activities/new").get_data(as_text=True)
    assert "Kompetensi 3" in html and "Arsip Lama" not in html
    too_many = post_new(client, seminar(competency_ids=[c.id for c in comps[:6]]))
    assert "Pilih paling banyak 5 kompetensi." in text(too_many)
    retired = post_new(client, seminar(competency_ids=[old.id]))
    assert "Pilih kompetensi dari kamus kompetensi." in text(retired)
    assert activity_count() == 0
    assert post_new(client, seminar(competency_ids=[comps[0].id, comps[1].id])).status_code == 302
    assert [c.name for c in last_activity(org.agus).competencies] == [
        "Kompetensi 0",
        "Kompetensi 1",
    ]
    page = text(client.get(f"/activities/{last_activity(org.agus).id}"))
    assert "Kompetensi 0, Kompetensi 1" in page


def test_the_organiser_is_a_unit_a_partner_or_a_name(client, org, login_as):
    partner = Partner(name="Universitas Gadjah Mada")
    gone = Partner(name="Mitra Lama", active=False)
    db.session.add_all([partner, gone])
    db.session.commit()
    login_as(org.agus)
    html = client.get("/activities/new").get_data(as_text=True)
    assert "Universitas Gadjah Mada" in html and "Mitra Lama" not in html
    assert post_new(client, seminar(organiser="partner", partner_id=partner.id)).status_code == 302
    assert last_activity(org.agus).organiser == "Universitas Gadjah Mada"
    response = post_new(client, seminar(organiser="partner", partner_id=gone.id, save_anyway="y"))
    assert "Pilih mitra yang menyelenggarakan kegiatan." in text(response)
    response = post_new(client, seminar(organiser="unit", organiser_unit_id=org.b.id,
                                        save_anyway="y"))  # fmt: skip
    assert response.status_code == 302
    activity = last_activity(org.agus)
    assert (activity.organiser, activity.organiser_name, activity.partner_id) == (
        "Dinas B", "", None
    )  # fmt: skip


def test_the_reflection_is_kept_as_plain_text_and_escaped(client, org, login_as):
    login_as(org.agus)
    post_new(client, seminar(reflection="  <script>alert(1)</script> belajar  "))
    activity = last_activity(org.agus)
    assert activity.reflection == "<script>alert(1)</script> belajar"
    html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; belajar" in html


# Overlapping duplicates --------------------------------------------------------------------------
def test_an_overlapping_duplicate_is_warned_then_saved_anyway(client, org, login_as):
    login_as(org.agus)
    post_new(client, seminar())
    first = last_activity(org.agus)
    response = post_new(client, seminar(title="Seminar yang sama?"))
    assert response.status_code == 200
    page = text(response)
    assert "Anda sudah mencatat jenis kegiatan ini pada tanggal yang bertumpang tindih" in page
    assert "Seminar Nasional Pelayanan Publik (" in page  # the other activity, named
    assert "Tetap simpan" in page
    assert f'href="/activities/{first.id}"' in response.get_data(as_text=True)
    assert activity_count() == 1

    other_kind = post_new(client, seminar(kind_id=kind("workshop").id, title="Lokakarya"))
    assert other_kind.status_code == 302  # another kind on the same day: no warning
    assert post_new(client, seminar(title="Seminar kedua", save_anyway="y")).status_code == 302
    assert activity_count() == 3


def test_the_overlap_warning_counts_returned_activities_but_not_the_edited_one(
    app, client, org, login_as
):
    activity = record(app, org.agus)
    login_as(org.agus)
    # Editing the activity itself is no duplicate of itself.
    assert post_edit(client, activity, seminar(title="Judul diperbaiki")).status_code == 302
    assert "Anda sudah mencatat" in text(post_new(client, seminar(start_date=days_ago(0))))


# Withdrawing -------------------------------------------------------------------------------------
def test_a_pending_activity_can_be_withdrawn_an_approved_one_cannot(app, client, org, login_as):
    pending = record(app, org.agus)
    pending_id = pending.id
    approved = approve(app, org.sup_a, record(app, org.agus, seminar(kind_id=kind("workshop").id)))
    login_as(org.agus)
    token = csrf_token(client, f"/activities/{pending.id}")
    response = client.post(
        f"/activities/{pending.id}/withdraw",
        data={"csrf_token": token, "revision": pending.revision},
    )
    assert response.status_code == 302
    assert db.session.get(Activity, pending_id) is None
    assert notifications(org.sup_a, NotificationKind.APPROVAL_NEEDED)[0].read_at is not None

    page = client.get(f"/activities/{approved.id}").get_data(as_text=True)
    assert f"/activities/{approved.id}/withdraw" not in page
    response = client.post(
        f"/activities/{approved.id}/withdraw",
        data={"csrf_token": token, "revision": approved.revision},
        follow_redirects=True,
    )
    assert "Kegiatan yang sudah disetujui tidak dapat ditarik" in text(response)
    assert db.session.get(Activity, approved.id) is not None


# Who sees what -----------------------------------------------------------------------------------
def test_another_learner_gets_404_on_every_page_of_an_activity(app, client, org, login_as):
    activity = record(app, org.agus)
    login_as(org.budi)
    for url in (f"/activities/{activity.id}", f"/activities/{activity.id}/edit"):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client, "/activities/new")
    assert post_edit(client, activity, seminar(title="Milik saya")).status_code == 404
    response = client.post(
        f"/activities/{activity.id}/withdraw",
        data={"csrf_token": token, "revision": activity.revision},
    )
    assert response.status_code == 404
    db.session.refresh(activity)
    assert activity.title == "Seminar Nasional Pelayanan Publik"


def test_the_supervisor_sees_the_activity_but_cannot_edit_it(app, org):
    activity = record(app, org.agus)
    sup = signed_in(app, org.sup_a)
    page = text(sup.get(f"/activities/{activity.id}"))
    assert "Agus Setiawan" in page and "Keputusan Anda" in page
    assert sup.get(f"/activities/{activity.id}/edit").status_code == 404


def test_the_list_shows_each_activity_with_its_status_and_a_year_filter(app, client, org, login_as):
    approve(app, org.sup_a, record(app, org.agus))
    record(app, org.agus, self_study("3"))
    old = Activity(
        user_id=org.agus.id, kind_id=kind("seminar").id, title="Seminar tahun lalu",
        organiser_name="X", start_date=date(current_year() - 1, 5, 2),
        end_date=date(current_year() - 1, 5, 2), duration_amount=Decimal(1), jp=4,
        status=ActivityStatus.APPROVED,
    )  # fmt: skip
    db.session.add(old)
    db.session.commit()
    login_as(org.agus)
    page = text(client.get("/activities/"))
    assert "2 kegiatan" in page
    assert "Seminar Nasional Pelayanan Publik" in page and "Membaca buku" in page
    assert "Disetujui" in page and "Menunggu persetujuan" in page
    assert "4 JP diusulkan untuk kegiatan yang menunggu persetujuan." in page
    assert "Seminar tahun lalu" not in page
    page = text(client.get(f"/activities/?year={current_year() - 1}"))
    assert "Seminar tahun lalu" in page and "Membaca buku" not in page
    assert "Kegiatan pengembangan" in text(client.get("/competencies/plan"))  # the third tab


def test_person_activities_is_one_query(app, org):
    from test_supervision_helpers import count_queries

    for n in range(3):
        record(app, org.agus, seminar(title=f"Seminar {n}", save_anyway="y"))
    db.session.expire_all()
    agus = db.session.get(User, org.agus.id)
    with count_queries() as statements:
        rows = person_activities(agus, current_year())
        assert [a.kind.code for a in rows] == ["seminar"] * 3
        assert [len(a.evidence) for a in rows] == [0, 0, 0]
    assert len(statements) == 1


def test_kinds_are_loaded_on_first_use(app, client, make_user, login_as):
    assert db.session.query(ActivityKind).count() == 0
    login_as(make_user())
    assert "Seminar/konferensi/sarasehan nasional" in text(client.get("/activities/new"))
    assert db.session.query(ActivityKind).count() >= 18


def test_the_decision_time_is_recorded(app, org):
    before = utcnow()
    activity = approve(app, org.sup_a, record(app, org.agus))
    from elearn.timeutil import as_utc

    assert as_utc(activity.decided_at) >= before - timedelta(seconds=1)
