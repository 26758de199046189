"""`commonplace serve`: the app under gunicorn, static files included."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    """gunicorn's documented embedding: options from us, not from sys.argv."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return get_wsgi_application()


class Command(BaseCommand):
    help = "Serve Commonplace with gunicorn (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
        parser.add_argument("--quiet", action="store_true", help="No access log.")
        parser.add_argument(
            "--no-tasks",
            action="store_true",
            help="Do not start a task consumer (run `commonplace run_huey` elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Commonplace on http://{options['bind']}/ (Ctrl-C stops it)")
        # Background work (routing questions, e-mail, periodic re-routing) needs
        # a consumer; one beside the web server makes a single command enough.
        consumer = (
            None
            if options["no_tasks"]
            else subprocess.Popen([sys.executable, "-m", "commonplace.cli", "run_huey"])  # noqa: S603
        )
        try:
            self._serve(options)
        finally:
            if consumer is not None:
                consumer.terminate()
                try:
                    consumer.wait(timeout=30)
                except subprocess.TimeoutExpired:  # a task that would not stop
                    consumer.kill()

    def _serve(self, options: dict[str, Any]) -> None:
        _Gunicorn(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "accesslog": None if options["quiet"] else "-",
                "worker_class": "gthread",
            }
        ).run()
