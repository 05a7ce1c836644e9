"""Coordinates between the original image and the upright frame the OCR reads in.

OCR results live in the *upright* frame (text reads left to right). Label Studio shows the
original (EXIF-transposed) picture, so its side maps boxes back with ``to_original_frame``.
Rotations are clockwise quarter turns; coordinates are continuous pixel positions (a corner
at ``x == width`` is the right edge), so a round trip is exact.
"""

from __future__ import annotations

import math
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

    Boxes are grouped into rows by their centres measured across the text direction: the
    page's skew (median slope of the boxes' top edges) is undone first, because on a tilted
    photo a long line's centre drifts by more than a line height relative to a short one.
    Boxes whose centres lie within half a typical line height of the row's first box share a row.
    """
    if not boxes:
        return []
    slopes = sorted(math.atan2(box[1][1] - box[0][1], box[1][0] - box[0][0]) for box in boxes)
    skew = slopes[len(slopes) // 2]
    cos, sin = math.cos(skew), math.sin(skew)
    rows_of: list[tuple[float, float, int]] = []  # (across, along, index) in the de-skewed frame
    heights = []
    for i, box in enumerate(boxes):
        cx = sum(p[0] for p in box) / len(box)
        cy = sum(p[1] for p in box) / len(box)
        left = min(cos * p[0] + sin * p[1] for p in box)
        rows_of.append((-sin * cx + cos * cy, left, i))
        heights.append(math.dist(box[0], box[3]))
    heights.sort()
    tolerance = max(heights[len(heights) // 2] / 2, 1.0)
    order: list[int] = []
    row: list[tuple[float, float, int]] = []
    for item in sorted(rows_of):
        if row and item[0] - row[0][0] > tolerance:
            order.extend(i for _, _, i in sorted(row, key=lambda r: r[1]))
            row = []
        row.append(item)
    order.extend(i for _, _, i in sorted(row, key=lambda r: r[1]))
    return order
