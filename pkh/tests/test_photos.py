"""The one photo preparation every app uses (pkh/photos.py)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pkh import photos
from pkh.photos import photo_prepare

MB = 1024 * 1024


def upload(size=(2000, 1000), fmt="JPEG", exif=True, orientation=None) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (120, 160, 90))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {2: (6.0, 10.0, 0.0)}  # GPSInfo: a latitude
        if orientation:
            data[0x0112] = orientation
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(f"foto.{fmt.lower()}", out.getvalue())


def opened(content):
    return Image.open(io.BytesIO(content.read()))


def test_one_jpeg_per_side_resized_and_without_exif():
    full, thumb = photo_prepare(upload(), max_bytes=10 * MB, sides=(1600, 320))
    with opened(full) as image:
        assert image.format == "JPEG"
        assert image.size == (1600, 800)
        assert not image.getexif()
    with opened(thumb) as image:
        assert image.size == (320, 160)
        assert not image.getexif()


def test_small_photo_is_not_enlarged():
    (only,) = photo_prepare(upload(size=(400, 300)), max_bytes=10 * MB, sides=(1600,))
    with opened(only) as image:
        assert image.size == (400, 300)


def test_turned_upright_by_its_orientation():
    # Orientation 6: the camera was turned; the picture shows 90 degrees rotated.
    (only,) = photo_prepare(upload(orientation=6), max_bytes=10 * MB, sides=(1600,))
    with opened(only) as image:
        assert image.size == (800, 1600)


def test_png_and_webp_accepted_and_reencoded_as_jpeg():
    for fmt in ("PNG", "WEBP"):
        (only,) = photo_prepare(upload(fmt=fmt, exif=False), max_bytes=10 * MB, sides=(100,))
        with opened(only) as image:
            assert image.format == "JPEG"


def test_too_large_file_refused_on_the_given_field():
    with pytest.raises(ValidationError) as exc:
        photo_prepare(upload(), max_bytes=100, sides=(100,), field="document_photo")
    assert list(exc.value.error_dict) == ["document_photo"]
    assert "terlalu besar" in exc.value.messages[0]


def test_other_format_refused():
    with pytest.raises(ValidationError) as exc:
        photo_prepare(upload(fmt="GIF", exif=False), max_bytes=10 * MB, sides=(100,))
    assert "Format foto" in exc.value.messages[0]


def test_not_an_image_refused():
    junk = SimpleUploadedFile("foto.jpg", b"not a picture at all")
    with pytest.raises(ValidationError) as exc:
        photo_prepare(junk, max_bytes=10 * MB, sides=(100,))
    assert list(exc.value.error_dict) == ["photo"]
    assert "bukan foto" in exc.value.messages[0]


def test_too_many_pixels_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS", 1000)
    with pytest.raises(ValidationError) as exc:
        photo_prepare(upload(size=(100, 100)), max_bytes=10 * MB, sides=(100,))
    assert "Resolusi" in exc.value.messages[0]


def test_needs_a_size():
    with pytest.raises(ValueError):
        photo_prepare(upload(), max_bytes=10 * MB, sides=())
