"""The one rule for images shown to the public (business photos, bazaar posters, any later one).

An uploaded photo may say more than it shows: EXIF GPS coordinates of the owner's house, the
camera's serial, a file name such as "Foto_Rumah_Bu_Siti_<NIK>.jpg", and it may be a 9,400 x
9,400 PNG that takes 350 MB to decode. So every public image is, before it is stored:

- refused, with an Indonesian message naming the limit, when it is larger than
  MAX_UPLOAD_BYTES, has more than MAX_PIXELS pixels (read from the header, before decoding:
  the decompression-bomb guard), or is not a JPEG, PNG, WebP or GIF that Pillow can decode;
- turned upright (its EXIF orientation applied), then decoded and encoded again by Pillow,
  which writes none of the original metadata (EXIF, GPS, XMP, ICC, comments, PNG text);
  JPEG, or PNG when it has transparency; the first frame of an animation;
- made at most MAX_SIDE pixels on its long side, with two derived sizes: a card (CARD_SIZE,
  whole picture) and a share image (SHARE_SIZE, cropped to fill, the og:image);
- stored under a random name (32 hex digits), never the uploaded one; the derived sizes sit
  beside it as <name>.card.jpg and <name>.share.jpg.

Models declare such a field as `PublicImageField`; its file's `save()` is the only way a
file reaches the storage, so admin forms, services, imports and commands all go through the
rule. The field's validator runs the same check at `full_clean()`, so a refused image is a
message on the form and nothing (row or file) is saved. `manage.py clean_public_images`
brings files stored before this rule under it. Private documents are checked by
certifications/uploads.py, which uses `open_checked()` below for its images.
"""

import io
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # as every upload of the portal (nginx allows 6 MB)
MAX_PIXELS = 40_000_000  # a 40 Mpx phone photo decodes to ~120 MB: the most we accept
MAX_SIDE = 2000
CARD_SIZE = (640, 640)
SHARE_SIZE = (1200, 630)
JPEG_QUALITY = 85
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}  # MPO: some phones' JPEG
VARIANTS = ("card", "share")
CLEAN_NAME = re.compile(r"(?:.*/)?[0-9a-f]{32}\.(?:jpg|png)")


@dataclass(frozen=True)
class CleanImage:
    """The re-encoded image and its derived sizes, as bytes ready to store."""

    content: bytes
    extension: str
    width: int
    height: int
    card: bytes
    share: bytes


def _size_of(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        position = fileobj.tell()
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(position)
    return size


def open_checked(fileobj, *, max_bytes: int = MAX_UPLOAD_BYTES, field: str | None = None):
    """The image opened (header read, pixels not yet decoded) once it is within the byte and
    pixel limits and of an accepted format; ValidationError otherwise (on `field` if given)."""
    from PIL import Image

    def refuse(message, code):
        raise ValidationError({field: message} if field else message, code=code)

    size = _size_of(fileobj)
    if size > max_bytes:
        refuse(
            _("The image is %(size)s: larger than %(limit)s, the most an image may be.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            "too_large",
        )
    if size == 0:
        refuse(_("The file is empty."), "empty")
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        refuse(_too_many_pixels(None), "too_many_pixels")
    except Exception:  # Pillow raises many kinds for what is not an image
        refuse(_("The image file is damaged or not a real image."), "bad_image")
    if image.format not in ACCEPTED_FORMATS:
        refuse(
            _(
                "Only JPEG, PNG, WebP or GIF images are accepted; this file is not one of "
                "them (whatever its name says)."
            ),
            "bad_type",
        )
    if image.width * image.height > MAX_PIXELS:
        refuse(_too_many_pixels(image), "too_many_pixels")
    return image


def _too_many_pixels(image) -> str:
    limit = MAX_PIXELS // 1_000_000
    if image is None:
        return _("The image has more than %(limit)s million pixels, the most it may have.") % {
            "limit": limit
        }
    return _(
        "The image is %(width)s x %(height)s pixels: more than %(limit)s million pixels, "
        "the most it may have."
    ) % {"width": image.width, "height": image.height, "limit": limit}


def clean_image(fileobj) -> CleanImage:
    """Check and re-encode an uploaded image (see the module's docstring)."""
    from PIL import Image, ImageOps

    image = open_checked(fileobj)
    try:
        if image.format in {"JPEG", "MPO"}:
            image.draft("RGB", (MAX_SIDE * 2, MAX_SIDE * 2))  # decode big JPEGs at 1/2..1/8
        image.seek(0)
        image.load()
        upright = ImageOps.exif_transpose(image)
    except Exception as exc:
        raise ValidationError(
            _("The image file is damaged or not a real image."), code="bad_image"
        ) from exc
    alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
    picture = upright.convert("RGBA" if alpha else "RGB")
    picture.info = {}  # nothing of the original travels on (EXIF, ICC, XMP, comments)
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    card = picture.copy()
    card.thumbnail(CARD_SIZE, Image.Resampling.LANCZOS)
    flat = _on_white(picture) if alpha else picture
    share = ImageOps.fit(flat, SHARE_SIZE, Image.Resampling.LANCZOS)
    return CleanImage(
        content=_encode(picture, "PNG" if alpha else "JPEG"),
        extension="png" if alpha else "jpg",
        width=picture.width,
        height=picture.height,
        card=_encode(_on_white(card) if alpha else card, "JPEG"),
        share=_encode(share, "JPEG"),
    )


def _on_white(image):
    from PIL import Image

    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def variant_name(name: str, variant: str) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{variant}.jpg"))


def is_clean_name(name: str) -> bool:
    """A name this module gave (random, no trace of the upload's own name)."""
    return bool(name) and CLEAN_NAME.fullmatch(name) is not None


class PublicImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store `content` re-encoded under a random name, with its card and share sizes;
        the `name` given (the uploaded file's) is not used."""
        cleaned = self._checked(content)
        super().save(f"{uuid.uuid4().hex}.{cleaned.extension}", ContentFile(cleaned.content), save)
        for variant in VARIANTS:
            self.storage.save(
                variant_name(self.name, variant), ContentFile(getattr(cleaned, variant))
            )

    save.alters_data = True

    def delete(self, save=True):
        if self.name and is_clean_name(self.name):
            for variant in VARIANTS:
                self.storage.delete(variant_name(self.name, variant))
        super().delete(save)

    delete.alters_data = True

    def _checked(self, content) -> CleanImage:
        known = getattr(self, "_cleaned", None)
        if known is not None and known[0] is content:
            return known[1]
        cleaned = clean_image(content)
        self._cleaned = (content, cleaned)
        return cleaned

    @property
    def is_clean(self) -> bool:
        """Stored under this module's rule (files from before it wait for the command)."""
        return is_clean_name(self.name)

    def variant_url(self, variant: str) -> str:
        if not self.is_clean:
            return ""
        return self.storage.url(variant_name(self.name, variant))

    @property
    def card_url(self) -> str:
        return self.variant_url("card")

    @property
    def share_url(self) -> str:
        return self.variant_url("share")

    @property
    def public_url(self) -> str:
        """The full-size image's URL, only once it is clean."""
        return self.url if self.is_clean else ""


def validate_public_image(value) -> None:
    """At full_clean(): a newly assigned file must pass the rule (a stored one has)."""
    if not value or getattr(value, "_committed", True):
        return
    value._checked(value.file)


class PublicImageField(models.ImageField):
    """An ImageField whose files are re-encoded, renamed and sized by this module."""

    attr_class = PublicImageFieldFile
    default_validators = [validate_public_image]
