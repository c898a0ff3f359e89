"""Photo upload: images only (decoded), at most 10 MB, no EXIF (location), served by a route."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import ValidationError
from kinmyaku.services import photos
from kinmyaku.services.people import show_person

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_location(size: tuple[int, int] = (80, 60), orientation: int = 1) -> bytes:
    """A JPEG whose EXIF holds a camera model, GPS coordinates and an orientation."""
    exif = Image.Exif()
    exif[0x0110] = "KinmyakuCam"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (35.0, 39.0, 29.0)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the fixture has a location
    return data


def test_clean_photo_drops_exif_and_turns_the_photo_upright() -> None:
    cleaned = photos.clean_photo(jpeg_with_location(orientation=6))  # 6: rotate 90°
    image = Image.open(io.BytesIO(cleaned.data))
    assert cleaned.mime == "image/jpeg"
    assert image.size == (60, 80)
    assert not image.getexif()  # no camera, no GPS, no orientation left
    assert "exif" not in image.info


def test_big_photos_are_shrunk() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(out, "JPEG")
    image = Image.open(io.BytesIO(photos.clean_photo(out.getvalue()).data))
    assert max(image.size) == photos.MAX_SIDE


def test_transparent_png_stays_png() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG")
    assert photos.clean_photo(out.getvalue()).mime == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GIF89a not really",
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"%PDF-1.4 hello",
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,  # a JPEG header with nothing behind it
    ],
)
def test_non_images_are_refused(data: bytes) -> None:
    with pytest.raises(ValidationError) as refused:
        photos.clean_photo(data)
    assert refused.value.field == "photo"


def test_decompression_bombs_are_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels in a few kB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ValidationError):
        photos.clean_photo(out.getvalue())


def test_files_over_10_mb_are_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        photos.clean_photo(b"\x00" * (photos.MAX_BYTES + 1))
    assert "10 MB" in refused.value.msgid


def test_upload_stores_in_database_and_serves_through_a_route(
    client: TestClient, core: App, csrf: str, takahashi: int
) -> None:
    done = client.post(
        f"/people/{takahashi}/photo",
        data={"csrf_token": csrf},
        files={"photo": ("me.jpg", jpeg_with_location(), "image/jpeg")},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200
    name = show_person(core.uow(), takahashi).summary.photo
    assert name and name.endswith(".jpg") and len(name) > 20  # a random name
    assert f'src="/photos/{name}"' in done.text
    served = client.get(f"/photos/{name}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(served.content)).getexif()
    assert client.get("/photos/../../etc/passwd").status_code == 404
    # Replacing the photo removes the old one.
    client.post(
        f"/people/{takahashi}/photo",
        data={"csrf_token": csrf},
        files={"photo": ("again.jpg", jpeg_with_location(), "image/jpeg")},
    )
    assert client.get(f"/photos/{name}").status_code == 404


def test_upload_of_a_non_image_shows_an_error(
    client: TestClient, csrf: str, takahashi: int
) -> None:
    bad = client.post(
        f"/people/{takahashi}/photo",
        data={"csrf_token": csrf},
        files={"photo": ("evil.html", b"<script>alert(1)</script>", "image/jpeg")},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422
    assert "写真のファイル（JPEG・PNG・WebP）ではありません" in bad.text
