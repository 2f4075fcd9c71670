"""Owners and their sessions, for the owners' desk tests."""

import re

from owners.signin import account_for
from tests.bazaars.factories import eligible_business
from tests.factories import BusinessFactory

BACKEND = "owners.backends.OwnerBackend"


def owner_business(**kwargs):
    """An eligible business (aktif, passed a training) and its owner."""
    return eligible_business(**kwargs)


def signed_in(client, owner):
    """`client` signed in as `owner` (as the code view does: the owner's account, the owners'
    backend)."""
    client.force_login(account_for(owner).user, backend=BACKEND)
    return client


def code_in(message) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def sign_in_with_code(client, identifier, outbox, capture):
    """The real flow: ask for a code, read it from the message, enter it."""
    with capture(execute=True):
        client.post("/usaha-saya/masuk/", {"identifier": identifier})
    code = code_in(outbox[-1])
    return client.post("/usaha-saya/masuk/kode/", {"code": code})


__all__ = ["BusinessFactory", "code_in", "owner_business", "sign_in_with_code", "signed_in"]
