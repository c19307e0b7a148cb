"""Development beyond courses: activities a person records (seminars, workshops, coaching,
projects...), the supervisor's approval, JP by each kind's rule, mentoring, projects, partners
and badges. JP themselves are counted in learn/jp.py only."""

from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/activities")
