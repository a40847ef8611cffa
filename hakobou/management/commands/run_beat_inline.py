"""Beat's periodic tasks, run in this process: for `make run` without a broker.

Without Redis there is no Celery worker or beat, and tasks run inline where they are
queued. What only beat does would then never happen: a LINE delivery that failed (the
simulator not up yet, an injected 500) would never be retried, nor would a webhook
event or an arrival follow-up whose inline run failed, and pickup claims would lapse
only when someone looked. This runs CELERY_BEAT_SCHEDULE itself, each task at its
interval, one after another. With a broker, run Celery beat instead.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run beat's periodic tasks in this process (make run without REDIS_URL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="run every task once and stop")

    def handle(self, *args, once: bool = False, **options) -> None:
        from hakobou.celery import app

        if not app.conf.task_always_eager:
            raise CommandError("Tasks go to a broker here: run Celery beat and a worker instead.")
        app.loader.import_default_modules()  # the apps' tasks modules, as a worker does
        schedule = settings.CELERY_BEAT_SCHEDULE
        next_run = dict.fromkeys(schedule, 0.0)  # time.monotonic() when each is due
        while True:
            for name, entry in schedule.items():
                if time.monotonic() >= next_run[name]:
                    next_run[name] = time.monotonic() + float(entry["schedule"])
                    self.run_task(app.tasks[entry["task"]], name)
            if once:
                return
            time.sleep(max(0.5, min(next_run.values()) - time.monotonic()))

    def run_task(self, task, name: str) -> None:
        try:
            task.apply(throw=True)
        except Exception:  # one failing sweep stops neither the others nor the next round
            logger.exception("periodic task %s failed; it runs again at its next interval", name)
