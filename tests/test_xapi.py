"""xAPI statements reach a real Learning Record Store (ralph's LRS, started here from
.venv-lrs): a learner's walk is queued in the outbox with stable ids, sent in a batch by the
worker's job, read back from the LRS; the LRS down keeps them and they go later; off by
default nothing is queued."""

import base64
import json
import os
import subprocess
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import csrf_token
from factories_course import enrol, import_course, mark_done, write_course
from local_servers import free_port, wait_for_port
from sqlalchemy import select

from elearn.content.quizparse import option_key
from elearn.extensions import db
from elearn.models import Question, Quiz
from elearn.models.xapi import XapiStatement
from elearn.timeutil import utcnow
from elearn.xapi.sender import send_due
from elearn.xapi.statements import VERBS

ROOT = Path(__file__).resolve().parent.parent
LRS_PYTHON = ROOT / ".venv-lrs" / "bin" / "python"
KEY, SECRET = "elearn", "rahasia-lrs"
NIP = "199001152015031001"


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    if not LRS_PYTHON.exists():
        pytest.skip(".venv-lrs is missing: `make install-dev` installs the LRS of this test")
    folder = tmp_path_factory.mktemp("lrs")
    subprocess.run(
        [str(LRS_PYTHON), "-c", (
            "import bcrypt, json, sys; json.dump([{'username': sys.argv[1], 'hash': "
            "bcrypt.hashpw(sys.argv[2].encode(), bcrypt.gensalt(4)).decode(), 'scopes': "
            "['all'], 'agent': {'mbox': 'mailto:lrs@sukamaju.go.id'}}], open(sys.argv[3], 'w'))"
        ), KEY, SECRET, str(folder / "auth.json")],
        check=True,
    )  # fmt: skip
    port = free_port()
    env = dict(os.environ, RALPH_AUTH_FILE=str(folder / "auth.json"), RALPH_APP_DIR=str(folder),
               RALPH_RUNSERVER_BACKEND="fs",
               RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH=str(folder))  # fmt: skip
    proc = subprocess.Popen(
        [str(LRS_PYTHON), "-m", "uvicorn", "ralph.api:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/xAPI"
    wait_for_port(proc, port, "the LRS", timeout=60, pause=0.2)
    yield url
    proc.terminate()
    proc.wait(10)


def lrs_statements(url):
    request = urllib.request.Request(  # noqa: S310 (the test's own LRS)
        f"{url}/statements?limit=500",
        headers={
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode(),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the test's LRS)
        return json.loads(response.read())["statements"]


@pytest.fixture
def walk(app, client, make_user, login_as, tmp_path):
    """A learner reads both lessons, passes the module's quiz and so completes the course."""

    def run():
        import_course(write_course(tmp_path, "xapi-uji", title="Kursus xAPI", lessons=2,
                                   quizzes=True))  # fmt: skip
        learner = make_user(full_name="Agus Setiawan", nip=NIP)
        login_as(learner)
        enrol(client, "xapi-uji")
        for key in ("modul/pelajaran-1", "modul/pelajaran-2"):
            assert client.get(f"/learn/xapi-uji/{key}").status_code == 200
            mark_done(client, "xapi-uji", key)
        quiz = db.session.scalars(select(Quiz)).one()
        url = f"/quizzes/xapi-uji/{quiz.key}"
        client.post(url, data={"csrf_token": csrf_token(client, url)})
        html = client.get(url).get_data(as_text=True)
        attempt = int(html.split("/attempts/", 1)[1].split("/", 1)[0])
        question = db.session.scalars(select(Question)).one()
        response = client.post(f"/attempts/{attempt}/submit", data={
            "csrf_token": csrf_token(client, url),
            f"q-{question.id}": [option_key("Jakarta sebagai jawaban rahasia")],
        })  # fmt: skip
        assert response.status_code == 302
        return learner

    return run


def queued():
    db.session.expire_all()
    return db.session.scalars(select(XapiStatement).order_by(XapiStatement.id)).all()


def verbs(rows):
    return [r.statement["verb"]["id"].rsplit("/", 1)[1] for r in rows]


def test_a_walk_reaches_the_lrs_once(app, lrs, walk):
    app.config.update(XAPI_ENABLED=True, XAPI_ENDPOINT=lrs, XAPI_KEY=KEY, XAPI_SECRET=SECRET)
    walk()
    rows = queued()
    assert verbs(rows) == ["launched", "experienced", "experienced", "attempted", "answered",
                           "passed", "completed"]  # fmt: skip
    assert all(r.sent_at is None for r in rows)  # nothing was sent by a page

    result = send_due()
    assert (result.sent, result.failed) == (7, 0)
    assert all(r.sent_at is not None for r in queued())
    stored = {s["id"]: s for s in lrs_statements(lrs)}
    ours = [stored[r.statement_id] for r in rows]
    assert {s["actor"]["account"]["name"] for s in ours} == {NIP}
    assert {s["actor"]["account"]["homePage"] for s in ours} == {"http://localhost/"}
    assert [s["verb"]["id"] for s in ours] == [VERBS[v] for v in verbs(rows)]
    assert ours[0]["object"]["id"] == "http://localhost/courses/xapi-uji"
    assert ours[1]["object"]["id"] == "http://localhost/learn/xapi-uji/modul/pelajaran-1"
    assert ours[5]["result"]["success"] is True and ours[5]["result"]["score"]["scaled"] == 1.0

    # A resend (an answer lost on the way back) is the same statements, not new ones.
    before = len(lrs_statements(lrs))
    db.session.execute(XapiStatement.__table__.update().values(sent_at=None))
    db.session.commit()
    assert send_due().sent == 7
    assert len(lrs_statements(lrs)) == before


def test_the_lrs_down_keeps_the_statements_for_later(app, lrs, walk):
    app.config.update(XAPI_ENABLED=True, XAPI_KEY=KEY, XAPI_SECRET=SECRET,
                      XAPI_ENDPOINT=f"http://127.0.0.1:{free_port()}/xAPI")  # fmt: skip
    walk()
    result = send_due()
    assert (result.sent, result.failed) == (0, 7)
    rows = queued()
    assert {r.attempts for r in rows} == {1} and all(r.sent_at is None for r in rows)
    assert all("ConnectionRefused" in r.last_error or "URLError" in r.last_error for r in rows)
    now = utcnow()
    assert all(r.next_try_at > now for r in rows)  # waits before the next try
    assert send_due().sent == 0  # not due yet

    app.config["XAPI_ENDPOINT"] = lrs  # the LRS is back
    assert send_due(now=now + timedelta(minutes=5)).sent == 7
    ids = {s["id"] for s in lrs_statements(lrs)}
    assert {r.statement_id for r in queued()} <= ids


def test_off_by_default_nothing_is_queued(app, walk):
    assert app.config["XAPI_ENABLED"] is False
    walk()
    assert queued() == []
