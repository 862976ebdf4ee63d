"""Receipts are checked by their content, limited in size, and stored without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kinfolk.budget.receipts import MAX_BYTES, ReceiptRefused, receipt_clean
from kinfolk.budget.tests.claim_helpers import PDF, jpeg_with_gps, png_with_exif


def test_the_sample_photo_does_carry_a_gps_position():
    # Without this the test below could pass on a photo that never had one.
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
    assert exif.get_ifd(0x8825)[2] == (53.0, 47.0, 47.0)


def test_a_photos_gps_position_and_camera_are_gone_after_cleaning():
    clean = receipt_clean(jpeg_with_gps())
    assert clean.content_type == "image/jpeg"
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.size == (60, 40)
    assert dict(stored.getexif()) == {}
    assert stored.getexif().get_ifd(0x8825) == {}
    assert b"KinfolkCam" not in clean.data
    assert b"Exif" not in clean.data


def test_a_png_loses_its_exif_and_text_chunks():
    raw = png_with_exif()
    assert b"Acacia" in raw and b"KinfolkCam" in raw
    clean = receipt_clean(raw)
    assert clean.content_type == "image/png"
    assert b"Acacia" not in clean.data and b"KinfolkCam" not in clean.data


def test_a_pdf_is_recognised_by_its_first_bytes():
    clean = receipt_clean(PDF)
    assert (clean.content_type, clean.extension) == ("application/pdf", "pdf")


@pytest.mark.parametrize(
    "data",
    [
        b"just some text pretending to be a photo",
        b"<html><script>alert(1)</script></html>",
        b"GIF89a" + b"\x00" * 40,
        b"\xff\xd8\xff\xe0 broken jpeg",
    ],
    ids=["text", "html", "gif-header", "broken-jpeg"],
)
def test_what_is_neither_an_image_nor_a_pdf_is_refused(data):
    with pytest.raises(ReceiptRefused, match="not_a_receipt"):
        receipt_clean(data)


def test_a_gif_is_refused_even_when_it_is_a_real_image():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    with pytest.raises(ReceiptRefused, match="not_a_receipt"):
        receipt_clean(out.getvalue())


def test_a_file_over_the_limit_is_refused_before_it_is_read_as_an_image():
    with pytest.raises(ReceiptRefused, match="too_large"):
        receipt_clean(PDF + b"0" * MAX_BYTES)


def test_a_picture_of_too_many_pixels_is_refused():
    out = io.BytesIO()
    Image.new("L", (8000, 6000)).save(out, "PNG")  # 48 MP, a few kB of zeros
    assert len(out.getvalue()) < MAX_BYTES
    with pytest.raises(ReceiptRefused, match="too_large"):
        receipt_clean(out.getvalue())
