"""Coordinates between the original image and the upright frame the OCR reads in.

OCR results live in the *upright* frame (text reads left to right). Label Studio shows the
original (EXIF-transposed) picture, so its side maps boxes back with ``to_original_frame``.
Rotations are clockwise quarter turns; coordinates are continuous pixel positions (a corner
at ``x == width`` is the right edge), so a round trip is exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from ml_backend.schema import Point

QUARTER_TURNS = (0, 90, 180, 270)

# PIL's ROTATE_* turn counter-clockwise; these are the clockwise turns the schema speaks of.
_CLOCKWISE_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


def _check_rotation(rotation: int) -> int:
    rotation %= 360
    if rotation not in QUARTER_TURNS:
        raise ValueError(f"rotation must be a multiple of 90 degrees, got {rotation}")
    return rotation


def rotate_image(image: Image.Image, rotation: int) -> Image.Image:
    """The image turned ``rotation`` degrees clockwise (lossless transpose)."""
    rotation = _check_rotation(rotation)
    return image if rotation == 0 else image.transpose(_CLOCKWISE_TRANSPOSE[rotation])


def rotate_points(points: Sequence[Sequence[float]], rotation: int, width: int, height: int) -> list[Point]:
    """Points of a ``width`` x ``height`` image, placed where they land once the image is turned
    ``rotation`` degrees clockwise."""
    rotation = _check_rotation(rotation)
    out: list[Point] = []
    for x, y in points:
        x, y = float(x), float(y)
        if rotation == 0:
            out.append((x, y))
        elif rotation == 90:
            out.append((height - y, x))
        elif rotation == 180:
            out.append((width - x, height - y))
        else:
            out.append((y, width - x))
    return out


def to_upright_frame(points: Sequence[Sequence[float]], rotation: int, original_w: int, original_h: int) -> list[Point]:
    """Original-image points -> the upright frame the OCR result uses."""
    return rotate_points(points, rotation, original_w, original_h)


def to_original_frame(points: Sequence[Sequence[float]], rotation: int, upright_w: int, upright_h: int) -> list[Point]:
    """Upright-frame points (``OcrLine.box``) -> the original image that ``rotation`` turned upright.

    Undoing a clockwise turn is the complementary clockwise turn of the upright image.
    """
    return rotate_points(points, (360 - _check_rotation(rotation)) % 360, upright_w, upright_h)


def order_quad(points: Sequence[Sequence[float]]) -> list[Point]:
    """The quad clockwise starting at its top-left corner (the schema's box convention).

    A rotation keeps a quad clockwise but moves its starting corner; the top-left one is the
    corner with the smallest x + y.
    """
    pts = [(float(x), float(y)) for x, y in points]
    # Shoelace sign: with y pointing down, a clockwise quad has a positive signed area.
    area = sum(pts[i][0] * pts[(i + 1) % 4][1] - pts[(i + 1) % 4][0] * pts[i][1] for i in range(4))
    if area < 0:
        pts.reverse()
    start = min(range(4), key=lambda i: (pts[i][0] + pts[i][1], pts[i][1]))
    return pts[start:] + pts[:start]


def reading_order(boxes: Sequence[Sequence[Point]]) -> list[int]:
    """Indices of upright boxes top-to-bottom, left-to-right within a visual row.

    Boxes whose vertical centres lie within half a typical line height of the row's first box
    share a row; sorting on the raw top y alone would interleave slightly tilted lines.
    """
    if not boxes:
        return []
    spans = []
    for i, box in enumerate(boxes):
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        spans.append((min(ys), max(ys), min(xs), i))
    heights = sorted(y1 - y0 for y0, y1, _, _ in spans)
    tolerance = max(heights[len(heights) // 2] / 2, 1.0)
    by_centre = sorted(spans, key=lambda s: (s[0] + s[1]) / 2)
    order: list[int] = []
    row: list[tuple[float, float, float, int]] = []
    row_centre = 0.0
    for span in by_centre:
        centre = (span[0] + span[1]) / 2
        if row and centre - row_centre > tolerance:
            order.extend(s[3] for s in sorted(row, key=lambda s: s[2]))
            row = []
        if not row:
            row_centre = centre
        row.append(span)
    order.extend(s[3] for s in sorted(row, key=lambda s: s[2]))
    return order
