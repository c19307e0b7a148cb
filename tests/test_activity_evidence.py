"""Evidence of an activity: PDF and pictures only, the type sniffed from the bytes, limited in
number and size, refused with a message naming the file and nothing half-saved; stored once
per content; downloads as attachments under a sandbox, for the person and their supervisor
only; removed and added on edit."""

import pytest
from conftest import csrf_token
from test_activities_helpers import (
    HTML,
    PDF,
    PNG,
    activity_count,
    blob_count,
    build_org,
    last_activity,
    post_edit,
    post_new,
    record,
    seminar,
    signed_in,
    text,
)

from elearn.extensions import db
from elearn.models import ActivityEvidence, ActivityStatus


@pytest.fixture
def config_overrides():
    # Small limits keep the files small: 2 files of at most 4 KB, requests of at most 64 KB.
    return {
        "ACTIVITY_EVIDENCE_MAX_BYTES": 4096,
        "ACTIVITY_EVIDENCE_MAX_FILES": 2,
        "MAX_CONTENT_LENGTH": 64 * 1024,
    }


@pytest.fixture
def org(app, make_unit, make_user):
    return build_org(make_unit, make_user)


def test_a_pdf_and_a_picture_are_stored_with_the_activity(client, org, login_as):
    login_as(org.agus)
    response = post_new(
        client, seminar(), files=[("Sertifikat Seminar.PDF", PDF), ("foto kegiatan.png", PNG)]
    )
    assert response.status_code == 302
    activity = last_activity(org.agus)
    rows = [(e.filename, e.content_type, e.size) for e in activity.evidence]
    assert rows == [
        ("sertifikat_seminar.pdf", "application/pdf", len(PDF)),
        ("foto_kegiatan.png", "image/png", len(PNG)),
    ]
    assert blob_count() == 2
    page = text(client.get(f"/activities/{activity.id}"))
    assert "sertifikat_seminar.pdf" in page and "foto_kegiatan.png" in page
    assert "1 KB" in page


def test_a_name_without_latin_letters_keeps_its_type(client, org, login_as):
    login_as(org.agus)
    assert post_new(client, seminar(), files=[("证书.pdf", PDF)]).status_code == 302
    assert [e.filename for e in last_activity(org.agus).evidence] == ["bukti.pdf"]


def test_the_same_bytes_are_stored_once(app, org):
    record(app, org.agus, files=[("a.pdf", PDF)])
    record(app, org.dewi, files=[("b.pdf", PDF)])
    assert blob_count() == 1
    assert db.session.query(ActivityEvidence).count() == 2


def test_a_web_page_renamed_pdf_refuses_the_whole_record(client, org, login_as):
    login_as(org.agus)
    response = post_new(client, seminar(), files=[("bukti.pdf", PDF), ("sertifikat.pdf", HTML)])
    assert response.status_code == 400
    page = text(response)
    assert "sertifikat.pdf: Isi berkas bukan berkas .pdf yang sah." in page
    assert "Berkas yang Anda pilih tidak tersimpan: pilih lagi" in page
    assert (activity_count(), blob_count()) == (0, 0)  # nothing half-saved


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("laporan.docx", b"PK\x03\x04docx", "laporan.docx: hanya berkas PDF dan gambar"),
        ("halaman.html", HTML, "halaman.html: hanya berkas PDF dan gambar"),
        ("gambar.svg", b"<svg/>", "gambar.svg: hanya berkas PDF dan gambar"),
        ("foto.png", PDF, "foto.png: Isi berkas bukan berkas .png yang sah."),
        ("kosong.pdf", b"", "kosong.pdf: Berkas kosong."),
        (
            "besar.pdf",
            PDF + b"0" * 5000,
            "besar.pdf lebih besar dari 4 KB, batas untuk satu berkas bukti.",
        ),
    ],
)
def test_wrong_files_are_refused_naming_the_file(client, org, login_as, name, content, message):
    login_as(org.agus)
    response = post_new(client, seminar(), files=[(name, content)])
    assert response.status_code == 400
    assert message in text(response)
    assert (activity_count(), blob_count()) == (0, 0)


def test_at_most_the_configured_number_of_files(client, org, login_as):
    login_as(org.agus)
    files = [("a.pdf", PDF), ("b.png", PNG), ("c.pdf", PDF + b"%c")]
    response = post_new(client, seminar(), files=files)
    assert response.status_code == 400
    assert "Satu kegiatan dapat memiliki paling banyak 2 berkas bukti." in text(response)
    assert (activity_count(), blob_count()) == (0, 0)


def test_a_request_larger_than_the_server_accepts_gets_the_form_with_a_message(
    client, org, login_as
):
    login_as(org.agus)
    response = post_new(client, seminar(), files=[("besar.pdf", PDF + b"0" * 70_000)])
    assert response.status_code == 413
    page = text(response)
    assert (
        "Berkas yang dikirim sekaligus lebih besar dari 64 KB. Pilih paling banyak 2 berkas" in page
    )
    assert "Catat kegiatan pengembangan" in page  # the form again, not a bare error
    assert activity_count() == 0


def test_the_download_is_an_attachment_under_a_sandbox(app, org):
    activity = record(app, org.agus, files=[("sertifikat.pdf", PDF)])
    evidence = activity.evidence[0]
    url = f"/activities/{activity.id}/evidence/{evidence.id}"
    for user in (org.agus, org.sup_a, org.admin):
        response = signed_in(app, user).get(url)
        assert response.status_code == 200, user
        assert response.data == PDF
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "sertifikat.pdf" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["Cache-Control"].startswith("private")
    again = signed_in(app, org.agus).get(url, headers={"If-None-Match": f'"{evidence.sha256}"'})
    assert again.status_code == 304


def test_outsiders_get_404_for_the_evidence(app, org):
    activity = record(app, org.agus, files=[("sertifikat.pdf", PDF)])
    evidence = activity.evidence[0]
    for user in (org.budi, org.sup_b, org.dewi):
        client = signed_in(app, user)
        assert client.get(f"/activities/{activity.id}/evidence/{evidence.id}").status_code == 404
    other = record(app, org.dewi, files=[("lain.png", PNG)])
    client = signed_in(app, org.agus)  # an evidence id of another activity under his own
    assert (
        client.get(f"/activities/{activity.id}/evidence/{other.evidence[0].id}").status_code == 404
    )


def test_files_are_removed_and_added_on_edit(app, client, org, login_as):
    activity = record(app, org.agus, files=[("lama.pdf", PDF)])
    old = activity.evidence[0]
    login_as(org.agus)
    html = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert f'name="remove_evidence" value="{old.id}"' in html
    response = post_edit(
        client, activity, seminar(remove_evidence=[old.id]), files=[("baru.png", PNG)]
    )
    assert response.status_code == 302
    db.session.refresh(activity)
    assert [e.filename for e in activity.evidence] == ["baru.png"]


def test_an_edit_cannot_go_past_the_number_of_files(app, client, org, login_as):
    activity = record(app, org.agus, files=[("a.pdf", PDF), ("b.png", PNG)])
    login_as(org.agus)
    response = post_edit(client, activity, seminar(), files=[("c.pdf", PDF + b"%c")])
    assert "Satu kegiatan dapat memiliki paling banyak 2 berkas bukti." in text(response)
    db.session.refresh(activity)
    assert len(activity.evidence) == 2 and activity.revision == 1
    assert activity.status == ActivityStatus.PENDING


def test_a_refused_file_on_edit_changes_nothing(app, client, org, login_as):
    activity = record(app, org.agus, files=[("a.pdf", PDF)])
    login_as(org.agus)
    token = csrf_token(client, f"/activities/{activity.id}/edit")
    response = post_edit(
        client,
        activity,
        seminar(title="Judul baru", remove_evidence=[activity.evidence[0].id], csrf_token=token),
        files=[("palsu.pdf", HTML)],
    )
    assert response.status_code == 400
    db.session.refresh(activity)
    assert activity.title == "Seminar Nasional Pelayanan Publik"
    assert [e.filename for e in activity.evidence] == ["a.pdf"]
    assert blob_count() == 1
