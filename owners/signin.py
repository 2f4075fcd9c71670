"""Owners sign in without a password: the phone number (or e-mail address) the register holds
receives a 6-digit code, which signs them in once.

- A code is kept as an HMAC keyed with the site's secret and a per-code salt; it expires after
  CODE_VALID (10 minutes), works once, and allows MAX_ATTEMPTS wrong tries.
- Requests are limited per number (CODES_PER_NUMBER in NUMBER_WINDOW) and per client address
  (CODES_PER_CLIENT in CLIENT_WINDOW), counted on the same rows for every number.
- A number (or address) that two registered owners share signs nobody in: it is sent the
  reason instead of a code, since a code would open one person's data to the other.
- The answer does not tell whether the number is registered: the same row, the same queries
  and the same page follow either way; only a registered number is sent a message, and that
  after the answer has gone (owners.views: the response's close), so a slow provider does not
  show in the answer's timing either.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from notifications.services import notify
from owners.models import OwnerAccount, SignInCode
from umkm.models import Owner
from umkm.validators import normalise_phone

CODE_VALID = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _limit(name: str, default: int) -> int:
    return getattr(settings, name, default)


NUMBER_WINDOW = datetime.timedelta(minutes=15)
CLIENT_WINDOW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Identifier:
    channel: str  # "sms" or "email"
    address: str  # +62... or a lower-case e-mail address

    @property
    def hash(self) -> str:
        return _keyed("owners.signin.identifier", self.address)


def _keyed(salt: str, value: str) -> str:
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()


def client_hash(ip: str) -> str:
    return _keyed("owners.signin.client", ip or "unknown")


def parse_identifier(raw) -> Identifier:
    """A phone number (any usual Indonesian form) or an e-mail address; the message names
    the field, the same for a registered number and any other."""
    raw = (raw or "").strip()
    if "@" in raw:
        try:
            validate_email(raw)
        except ValidationError as exc:
            raise ValidationError(
                {
                    "identifier": _(
                        "Enter a phone number such as 0812-3456-7890 or an e-mail address."
                    )
                }
            ) from exc
        return Identifier("email", raw.lower())
    try:
        phone = normalise_phone(raw)
    except ValidationError as exc:
        raise ValidationError({"identifier": exc.messages}) from exc
    if not phone:
        raise ValidationError({"identifier": _("Enter your phone number or e-mail address.")})
    return Identifier("sms", phone)


def _owners_for(identifier: Identifier) -> list[Owner]:
    """The registered owners with this number or address: none, one, or (at most) two when
    records share it, e.g. a family phone (an operator's duplicate NIK entry is never one)."""
    qs = Owner.objects.filter(nik_match_of__isnull=True, anonymised_at__isnull=True)
    if identifier.channel == "email":
        qs = qs.filter(email__iexact=identifier.address)
    else:
        qs = qs.filter(phone=identifier.address)
    return list(qs.order_by("pk").only("pk", "phone", "email", "full_name")[:2])


def _code_hash(salt: str, code: str, identifier_hash: str) -> str:
    return _keyed("owners.signin.code:" + salt, f"{identifier_hash}:{code}")


@dataclass
class PendingMessage:
    """What to send once the answer has gone: a code, or, for a number two owners share, the
    reason it signs nobody in (None for an unregistered number)."""

    identifier: Identifier
    code: str | None

    def send(self) -> None:
        if self.code is None:
            # A shared number cannot tell whose account it opens: signing in the first of
            # them would hand one person the other's data (NIK, birth date, address).
            body = _(
                "This number is registered for more than one business owner, so it cannot be "
                "used to sign in to the UMKM portal. Ask your kecamatan operator to record each "
                "owner's own phone number or e-mail address."
            )
        else:
            body = _(
                "Your sign-in code for the UMKM portal is %(code)s. It is valid for 10 minutes. "
                "Never give it to anyone, staff included."
            ) % {"code": self.code}
        notify(
            channel=self.identifier.channel,
            to=self.identifier.address,
            body=body,
            kind="owner_sign_in",
            subject=_("Your sign-in code"),
        )


def code_request(*, identifier: Identifier, client_ip: str) -> PendingMessage | None:
    """Record a code for `identifier`; the message to send, if the register holds it."""
    now = timezone.now()
    client = client_hash(client_ip)
    with transaction.atomic():
        with connection.cursor() as cursor:  # one request at a time per number
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [identifier.hash])
        per_number = SignInCode.objects.filter(
            identifier_hash=identifier.hash, created_at__gte=now - NUMBER_WINDOW
        ).count()
        per_client = SignInCode.objects.filter(
            client_hash=client, created_at__gte=now - CLIENT_WINDOW
        ).count()
        if per_number >= _limit("OWNER_CODES_PER_NUMBER", 3) or per_client >= _limit(
            "OWNER_CODES_PER_CLIENT", 20
        ):
            raise ValidationError(
                _("Too many codes were asked for. Wait 15 minutes, then ask for a new code.")
            )
        owners = _owners_for(identifier)
        # Only a number that is one owner's signs in; a shared one signs in nobody.
        owner = owners[0] if len(owners) == 1 else None
        code = f"{secrets.randbelow(10**6):06d}"
        salt = secrets.token_hex(16)
        SignInCode.objects.create(
            identifier_hash=identifier.hash,
            client_hash=client,
            owner=owner,
            salt=salt,
            code_hash=_code_hash(salt, code, identifier.hash),
        )
    if owner is not None:
        return PendingMessage(identifier, code)
    return PendingMessage(identifier, None) if owners else None


def _wrong_code() -> ValidationError:
    return ValidationError(
        {"code": _("The code is wrong or has expired. Ask for a new code if needed.")}
    )


def code_verify(*, identifier_hash: str, code: str) -> Owner:
    """The owner the code was sent to, once; else ValidationError (the same message for a
    wrong, used, expired or never-sent code)."""
    code = "".join((code or "").split())
    now = timezone.now()
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update()
            .filter(
                identifier_hash=identifier_hash,
                used_at__isnull=True,
                created_at__gte=now - CODE_VALID,
            )
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= MAX_ATTEMPTS:
            owner = None
        elif len(code) == 6 and constant_time_compare(
            _code_hash(row.salt, code, identifier_hash), row.code_hash
        ):
            owner = row.owner
            # This code, and any other still open for the number, are spent.
            SignInCode.objects.filter(identifier_hash=identifier_hash, used_at__isnull=True).update(
                used_at=now
            )
        else:
            owner = None
            SignInCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
    if owner is None:
        raise _wrong_code()
    return owner


def account_for(owner: Owner) -> OwnerAccount:
    """The owner's account, made at the first sign-in: a user who is not staff and has no
    usable password (only a code signs them in)."""
    account = OwnerAccount.objects.select_related("user").filter(owner=owner).first()
    if account is not None:
        return account
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User(username=f"pemilik-{owner.pk}", is_staff=False, is_superuser=False)
            user.set_unusable_password()
            user.save()
            return OwnerAccount.objects.create(owner=owner, user=user)
    except IntegrityError:  # the same owner's two first sign-ins at one moment
        return OwnerAccount.objects.select_related("user").get(owner=owner)
