"""The queue's task lives in jobs.services (it enqueues and runs it, so that neither module
imports the other); this address is kept for tasks queued before the move."""

from jobs.services import run_job

__all__ = ["run_job"]
