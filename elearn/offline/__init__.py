"""Learning where the network is weak: the web app manifest, the service worker and the lists of
what a learner may save for reading offline."""

from flask import Blueprint

bp = Blueprint("offline", __name__)
