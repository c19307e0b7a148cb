"""The job queue (Huey): SQLite storage for one machine, Redis for several, in-process for tests.

Each app builds its own queue from its settings (`init_queue`), and registers the product's tasks
on it; a task runs inside an app context of the worker's app. The queue carries ids only; the
state of an export lives in its `jobs` row (see elearn/models/job.py).
"""

import logging
from pathlib import Path

from flask import current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger(__name__)

# name -> (function, options): registered on every app's queue.
TASKS = {}
PERIODIC = {}


def task(name, **options):
    """Declare a job function: run by the worker, inside an app context."""

    def decorator(func):
        TASKS[name] = (func, options)
        return func

    return decorator


def periodic(name, schedule, **options):
    """Declare a job the worker's scheduler starts on `schedule` (a huey crontab)."""

    def decorator(func):
        PERIODIC[name] = (func, schedule, options)
        return func

    return decorator


def every_minute():
    return crontab(minute="*")


def _build(app):
    cfg = app.config
    backend = (cfg["JOBS_BACKEND"] or "sqlite").lower()
    name = cfg["INSTANCE_SHORT_NAME"] or "elearn"
    if backend == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    if backend == "redis":
        url = cfg.get("JOBS_REDIS_URL") or cfg.get("REDIS_URL")
        if not url:
            raise RuntimeError("JOBS_BACKEND is redis but REDIS_URL is not set")
        return RedisHuey(name, url=url, results=False)
    if backend != "sqlite":
        raise RuntimeError(f"unknown JOBS_BACKEND {backend!r} (sqlite, redis or immediate)")
    path = cfg.get("JOBS_SQLITE_PATH") or str(Path(app.instance_path) / "jobs.sqlite3")
    return SqliteHuey(name, filename=path, results=False)


def init_queue(app):
    huey = _build(app)

    def in_app(func):
        def run(*args, **kwargs):
            with app.app_context():
                return func(*args, **kwargs)

        run.__name__ = func.__name__
        return run

    def settings(options):
        # An option may be a function of the settings (e.g. the mail's retries).
        return {k: (v(app.config) if callable(v) else v) for k, v in options.items()}

    wrappers = {}
    for name, (func, options) in TASKS.items():
        wrappers[name] = huey.task(name=name, **settings(options))(in_app(func))
    for name, (func, schedule, options) in PERIODIC.items():
        wrappers[name] = huey.periodic_task(schedule, name=name, **options)(in_app(func))
    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = wrappers
    return huey


def queue():
    return current_app.extensions["huey"]


def enqueue(name, *args):
    """Put a job on the queue now. Returns False (and logs) when the queue cannot be reached,
    e.g. Redis is down: the caller's row stays queued and the sweeper puts it on again."""
    try:
        current_app.extensions["huey_tasks"][name](*args)
    except Exception as exc:  # any storage error: the job waits, nothing is lost
        if queue().immediate:
            raise
        log.error("job queue unreachable, %s(%s) waits for the sweeper: %s", name, args, exc)
        return False
    return True
