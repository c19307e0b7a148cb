"""The learner's path: enrolment, lessons, progress, completion and JP hours."""

from flask import Blueprint

bp = Blueprint("learn", __name__)
