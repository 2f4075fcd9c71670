"""Share images (og:image) for public pages that have no poster or photo: a 1200 x 630 card
drawn with Pillow (the title, then a few lines: dates, venue, counts), kept in the public
storage under a name made from what it shows, so it is drawn once and redrawn only when that
changes. WhatsApp, Facebook and X show it when a page's link is shared."""

import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

SIZE = (1200, 630)
BACKGROUND = (14, 93, 80)  # the site's green
ACCENT = (246, 196, 69)
INK = (255, 255, 255)


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)  # Pillow's bundled FreeType font: no system font


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == max_lines:
            break
    if line and len(lines) < max_lines:
        lines.append(line)
    if len(lines) == max_lines and " ".join(lines) != " ".join(words):
        lines[-1] = lines[-1].rstrip(".,") + "…"
    return lines


def draw_card(title: str, lines: list[str], footer: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 24, SIZE[1]], fill=ACCENT)
    y = 70
    title_font = _font(64)
    for line in _wrap(draw, title, title_font, SIZE[0] - 160, 3):
        draw.text((80, y), line, font=title_font, fill=INK)
        y += 80
    y += 30
    body_font = _font(38)
    for text in lines:
        for line in _wrap(draw, text, body_font, SIZE[0] - 160, 2):
            draw.text((80, y), line, font=body_font, fill=ACCENT if y < 400 else INK)
            y += 52
    draw.text((80, SIZE[1] - 80), footer, font=_font(30), fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _folder(kind: str, key) -> str:
    """One folder per shown object: a keyed hash of it, so that its cards can be found and
    removed without listing every card, and object ids are not readable from the URL."""
    tag = salted_hmac("bazaars.share_cards", f"{kind}:{key}", algorithm="sha256").hexdigest()
    return f"kartu/{kind}-{tag[:20]}"


def share_card(*, kind: str, key, title: str, lines: list[str], footer: str) -> str:
    """The storage name of the card showing these texts for object `key` (drawn now if not
    yet kept; a card the object showed before is removed, as its texts have changed)."""
    digest = hashlib.sha256("\x1f".join([kind, title, *lines, footer]).encode()).hexdigest()
    folder = _folder(kind, key)
    name = f"{folder}/{digest[:24]}.png"
    if not default_storage.exists(name):
        forget_cards(kind=kind, key=key)
        name = default_storage.save(name, ContentFile(draw_card(title, lines, footer)))
    return name


def forget_cards(*, kind: str, key) -> int:
    """Remove every card drawn for object `key` (its listing ended); how many were removed."""
    folder = _folder(kind, key)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    for file in files:
        default_storage.delete(f"{folder}/{file}")
    return len(files)


def forget_business_cards(sender, *, business_id, **kwargs) -> None:
    """umkm.signals.public_listing_withdrawn: the business's cards (name, products, area)
    leave the public storage with its profile. The withdrawal has committed: a store that is
    away must not turn it into an error page, so the failure is logged (the business id only)
    and the card stays until it is removed by hand."""
    try:
        forget_cards(kind="photo", key=business_id)
    except Exception as error:
        logger.warning(
            "share cards of business %s not removed: %s", business_id, type(error).__name__
        )


def card_url(name: str) -> str:
    return default_storage.url(name)
