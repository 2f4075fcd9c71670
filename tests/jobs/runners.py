"""Job runners used by the tests: real functions the worker imports by dotted path."""

from django.core.exceptions import ValidationError

from jobs.models import Job
from jobs.services import JobOutput, current_progress


def csv_export(job, progress):
    rows = int(job.params.get("rows", 3))
    progress(30)
    progress(60)
    # What the page would show now: the worker runs outside any transaction, so the row has it.
    seen_in_row = Job.objects.get(pk=job.pk).progress
    seen_on_page = current_progress(Job.objects.get(pk=job.pk))
    lines = ["nomor;nama"] + [f"{i};Usaha {i}" for i in range(1, rows + 1)]
    return JobOutput(
        message=f"row={seen_in_row} page={seen_on_page}",
        filename="ekspor-uji.csv",
        content_type="text/csv; charset=utf-8",
        content="\n".join(lines).encode(),
    )


def refuses(job, progress):
    raise ValidationError("Baris 4: kolom NIK kosong.")


def crashes(job, progress):
    raise RuntimeError("secret internal detail")


def breaks_a_constraint(job, progress):
    from umkm.models import Sector

    Sector.objects.create(code="kuliner", name="Kuliner lagi")  # the code is taken
    return JobOutput()


LONG_NAME = "laporan-" + "x" * 196 + ".csv"  # 208 characters: more than the 200 kept
LONG_TYPE = "text/csv; charset=utf-8; " + "p" * 100  # 125 characters: more than the 120 kept


def long_names(job, progress):
    return JobOutput(filename=LONG_NAME, content_type=LONG_TYPE, content=b"nomor;nama\n")
