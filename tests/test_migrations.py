"""The Alembic migrations build exactly the schema the models describe, on SQLite and on
PostgreSQL (when ELEARN_TEST_DATABASE_URL is set), from an empty database.

`flask db upgrade` runs in a subprocess, as an operator would run it: Alembic's logging setup
then cannot disturb the loggers of the other tests.
"""

import os
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import elearn.models  # noqa: F401  (registers every table on the metadata)
from elearn.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def flask_db(url, *args):
    env = {**os.environ, "ELEARN_DATABASE_URL": url}
    env.pop("ELEARN_SQLALCHEMY_DATABASE_URI", None)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def schema_differences(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # SQLite's reflection cannot read an index on an expression (lower(full_name)); it
            # says so and leaves that index out of the comparison.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expr")
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def tables(url):
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def check_database(url):
    flask_db(url, "upgrade")
    assert schema_differences(url) == []
    assert {t.name for t in db.metadata.sorted_tables} <= tables(url)
    # Downgrade to nothing and back: every migration can be undone.
    flask_db(url, "downgrade", "base")
    assert tables(url) <= {"alembic_version"}
    flask_db(url, "upgrade")
    assert schema_differences(url) == []


def test_migrations_on_empty_sqlite(tmp_path):
    check_database(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.fixture
def fresh_postgres_url():
    base = os.environ.get("ELEARN_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("ELEARN_TEST_DATABASE_URL is not a PostgreSQL database")
    name = f"elearn_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_on_empty_postgresql(fresh_postgres_url):
    check_database(fresh_postgres_url)
