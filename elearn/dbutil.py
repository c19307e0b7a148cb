"""Small database helpers that must behave the same on SQLite and PostgreSQL."""

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_if_absent(model, values, conflict_columns):
    """INSERT ... ON CONFLICT DO NOTHING. Returns True when this call inserted the row.

    Safe under concurrency: of two requests inserting the same unique key at once, exactly one
    inserts and the other gets False, with no exception and no aborted transaction."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns)
    return db.session.execute(stmt).rowcount == 1
