"""`/healthz`: whether this app process can serve, for load balancers and monitoring.

200 when the database answers `SELECT 1`, 503 when it does not. Redis, when configured, is
reported as a field but never fails the check: without it the app still serves (jobs wait).
No sign-in, no session, no write, no rate limit: a probe every second costs one round trip.
"""

from flask import current_app, jsonify
from sqlalchemy import text

from .extensions import db, limiter


def healthz():
    body, status = {"status": "ok", "database": "ok"}, 200
    try:
        # A connection of its own, not the request's session: nothing to roll back, no
        # transaction left open, whatever state the session is in.
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to answer means "not ready"
        current_app.logger.warning("health check: database unavailable: %s", exc)
        body, status = {"status": "error", "database": "unavailable"}, 503
    redis_url = _redis_url(current_app.config)
    if redis_url:
        body["redis"] = "ok" if _redis_answers(redis_url) else "unavailable"
    return jsonify(body), status


def _redis_url(cfg):
    if (cfg.get("JOBS_BACKEND") or "").lower() == "redis" or cfg.get("REDIS_URL"):
        return cfg.get("JOBS_REDIS_URL") or cfg.get("REDIS_URL") or ""
    return ""


def _redis_answers(url):
    clients = current_app.extensions.setdefault("health_redis", {})
    client = clients.get(url)
    try:
        if client is None:
            import redis

            # Short timeouts: a probe must answer quickly even when Redis hangs.
            client = clients[url] = redis.Redis.from_url(
                url, socket_connect_timeout=0.5, socket_timeout=0.5
            )
        return bool(client.ping())
    except Exception as exc:
        current_app.logger.warning("health check: redis unavailable: %s", exc)
        return False


def init_health(app):
    app.add_url_rule("/healthz", endpoint="healthz", view_func=limiter.exempt(healthz))
