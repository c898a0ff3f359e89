"""Card photos made ready for OCR: decoded within limits, the card found, flattened, upright.

OpenCV finds the card: the largest bright four-sided shape (Otsu threshold, then the
contour's corners), warped to a flat rectangle 1400 pixels wide.  A flat scan (the card
fills the picture) is kept as it is.  A sharpness check (variance of the Laplacian) refuses
a photo too blurred to read.  OpenCV and numpy are imported here only, never at start-up.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from kinmyaku.domain.errors import KinmyakuError
from kinmyaku.services.photos import FORMATS, MAX_BYTES, MAX_PIXELS

CARD_WIDTH = 1400
MIN_SHARPNESS = 10.0
"""Variance of the Laplacian of the flattened card below which text cannot be read."""


class CardImageError(KinmyakuError):
    """The picture cannot be read as a business card."""

    status = 422


def decode(data: bytes) -> Any:
    """The picture as a BGR numpy array; refuses empty, huge and non-image input."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise CardImageError("The card image is empty")
    if len(data) > MAX_BYTES:
        raise CardImageError("The card image is larger than 10 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise CardImageError("The file is not an image (JPEG, PNG, WebP)")
            if image.width * image.height > MAX_PIXELS:
                raise CardImageError("The card image has too many pixels")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CardImageError("The card image has too many pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise CardImageError("The file is not an image (JPEG, PNG, WebP)") from None
    rgb = np.asarray(upright.convert("RGB"))
    return rgb[:, :, ::-1].copy()


def _order(points: Any) -> Any:
    import numpy as np

    points = points.reshape(4, 2).astype("float32")
    total, diff = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[total.argmin()],
            points[diff.argmin()],
            points[total.argmax()],
            points[diff.argmax()],
        ],
        dtype="float32",
    )


def find_card(image: Any) -> Any:
    """The card cut out of a photo and flattened (perspective corrected), as grey levels."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if float(gray.std()) < 8:
        raise CardImageError("No business card was found in the picture")  # one flat colour
    height, width = gray.shape
    scale = 800 / max(height, width)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = small.shape[0] * small.shape[1]
    best = max(contours, key=cv2.contourArea, default=None)
    if best is None or cv2.contourArea(best) < 0.08 * area:
        raise CardImageError("No business card was found in the picture")
    if cv2.contourArea(best) > 0.9 * area:
        return gray  # a flat scan: the card fills the picture
    hull = cv2.convexHull(best)
    corners = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(corners) != 4:
        corners = cv2.boxPoints(cv2.minAreaRect(hull))
    quad = _order(np.asarray(corners)) / scale
    top = np.linalg.norm(quad[1] - quad[0])
    side = np.linalg.norm(quad[3] - quad[0])
    if top >= side:
        out_w, out_h = CARD_WIDTH, int(CARD_WIDTH * side / top)
    else:  # a portrait card (縦書き, or turned a quarter)
        out_w, out_h = int(CARD_WIDTH * top / side), CARD_WIDTH
    target = np.array([(0, 0), (out_w, 0), (out_w, out_h), (0, out_h)], dtype="float32")
    matrix = cv2.getPerspectiveTransform(quad.astype("float32"), target)
    return cv2.warpPerspective(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC)


def check_sharp(card: Any) -> None:
    """Refuse a card too blurred to read."""
    import cv2

    small = cv2.resize(
        card, (700, int(700 * card.shape[0] / card.shape[1])), interpolation=cv2.INTER_AREA
    )
    if float(cv2.Laplacian(small, cv2.CV_64F).var()) < MIN_SHARPNESS:
        raise CardImageError("The card is too blurred to read; take the photo again")


def rotate(card: Any, degrees: int) -> Any:
    """The card turned clockwise by 0, 90, 180 or 270 degrees."""
    import cv2

    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(card, turns[degrees]) if degrees in turns else card
