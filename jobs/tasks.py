"""The one task the queue knows: run a recorded job. Everything else is the job's runner."""

from django.tasks import task


@task()
def run_job(job_id: str) -> str:
    from jobs.services import job_run
    from umkm.actors import SYSTEM

    return job_run(actor=SYSTEM, job_id=job_id)
