"""Static files addressed by their content: url_for("static", ...) adds ?v=<digest>, and an
answer to such an address may be kept by the browser (and nginx's map) for a year without
asking again. A changed file gets a new digest, hence a new address."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import request


@lru_cache(maxsize=512)
def _digest(path, mtime_ns, size):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def digest(folder, filename):
    """The digest of a static file, or None when there is no such file (read again only when
    the file changes)."""
    path = Path(folder) / filename
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def init_static(app):
    @app.url_defaults
    def versioned_static(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = digest(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    plain_max_age = app.get_send_file_max_age

    def max_age(filename):
        # Only the current digest is kept long: an old address answered with the new file
        # is revalidated like an unversioned one.
        wanted = request.args.get("v")
        if wanted and filename and wanted == digest(app.static_folder, filename):
            return app.config["STATIC_VERSIONED_MAX_AGE"]
        return plain_max_age(filename)

    app.get_send_file_max_age = max_age

    @app.after_request
    def immutable(response):
        if (
            request.endpoint == "static"
            and response.cache_control.max_age == app.config["STATIC_VERSIONED_MAX_AGE"]
        ):
            response.cache_control.immutable = True
        return response
