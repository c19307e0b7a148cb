"""Raster images of course packages: their size, and a smaller copy for slow links (Pillow).

Pure code (bytes in, bytes out). Learners on a slow intranet link or a phone should not fetch a
3000 px photograph to see it 360 px wide: images wider than the configured width are stored
again, scaled down, next to the original (which stays downloadable and is what an export
writes back). Sizes are those a browser shows, so EXIF rotation is taken into account.
"""

import io
import logging
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)

# Pillow's own guard against decompression bombs is 89 MP with a warning, 179 MP with an error;
# a package image of more than this is refused at validation (a 48 MP phone photo still fits).
MAX_PIXELS = 60_000_000
DEFAULT_MAX_WIDTH = 1280
RASTER_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}

_ORIENTATION = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class BadImage(Exception):
    """The bytes are not an image Pillow can read."""


@dataclass(frozen=True)
class Size:
    width: int
    height: int

    @property
    def pixels(self):
        return self.width * self.height


@dataclass(frozen=True)
class Scaled:
    data: bytes
    width: int
    height: int


def _orientation(img):
    try:
        value = img.getexif().get(_ORIENTATION, 1)
    except Exception:  # a broken EXIF block must not make the image unreadable
        return 1
    return value if value in _TRANSPOSE else 1


def image_size(data):
    """The size a browser shows (EXIF rotation applied), read from the header only.

    Raises BadImage when Pillow cannot read the header."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            if _orientation(img) in (5, 6, 7, 8):
                width, height = height, width
            return Size(width, height)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise BadImage(str(exc)) from exc


def scaled_size(size, max_width):
    """The size of the copy shown in lessons; `size` itself when it is narrow enough."""
    if size.width <= max_width:
        return size
    return Size(max_width, max(1, round(size.height * max_width / size.width)))


def downscale(data, content_type, max_width=DEFAULT_MAX_WIDTH):
    """A copy at most `max_width` px wide, in the same format; None when none is needed or
    possible (narrow enough, animated, not a raster type, or unreadable: the original is
    then shown as it is)."""
    fmt = RASTER_TYPES.get(content_type)
    if fmt is None or max_width < 1:
        return None
    try:
        return _downscale(data, fmt, max_width)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        log.warning("image could not be scaled down; the original is shown", exc_info=True)
        return None


def _downscale(data, fmt, max_width):
    with Image.open(io.BytesIO(data)) as img:
        if img.width * img.height > MAX_PIXELS or getattr(img, "is_animated", False):
            return None
        orientation = _orientation(img)
        swap = orientation in (5, 6, 7, 8)
        shown = Size(img.height, img.width) if swap else Size(img.width, img.height)
        target = scaled_size(shown, max_width)
        if target == shown:
            return None
        raw_target = (target.height, target.width) if swap else (target.width, target.height)
        if fmt == "JPEG":
            img.draft("RGB" if img.mode == "RGB" else img.mode, raw_target)  # DCT scaling
        palette = img.mode == "P"
        if img.mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
            has_alpha = img.mode in ("PA", "La") or "transparency" in img.info
            img = img.convert("RGBA" if has_alpha else "RGB")
        out = img.resize(raw_target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if orientation in _TRANSPOSE and orientation != 1:
            out = out.transpose(_TRANSPOSE[orientation])
        buf = io.BytesIO()
        if fmt == "JPEG":
            out.save(buf, "JPEG", quality=82, optimize=True, progressive=True)
        elif fmt == "PNG":
            if palette:  # diagrams and screenshots drawn with few colours stay small
                method = Image.Quantize.FASTOCTREE if out.mode == "RGBA" else None
                out = out.quantize(256, method=method)
            out.save(buf, "PNG", optimize=True)
        elif fmt == "WEBP":
            if out.mode not in ("RGB", "RGBA"):
                out = out.convert("RGB")
            out.save(buf, "WEBP", quality=80, method=4)
        else:  # GIF: a still one (animated ones were left alone above)
            out.save(buf, "GIF", optimize=True)
        return Scaled(buf.getvalue(), out.width, out.height)
