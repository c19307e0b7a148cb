"""The job queue and the jobs it runs (exports, mail, the daily round): see queue.py."""


def init_jobs(app):
    from ..mail import init_outbox
    from . import tasks  # noqa: F401  (declares the tasks)
    from .cli import jobs_cli
    from .queue import init_queue
    from .routes import bp

    init_queue(app)
    init_outbox(app)
    app.register_blueprint(bp)
    app.cli.add_command(jobs_cli)
