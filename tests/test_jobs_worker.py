"""The job queue with a real worker process (`flask jobs worker`, SQLite queue): an export made
by the worker and downloaded, a job waiting while no worker runs, and a worker killed in the
middle of a job: the job is run again and gives exactly one file."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import _Inbox
from openpyxl import load_workbook
from sqlalchemy import insert, select
from test_jobs import _start, agency_with_completions

from elearn.extensions import db
from elearn.jobs import services
from elearn.mail import queue_mail
from elearn.models import Job, JobStatus, User
from elearn.timeutil import utcnow

ROOT = Path(__file__).resolve().parent.parent


def sqlite_queue(tmp_path):
    """Settings of an app whose jobs go to a SQLite queue file that a worker process reads."""
    return {
        "JOBS_BACKEND": "sqlite",
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite3"),
        "EXPORT_INLINE_MAX_ROWS": 2,
        # A mail is tried again every second here (the queued message carries these).
        "MAIL_RETRIES": 30,
        "MAIL_RETRY_SECONDS": 1,
    }


@pytest.fixture
def config_overrides(tmp_path):
    return sqlite_queue(tmp_path)


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return agency_with_completions(make_unit, make_user, tmp_path)


class Worker:
    def __init__(self, app):
        self.env = {
            **os.environ,
            "ELEARN_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "ELEARN_JOBS_BACKEND": "sqlite",
            "ELEARN_JOBS_SQLITE_PATH": app.config["JOBS_SQLITE_PATH"],
            "ELEARN_SECRET_KEY": app.config["SECRET_KEY"],
            "ELEARN_PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
            "ELEARN_MAIL_SERVER": "",
        }
        self.proc = None
        # Its log in a file: a pipe nobody reads would stop the worker once full.
        self.log = Path(tempfile.mkdtemp()) / "worker.log"

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--no-periodic",
             "-w", "1"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log.open("a"),
        )  # fmt: skip
        return self

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(app):
    w = Worker(app)
    yield w
    w.stop()


def _wait(client, job_url, until, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(job_url + ".json").get_json()
        if until(state):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job state never reached: last {state}")


def test_the_worker_makes_the_file_and_the_page_shows_it(client, agency, login_as, worker):
    login_as(agency.admin)
    job_url = _start(client, "/team/export.xlsx")
    # No worker yet: the job waits, and says so.
    assert client.get(job_url + ".json").get_json()["status"] == "queued"
    assert "Menunggu giliran" in client.get(job_url).get_data(as_text=True)
    worker.start()
    state = _wait(client, job_url, lambda s: s["ready"])
    rows = list(load_workbook(BytesIO(client.get(state["download"]).get_data())).active.values)
    assert len(rows) == 1 + 6  # the header and everyone active
    assert "Siap." in client.get(job_url).get_data(as_text=True)


def test_a_worker_killed_mid_job_loses_nothing_and_the_file_is_made_once(
    app, client, agency, login_as, worker
):
    people = [
        {"nip": f"19800101200501{n:04d}", "full_name": f"Pegawai {n:04d}", "email": f"p{n}@x.go.id",
         "unit_id": agency.a.id, "active": True, "session_version": 1}
        for n in range(2000)
    ]  # fmt: skip
    db.session.execute(insert(User), people)
    db.session.commit()
    login_as(agency.admin)
    worker.start()
    job_url = _start(client, "/team/export.xlsx")
    _wait(client, job_url, lambda s: s["status"] != "queued")
    worker.kill()
    # Whatever the worker had done, the sweeper (run here as if its heartbeat had long stopped)
    # puts the job back, and a new worker finishes it.
    later = utcnow() + timedelta(seconds=app.config["JOB_REQUEUE_SECONDS"] + 60)
    services.sweep(later)
    worker.start()
    state = _wait(client, job_url, lambda s: s["ready"], timeout=120)
    jobs = db.session.scalars(select(Job)).all()
    assert len(jobs) == 1 and jobs[0].status == JobStatus.DONE
    assert jobs[0].attempts in (1, 2)
    rows = list(load_workbook(BytesIO(client.get(state["download"]).get_data())).active.values)
    assert len(rows) == 1 + 6 + 2000


def test_a_mail_waits_for_the_mail_server_and_leaves_once_it_is_back(app, worker):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the worker's mail port yet: the mail server is down.
    worker.env.update(ELEARN_MAIL_SERVER="127.0.0.1", ELEARN_MAIL_PORT=str(port))
    worker.start()
    queue_mail("agus@example.go.id", "Pengingat", "Isi.")
    db.session.commit()
    # The worker tries, is refused, and says it will try again.
    deadline = time.monotonic() + 60
    while "will retry" not in worker.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "will retry" in worker.log.read_text(), worker.log.read_text()[-2000:]
    inbox = _Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        deadline = time.monotonic() + 30
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [m["Subject"] for m in inbox.messages] == ["Pengingat"]
        time.sleep(1.5)
        assert len(inbox.messages) == 1, "sent once"
    finally:
        server.stop()
