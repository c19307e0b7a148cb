"""Assigning with the picker: the search of units and people stays within the viewer's scope
(admins see everyone), works without script (the page reloads keeping the choice), a preview
says who receives the course before anything is saved, and assigning a course again to the
same unit or person warns and merges instead of duplicating, in one transaction."""

import re
from datetime import timedelta

import pytest
from conftest import csrf_token
from test_supervision_helpers import assign, build_agency, complete, count_queries

from elearn.extensions import db
from elearn.models import Assignment, AssignmentPerson, Enrollment, Notification
from elearn.supervision.services import today

FINGERPRINT_RE = re.compile(r'name="fingerprint" type="hidden" value="([^"]+)"')
NEW = "/team/assignments/new"
SEARCH = "/team/assignments/search"


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return build_agency(make_unit, make_user, tmp_path)


def text(response):
    return response.get_data(as_text=True)


def found(client, kind, q="", page=1):
    response = client.get(SEARCH, query_string={"kind": kind, "q": q, "page": page})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return [r["label"] for r in response.get_json()["results"]]


def choice(course, units=(), people=(), due=None, future=True):
    data = {
        "sent": "1",
        "course_id": str(course.id),
        "unit_ids": [str(u.id) for u in units],
        "user_ids": [str(getattr(p, "id", p)) for p in people],
        "due_date": (due or today() + timedelta(days=14)).isoformat(),
    }
    if future:
        data["include_future_members"] = "y"
    return data


def preview(client, course, **kwargs):
    response = client.get(NEW, query_string={**choice(course, **kwargs), "step": "preview"})
    return response, text(response)


def confirm(client, course, due_policy="keep", **kwargs):
    """Open the preview, then press its Assign button."""
    response, html = preview(client, course, **kwargs)
    assert response.status_code == 200, html
    data = {k: v for k, v in choice(course, **kwargs).items() if k != "sent"}
    data.update(
        csrf_token=csrf_token(client, NEW),
        fingerprint=FINGERPRINT_RE.search(html).group(1),
        due_policy=due_policy,
    )
    return client.post(NEW, data=data)


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# Search ------------------------------------------------------------------------------------------
def test_a_supervisor_finds_only_people_and_units_of_their_units(client, agency, login_as):
    login_as(agency.sup_a)
    assert found(client, "people", "a") == ["Agus Setiawan", "Dewi Lestari", "Kepala A"]
    assert found(client, "people", "budi") == []  # in Dinas B
    assert found(client, "people", "admin") == []
    assert found(client, "people", agency.budi.nip) == []
    assert found(client, "people", agency.dewi.nip[-6:]) == ["Dewi Lestari"]  # part of a NIP
    assert found(client, "people", agency.agus.email.upper()) == ["Agus Setiawan"]
    assert found(client, "people", "lestari dewi") == ["Dewi Lestari"]  # every word, any order
    assert found(client, "people", "") == []  # people need a term
    assert found(client, "units") == ["Bidang A1", "Dinas A"]  # all of the scope, by name
    assert found(client, "units", "dinas") == ["Dinas A"]
    assert found(client, "units", "DINAS-B") == []
    assert found(client, "units", "kabupaten") == []


def test_an_admin_finds_everyone_but_not_inactive_people(client, agency, login_as, make_user):
    make_user(unit=agency.b, full_name="Budi Pensiun", active=False)
    login_as(agency.admin)
    assert found(client, "people", "budi") == ["Budi Rahasia"]
    assert found(client, "units") == ["Bidang A1", "Dinas A", "Dinas B", "Pemerintah Kabupaten"]
    response = client.get(SEARCH, query_string={"kind": "units", "q": "a1"})
    (unit,) = response.get_json()["results"]
    assert unit["id"] == agency.a1.id and unit["detail"] == "Dinas A · A1 · 1 orang"


def test_search_results_are_paged(client, agency, login_as, make_user):
    for n in range(12):
        make_user(unit=agency.a1, full_name=f"Staf Bidang {n:02d}")
    login_as(agency.sup_a)
    first = client.get(SEARCH, query_string={"kind": "people", "q": "staf"}).get_json()
    assert len(first["results"]) == 10 and first["more"] is True
    second = client.get(SEARCH, query_string={"kind": "people", "q": "staf", "page": 2})
    assert [r["label"] for r in second.get_json()["results"]] == ["Staf Bidang 10",
                                                                   "Staf Bidang 11"]  # fmt: skip
    assert second.get_json()["more"] is False


def test_the_search_endpoint_runs_the_same_queries_whatever_the_data_size(
    client, agency, login_as, make_user, make_unit
):
    login_as(agency.sup_a)
    found(client, "people", "a")  # warm up (session, caches)

    def measure():
        with count_queries() as people_queries:
            found(client, "people", "a")
        with count_queries() as unit_queries:
            found(client, "units")
        return len(people_queries), len(unit_queries)

    small = measure()
    for n in range(15):
        unit = make_unit(f"Seksi {n}", agency.a)
        for m in range(4):
            make_user(unit=unit, full_name=f"Anggota {n}-{m}")
    large = measure()
    assert large == small
    assert max(large) <= 6, large


def test_an_unknown_kind_of_search_is_refused_in_indonesian(client, agency, login_as):
    login_as(agency.sup_a)
    response = client.get(SEARCH, query_string={"kind": "courses", "q": "x"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "Pencarian tidak dikenal."


def test_learners_cannot_search(client, agency, login_as):
    login_as(agency.agus)
    assert client.get(SEARCH, query_string={"kind": "people", "q": "a"}).status_code == 403


# Without script ----------------------------------------------------------------------------------
def checked_ids(html, name):
    return sorted(
        int(v)
        for v in re.findall(rf'name="{name}" value="(\d+)" id="[a-z]+-chosen-\d+" checked', html)
    )


def result_ids(html, name):
    return sorted(
        int(v) for v in re.findall(rf'name="{name}" value="(\d+)" id="[a-z]+-result-', html)
    )


def test_searching_without_script_keeps_the_choice(client, agency, login_as):
    login_as(agency.sup_a)
    data = choice(agency.course, units=[agency.a1], people=[agency.agus])
    html = text(client.get(NEW, query_string={**data, "people_q": "e", "search": "people"}))
    # The choice so far, as ticked checkboxes; the results to tick, without those already chosen.
    assert checked_ids(html, "user_ids") == [agency.agus.id]
    assert checked_ids(html, "unit_ids") == [agency.a1.id]
    assert result_ids(html, "user_ids") == sorted([agency.dewi.id, agency.sup_a.id])
    assert "Budi" not in html
    assert f'<option selected value="{agency.course.id}">' in html
    assert f'value="{data["due_date"]}"' in html
    # Ticking Dewi and searching units: both people stay chosen, the units are listed.
    data["user_ids"].append(str(agency.dewi.id))
    html = text(client.get(NEW, query_string={**data, "unit_q": "", "search": "units"}))
    assert checked_ids(html, "user_ids") == sorted([agency.agus.id, agency.dewi.id])
    assert result_ids(html, "unit_ids") == [agency.a.id]  # A1 is chosen already
    assert "Dinas B" not in html
    # Someone from outside the scope slipped into the address is not shown, nor kept.
    html = text(client.get(NEW, query_string={**data, "user_ids": [str(agency.budi.id)]}))
    assert checked_ids(html, "user_ids") == [] and agency.budi.full_name not in html


def test_the_person_page_link_fills_in_the_person(client, agency, login_as):
    login_as(agency.sup_a)
    html = text(client.get(NEW, query_string={"person": agency.dewi.id}))
    assert checked_ids(html, "user_ids") == [agency.dewi.id]
    assert '<input checked id="include_future_members"' in html  # the default
    html = text(client.get(NEW, query_string={"person": agency.budi.id}))
    assert checked_ids(html, "user_ids") == []


# Preview -----------------------------------------------------------------------------------------
def test_the_preview_counts_who_receives_it_and_who_is_skipped(client, agency, login_as):
    db.session.add(
        Enrollment(user_id=agency.dewi.id, course_id=agency.course.id,
                   version_id=agency.course.current_version_id, source="self")
    )  # fmt: skip
    db.session.commit()
    complete(agency.agus, agency.course)
    login_as(agency.sup_a)
    response, html = preview(client, agency.course, units=[agency.a], people=[agency.dewi])
    assert response.status_code == 200
    assert "Periksa sebelum menugaskan" in html
    assert "2 orang akan menerima kursus ini." in html  # Kepala A and Dewi
    assert "1 di antaranya sudah terdaftar dan kemajuannya tetap tersimpan." in html
    assert "1 orang sudah menyelesaikan kursus ini dan dilewati." in html  # Agus
    assert "1 pegawai yang dipilih termasuk unit kerja yang dipilih dan dihitung sekali." in html
    table = html[html.index('class="preview-people') : html.index("</table>")]
    assert re.findall(r"<tr><td>([^<]+?)(?: <span|</td>)", table) == ["Dewi Lestari", "Kepala A"]
    assert "Bidang A1" in table and "Agus" not in table
    assert count(Assignment) == 0 and count(AssignmentPerson) == 0  # nothing saved yet


def test_the_preview_lists_the_first_twenty_and_counts_the_rest(
    client, agency, login_as, make_user
):
    for n in range(25):
        make_user(unit=agency.a1, full_name=f"Staf {n:02d}")
    login_as(agency.sup_a)
    _response, html = preview(client, agency.course, units=[agency.a1])
    assert "26 orang akan menerima kursus ini." in html
    table = html[html.index('class="preview-people') : html.index("</table>")]
    assert table.count("<tr><td>") == 20
    assert "…dan 6 orang lainnya." in html


def test_a_post_without_the_preview_shows_the_preview(client, agency, login_as):
    login_as(agency.sup_a)
    data = {k: v for k, v in choice(agency.course, units=[agency.a]).items() if k != "sent"}
    response = client.post(NEW, data={**data, "csrf_token": csrf_token(client, NEW)})
    assert response.status_code == 200
    assert "Periksa sebelum menugaskan" in text(response)
    assert "Ada yang berubah" not in text(response)
    assert count(Assignment) == 0


def test_a_preview_that_went_stale_is_shown_again(client, agency, login_as, make_user):
    login_as(agency.sup_a)
    _response, html = preview(client, agency.course, units=[agency.a])
    fingerprint = FINGERPRINT_RE.search(html).group(1)
    make_user(unit=agency.a1, full_name="Pegawai Baru")  # joins while the supervisor reads
    data = {k: v for k, v in choice(agency.course, units=[agency.a]).items() if k != "sent"}
    response = client.post(
        NEW, data={**data, "csrf_token": csrf_token(client, NEW), "fingerprint": fingerprint}
    )
    html = text(response)
    assert "Ada yang berubah sejak Anda memeriksa" in html
    assert "4 orang akan menerima kursus ini." in html
    assert count(Assignment) == 0
    fingerprint = FINGERPRINT_RE.search(html).group(1)
    response = client.post(
        NEW, data={**data, "csrf_token": csrf_token(client, NEW), "fingerprint": fingerprint}
    )
    assert response.status_code == 302 and count(AssignmentPerson) == 4


# Duplicates --------------------------------------------------------------------------------------
def test_assigning_again_warns_and_merges_keeping_the_due_date(client, agency, login_as, make_user):
    first_due = today() + timedelta(days=10)
    assign(agency.sup_a, agency.course, units=[agency.a], people=[agency.agus], due_in_days=10)
    assert count(Assignment) == 1  # Agus is in the unit: no assignment of his own
    newcomer = make_user(unit=agency.a1, full_name="Rina Baru")
    login_as(agency.sup_a)
    later = today() + timedelta(days=30)
    _response, html = preview(client, agency.course, units=[agency.a], due=later)
    assert "Sudah ditugaskan: tidak akan dibuat ganda" in html
    warning = html[
        html.index("duplicate-warning") : html.index("</section>", html.index("duplicate-warning"))
    ]
    assert "Dinas A" in warning and "tenggat" in warning
    assert "1 orang akan menerima kursus ini." in html  # only the newcomer
    assert "3 orang sudah mendapat penugasan kursus ini dan dilewati" in html
    assert 'name="due_policy"' in html  # the choice of the due date
    response = confirm(client, agency.course, units=[agency.a], due=later)
    assert response.status_code == 302
    unit_assignments = db.session.scalars(
        db.select(Assignment).where(Assignment.unit_id == agency.a.id)
    ).all()
    assert len(unit_assignments) == 1 and unit_assignments[0].due_date == first_due
    reached = db.session.scalars(
        db.select(AssignmentPerson.user_id).where(
            AssignmentPerson.assignment_id == unit_assignments[0].id
        )
    ).all()
    assert newcomer.id in reached
    html = text(client.get("/team/assignments"))
    assert "1 penugasan kursus ini yang sudah ada dipertahankan dan diperluas" in html


def test_assigning_again_can_move_the_due_date(client, agency, login_as):
    assign(agency.sup_a, agency.course, people=[agency.dewi], due_in_days=10)
    login_as(agency.sup_a)
    later = today() + timedelta(days=40)
    response = confirm(client, agency.course, people=[agency.dewi], due=later,
                       due_policy="update")  # fmt: skip
    assert response.status_code == 302
    (assignment,) = db.session.scalars(db.select(Assignment)).all()
    assert assignment.due_date == later
    # Dewi is told about the new due date.
    keys = db.session.scalars(
        db.select(Notification.dedupe_key).where(Notification.user_id == agency.dewi.id)
    ).all()
    assert f"assigned:{agency.course.id}:{later.isoformat()}" in keys
    html = text(client.get("/team/assignments"))
    assert "Tenggat waktunya diubah." in html


def test_nothing_to_do_saves_nothing(client, agency, login_as):
    due = today() + timedelta(days=10)
    assign(agency.sup_a, agency.course, units=[agency.a1], due_in_days=10)
    login_as(agency.sup_a)
    _response, html = preview(client, agency.course, units=[agency.a1], due=due)
    assert "Tidak ada yang akan berubah" in html
    assert ">Tugaskan</button>" not in html
    before = db.session.scalar(db.select(db.func.count()).select_from(db.text("audit_log")))
    response = confirm(client, agency.course, units=[agency.a1], due=due)
    assert response.status_code == 302
    assert count(Assignment) == 1
    after = db.session.scalar(db.select(db.func.count()).select_from(db.text("audit_log")))
    assert after == before
    assert "Tidak ada yang berubah" in text(client.get("/team/assignments"))


def test_a_failure_while_assigning_saves_nothing(client, agency, login_as, monkeypatch):
    import elearn.supervision.assignments as assignments

    def broken(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(assignments, "notify_assigned", broken)
    login_as(agency.sup_a)
    with pytest.raises(RuntimeError):
        confirm(client, agency.course, units=[agency.a], people=[agency.agus])
    db.session.rollback()
    assert count(Assignment) == 0
    assert count(AssignmentPerson) == 0
    assert count(Enrollment) == 0


# CSRF and bad input ------------------------------------------------------------------------------
def test_assigning_needs_the_csrf_token(client, agency, login_as):
    login_as(agency.sup_a)
    _response, html = preview(client, agency.course, units=[agency.a])
    data = {k: v for k, v in choice(agency.course, units=[agency.a]).items() if k != "sent"}
    data["fingerprint"] = FINGERPRINT_RE.search(html).group(1)
    assert client.post(NEW, data=data).status_code == 400
    assert client.post(NEW, data={**data, "csrf_token": "forged"}).status_code == 400
    assert count(Assignment) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_date": "31-02-2026"}, "Masukkan tanggal yang benar, misalnya 31-12-2026."),
        ({"due_date": "kemarin"}, "Masukkan tanggal yang benar, misalnya 31-12-2026."),
        ({"due_date": ""}, "Isi tenggat waktu."),
        ({"user_ids": ["abc"]}, "Pilih dari daftar."),
        ({"course_id": "x"}, "Pilih kursus yang sudah terbit."),
        ({"unit_ids": [], "user_ids": []}, "Pilih setidaknya satu unit kerja atau satu orang."),
    ],
)
def test_bad_input_is_explained_in_indonesian(client, agency, login_as, fields, message):
    login_as(agency.sup_a)
    data = {**choice(agency.course, units=[agency.a]), **fields, "step": "preview"}
    response = client.get(NEW, query_string=data)
    html = text(response)
    assert response.status_code == 400
    assert message in html
    assert "Perbaiki isian yang ditandai." in html
    assert "Periksa sebelum menugaskan" not in html


def test_a_past_due_date_is_refused(client, agency, login_as):
    login_as(agency.sup_a)
    response, html = preview(client, agency.course, units=[agency.a],
                             due=today() - timedelta(days=1))  # fmt: skip
    assert response.status_code == 400
    assert "Tenggat waktu tidak boleh di masa lalu." in html


def test_the_preview_runs_the_same_queries_whatever_the_size_of_the_unit(
    client, agency, login_as, make_user
):
    login_as(agency.sup_a)
    preview(client, agency.course, units=[agency.a], people=[agency.dewi])  # warm up

    def measure():
        with count_queries() as queries:
            response, _html = preview(client, agency.course, units=[agency.a], people=[agency.dewi])
        assert response.status_code == 200
        return len(queries)

    small = measure()
    for n in range(40):
        make_user(unit=agency.a1, full_name=f"Staf {n:02d}")
    assert measure() == small
