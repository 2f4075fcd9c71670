"""Trainee spreadsheet import in the training admin: upload → preview → confirm.

TrainingAdmin inherits TraineeImportAdminMixin; the mixin adds its URLs under the training
(`<id>/import/`, `<id>/import/confirm/`, `<id>/import/template.xlsx|csv`) and the "Impor
peserta" button comes from templates/admin/umkm/training/change_form.html.

Between preview and confirm the file's rows wait encrypted (they hold NIKs) in the private
storage, never under MEDIA; the session holds only their random name. Confirm hands the rows to
the trainee registration, which checks every row against the database as it is then: if
anything changed, nothing is written and the preview is shown again.
"""

import json
import logging
import secrets
import time

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from exports import csv_stream, xlsx
from exports.registry import content_bytes
from umkm import exports as import_template
from umkm import import_jobs, importer
from umkm.crypto import decrypt_bytes, encrypt_bytes
from umkm.models import Training

logger = logging.getLogger(__name__)

SESSION_KEY = "umkm_trainee_import"
PENDING_DIR = "imports/trainees"
PENDING_MAX_AGE = 24 * 60 * 60  # seconds an unconfirmed upload is kept
IMPORT_PERMISSIONS = ("umkm.add_enrolment", "umkm.add_owner", "umkm.add_business")


def _pending_storage():
    return storages["private"]


def _read_rows(pending) -> list[tuple]:
    with _pending_storage().open(pending["path"]) as stored:
        return [tuple(r) for r in json.loads(decrypt_bytes(stored.read()))]


class TraineeImportAdminMixin:
    """Adds the trainee import to a Training ModelAdmin."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:training_id>/import/",
                wrap(self.trainee_import_view),
                name=f"{prefix}_import",
            ),
            path(
                "<int:training_id>/import/confirm/",
                wrap(self.trainee_import_confirm_view),
                name=f"{prefix}_import_confirm",
            ),
            path(
                "<int:training_id>/import/errors/",
                wrap(self.trainee_import_errors_view),
                name=f"{prefix}_import_errors",
            ),
            path(
                "<int:training_id>/import/template.<str:fmt>",
                wrap(self.trainee_import_template_view),
                name=f"{prefix}_import_template",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_trainees": self.has_trainee_import_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- access -------------------------------------------------------------------------

    def has_trainee_import_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perms(IMPORT_PERMISSIONS)

    def _import_training(self, request, training_id) -> Training:
        if not self.has_trainee_import_permission(request):
            raise PermissionDenied
        training = self.get_object(request, str(training_id))
        if training is None or not self.has_view_or_change_permission(request, training):
            raise Http404
        return training

    # --- views --------------------------------------------------------------------------

    def trainee_import_view(self, request, training_id):
        training = self._import_training(request, training_id)
        if request.method != "POST":
            return self._render_upload(request, training)
        upload = request.FILES.get("file")
        if upload is None:
            return self._render_upload(request, training, error=_("Choose a file to import."))
        started = time.monotonic()
        try:
            kind, content = importer.read_upload(upload)
            rows = importer.read_rows(kind, content)
        except importer.ImportFileError as exc:
            return self._render_upload(request, training, error=str(exc))
        preview = importer.check_rows(actor=request.user, training=training, rows=rows)
        token = self._keep_pending(request, training, rows, upload.name, kind, content)
        logger.info(
            "trainee import preview: training=%s rows=%s errors=%s seconds=%.1f",
            training.pk,
            len(preview.rows),
            len(preview.error_rows),
            time.monotonic() - started,
        )
        return self._render_preview(request, training, preview, token, upload.name)

    def trainee_import_confirm_view(self, request, training_id):
        training = self._import_training(request, training_id)
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[training.pk],
            current_app=self.admin_site.name,
        )
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        pending = request.session.get(SESSION_KEY) or {}
        token = request.POST.get("token", "")
        if (
            not token
            or not secrets.compare_digest(token, pending.get("token", ""))
            or pending.get("training") != training.pk
        ):
            return self._render_expired(request, training)
        if pending.get("rows", 0) > settings.IMPORT_BACKGROUND_ROWS:
            return self._confirm_in_background(request, training, pending, change_url)
        try:
            rows = _read_rows(pending)
        except (OSError, ValueError, InvalidToken):
            self._drop_pending(request)
            return self._render_expired(request, training)
        preview = importer.import_rows(actor=request.user, training=training, rows=rows)
        if not preview.saved:
            messages.error(
                request,
                _("The data changed since the preview: nothing was saved. Check the rows below."),
            )
            return self._render_preview(request, training, preview, token, pending["name"])
        outcomes = preview.outcomes
        self._drop_pending(request)
        created = sum(1 for o in outcomes if o.created)
        messages.success(
            request,
            _(
                "%(count)s trainees were added: %(new)s new owners, "
                "%(matched)s owners matched by NIK."
            )
            % {"count": len(outcomes), "new": created, "matched": len(outcomes) - created},
        )
        return HttpResponseRedirect(change_url)

    def _confirm_in_background(self, request, training, pending, change_url):
        """A large file is re-checked and saved by the worker; the page shows its progress.
        The job takes over the stored rows (and deletes them when it ends)."""
        from jobs.services import job_start

        job = job_start(
            requested_by=request.user,
            kind="trainee-import",
            title=_("Import of %(count)s trainees: %(training)s")
            % {"count": pending["rows"], "training": training},
            runner=import_jobs.RUNNER,
            params={"training": training.pk, "path": pending["path"], "name": pending["name"]},
            back_url=change_url,
        )
        self._delete_stored(pending.get("source"))
        request.session.pop(SESSION_KEY, None)
        return HttpResponseRedirect(job.get_absolute_url())

    def trainee_import_errors_view(self, request, training_id):
        """ "Unduh berkas dengan kolom galat": the file this user uploaded for this training,
        as XLSX or CSV like the upload, with a "Galat" column saying what is wrong per row
        (checked again against the database as it is now). Only from the uploader's own
        session (the pending upload is bound to it), under the import permission and the
        training's scope: never another user's file, never a Pejabat (no import permission).
        NIK cells are masked (umkm.exports.error_file_rows says why)."""
        training = self._import_training(request, training_id)
        pending = request.session.get(SESSION_KEY) or {}
        if pending.get("training") != training.pk or not pending.get("source"):
            return self._render_expired(request, training, status=404)  # no file of yours here
        try:
            with _pending_storage().open(pending["source"]) as stored:
                content = decrypt_bytes(stored.read())
            rows = _read_rows(pending)
        except (OSError, ValueError, InvalidToken):
            self._drop_pending(request)
            return self._render_expired(request, training, status=404)  # no file of yours here
        kind = pending["kind"]
        preview = importer.check_rows(actor=request.user, training=training, rows=rows)
        response = HttpResponse(
            import_template.error_file(kind, content, preview),
            content_type=xlsx.CONTENT_TYPE if kind == "xlsx" else csv_stream.CONTENT_TYPE,
        )
        filename = import_template.error_filename(pending["name"], kind)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def trainee_import_template_view(self, request, training_id, fmt):
        training = self._import_training(request, training_id)
        variant = csv_stream.variant_of(request.GET)
        if fmt == "csv":
            response = HttpResponse(
                content_bytes(import_template.template_csv(request.user, variant)),
                content_type=csv_stream.CONTENT_TYPE,
            )
        elif fmt == "xlsx":
            response = HttpResponse(
                import_template.template_xlsx(request.user), content_type=xlsx.CONTENT_TYPE
            )
        else:
            raise Http404
        filename = import_template.filename(training, fmt, variant)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # --- helpers ------------------------------------------------------------------------

    def _keep_pending(self, request, training, rows, name: str, kind: str, source: bytes) -> str:
        """Keep the file's rows (as read, not yet checked) and the uploaded file itself (for
        the error file) encrypted in private storage until confirmed; returns the token the
        confirm form sends back."""
        self._drop_pending(request)
        storage = _pending_storage()
        self._sweep_old_pending(storage)
        token = secrets.token_urlsafe(24)
        content = encrypt_bytes(json.dumps(rows, separators=(",", ":")).encode())
        stored = storage.save(f"{PENDING_DIR}/{token}.bin", ContentFile(content))
        kept = storage.save(f"{PENDING_DIR}/{token}.src", ContentFile(encrypt_bytes(source)))
        request.session[SESSION_KEY] = {
            "token": token,
            "training": training.pk,
            "path": stored,
            "source": kept,
            "kind": kind,
            "name": name[:200],
            "rows": len(rows),
        }
        return token

    def _drop_pending(self, request) -> None:
        pending = request.session.pop(SESSION_KEY, None)
        if pending:
            self._delete_stored(pending.get("path"))
            self._delete_stored(pending.get("source"))

    @staticmethod
    def _delete_stored(name) -> None:
        if not name:
            return
        try:
            _pending_storage().delete(name)
        except OSError:
            logger.warning("could not delete a pending trainee import file")

    @staticmethod
    def _sweep_old_pending(storage) -> None:
        """Uploads nobody confirmed within a day are deleted (they hold personal data)."""
        try:
            _dirs, files = storage.listdir(PENDING_DIR)
        except (FileNotFoundError, NotImplementedError):
            return
        cutoff = time.time() - PENDING_MAX_AGE
        for name in files:
            try:
                if storage.get_modified_time(f"{PENDING_DIR}/{name}").timestamp() < cutoff:
                    storage.delete(f"{PENDING_DIR}/{name}")
            except (OSError, NotImplementedError):
                continue

    def _context(self, request, training, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": training,
            "training": training,
            "title": _("Import trainees: %(training)s") % {"training": training},
            "max_mb": importer.MAX_FILE_BYTES // (1024 * 1024),
            "max_rows": importer.MAX_ROWS,
            "columns": [h for _k, h in importer.COLUMNS],
            "has_view_permission": True,
            **extra,
        }

    def _render_expired(self, request, training, status=400):
        return self._render_upload(
            request,
            training,
            error=_("This import has expired or was already saved. Upload the file again."),
            status=status,
        )

    def _render_upload(self, request, training, error: str | None = None, status=None):
        return TemplateResponse(
            request,
            "admin/umkm/training/import_upload.html",
            self._context(request, training, error=error),
            status=status or (400 if error else 200),
        )

    def _render_preview(self, request, training, preview, token: str, filename: str):
        return TemplateResponse(
            request,
            "admin/umkm/training/import_preview.html",
            self._context(
                request,
                training,
                preview=preview,
                token=token,
                filename=filename,
                title=_("Preview of the import: %(training)s") % {"training": training},
            ),
        )
