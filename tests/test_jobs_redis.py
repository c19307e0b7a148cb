"""The job queue on Redis (production): a worker process takes an export from Redis; with Redis
down a job waits (its row is kept, nothing fails), and runs once Redis is back."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from test_jobs import _start, agency_with_completions
from test_jobs_worker import Worker, _wait

from elearn.jobs import services
from elearn.timeutil import utcnow

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS is None, reason="needs redis-server (make system-deps installs it)"
)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    def __init__(self, port, workdir):
        self.port, self.workdir, self.proc = port, workdir, None

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


_PORT = _free_port()


@pytest.fixture
def redis(tmp_path):
    server = Redis(_PORT, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def config_overrides():
    return {
        "JOBS_BACKEND": "redis",
        "REDIS_URL": f"redis://127.0.0.1:{_PORT}/0",
        "EXPORT_INLINE_MAX_ROWS": 2,
    }


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return agency_with_completions(make_unit, make_user, tmp_path)


@pytest.fixture
def worker(app):
    w = Worker(app)
    w.env.update(ELEARN_JOBS_BACKEND="redis", ELEARN_REDIS_URL=app.config["REDIS_URL"])
    w.env.pop("ELEARN_JOBS_SQLITE_PATH", None)
    yield w
    w.stop()


def _rows(client, state):
    return list(load_workbook(BytesIO(client.get(state["download"]).get_data())).active.values)


def test_an_export_goes_through_redis_to_the_worker(redis, client, agency, login_as, worker):
    login_as(agency.admin)
    worker.start()
    job_url = _start(client, "/team/export.xlsx")
    state = _wait(client, job_url, lambda s: s["ready"])
    assert len(_rows(client, state)) == 1 + 6


def test_with_redis_down_a_job_waits_and_runs_when_redis_is_back(
    redis, app, client, agency, login_as, worker
):
    login_as(agency.admin)
    redis.stop()
    job_url = _start(client, "/team/export.xlsx")  # no error page: the job is kept
    assert client.get(job_url + ".json").get_json()["status"] == "queued"
    redis.start()
    worker.start()
    services.sweep(utcnow() + timedelta(seconds=app.config["JOB_REQUEUE_SECONDS"] + 60))
    state = _wait(client, job_url, lambda s: s["ready"])
    assert len(_rows(client, state)) == 1 + 6
