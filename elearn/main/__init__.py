"""Home page, language choice and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)
