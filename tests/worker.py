"""The background worker, as the suite runs it: production queues jobs in Postgres
(TASKS_BACKEND=database, tests/settings.py) and `manage.py db_worker` runs them. A test that
needs a queued job done calls `run_queued_tasks()`: django-tasks-db's own Worker claims and
runs each waiting task in this process and inside the test's transaction (the command itself
would reconnect and so never see the test's rows)."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks(backend="default") -> int:
    """Run every task that is ready, as one worker would, one after another; how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        task_result = DBTaskResult.objects.ready().filter(backend_name=backend).get_locked()
        if task_result is None:
            return ran
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
