"""A tiny job for operators: proves the worker runs and the private storage is writable
(bench/deploy_check.py uses it; so can a person after an install)."""

from django.utils import timezone


def deploy_probe(job, progress):
    from jobs.services import JobOutput

    progress(50)
    return JobOutput(
        message="ok",
        filename="deploy-check.txt",
        content_type="text/plain; charset=utf-8",
        content=f"deploy-check {timezone.now().isoformat()}\n".encode(),
    )
