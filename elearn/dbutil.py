"""Small database helpers that must behave the same on SQLite and PostgreSQL."""

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_if_absent(model, values, conflict_columns):
    """INSERT ... ON CONFLICT DO NOTHING. Returns True when this call inserted the row.

    Safe under concurrency: of two requests inserting the same unique key at once, exactly one
    inserts and the other gets False, with no exception and no aborted transaction."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = getattr(model, "__table__", model)
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict_columns)
    # Ask for the inserted key rather than trusting rowcount: with the RETURNING SQLAlchemy adds
    # on PostgreSQL, psycopg reports rowcount -1 even when the row was inserted.
    stmt = stmt.returning(*table.primary_key.columns)
    return db.session.execute(stmt).first() is not None
