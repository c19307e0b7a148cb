"""Completion certificates: issued once per completion, downloadable as PDF, checkable by anyone."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
