"""The course catalog: search and filters, course pages, enrolment."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)
