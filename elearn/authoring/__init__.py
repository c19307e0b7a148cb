"""Authoring (/teach): instructors write courses in the browser as drafts of a course package,
publish them through the package validator and importer, and read how learners did."""

from flask import Blueprint

bp = Blueprint("authoring", __name__)
