"""Completion certificates: issued exactly once, a PDF with a QR code anyone can check, public
verification, who may download, and the admin's revoke and reissue."""

import io
import logging
import re
import threading
from decimal import Decimal

import pytest
import zxingcpp
from conftest import csrf_token, login
from factories_course import enrol, import_course, mark_done, write_course
from pypdf import PdfReader
from sqlalchemy import event, func, select

from elearn.certificates import services
from elearn.certificates.services import (
    ALPHABET,
    NUMBER_BITS,
    certificate_for,
    generate_number,
    issue_certificate,
    mask_nip,
    normalize_number,
    numbers_for,
    revoke_certificate,
)
from elearn.extensions import db
from elearn.learn.completion import evaluate
from elearn.models import (
    REISSUED,
    Attempt,
    AuditLog,
    Certificate,
    Completion,
    Enrollment,
    LessonProgress,
    Quiz,
)
from elearn.timeutil import utcnow

NIP = "198609262015052001"
LESSON = "modul/pelajaran-1"
NUMBER_RE = re.compile(r"ELN-\d{4}-[%s]{4}-[%s]{4}-[%s]{4}" % ((ALPHABET,) * 3))


@pytest.fixture
def course(app, tmp_path):
    path = write_course(
        tmp_path, "etika", title="Etika dan Integritas ASN", jp=6, lessons=1, final_exam=True
    )
    with open(path / "course.yml", "a", encoding="utf-8") as fh:
        fh.write('version: "1.2"\n')
    return import_course(path)


@pytest.fixture
def learner(make_user):
    return make_user(full_name="Ni Luh Putu Ayu Wulandari, S.Kom.", nip=NIP)


def pass_final(user, course, score="87.5"):
    quiz = db.session.scalar(
        select(Quiz).where(Quiz.version_id == course.current_version_id, Quiz.key == "final")
    )
    db.session.add(
        Attempt(
            user_id=user.id,
            course_id=course.id,
            quiz_id=quiz.id,
            quiz_key="final",
            role=quiz.role,
            number=1,
            submitted_at=utcnow(),
            score_percent=Decimal(score),
            passed=True,
        )
    )
    db.session.commit()


def ready_to_complete(user, course):
    """Enrolled, final exam passed, the lesson done: the next evaluate() completes."""
    pass_final(user, course)
    enrollment = Enrollment(
        user_id=user.id, course_id=course.id, version_id=course.current_version_id
    )
    db.session.add(enrollment)
    db.session.add(
        LessonProgress(
            user_id=user.id, course_id=course.id, lesson_key=LESSON, completed_at=utcnow()
        )
    )
    db.session.commit()
    return enrollment


def complete(user, course):
    """Complete the course as the learning code does; returns the certificate issued."""
    enrollment = ready_to_complete(user, course)
    evaluate(enrollment)
    db.session.commit()
    cert = certificate_for(user.id, course.id)
    assert cert is not None
    return cert


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def live_count():
    return count(Certificate, Certificate.revoked_at.is_(None))


def text(response):
    return response.get_data(as_text=True)


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def qr_codes(data):
    found = []
    for image in PdfReader(io.BytesIO(data)).pages[0].images:
        found += [r.text for r in zxingcpp.read_barcodes(image.image)]
    return found


def signed_in(app, user):
    """A client of its own (a browser of its own) signed in as `user`."""
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def certificate_audits(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def post(client, url, data=None, page=None):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, page or url)})


# Issue -------------------------------------------------------------------------------------------
def test_completing_a_course_issues_one_certificate_with_snapshots(
    app, client, learner, login_as, course
):
    pass_final(learner, course)
    login_as(learner)
    enrol(client, "etika")
    assert count(Certificate) == 0
    mark_done(client, "etika", LESSON)

    cert = db.session.scalar(select(Certificate))
    completion = db.session.scalar(select(Completion))
    assert cert.completion_id == completion.id and NUMBER_RE.fullmatch(cert.number)
    assert (cert.full_name, cert.nip) == ("Ni Luh Putu Ayu Wulandari, S.Kom.", NIP)
    assert (cert.course_title, cert.version_number, cert.version_label) == (
        "Etika dan Integritas ASN", 1, "1.2",
    )  # fmt: skip
    assert (cert.jp, cert.jp_minutes, cert.final_score) == (6, 45, Decimal("87.50"))
    assert cert.completed_at == completion.completed_at
    assert cert.institution == app.config["INSTANCE_NAME"]
    assert cert.signatory_name == app.config["CERTIFICATE_SIGNATORY_NAME"]
    assert cert.signatory_nip == app.config["CERTIFICATE_SIGNATORY_NIP"]
    assert cert.issued_at.tzinfo is not None and cert.revoked_at is None
    assert cert.number.split("-")[1] == str(cert.issued_at.year)

    # Later visits neither issue again nor change the snapshots.
    learner.full_name = "Nama Baru"
    db.session.commit()
    mark_done(client, "etika", LESSON)
    assert count(Certificate) == 1
    assert db.session.scalar(select(Certificate)).full_name == "Ni Luh Putu Ayu Wulandari, S.Kom."


def test_a_revoked_certificate_does_not_come_back_with_later_progress(
    app, learner, make_user, course
):
    cert = complete(learner, course)
    revoke_certificate(make_user(roles=["admin"]), cert, "Plagiarisme pada ujian akhir")
    db.session.commit()
    evaluate(db.session.scalar(select(Enrollment)))
    db.session.commit()
    assert count(Certificate) == 1 and live_count() == 0


def _run_at_once(app, work, n=2):
    """Run work() in n threads, each with its own app context (its own session), released
    together by a barrier; re-raises the first error."""
    barrier = threading.Barrier(n)
    errors = []

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                work()
                db.session.commit()
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    db.session.expire_all()


def test_concurrent_completions_issue_one_certificate(app, learner, course):
    enrollment_id = ready_to_complete(learner, course).id

    def complete_now():
        evaluate(db.session.get(Enrollment, enrollment_id))

    _run_at_once(app, complete_now)
    assert count(Completion) == 1
    assert count(Certificate) == 1 and live_count() == 1


def test_concurrent_issues_for_one_completion_give_one_certificate(app, learner, make_user, course):
    # The index on live certificates settles it even without the completion's own guard.
    cert = complete(learner, course)
    revoke_certificate(make_user(roles=["admin"]), cert, "Data salah")
    db.session.commit()
    completion_id = cert.completion_id

    def issue_now():
        issue_certificate(db.session.get(Completion, completion_id))

    _run_at_once(app, issue_now, n=3)
    assert count(Certificate) == 2 and live_count() == 1


def test_a_taken_number_is_skipped(app, learner, make_user, course, monkeypatch):
    first = complete(learner, course)
    other = make_user()
    drawn = iter([first.number, "ELN-2026-AAAA-BBBB-CCCC"])
    monkeypatch.setattr(services, "generate_number", lambda prefix, year: next(drawn))
    second = complete(other, course)
    assert second.number == "ELN-2026-AAAA-BBBB-CCCC"
    assert live_count() == 2


# Numbers -----------------------------------------------------------------------------------------
def test_numbers_are_random_readable_and_normalized():
    numbers = {generate_number("ELN", 2026) for _ in range(2000)}
    assert len(numbers) == 2000
    assert all(NUMBER_RE.fullmatch(n) for n in numbers)
    assert not set("0O1IL") & set("".join(n[9:] for n in numbers))
    assert NUMBER_BITS >= 40
    canonical = "ELN-2026-7K3Q-9XPM-H4TD"
    for typed in (
        canonical,
        "eln-2026-7k3q-9xpm-h4td",
        " ELN 2026 7K3Q 9XPM H4TD ",
        "ELN20267K3Q9XPMH4TD",
        "eln.2026.7k3q.9xpm.h4td",
        "2026-7K3Q-9XPM-H4TD",
    ):
        assert normalize_number(typed) == canonical, typed
    for typed in ("", "ELN-2026-7K3Q-9XPM", "ELN-2026-7K3Q-9XPM-H4T0", "ELN-26-7K3Q-9XPM-H4TD"):
        assert normalize_number(typed) is None, typed


def test_nip_is_masked_to_its_first_and_last_four_digits():
    assert mask_nip(NIP) == "**************2001"
    assert mask_nip(None) is None


# PDF ---------------------------------------------------------------------------------------------
def test_pdf_carries_the_certificate_and_a_qr_code_of_its_verification_url(
    client, learner, login_as, course
):
    cert = complete(learner, course)
    login_as(learner)
    response = client.get(f"/certificates/{cert.number}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f"sertifikat-{cert.number}.pdf" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = response.data

    content = pdf_text(data)
    flat = re.sub(r"\s+", "", content)
    assert "Ni Luh Putu Ayu Wulandari, S.Kom." in content
    assert NIP in flat  # printed in groups: 19860926 201505 2 001
    assert "Etika dan Integritas ASN" in content
    assert "6 JP (1 JP = 45 menit)" in content
    assert cert.number in content
    assert "SERTIFIKAT" in content and "nilai akhir 87,5" in content

    assert qr_codes(data) == [f"http://localhost/verify/{cert.number}"]

    # The fonts travel with the file.
    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = [f.get_object()["/DescendantFonts"][0].get_object() for f in fonts.values()]
    assert all("DejaVuSans" in f["/BaseFont"] for f in embedded)
    assert all("/FontFile2" in f["/FontDescriptor"].get_object() for f in embedded)

    # Made on request, and the same bytes every time.
    assert client.get(f"/certificates/{cert.number}.pdf").data == data


@pytest.mark.parametrize(
    "config_overrides", [{"PUBLIC_BASE_URL": "https://sertifikat.example.go.id/"}]
)
def test_qr_code_uses_the_public_base_url(client, learner, login_as, course):
    cert = complete(learner, course)
    login_as(learner)
    data = client.get(f"/certificates/{cert.number}.pdf").data
    assert qr_codes(data) == [f"https://sertifikat.example.go.id/verify/{cert.number}"]


# Public verification -----------------------------------------------------------------------------
def test_verification_page_and_json_show_a_valid_certificate_without_signing_in(
    client, learner, course
):
    cert = complete(learner, course)
    response = client.get(f"/verify/{cert.number}")
    assert response.status_code == 200
    html = text(response)
    assert "verify-valid" in html and "Sah" in html
    assert "Ni Luh Putu Ayu Wulandari, S.Kom." in html and "Etika dan Integritas ASN" in html
    assert "**************2001" in html and NIP not in html
    assert "87,5" not in html and "87.5" not in html  # the score is not public

    data = client.get(f"/verify/{cert.number}.json").get_json()
    assert data["status"] == "valid" and data["valid"] is True
    assert data["number"] == cert.number and data["nip"] == "**************2001"
    assert (data["name"], data["course"], data["jp"]) == (
        "Ni Luh Putu Ayu Wulandari, S.Kom.", "Etika dan Integritas ASN", 6,
    )  # fmt: skip
    assert data["institution"] == cert.institution and data["revoked_on"] is None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["completed_on"])


def test_revoked_certificate_shows_revoked_with_date_and_reason(client, learner, make_user, course):
    cert = complete(learner, course)
    revoke_certificate(make_user(roles=["admin"]), cert, "Plagiarisme pada ujian akhir")
    db.session.commit()
    html = text(client.get(f"/verify/{cert.number}"))
    assert "verify-revoked" in html and "Dicabut" in html
    assert "Plagiarisme pada ujian akhir" in html
    data = client.get(f"/verify/{cert.number}.json").get_json()
    assert (data["status"], data["valid"]) == ("revoked", False)
    assert data["revoked_reason"] == "Plagiarisme pada ujian akhir"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["revoked_on"])


def test_unknown_numbers_are_not_found(client, app, caplog):
    caplog.set_level(logging.INFO, logger=app.logger.name)
    response = client.get("/verify/ELN-2026-AAAA-BBBB-CCCC")
    assert response.status_code == 404
    assert "verify-unknown" in text(response) and "ELN-2026-AAAA-BBBB-CCCC" in text(response)
    response = client.get("/verify/ELN-2026-AAAA-BBBB-CCCC.json")
    assert response.status_code == 404
    assert response.get_json()["status"] == "not_found"
    assert client.get("/verify/not-a-number").status_code == 404
    assert client.get("/verify/not-a-number.json").status_code == 404
    assert "number='ELN-2026-AAAA-BBBB-CCCC' found=no remote=127.0.0.1" in caplog.text


def test_lookups_are_logged(client, app, learner, course, caplog):
    cert = complete(learner, course)
    caplog.set_level(logging.INFO, logger=app.logger.name)
    client.get(f"/verify/{cert.number}.json")
    assert f"number='{cert.number}' found=yes remote=127.0.0.1" in caplog.text


def test_verify_form_normalizes_typed_numbers(client, learner, course):
    cert = complete(learner, course)
    assert client.get("/verify").status_code == 200
    typed = " " + cert.number.lower().replace("-", " ") + " "
    response = client.get("/verify", query_string={"number": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{cert.number}"
    # Typed into the address bar: redirected to the canonical address.
    response = client.get(f"/verify/{cert.number.lower()}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/verify/{cert.number}"
    for typed in ("", "12345"):
        response = client.get("/verify", query_string={"number": typed})
        assert response.status_code == 200 and 'aria-invalid="true"' in text(response)


@pytest.mark.parametrize("config_overrides", [{"VERIFY_RATE_LIMIT": "3 per minute"}])
def test_lookups_are_rate_limited_per_ip(client):
    statuses = [
        client.get("/verify/ELN-2026-AAAA-BBBB-CCCC").status_code,
        client.get("/verify/ELN-2026-AAAA-BBBB-CCCC.json").status_code,
        client.get("/verify/ELN-2026-AAAA-BBBB-CCCD").status_code,
    ]
    assert statuses == [404, 404, 404]
    assert client.get("/verify/ELN-2026-AAAA-BBBB-CCCC").status_code == 429
    assert client.get("/verify/ELN-2026-AAAA-BBBB-CCCC.json").status_code == 429
    other_ip = client.get(
        "/verify/ELN-2026-AAAA-BBBB-CCCC", environ_overrides={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other_ip.status_code == 404


# Learners and supervisors ------------------------------------------------------------------------
def test_learner_lists_own_certificates(client, learner, make_user, login_as, course):
    mine = complete(learner, course)
    theirs = complete(make_user(full_name="Orang Lain"), course)
    login_as(learner)
    html = text(client.get("/certificates"))
    assert mine.number in html and theirs.number not in html
    assert f"/certificates/{mine.number}.pdf" in html
    assert 'data-nav="certificates"' in html


def test_who_may_download_a_certificate(app, client, learner, make_user, make_unit, course):
    unit = make_unit(name="Bidang Pelayanan")
    learner.unit = unit
    db.session.commit()
    cert = complete(learner, course)
    url = f"/certificates/{cert.number}.pdf"

    assert client.get(url).status_code == 302  # sign in first

    other = signed_in(app, make_user())
    assert other.get(url).status_code == 404  # not "forbidden": existence is not revealed
    assert other.get("/certificates/ELN-2026-AAAA-BBBB-CCCC.pdf").status_code == 404
    assert signed_in(app, learner).get(url).status_code == 200

    in_scope = make_user(roles=["supervisor"])
    in_scope.supervised = [unit]
    out_of_scope = make_user(roles=["supervisor"])
    out_of_scope.supervised = [make_unit(name="Bidang Lain")]
    db.session.commit()
    assert signed_in(app, in_scope).get(url).status_code == 200
    assert signed_in(app, out_of_scope).get(url).status_code == 404
    admin = signed_in(app, make_user(roles=["admin"]))
    assert admin.get(url).status_code == 200

    # A revoked certificate: only admins still get the file.
    revoke_certificate(None, cert, "Data salah")
    db.session.commit()
    assert admin.get(url).status_code == 200
    assert signed_in(app, learner).get(url).status_code == 404


# Admins ------------------------------------------------------------------------------------------
@pytest.fixture
def admin(make_user, login_as):
    user = make_user(roles=["admin"], full_name="Admin Sertifikat")
    login_as(user)
    return user


def test_admin_revoke_needs_a_reason_and_is_audited(client, admin, learner, course):
    cert = complete(learner, course)
    page = f"/certificates/admin/{cert.number}"
    assert client.get(page).status_code == 200
    url = f"/certificates/admin/{cert.number}/revoke"

    response = post(client, url, {"reason": "  "}, page=page)
    assert response.status_code == 200 and 'aria-invalid="true"' in text(response)
    db.session.refresh(cert)
    assert cert.revoked_at is None and certificate_audits("certificate.revoke") == []

    response = post(client, url, {"reason": "Nilai ujian tidak sah"}, page=page)
    assert response.status_code == 302
    db.session.refresh(cert)
    assert cert.revoked_at is not None and cert.revoked_by_id == admin.id
    assert cert.revoked_reason == "Nilai ujian tidak sah"
    [entry] = certificate_audits("certificate.revoke")
    assert entry.actor_id == admin.id and entry.object_type == "Certificate"
    assert entry.detail["reason"] == "Nilai ujian tidak sah"
    assert entry.detail["number"] == cert.number

    # Twice: refused, nothing changes.
    post(client, url, {"reason": "Lagi"}, page=page)
    db.session.refresh(cert)
    assert cert.revoked_reason == "Nilai ujian tidak sah"
    assert len(certificate_audits("certificate.revoke")) == 1


def test_admin_reissue_gives_a_new_number_with_fresh_snapshots(client, admin, learner, course):
    old = complete(learner, course)
    learner.full_name = "Ni Luh Putu Ayu Wulandari, S.Kom., M.M."  # a corrected name
    db.session.commit()
    page = f"/certificates/admin/{old.number}"
    response = post(client, f"/certificates/admin/{old.number}/reissue", page=page)
    assert response.status_code == 302

    new = certificate_for(learner.id, course.id)
    assert new.number != old.number and NUMBER_RE.fullmatch(new.number)
    assert new.replaces_id == old.id and new.completion_id == old.completion_id
    assert new.full_name == "Ni Luh Putu Ayu Wulandari, S.Kom., M.M."
    assert response.headers["Location"] == f"/certificates/admin/{new.number}"
    db.session.refresh(old)
    assert old.revoked_at is not None and old.revoked_reason == REISSUED
    assert old.full_name == "Ni Luh Putu Ayu Wulandari, S.Kom."

    assert client.get(f"/verify/{old.number}.json").get_json()["status"] == "revoked"
    assert client.get(f"/verify/{new.number}.json").get_json()["status"] == "valid"
    [entry] = certificate_audits("certificate.reissue")
    assert entry.actor_id == admin.id and entry.object_id == str(new.id)
    assert entry.detail == {
        "name": f"{new.number} · {new.full_name}",
        "number": new.number,
        "old_number": old.number,
    }

    # The old one cannot be reissued again while the new one is in force.
    post(client, f"/certificates/admin/{old.number}/reissue", page=page)
    assert live_count() == 1 and count(Certificate) == 2


def test_admin_list_searches_by_number_and_name(client, admin, learner, make_user, course):
    mine = complete(learner, course)
    theirs = complete(make_user(full_name="Bambang Sutrisno"), course)
    html = text(client.get("/certificates/admin"))
    assert mine.number in html and theirs.number in html
    html = text(client.get("/certificates/admin", query_string={"q": mine.number.lower()}))
    assert mine.number in html and theirs.number not in html
    html = text(client.get("/certificates/admin", query_string={"q": "bambang"}))
    assert theirs.number in html and mine.number not in html
    html = text(client.get("/certificates/admin", query_string={"status": "revoked"}))
    assert mine.number not in html and theirs.number not in html


@pytest.mark.parametrize("config_overrides", [{"PER_PAGE": 2}])
def test_admin_list_is_paginated(client, admin, make_user, course):
    for _ in range(3):
        complete(make_user(), course)
    html = text(client.get("/certificates/admin"))
    assert html.count("/certificates/admin/ELN-") == 2 and 'rel="next"' in html
    html = text(client.get("/certificates/admin", query_string={"page": 2}))
    assert html.count("/certificates/admin/ELN-") == 1


def test_only_admins_revoke(client, learner, login_as, course):
    cert = complete(learner, course)
    login_as(learner)
    assert client.get(f"/certificates/admin/{cert.number}").status_code == 403
    response = post(
        client, f"/certificates/admin/{cert.number}/revoke", {"reason": "x"}, page="/certificates"
    )
    assert response.status_code == 403
    db.session.refresh(cert)
    assert cert.revoked_at is None


# For other features ------------------------------------------------------------------------------
def test_certificate_for_and_numbers_for(app, learner, make_user, course):
    first = complete(learner, course)
    second = complete(make_user(), course)
    assert certificate_for(learner.id, course.id).id == first.id
    assert certificate_for(learner.id, course.id + 1000) is None

    statements = []

    def count_statement(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        numbers = numbers_for([first.completion_id, second.completion_id, 999999])
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    assert numbers == {first.completion_id: first.number, second.completion_id: second.number}
    assert len(statements) == 1
    assert numbers_for([]) == {}


def test_course_page_and_my_learning_link_the_certificate(
    client, learner, login_as, course, make_user
):
    cert = complete(learner, course)
    login_as(learner)
    course_page = text(client.get(f"/courses/{course.slug}"))
    assert f"/certificates/{cert.number}.pdf" in course_page
    assert f"/verify/{cert.number}" in course_page
    home = text(client.get("/"))
    assert f"/certificates/{cert.number}.pdf" in home
    # Once revoked, neither page offers it any more.
    revoke_certificate(make_user(roles=["admin"]), cert, "Data salah")
    db.session.commit()
    assert cert.number not in text(client.get(f"/courses/{course.slug}"))
    assert f"/certificates/{cert.number}.pdf" not in text(client.get("/"))
