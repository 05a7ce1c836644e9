"""Decode an uploaded or fetched image into an upright RGB picture, or say clearly why not.

Every image enters the pipeline here, so this is where hostile or broken input is stopped:
files that are not images, images cut short in transit, decompression bombs (a tiny file
that declares a gigantic canvas) and files over the size limit. The pixel limit is checked
on the header *before* any pixel data is decoded, so a bomb never allocates its canvas.

Pictures larger than a card needs are scaled down as early as the format allows: a JPEG is
decoded straight at a reduced scale (``draft``), anything else right after decoding, before
the EXIF turn and the RGB conversion copy it. A 40-megapixel PNG otherwise costs a gigabyte
of memory and seconds of copying for text that OCR reads at 2048 px anyway.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

ImageSource = bytes | bytearray | str | Path


class ImageError(ValueError):
    """The input cannot be used as a card image; the message is one line meant for the user."""


def _read_bytes(source: ImageSource, max_bytes: int) -> bytes:
    """The raw file content, refusing missing, empty and oversized files up front."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise ImageError(f"image file not found: {path}")
        size = path.stat().st_size
        if size > max_bytes:
            raise ImageError(f"image is too large: {size} bytes (limit {max_bytes})")
        data = path.read_bytes()
    if not data:
        raise ImageError("image is empty (0 bytes)")
    if len(data) > max_bytes:
        raise ImageError(f"image is too large: {len(data)} bytes (limit {max_bytes})")
    return data


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and refuse canvases over ``max_pixels`` before decoding."""
    try:
        with warnings.catch_warnings():
            # PIL warns (or raises) on huge canvases by its own global limit; our limit is explicit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageError(f"image has too many pixels ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise ImageError("not an image: the data is in no format Pillow can read") from exc
    except OSError as exc:
        raise ImageError(f"not a readable image: {exc}") from exc
    width, height = img.size
    if width <= 0 or height <= 0:
        raise ImageError(f"image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageError(f"image has too many pixels: {width}x{height} = {width * height} (limit {max_pixels})")
    return img


def _draft_smaller(img: Image.Image, max_side: int | None) -> None:
    """Ask a JPEG decoder for a reduced scale (1/2, 1/4, 1/8) no smaller than ``max_side``."""
    if not max_side or img.format != "JPEG" or max(img.size) <= max_side:
        return
    scale = max_side / max(img.size)
    img.draft(img.mode, (max(1, int(img.width * scale)), max(1, int(img.height * scale))))


def _shrink(img: Image.Image, max_side: int | None) -> Image.Image:
    """``img`` with its longer side at most ``max_side`` (aspect kept), decoded already."""
    if not max_side or max(img.size) <= max_side:
        return img
    scale = max_side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    log.info("scaling a %dx%d image down to %dx%d", img.width, img.height, *size)
    if img.mode not in ("RGB", "RGBA", "L", "LA"):
        img = _to_rgb(img)
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _decode_fully(img: Image.Image) -> None:
    """Decode every pixel now so that a truncated file fails here, not half-way through OCR."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone flipped Pillow's global switch; a truncated card would then decode as grey.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    try:
        img.load()
    except Image.DecompressionBombError as exc:
        raise ImageError(f"image has too many pixels ({exc})") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"image is truncated or corrupt: {exc}") from exc


def load_image(source: ImageSource, *, max_pixels: int, max_bytes: int, max_side: int | None = None) -> Image.Image:
    """An RGB image turned the way its EXIF orientation says, from bytes or a file path.

    Its ``size`` is the picture as viewers (and Label Studio) display it, i.e. after the EXIF
    turn: the frame region percentages refer to; with ``max_side`` its longer side is scaled
    down to at most that (percentages are unchanged by scaling). Raises ``ImageError`` (a
    ``ValueError``) with a one-line reason for missing, empty, oversized, non-image, truncated
    and too-many-pixel inputs.
    """
    data = _read_bytes(source, max_bytes)
    img = _open_checked(data, max_pixels)
    _draft_smaller(img, max_side)
    _decode_fully(img)
    shrunk = _shrink(img, max_side)
    if shrunk is not img:
        exif = img.getexif()
        if exif:  # the scaled copy must still know which way up the picture goes
            shrunk.info["exif"] = exif.tobytes()
        img = shrunk
    try:
        upright = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError) as exc:  # malformed EXIF block
        log.warning("ignoring unreadable EXIF orientation: %s", exc)
        upright = img
    if upright.mode != "RGB":
        upright = _to_rgb(upright)
    return upright


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB with transparent areas on white (a transparent PNG card must not turn black)."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")

