"""Course images and attachments, served from the database to signed-in users."""

from flask import Blueprint

bp = Blueprint("media", __name__)
