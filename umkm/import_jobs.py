"""Large trainee imports as background jobs (jobs app): the confirm step of an import with
more than settings.IMPORT_BACKGROUND_ROWS rows runs in the worker, not in the request.

The rows wait encrypted in the private storage (S3 in a multi-server install), so any worker
on any machine can run the job; the file is deleted when the job ends, saved or not.
"""

import json
import logging

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.utils.translation import gettext as _

from umkm import importer
from umkm.crypto import decrypt_bytes
from umkm.models import Training

logger = logging.getLogger(__name__)

RUNNER = "umkm.import_jobs.run_trainee_import"
MAX_LISTED_ERRORS = 20


def run_trainee_import(job, progress):
    from jobs.services import JobOutput

    params = job.params
    storage = storages["private"]
    try:
        training = Training.objects.get(pk=params["training"])
        try:
            with storage.open(params["path"]) as stored:
                rows = [tuple(r) for r in json.loads(decrypt_bytes(stored.read()))]
        except Exception as exc:
            raise ValidationError(
                _("This import has expired or was already saved. Upload the file again.")
            ) from exc
        progress(5)
        # The registration checks every row again (the data may have changed since the
        # preview) and writes them all, or nothing.
        preview = importer.import_rows(
            actor=job.requested_by,
            training=training,
            rows=rows,
            progress=lambda percent: progress(5 + percent * 90 // 100),
        )
        if not preview.saved:
            errors = list(preview.file_errors)
            for row in preview.error_rows:
                errors.extend(row.errors)
            more = len(errors) - MAX_LISTED_ERRORS
            listed = errors[:MAX_LISTED_ERRORS]
            if more > 0:
                listed.append(_("… and %(count)s more.") % {"count": more})
            raise ValidationError(
                [
                    _(
                        "The data changed since the preview: nothing was saved. "
                        "Upload the file again to see every row."
                    ),
                    *listed,
                ]
            )
    finally:
        try:
            storage.delete(params["path"])
        except Exception:
            logger.warning("could not delete a pending trainee import file")
    outcomes = preview.outcomes
    created = sum(1 for o in outcomes if o.created)
    return JobOutput(
        message=_(
            "%(count)s trainees were added: %(new)s new owners, %(matched)s owners matched by NIK."
        )
        % {"count": len(outcomes), "new": created, "matched": len(outcomes) - created}
    )
