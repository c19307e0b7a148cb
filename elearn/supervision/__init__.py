"""Supervision: a supervisor's team, course assignments with due dates, reminders, reports."""

from flask import Blueprint

bp = Blueprint("supervision", __name__)
