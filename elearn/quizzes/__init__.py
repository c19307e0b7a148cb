"""Quizzes graded on the server: question types, attempts, time limits, results."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
