"""Sign-in, sign-out, password change and reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
