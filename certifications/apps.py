from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = _("Certificates")

    def ready(self):
        # The admin registry is complete here (django.contrib.admin autodiscovers first): put
        # the certificates at a glance on each business's admin page without umkm importing us.
        from certifications.admin import attach_to_business_admin

        attach_to_business_admin()

        from django.db.models.signals import post_delete

        from certifications.models import CaseDocument

        post_delete.connect(
            _delete_document_file, sender=CaseDocument, dispatch_uid="certifications.doc_file"
        )


def _delete_document_file(sender, instance, **kwargs):
    """A deleted document's file goes too, once the deletion is committed (also when its case
    is deleted): private files must not outlive their record."""
    from django.db import transaction

    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
