"""Small database helpers that must behave the same on SQLite and PostgreSQL."""

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db

_CHUNK = 500  # rows per multi-row INSERT (SQLite allows 32766 bound values)


def _insert_ignoring(table, conflict_columns):
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table), conflict_columns


def insert_if_absent(model, values, conflict_columns):
    """INSERT ... ON CONFLICT DO NOTHING. Returns True when this call inserted the row.

    Safe under concurrency: of two requests inserting the same unique key at once, exactly one
    inserts and the other gets False, with no exception and no aborted transaction."""
    return insert_many_if_absent(model, [values], conflict_columns) == 1


def insert_many_if_absent(model, rows, conflict_columns):
    """`insert_if_absent` for many rows, in chunks. Returns how many rows were inserted."""
    if not rows:
        return 0
    table = getattr(model, "__table__", model)
    insert, columns = _insert_ignoring(table, conflict_columns)
    inserted = 0
    for start in range(0, len(rows), _CHUNK):
        stmt = (
            insert.values(rows[start : start + _CHUNK])
            # No columns: any unique constraint or index (also partial ones) makes it a no-op.
            .on_conflict_do_nothing(index_elements=columns or None)
            # Count the returned keys rather than trusting rowcount: with RETURNING, psycopg
            # reports rowcount -1 even when rows were inserted.
            .returning(*table.primary_key.columns)
        )
        inserted += len(db.session.execute(stmt).all())
    return inserted
