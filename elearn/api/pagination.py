"""Cursor pagination: rows in the order of a unique key, the cursor being the key of the last
row sent. Rows inserted meanwhile never shift a page (no offset); the next link is built from
the configured public address."""

import base64
import binascii
import json

from flask import request
from flask_babel import gettext as _
from sqlalchemy import tuple_

from ..extensions import db
from ..urls import public_url

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class BadCursor(ValueError):
    pass


def encode_cursor(key):
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(text, arity):
    """The key a cursor carries: a list of `arity` ints or strings, else BadCursor."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor(_("The cursor is not one this API gave.")) from None
    if (
        not isinstance(key, list)
        or len(key) != arity
        or not all(isinstance(k, (int, str)) and not isinstance(k, bool) for k in key)
    ):
        raise BadCursor(_("The cursor is not one this API gave."))
    return key


def after(stmt, keys, cursor):
    """`stmt` ordered by `keys` (columns, together unique), from the row after `cursor`."""
    if cursor:
        key = decode_cursor(cursor, len(keys))
        if len(keys) == 1:
            stmt = stmt.where(keys[0] > key[0])
        else:
            stmt = stmt.where(tuple_(*keys) > tuple_(*key))
    return stmt.order_by(None).order_by(*keys)


def next_link(cursor):
    """The public address of this list from `cursor` on (same filters), or None."""
    if cursor is None:
        return None
    args = request.args.to_dict()
    args["cursor"] = cursor
    return public_url(request.endpoint, **(request.view_args or {}), **args)


def page_body(items, next_cursor):
    return {"items": items, "next_cursor": next_cursor, "next": next_link(next_cursor)}


def keyset(stmt, keys, cursor, limit, key_of):
    """(rows of one page, the cursor of the next page or None). `key_of(row)`: its key."""
    rows = db.session.execute(after(stmt, keys, cursor).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(key_of(rows[-1])) if more else None
