"""Signals the register sends for apps above it (umkm imports no app that shows its data).

- `public_listing_withdrawn(sender=Business, business_id=...)`: a business's public listing
  ended (consent withdrawn by the owner or by staff, or the owner's data erased). Sent after
  the transaction commits. The bazaars app removes what it drew for the public (share cards);
  the public page cache is already invalidated by every Business save.
"""

from django.db import transaction
from django.dispatch import Signal

public_listing_withdrawn = Signal()


def send_public_listing_withdrawn(business) -> None:
    business_id = business.pk
    sender = type(business)
    transaction.on_commit(
        lambda: public_listing_withdrawn.send(sender=sender, business_id=business_id)
    )
