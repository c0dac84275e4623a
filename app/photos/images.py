"""Reading a photo as sent and keeping only its pixels.

The type is told by the file's first bytes, never by its name or the Content-Type it came with; the
size in pixels is checked from the header before a pixel is decoded (a small file can unpack into
gigabytes). What is kept is re-encoded as JPEG from the pixels alone: turned upright as its EXIF said,
then without EXIF, GPS, XMP, ICC or comments, and scaled down to the longest side allowed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from ..i18n import N_

# Magic numbers of the formats a tablet or camera gives (a browser scales a HEIC photo into JPEG).
SIGNATURES = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"))
WEBP = (b"RIFF", b"WEBP")
QUALITY = 85
THUMB_QUALITY = 75


class Refused(ValueError):
    """Why a file is not kept: an HTTP status and a message id."""

    def __init__(self, status: int, text: str, **params: object):
        super().__init__(text)
        self.status = status
        self.text = text
        self.params = params


@dataclass(frozen=True)
class Kept:
    image: bytes  # JPEG, without metadata
    thumbnail: bytes
    width: int
    height: int


def format_of(data: bytes) -> str | None:
    """JPEG, PNG or WEBP by the file's first bytes; None for anything else."""
    for signature, name in SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:4] == WEBP[0] and data[8:12] == WEBP[1]:
        return "WEBP"
    return None


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)  # nothing of the original's info is passed on
    return out.getvalue()


def keep(data: bytes, max_side: int, max_pixels: int, thumb_side: int) -> Kept:
    """The photo as it is kept, and its thumbnail; ``Refused`` for anything that is not one."""
    if not data:
        raise Refused(400, N_("The photo is empty."))
    kind = format_of(data)
    if kind is None:
        raise Refused(415, N_("This is not a photo: send a JPEG, PNG or WebP image."))
    too_many = Refused(422, N_("This image has too many pixels (at most %(max)s million)."), max=max_pixels // 1_000_000)
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as source:
            if source.width * source.height > max_pixels:
                raise too_many
            source.load()
            upright = ImageOps.exif_transpose(source)
    except Refused:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, met while reading the header
        raise too_many from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise Refused(422, N_("This photo cannot be read; it may be damaged.")) from None
    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
        with_alpha = upright.convert("RGBA")
        backdrop = Image.new("RGB", upright.size, "white")
        backdrop.paste(with_alpha, mask=with_alpha.getchannel("A"))
        upright = backdrop
    pixels = upright.convert("RGB")
    pixels.info = {}
    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    thumbnail = pixels.copy()
    thumbnail.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    return Kept(_jpeg(pixels, QUALITY), _jpeg(thumbnail, THUMB_QUALITY), pixels.width, pixels.height)
