"""The admin's editor of activity kinds: the list with each rule, adding and editing a kind
(audited), the checks on codes and numbers, and the JP already saved that a new rule leaves
as they are."""

import pytest
from conftest import csrf_token
from test_activities_helpers import (
    approve,
    audits,
    build_org,
    kind,
    last_activity,
    post_new,
    record,
    seminar,
    signed_in,
    text,
)

from elearn.extensions import db
from elearn.learn.jp import jp_earned
from elearn.learn.services import current_year
from elearn.models import ActivityKind


@pytest.fixture
def org(app, make_unit, make_user):
    return build_org(make_unit, make_user)


def kind_data(**overrides):
    data = {
        "code": "seminar-daerah",
        "name": "Seminar daerah",
        "name_en": "Regional seminar",
        "source": "formal",
        "jp_per_day": "3",
        "cap_per_activity": "",
        "cap_per_year": "",
        "siasn_type_id": "9",
        "siasn_certificate_kind": "P",
        "position": "",
        "active": "y",
    }
    data.update(overrides)
    return data


def post_kind(client, url, data):
    data = dict(data)
    data.setdefault("csrf_token", csrf_token(client, "/activities/kinds/new"))
    return client.post(url, data=data)


def test_the_list_shows_every_kind_with_its_rule(app, org):
    page = text(signed_in(app, org.admin).get("/activities/kinds"))
    assert "Jenis kegiatan pengembangan" in page
    assert (
        "Seminar/konferensi/sarasehan nasional National seminar or conference seminar 4 JP per hari"
        in page
    )
    assert "Belajar mandiri" in page and "jam ÷ panjang JP" in page
    assert "Perubahan aturan berlaku untuk kegiatan yang disimpan sejak saat itu" in page
    assert "Belajar di tempat kerja (70)" in page and "Coaching dan mentoring (20)" in page


@pytest.mark.parametrize("role", ["learner", "supervisor", "instructor"])
def test_only_admins_reach_the_kinds(app, make_user, role):
    client = signed_in(app, make_user(roles=[role]))
    for url in ("/activities/kinds", "/activities/kinds/new", "/activities/kinds/1"):
        assert client.get(url).status_code == 403


def test_an_admin_adds_a_kind_that_people_can_then_choose(app, org):
    client = signed_in(app, org.admin)
    response = post_kind(client, "/activities/kinds/new", kind_data())
    assert response.status_code == 302
    added = kind("seminar-daerah")
    assert (added.name, added.jp_per_day, added.cap_per_activity, added.active) == (
        "Seminar daerah", 3, None, True
    )  # fmt: skip
    assert added.position > kind("proyek-strategis").position  # at the end of the list
    [entry] = audits("activity_kind.create")
    assert entry.actor_id == org.admin.id and entry.detail["code"] == "seminar-daerah"
    learner = signed_in(app, org.agus)
    assert "Seminar daerah" in text(learner.get("/activities/new"))
    post_new(learner, seminar(kind_id=added.id, duration_amount="1"))
    assert last_activity(org.agus).jp == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": ""}, "Isi kode, misalnya seminar-daerah."),
        ({"code": "Seminar Daerah"}, "Kode terdiri atas huruf kecil, angka, dan tanda hubung"),
        ({"code": "seminar"}, "Kode ini sudah dipakai jenis lain."),
        ({"name": " "}, "Isi nama jenis."),
        ({"jp_per_day": "-1"}, "Isi bilangan bulat dari 0 sampai 1000, atau biarkan kosong."),
        ({"cap_per_year": "sepuluh"}, "Isi bilangan bulat dari 0 sampai 1000"),
        ({"siasn_type_id": "11"}, "Isi id jenis diklat SIASN, angka dari 1 sampai 10."),
        ({"siasn_type_id": ""}, "Isi id jenis diklat SIASN, angka dari 1 sampai 10."),
        ({"siasn_certificate_kind": "PPPPP"}, "Paling banyak 4 karakter, misalnya P atau T."),
        ({"source": "lain"}, "Pilih bagian model 10:20:70."),
    ],
)
def test_bad_kinds_are_refused(app, org, overrides, message):
    client = signed_in(app, org.admin)
    before = db.session.query(ActivityKind).count()
    response = post_kind(client, "/activities/kinds/new", kind_data(**overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.query(ActivityKind).count() == before
    assert audits("activity_kind.create") == []


def test_a_new_rule_leaves_the_jp_already_saved_as_they_are(app, org):
    approved = approve(app, org.sup_a, record(app, org.agus))
    pending = record(app, org.dewi)
    client = signed_in(app, org.admin)
    seminar_kind = kind("seminar")
    page = text(client.get(f"/activities/kinds/{seminar_kind.id}"))
    assert "Jenis: Seminar/konferensi/sarasehan nasional" in page
    assert "(tetap setelah dibuat)" in page

    data = kind_data(
        code="ignored",
        name=seminar_kind.name,
        name_en=seminar_kind.name_en,
        jp_per_day="6",
        cap_per_year="20",
        position=str(seminar_kind.position),
    )
    response = post_kind(client, f"/activities/kinds/{seminar_kind.id}", data)  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(seminar_kind)
    assert (seminar_kind.code, seminar_kind.jp_per_day, seminar_kind.cap_per_year) == (
        "seminar", 6, 20
    )  # fmt: skip
    [entry] = audits("activity_kind.edit")
    assert entry.detail["changes"]["jp_per_day"] == [4, 6]
    assert entry.detail["changes"]["cap_per_year"] == [None, 20]
    assert "name" not in entry.detail["changes"]

    db.session.refresh(approved)
    db.session.refresh(pending)
    assert (approved.jp, pending.jp) == (4, 4)
    assert jp_earned([org.agus.id], current_year())[org.agus.id] == 4
    assert record(app, org.budi).jp == 6  # saved from now on: the new rule


def test_saving_an_unchanged_kind_is_not_audited(app, org):
    client = signed_in(app, org.admin)
    k = kind("workshop")
    data = kind_data(name=k.name, name_en=k.name_en, jp_per_day="5", position=str(k.position),
                     siasn_type_id="4")  # fmt: skip
    response = post_kind(client, f"/activities/kinds/{k.id}", data)
    assert response.status_code == 302
    assert audits("activity_kind.edit") == []


def test_a_retired_kind_stays_on_its_activities(app, client, org, login_as):
    activity = record(app, org.agus)
    admin = signed_in(app, org.admin)
    k = kind("seminar")
    data = kind_data(name=k.name, name_en=k.name_en, jp_per_day="4", position=str(k.position))
    data.pop("active")
    assert post_kind(admin, f"/activities/kinds/{k.id}", data).status_code == 302
    db.session.refresh(k)
    assert not k.active
    assert "Tidak dipakai lagi" in text(admin.get("/activities/kinds"))
    login_as(org.agus)
    assert f'value="{k.id}" data-jp' not in client.get("/activities/new").get_data(as_text=True)
    html = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert f'value="{k.id}" data-jp-per-day="4"' in html  # still its kind when edited


def test_an_unknown_kind_is_404(app, org):
    assert signed_in(app, org.admin).get("/activities/kinds/999999").status_code == 404
