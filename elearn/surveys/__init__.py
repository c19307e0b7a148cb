"""Evaluation and feedback (Kirkpatrick levels 1 and 3): survey instruments, the surveys owed
after a completion, answers, and the reports that instructors, supervisors and admins read."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)
