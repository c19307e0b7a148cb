"""Course files in S3-compatible object storage (MEDIA_STORE=s3), against a real local S3 server
(moto's server mode, a separate process): the bytes go to the bucket and not the database, pages
and downloads are the same as with the database store, an unreachable bucket saves nothing and
says so, and `flask media to-s3` moves an instance's existing files."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pytest
from conftest import csrf_token
from factories_course import enrol
from local_servers import free_port, wait_for_port
from PIL import Image
from sqlalchemy import func, select
from test_activities_helpers import PDF, build_org
from test_activity_evidence import (
    test_the_download_is_an_attachment_under_a_sandbox as evidence_walk,
)
from test_authoring_upload import PNG as UPLOAD_PNG
from test_authoring_upload import draft_course  # noqa: F401 (a fixture of the walk below)
from test_authoring_upload import (
    test_images_inline_attachments_as_downloads_for_editors_only as upload_walk,
)
from test_content_images import BIG, BIG_PNG, PHOTO, files
from test_content_package import write_package

from elearn.content import import_package, load_package
from elearn.content.exporter import export_version
from elearn.extensions import db
from elearn.models import AssetBlob, Course

BUCKET, PREFIX = "elearn-media", "uji/blobs/"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        cwd=tmp_path_factory.mktemp("s3"),
        env={**os.environ, "AWS_ACCESS_KEY_ID": "uji", "AWS_SECRET_ACCESS_KEY": "rahasia"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(proc, port, "the S3 server")
    url = f"http://127.0.0.1:{port}"
    client(url).create_bucket(Bucket=BUCKET)
    yield url
    proc.terminate()
    proc.wait(10)


def client(url):
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="uji",
        aws_secret_access_key="rahasia",
    )


def settings(url):
    return {
        "MEDIA_STORE": "s3",
        "MEDIA_S3_ENDPOINT_URL": url,
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ACCESS_KEY_ID": "uji",
        "MEDIA_S3_SECRET_ACCESS_KEY": "rahasia",
        "MEDIA_S3_PREFIX": PREFIX,
        "MEDIA_S3_TIMEOUT": 2,
    }


@pytest.fixture
def config_overrides(s3_server):
    return settings(s3_server)


def objects(url):
    """{key: bytes} of everything in the bucket."""
    s3 = client(url)
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def empty_bucket(url):
    s3 = client(url)
    for key in objects(url):
        s3.delete_object(Bucket=BUCKET, Key=key)


def import_files(tmp_path, name="pkg"):
    package, problems = load_package(write_package(tmp_path / name, files()))
    assert problems == []
    result = import_package(package)
    db.session.commit()
    return result.course


def test_the_bytes_go_to_the_bucket_and_pages_are_unchanged(
    app, client, s3_server, make_user, login_as, tmp_path
):
    empty_bucket(s3_server)
    course = import_files(tmp_path)
    rows = db.session.execute(select(AssetBlob.sha256, AssetBlob.size, AssetBlob.data)).all()
    assert rows and all(data is None for _sha, _size, data in rows)  # nothing in the database
    stored = objects(s3_server)
    assert {PREFIX + sha for sha, _size, _data in rows} == set(stored)
    assert {len(stored[PREFIX + sha]) for sha, size, _ in rows} == {s for _, s, _ in rows}

    login_as(make_user())
    enrol(client, course.slug)
    url = "/media/uji/v1/" + BIG
    shown = client.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    with Image.open(io.BytesIO(shown.data)) as img:
        assert img.size == (1280, 853)  # the scaled copy, from the bucket
    original = client.get(url + "?original=1")
    assert original.data == BIG_PNG
    assert client.get(url, headers={"If-None-Match": shown.headers["ETag"]}).status_code == 304

    written = export_version(course.current_version, tmp_path / "ekspor")
    assert (written / BIG).read_bytes() == BIG_PNG
    assert (written / "01-modul/images/foto.jpg").read_bytes() == PHOTO


def test_a_second_version_uploads_nothing_again(app, s3_server, tmp_path):
    empty_bucket(s3_server)
    import_files(tmp_path, "v1")
    before = objects(s3_server)
    import_files(tmp_path, "v1-again")  # the same files: the same rows and objects
    assert objects(s3_server) == before
    assert db.session.scalar(select(func.count()).select_from(AssetBlob)) == len(before)


@pytest.fixture
def bucket_down(app):
    """The bucket's address answers nothing (the storage is down)."""
    app.config["MEDIA_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    app.extensions.pop("elearn_s3", None)
    return app


def zipped(tmp_path):
    folder = write_package(tmp_path / "zip", files())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(folder).as_posix())
    return buf.getvalue()


def test_an_import_while_the_bucket_is_down_saves_nothing_and_says_so(
    bucket_down, client, make_user, login_as, tmp_path
):
    login_as(make_user(roles=("instructor",)))
    response = client.post(
        "/teach/import",
        data={
            "csrf_token": csrf_token(client, "/teach/import"),
            "file": (io.BytesIO(zipped(tmp_path)), "uji.zip"),
            "action": "import",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert "Perubahan Anda TIDAK tersimpan: penyimpanan berkas tidak menjawab" in page
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0
    assert db.session.scalar(select(func.count()).select_from(AssetBlob)) == 0


def test_a_file_while_the_bucket_is_down_is_a_503_not_a_500(
    app, client, s3_server, make_user, login_as, tmp_path
):
    course = import_files(tmp_path)
    login_as(make_user())
    enrol(client, course.slug)
    app.config["MEDIA_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    app.extensions.pop("elearn_s3", None)
    response = client.get("/media/uji/v1/" + BIG)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Coba lagi sebentar lagi" in response.get_data(as_text=True)


@pytest.mark.parametrize("config_overrides", [{}])  # the database store first
def test_flask_media_to_s3_moves_the_existing_files(
    s3_server, app, client, make_user, login_as, tmp_path
):
    course = import_files(tmp_path)
    held = dict(db.session.execute(select(AssetBlob.sha256, AssetBlob.data)).all())
    assert held and all(held.values())
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["media", "to-s3"])
    assert refused.exit_code != 0 and "ELEARN_MEDIA_STORE=s3" in refused.output

    # The instance switches to S3: the files still open, from the database, before the move.
    url = s3_server
    empty_bucket(url)
    app.config.update(settings(url))
    login_as(make_user())
    enrol(client, course.slug)
    assert client.get("/media/uji/v1/" + BIG + "?original=1").data == BIG_PNG

    result = runner.invoke(args=["media", "to-s3"])
    assert result.exit_code == 0, result.output
    assert f"{len(held)} files" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(AssetBlob.data.is_not(None))) == 0
    assert objects(url) == {PREFIX + sha: data for sha, data in held.items()}
    assert client.get("/media/uji/v1/" + BIG + "?original=1").data == BIG_PNG
    again = runner.invoke(args=["media", "to-s3"])
    assert again.exit_code == 0 and "0 files" in again.output


def in_the_bucket_only(url, *payloads):
    """Every row's bytes are in the bucket (none in the database), these among them."""
    assert all(data is None for data in db.session.scalars(select(AssetBlob.data)))
    stored = set(objects(url).values())
    assert all(p in stored for p in payloads)


def test_draft_uploads_and_their_publication_use_the_bucket(
    s3_server,
    app,
    client,
    draft_course,  # noqa: F811 (the fixture imported above)
    make_user,
):
    empty_bucket(s3_server)
    upload_walk(app, client, draft_course, make_user)  # editors see them, learners once published
    in_the_bucket_only(s3_server, UPLOAD_PNG)


def test_activity_evidence_in_the_bucket_downloads_the_same(s3_server, app, make_unit, make_user):
    empty_bucket(s3_server)
    evidence_walk(app, build_org(make_unit, make_user))
    in_the_bucket_only(s3_server, PDF)
