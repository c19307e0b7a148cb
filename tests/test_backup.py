"""`flask backup` and `flask restore`: a backup, then changes, then a restore gives back the data
as they were at the backup (SQLite always, PostgreSQL when the suite runs on it); files that are
not a backup of this kind are refused, in Indonesian, and nothing changes."""

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import login
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import User
from elearn.ops import backup as ops


def _count():
    return db.session.scalar(select(func.count()).select_from(User))


def _names():
    return sorted(db.session.scalars(select(User.full_name)))


def test_backup_then_changes_then_restore_gives_the_data_of_the_backup(
    app, runner, make_user, tmp_path
):
    kept = make_user(full_name="Sari Wulandari")
    email = kept.email
    make_user(full_name="Bambang Sutrisno")
    before = _names()
    target = tmp_path / "elearn.backup"
    result = runner.invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Cadangan ditulis" in result.output
    assert "instance/secret_key" in result.output  # kept apart: the reminder says so
    assert target.stat().st_size > 0
    assert target.stat().st_mode & 0o077 == 0  # password hashes: owner only

    kept.full_name = "Diubah Setelah Cadangan"
    kept.email = "diubah@example.go.id"
    make_user(full_name="Orang Baru")
    db.session.commit()
    assert _names() != before

    db.session.remove()  # the test holds no connection while the data are replaced
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Dipulihkan dari" in result.output
    assert _names() == before
    # The app serves the restored data at once: a person of the backup can sign in.
    client = app.test_client()
    assert login(client, email).status_code == 302


def test_restore_asks_first_and_a_no_changes_nothing(app, runner, make_user, tmp_path):
    make_user()
    target = tmp_path / "b.backup"
    assert runner.invoke(args=["backup", "-o", str(target)]).exit_code == 0
    make_user()
    db.session.commit()
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1
    assert "Ganti SELURUH data" in result.output
    assert _count() == 2


def test_a_default_backup_goes_to_the_backup_folder_with_date_and_time(
    app, runner, make_user, tmp_path
):
    make_user()
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    (made,) = (tmp_path / "backups").iterdir()
    kind = db.engine.url.get_backend_name()
    assert re.fullmatch(r"elearn-\d{8}-\d{6}" + re.escape(ops.SUFFIX[kind]), made.name)
    assert str(made) in result.output


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
    app, runner, make_user, tmp_path
):
    make_user()
    junk = tmp_path / "notes.txt"
    junk.write_text("bukan cadangan")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1
    assert "bukan cadangan basis data elearn" in result.output
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing.dump"), "--yes"])
    assert missing.exit_code == 1 and "tidak ada" in missing.output
    assert _count() == 1


def test_a_backup_of_the_other_kind_is_refused(app, runner, make_user, tmp_path):
    make_user()
    other = tmp_path / "other"
    if db.engine.url.get_backend_name() == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
        expected = "cadangan PostgreSQL, sedangkan basis data instans ini SQLite"
    else:
        sqlite3.connect(other).execute("CREATE TABLE users (id INTEGER)").connection.commit()
        expected = "cadangan SQLite, sedangkan basis data instans ini PostgreSQL"
    result = runner.invoke(args=["restore", str(other), "--yes"])
    assert result.exit_code == 1
    assert expected in result.output
    assert _count() == 1


def test_a_sqlite_file_of_another_application_is_refused(app, runner, make_user, tmp_path):
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("a SQLite file is the other kind on PostgreSQL (test above)")
    make_user()
    foreign = tmp_path / "other-app.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    result = runner.invoke(args=["restore", str(foreign), "--yes"])
    assert result.exit_code == 1
    assert "bukan cadangan basis data elearn" in result.output
    assert _count() == 1


def test_missing_postgresql_tools_get_a_clear_message(app, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(ops, "PG_BIN_GLOB", str(tmp_path / "none" / "*" / "bin"))
    with pytest.raises(ops.BackupError) as caught:
        ops.pg_tool("pg_dump")
    assert "pg_dump tidak ditemukan" in caught.value.message
    assert "postgresql-client" in caught.value.message


def test_the_password_goes_in_the_environment_never_on_the_command_line():
    from sqlalchemy import make_url

    url = make_url("postgresql+psycopg://elearn:s3cret%27pw@db.example:5433/elearn?sslmode=require")
    conninfo, env = ops.pg_connection(url)
    assert "s3cret" not in conninfo
    assert env["PGPASSWORD"] == "s3cret'pw"
    assert "host='db.example'" in conninfo and "port='5433'" in conninfo
    assert "sslmode='require'" in conninfo and "dbname='elearn'" in conninfo


def test_a_backup_of_a_missing_sqlite_database_creates_nothing(tmp_path):
    missing = tmp_path / "gone.sqlite3"
    with pytest.raises(ops.BackupError):
        ops.backup_sqlite(missing, tmp_path / "out.sqlite3")
    assert not missing.exists() and not (tmp_path / "out.sqlite3").exists()


def test_the_sqlite_backup_is_one_self_contained_file(app, runner, make_user, tmp_path):
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite only")
    make_user()
    target = tmp_path / "one.sqlite3"
    assert runner.invoke(args=["backup", "-o", str(target)]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.sqlite3"]
    conn = sqlite3.connect(f"{Path(target).as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    conn.close()
