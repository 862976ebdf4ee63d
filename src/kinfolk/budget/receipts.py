"""Receipts: what a claimant uploads, checked by its content and cleaned before it is stored.

The type is read from the bytes, never from the name or the browser's word
for it: a PDF starts with ``%PDF-``, and an image is whatever Pillow can
open as JPEG, PNG or WebP.  Images are decoded and encoded again, which drops
every EXIF tag (a phone photo's GPS position among them), XMP and text
chunks, after turning the picture upright by its EXIF orientation.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

#: The largest receipt accepted, in bytes.
MAX_BYTES = 5 * 1024 * 1024
#: Larger pictures are refused before decoding: a small file can unpack into gigabytes.
MAX_PIXELS = 40_000_000
_IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
_IMAGE_FORMATS["WEBP"] = ("image/webp", "webp")


class ReceiptRefused(ValueError):
    """The upload is not a receipt Kinfolk keeps; the message says why, for the claimant."""


@dataclass(frozen=True)
class CleanReceipt:
    data: bytes
    content_type: str
    extension: str


def receipt_clean(data: bytes) -> CleanReceipt:
    """The receipt as it will be stored: a PDF as sent, an image re-encoded without metadata."""
    if len(data) > MAX_BYTES:
        raise ReceiptRefused("too_large")
    if data.startswith(b"%PDF-"):
        return CleanReceipt(data, "application/pdf", "pdf")
    return _image_clean(data)


def _image_clean(data: bytes) -> CleanReceipt:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = _IMAGE_FORMATS.get(str(image.format))
                if kind is None:
                    raise ReceiptRefused("not_a_receipt")
                if image.width * image.height > MAX_PIXELS:
                    raise ReceiptRefused("too_large")
                image.load()
                upright = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                _save_bare(upright, image.format or "", out)
    except ReceiptRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning):
        raise ReceiptRefused("not_a_receipt") from None
    except Image.DecompressionBombError:
        raise ReceiptRefused("too_large") from None
    return CleanReceipt(out.getvalue(), *kind)


def _save_bare(image: object, image_format: str, out: io.BytesIO) -> None:
    """Encode pixels only: no ``exif``, ``icc_profile`` or ``pnginfo`` is passed on."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88)
    elif image_format == "PNG":
        keep = image if image.mode in ("RGB", "RGBA", "L", "LA", "P") else image.convert("RGBA")
        keep.save(out, "PNG")
    else:
        image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "WEBP", quality=88)
