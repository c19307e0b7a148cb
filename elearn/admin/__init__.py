"""Administration: users, roles, organisation units, CSV import, audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
