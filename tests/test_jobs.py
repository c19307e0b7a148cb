"""Large exports as jobs (a progress page, then a download for the owner only), jobs claimed
once, lost jobs run again by the sweeper, mail sent after the commit, and the daily round.

Jobs run inside the app here (JOBS_BACKEND "immediate"); tests/test_jobs_worker.py runs them
in a real worker process."""

import re
import socket
from datetime import timedelta
from io import BytesIO

import pytest
from conftest import CSRF_RE
from openpyxl import load_workbook
from sqlalchemy import select
from test_supervision_helpers import build_agency, complete

from elearn.extensions import db
from elearn.jobs import services, tasks
from elearn.mail import queue_mail
from elearn.models import Job, JobStatus, Role, User
from elearn.timeutil import utcnow


@pytest.fixture
def config_overrides():
    return {"EXPORT_INLINE_MAX_ROWS": 2, "DAILY_ROUND_AT": "00:00"}


def agency_with_completions(make_unit, make_user, tmp_path):
    """The synthetic agency, three of whose people completed a course (a file of 6 people, 3
    completions: more than the 2 rows these tests let through without a job)."""
    agency = build_agency(make_unit, make_user, tmp_path)
    for person in (agency.agus, agency.dewi, agency.budi):
        complete(person, agency.course)
    return agency


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return agency_with_completions(make_unit, make_user, tmp_path)


def _html(response):
    return response.get_data(as_text=True)


def _start(client, url):
    """Open a large export and press the button of its page; returns the job's page URL."""
    offer = client.get(url)
    assert offer.status_code == 200
    html = _html(offer)
    assert "Siapkan berkas" in html
    fields = dict(re.findall(r'<input[^>]*name="(path|query)"[^>]*value="([^"]*)"', html))
    token = CSRF_RE.search(html).group(1)
    response = client.post("/jobs/exports", data={**fields, "csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


def _sheet(data):
    ws = load_workbook(BytesIO(data), read_only=True).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_a_large_export_is_prepared_in_the_background_and_downloaded(app, client, agency, login_as):
    login_as(agency.admin)
    page = client.get("/team/export.xlsx")
    assert page.mimetype == "text/html", "a file over the limit is not made in the request"
    main = _html(page).split("<main", 1)[1].split("</main>", 1)[0]
    assert "berisi 6 baris" in main, main  # everyone active in the agency
    job_url = _start(client, "/team/export.xlsx?year=2026")
    shown = _html(client.get(job_url))
    assert "Siap." in shown and "Unduh tim-2026-" in shown
    state = client.get(job_url + ".json").get_json()
    assert state["status"] == "done" and state["percent"] == 100 and state["ready"]
    file = client.get(state["download"])
    assert file.status_code == 200
    assert file.headers["Cache-Control"] == "no-store"
    assert "attachment" in file.headers["Content-Disposition"]
    # The same rows as the file made while waiting.
    app.config["EXPORT_INLINE_MAX_ROWS"] = 1000
    direct = client.get("/team/export.xlsx?year=2026")
    assert direct.mimetype.endswith("sheet")
    assert _sheet(file.get_data()) == _sheet(direct.get_data())
    # Listed in Files, for its owner, and the bell says it is ready.
    assert "Unduh" in _html(client.get("/jobs"))
    assert "siap diunduh" in _html(client.get("/notifications"))


def test_completions_and_siasn_exports_become_jobs_too(client, agency, login_as):
    login_as(agency.admin)
    for url in ("/team/completions.csv", "/team/completions.csv?layout=siasn"):
        job_url = _start(client, url)
        state = client.get(job_url + ".json").get_json()
        assert state["ready"], state
        body = client.get(state["download"]).get_data().decode("utf-8-sig")
        assert "Agus Setiawan" in body and "Budi Rahasia" in body


def test_a_job_and_its_file_are_its_owners_only(client, agency, login_as):
    login_as(agency.admin)
    job_url = _start(client, "/team/export.xlsx")
    download = client.get(job_url + ".json").get_json()["download"]
    client.post("/logout", data={"csrf_token": CSRF_RE.search(_html(client.get("/"))).group(1)})
    login_as(agency.sup_a)
    for url in (job_url, job_url + ".json", download):
        assert client.get(url).status_code == 404
    assert "tim-" not in _html(client.get("/jobs"))


def test_only_export_pages_can_be_run_as_jobs(client, agency, login_as):
    login_as(agency.admin)
    token = CSRF_RE.search(_html(client.get("/team/export.xlsx"))).group(1)
    for path in ("/admin/users", "https://evil.example/team/export.xlsx", "/nope"):
        response = client.post("/jobs/exports", data={"path": path, "csrf_token": token})
        assert response.status_code in (400, 404)
    assert db.session.scalar(select(Job.id)) is None
    # And never without the form's token.
    assert client.post("/jobs/exports", data={"path": "/team/export.xlsx"}).status_code == 400


def test_a_second_click_joins_the_job_already_running(client, agency, login_as):
    login_as(agency.admin)
    params = {"path": "/team/export.xlsx", "query": ""}
    running = Job(
        token="running-one", kind="export", owner_id=agency.admin.id, params=params,
        title="Team", dedupe_key=services.dedupe_key(agency.admin.id, "export", params),
        status=JobStatus.RUNNING, heartbeat_at=utcnow(),
    )  # fmt: skip
    db.session.add(running)
    db.session.commit()
    response = client.get("/team/export.xlsx")
    assert response.status_code == 302 and response.headers["Location"].endswith("/running-one")
    job, created = services.start_job(db.session.get(User, agency.admin.id), "export", params, "")
    assert (job.token, created) == ("running-one", False)
    assert db.session.query(Job).count() == 1
    page = _html(client.get("/jobs/running-one"))
    assert "Sedang disiapkan" in page and 'http-equiv="refresh"' in page


def _queued_job(owner, path="/team/export.xlsx"):
    params = {"path": path, "query": ""}
    job = Job(
        token=f"t{utcnow().timestamp()}", kind="export", owner_id=owner.id, params=params,
        title="Team", dedupe_key=services.dedupe_key(owner.id, "export", params),
    )  # fmt: skip
    db.session.add(job)
    db.session.commit()
    return job.id


def test_access_is_checked_again_when_the_job_runs(client, agency, login_as):
    job_id = _queued_job(agency.sup_a)
    sup = db.session.get(User, agency.sup_a.id)
    sup.roles = [r for r in sup.roles if r != "supervisor"] or ["learner"]
    db.session.commit()
    tasks.run_export(job_id)
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and job.file_data is None
    login_as(agency.sup_a)
    assert "tidak lagi memiliki akses" in _html(client.get(f"/jobs/{job.token}"))


def test_a_job_is_run_once_even_if_its_message_comes_twice(agency):
    job_id = _queued_job(agency.admin)
    tasks.run_export(job_id)
    tasks.run_export(job_id)
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert job.file_name.startswith("tim-") and job.file_size == len(job.file_data) > 0


def test_the_sweeper_runs_again_a_job_whose_worker_stopped(app, agency):
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 60)
    retried, given_up = _queued_job(agency.admin), _queued_job(agency.sup_a)
    for job_id, attempts in ((retried, 1), (given_up, app.config["JOB_MAX_ATTEMPTS"])):
        job = db.session.get(Job, job_id)
        job.status, job.heartbeat_at, job.attempts = JobStatus.RUNNING, long_ago, attempts
    db.session.commit()
    assert services.sweep() == (1, 1)
    db.session.expire_all()
    job = db.session.get(Job, retried)
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    job = db.session.get(Job, given_up)
    assert (job.status, job.message) == (JobStatus.FAILED, services.STOPPED)
    # Files past their keeping time are deleted.
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.purge() == 1


def test_mail_leaves_after_the_commit_and_never_after_a_rollback(app, smtp_server, agency):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    queue_mail("dewi@example.go.id", "Tidak jadi", "Dibatalkan.")
    db.session.rollback()
    queue_mail("dewi@example.go.id", "Pengingat", "Isi pengingat.")
    assert smtp_server.messages == [], "nothing leaves before the commit"
    db.session.commit()
    assert [m["Subject"] for m in smtp_server.messages] == ["Pengingat"]


def test_the_password_reset_mail_goes_through_the_queue(app, client, smtp_server, agency):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    token = CSRF_RE.search(_html(client.get("/reset"))).group(1)
    email = db.session.get(User, agency.agus.id).email
    response = client.post("/reset", data={"email": email, "csrf_token": token})
    assert response.status_code == 302
    assert [m["To"] for m in smtp_server.messages] == [email]
    # A mail server that is down is the queue's business (it retries), not the page's.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        app.config["MAIL_PORT"] = probe.getsockname()[1]
    response = client.post("/reset", data={"email": email, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_the_daily_round_runs_once_a_day_from_the_queue(app, agency):
    tasks.daily_round()
    tasks.daily_round()
    rounds = db.session.scalars(select(Job).where(Job.kind == "round")).all()
    assert len(rounds) == 1 and rounds[0].status == JobStatus.DONE
    assert b"reminders sent to" in rounds[0].file_data


def test_roles_still_guard_the_files_page(client):
    assert client.get("/jobs").status_code == 302  # sign in first
    assert Role  # the roles table exists for the checks above


def test_the_learners_of_a_large_course_come_as_a_job(client, agency, login_as):
    login_as(agency.admin)
    url = f"/teach/{agency.course.slug}/results/learners.csv"
    job_url = _start(client, url)
    state = client.get(job_url + ".json").get_json()
    body = client.get(state["download"]).get_data().decode("utf-8-sig")
    assert body.count("\r\n") == 1 + 3 and "Dewi Lestari" in body
