"""Image loading: every kind of bad input fails with a clear ImageError; EXIF turns are applied."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageFile

from ml_backend.reading.images import ImageError, load_image

LIMITS = {"max_pixels": 4_000_000, "max_bytes": 2_000_000}


def encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def marked_image() -> Image.Image:
    """120x60 white image with a red block in the top-left corner, to see where it went."""
    img = Image.new("RGB", (120, 60), "white")
    img.paste((255, 0, 0), (0, 0, 20, 20))
    return img


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height but whose data is tiny (a pixel bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_loads_png_bytes_and_path_as_rgb(tmp_path):
    data = encode(Image.new("L", (50, 40), 128), "PNG")
    img = load_image(data, **LIMITS)
    assert img.mode == "RGB" and img.size == (50, 40)
    path = tmp_path / "card.png"
    path.write_bytes(data)
    assert load_image(path, **LIMITS).size == (50, 40)
    assert load_image(str(path), **LIMITS).size == (50, 40)


def test_transparent_png_becomes_white_not_black():
    img = load_image(encode(Image.new("RGBA", (10, 10), (0, 0, 0, 0)), "PNG"), **LIMITS)
    assert img.getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("orientation", "size", "red_corner"),
    [(1, (120, 60), (5, 5)), (3, (120, 60), (114, 54)), (6, (60, 120), (54, 5)), (8, (60, 120), (5, 114))],
)
def test_exif_orientation_is_applied(orientation, size, red_corner):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(marked_image(), "JPEG", exif=exif.tobytes(), quality=95)
    img = load_image(data, **LIMITS)
    assert img.size == size
    r, g, b = img.getpixel(red_corner)
    assert r > 200 and g < 60 and b < 60


def test_missing_file(tmp_path):
    with pytest.raises(ImageError, match="not found"):
        load_image(tmp_path / "nope.jpg", **LIMITS)


def test_empty_input(tmp_path):
    with pytest.raises(ImageError, match="empty"):
        load_image(b"", **LIMITS)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        load_image(tmp_path / "empty.png", **LIMITS)


def test_not_an_image():
    with pytest.raises(ImageError, match="not an image"):
        load_image(b"%PDF-1.7 definitely not a picture" * 10, **LIMITS)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image(fmt):
    noisy = Image.effect_noise((300, 200), 60).convert("RGB")
    data = encode(noisy, fmt)
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
    with pytest.raises(ImageError, match="truncated"):
        load_image(data[: len(data) // 2], **LIMITS)


def test_too_many_bytes(tmp_path):
    data = encode(Image.effect_noise((400, 400), 80).convert("RGB"), "PNG")
    with pytest.raises(ImageError, match="too large"):
        load_image(data, max_pixels=LIMITS["max_pixels"], max_bytes=len(data) - 1)
    path = tmp_path / "big.png"
    path.write_bytes(data)
    with pytest.raises(ImageError, match="too large"):
        load_image(path, max_pixels=LIMITS["max_pixels"], max_bytes=len(data) - 1)


def test_pixel_bomb_is_refused_from_the_header():
    bomb = png_header_only(30_000, 30_000)  # 900 megapixels declared in ~100 bytes
    assert len(bomb) < 200
    with pytest.raises(ImageError, match="too many pixels"):
        load_image(bomb, **LIMITS)
    # Under Pillow's own bomb limit but over ours: our limit decides.
    with pytest.raises(ImageError, match="too many pixels: 3000x2000"):
        load_image(png_header_only(3000, 2000), max_pixels=5_000_000, max_bytes=LIMITS["max_bytes"])


def test_error_is_a_value_error_with_one_line_message():
    with pytest.raises(ValueError) as info:
        load_image(b"garbage", **LIMITS)
    assert "\n" not in str(info.value)
