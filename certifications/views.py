from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from certifications.models import CaseDocument
from certifications.permissions import can_download_document
from config.access import staff_required


@require_GET
@staff_required
def document_download(request, pk: int):
    """A case document, as an attachment, to staff who may see its business. Signed-out
    visitors and password-only sessions go to the sign-in form (config.access, whatever the
    number); other kecamatan's operators and Pejabat get 404, so that not even the existence
    of a document is told."""
    document = get_object_or_404(
        CaseDocument.objects.select_related("case__business__kelurahan"), pk=pk
    )
    if not can_download_document(request.user, document):
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name or document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
