"""In-app notifications: the bell in the header and the list of a person's notifications."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
