"""Competency development: the dictionary, position standards, assessments, gaps and the
unit heatmap (training-needs analysis), development plans."""

from flask import Blueprint

bp = Blueprint("competencies", __name__)
