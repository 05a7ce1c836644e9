"""Finding the cards in an image: one card, a flatbed sheet of several, or a desk photo of a few.

Classical computer vision, no model: business cards are bright-ish rectangles of a known aspect
(1.5-1.85) on a background that is either plain (a scanner bed) or textured (a table), so their
outlines are found from two cues, and a learned detector would have to beat this first.

1. **Regions**: pixels that differ in colour from the background (its colour is the median of the
   image border), plus, on a plain background, everything that a flood fill from the border
   cannot reach through edges (a white card on a white scanner bed differs only by its cut edge).
   Connected regions are the candidate blobs.
2. **Pieces**: cards that touch or overlap form one blob; inside it, the card edges (Canny) cut
   the blob into pieces. A blob is split into its pieces only when at least two of them are
   card-shaped (rectangular, card aspect, similar size) and together cover most of the blob; a
   colour band or a two-tone design cuts a single card into pieces that are not card-shaped
   (a half of a 1.6:1 card is 1.25:1 or 3.2:1), so a single card is never split that way.
3. **Faces**: once a card is found, cards the colour cue missed or merged (a dark card on a dark
   table, a card whose design splits it into blocks, one touching its neighbours) are found as
   unions of the faces the edge map cuts the image into: a card is tiled by its own faces (its
   background, a colour band, a photo block), and their union is a filled card-shaped
   rectangle no larger than the cards already found, holding almost none of the table's or
   another card's faces.
4. **Sides**: each card's outline is refined side by side onto the outermost straight,
   unbroken edge that runs along most of the side (a drop shadow or a blurred rim widens the
   region; a line of text is as long but breaks between words), each side at its own angle
   (perspective), the corners where the fitted sides meet.

The answer is conservative by design: unless at least two card-shaped candidates are found, the
image is one card (the whole image), exactly today's single-card behaviour. Close-ups, single
scans and odd images therefore cost one small downscaled pass (~10-30 ms) and change nothing.

``cards_from_text_boxes`` is the fallback for images whose card edges do not show (white cards
on a white bed with no shadow): clusters of OCR line boxes separated by wide empty gaps.

Each ``DetectedCard`` carries its outline (4 corners, clockwise from the top-left, original image
pixels) and ``crop(image)``, the card warped to an axis-parallel rectangle; the OCR engine's
orientation step then turns a sideways or upside-down card upright, as for any single card.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

#: Long side the detector works at: card edges survive, and the pass stays cheap.
WORK_SIDE = 1000
#: Aspect (long side / short side) of a card-shaped candidate: ISO 1.59, US 1.75, 90x50 mm 1.8,
#: with room for perspective and a few percent occluded by a neighbour.
ASPECT_RANGE = (1.35, 2.1)
#: Share of its minimum-area rectangle a card-shaped region fills.
MIN_RECTANGULARITY = 0.82
#: Smallest card, as a share of the image area (a card is 7.5% of an A4 scanner bed; ten cards
#: spread on a table, tilted and with room between them, 1.5-4% of the photo).
MIN_CARD_AREA = 0.01
#: Smallest piece a blob is cut into: twice ``MIN_CARD_AREA``. A card-shaped region on its own is
#: a strong cue even when small; a piece cut out of a blob is not (a design line splits a small
#: card into two card-shaped halves as readily as a seam splits two touching cards).
MIN_PIECE_AREA = 0.02
#: Smallest share of the image the cards of a multi-card answer cover together.
MIN_CARDS_COVER = 0.1
#: Largest ratio between the areas of two cards found in one image (one physical format).
MAX_AREA_RATIO = 2.2


Quad = list[tuple[float, float]]


@dataclass
class DetectedCard:
    """One card: ``outline`` clockwise from its top-left corner in original-image pixels;
    ``method`` says how it was found (whole, contour, pieces, text)."""

    outline: Quad
    method: str = "contour"
    score: float = 1.0
    meta: dict = field(default_factory=dict)

    @property
    def whole_image(self) -> bool:
        return self.method == "whole"

    def size(self) -> tuple[int, int]:
        """Width and height of the deskewed crop: the lengths of the outline's sides."""
        q = np.asarray(self.outline, dtype=np.float64)
        w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
        h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        return max(1, round(w)), max(1, round(h))

    def crop(self, image: Image.Image) -> Image.Image:
        """The card cut out and warped flat (the outline's top-left corner at the crop's)."""
        if self.whole_image:
            return image
        w, h = self.size()
        src = np.float32(self.outline)
        dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        matrix = cv2.getPerspectiveTransform(src, dst)
        out = cv2.warpPerspective(np.asarray(image.convert("RGB")), matrix, (w, h), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
        return Image.fromarray(out)

    def to_image(self, points: list[tuple[float, float]]) -> Quad:
        """Points of the crop's pixel frame mapped back onto the original image (for boxes)."""
        if self.whole_image:
            return [(float(x), float(y)) for x, y in points]
        w, h = self.size()
        matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), np.float32(self.outline))
        pts = cv2.perspectiveTransform(np.float32(points).reshape(-1, 1, 2), matrix).reshape(-1, 2)
        return [(float(x), float(y)) for x, y in pts]

    def to_crop(self, points: list[tuple[float, float]]) -> Quad:
        """Points of the original image mapped into the crop's pixel frame (``to_image`` undone):
        an annotation drawn on the whole image, moved onto the card it belongs to."""
        if self.whole_image:
            return [(float(x), float(y)) for x, y in points]
        w, h = self.size()
        matrix = cv2.getPerspectiveTransform(np.float32(self.outline), np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
        pts = cv2.perspectiveTransform(np.float32(points).reshape(-1, 1, 2), matrix).reshape(-1, 2)
        return [(float(x), float(y)) for x, y in pts]


def whole_image_card(width: int, height: int) -> DetectedCard:
    return DetectedCard([(0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height))], "whole")


def order_corners(points: np.ndarray) -> Quad:
    """Four corners clockwise starting at the top-left one (smallest x + y), y pointing down."""
    pts = np.asarray(points, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y down) = increasing angle
    start = int(np.argmin(pts.sum(axis=1)))
    pts = np.roll(pts, -start, axis=0)
    return [(float(x), float(y)) for x, y in pts]


def quad_iou(a: Quad | list[list[float]], b: Quad | list[list[float]]) -> float:
    """Intersection over union of two convex quadrilaterals."""
    pa, pb = np.float32(a).reshape(-1, 2), np.float32(b).reshape(-1, 2)
    inter, _ = cv2.intersectConvexConvex(pa, pb)
    union = abs(cv2.contourArea(pa)) + abs(cv2.contourArea(pb)) - inter
    return float(inter / union) if union > 0 else 0.0


@dataclass
class _Candidate:
    quad: np.ndarray  # 4x2 work-scale corners
    area: float  # region area, work-scale pixels
    rect_area: float
    aspect: float
    rectangularity: float
    framed: int = 0  # sides found on a straight edge (see _snap_to_edges)

    @property
    def card_shaped(self) -> bool:
        return ASPECT_RANGE[0] <= self.aspect <= ASPECT_RANGE[1] and self.rectangularity >= MIN_RECTANGULARITY


def _candidate(contour: np.ndarray, grow: float = 0.0) -> _Candidate:
    """A region's quad (a 4-corner polygon fit of its hull, else its minimum-area rectangle),
    grown by ``grow`` pixels on every side (pieces lie inside the edges that cut them)."""
    area = float(cv2.contourArea(contour))
    (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
    rect_area = max(w * h, 1e-6)
    hull = cv2.convexHull(contour)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) == 4 and cv2.isContourConvex(approx) and cv2.contourArea(approx) >= 0.9 * rect_area:
        quad = approx.reshape(4, 2).astype(np.float64)
    else:
        quad = cv2.boxPoints(((cx, cy), (w, h), angle)).astype(np.float64)
    if grow:
        centre = quad.mean(axis=0)
        half = max(min(w, h) / 2, 1.0)
        quad = centre + (quad - centre) * (1 + grow / half)
    return _Candidate(quad, area, rect_area, max(w, h) / max(min(w, h), 1e-6), area / rect_area)


def _border_mask(h: int, w: int, width: int) -> np.ndarray:
    mask = np.zeros((h, w), bool)
    mask[:width], mask[-width:], mask[:, :width], mask[:, -width:] = True, True, True, True
    return mask


def _background_model(lab: np.ndarray, border: np.ndarray) -> np.ndarray:
    """The background's colour at every pixel: a quadratic surface per Lab channel fitted to the
    border (a table lit from one side, a gradient backdrop, a scanner lid's falloff)."""
    h, w = lab.shape[:2]
    ys, xs = np.nonzero(border)
    step = max(1, len(xs) // 4000)
    xs, ys = xs[::step], ys[::step]

    def design(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y = x / w - 0.5, y / h - 0.5
        return np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=-1)

    samples = lab[ys, xs]
    coef, *_ = np.linalg.lstsq(design(xs.astype(np.float64), ys.astype(np.float64)), samples, rcond=None)
    # robust refit: the border may cross a card (cards near the edge); drop the worst quarter once
    resid = np.linalg.norm(samples - design(xs.astype(np.float64), ys.astype(np.float64)) @ coef, axis=1)
    keep = resid <= np.percentile(resid, 75)
    coef, *_ = np.linalg.lstsq(design(xs[keep].astype(np.float64), ys[keep].astype(np.float64)), samples[keep], rcond=None)
    # the surface is smooth: evaluate it on a coarse grid and interpolate
    gh, gw = max(2, h // 8), max(2, w // 8)
    gy, gx = np.mgrid[0:gh, 0:gw].astype(np.float64)
    coarse = (design(gx * (w - 1) / (gw - 1), gy * (h - 1) / (gh - 1)) @ coef).astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)


def _bridge_gaps(walls: np.ndarray, edges: np.ndarray, side: float) -> np.ndarray:
    """``walls`` with the long straight edges of ``edges`` drawn in, extended across short gaps.

    A card's cut edge is a straight line that a faint stretch, glare, or a card of the table's
    tone interrupts; a region bounded by it (a flood fill, a face) leaks through such a gap into
    the table. ``side`` is a card's short side: segments shorter than half of it (text, the
    table's grain) are not drawn, gaps up to 5% of it are closed."""
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=max(20, round(0.3 * side)),
                            minLineLength=max(10, round(0.5 * side)), maxLineGap=max(3, round(0.05 * side)))
    out = walls.copy()
    for x0, y0, x1, y1 in ([] if lines is None else lines.reshape(-1, 4)):
        cv2.line(out, (int(x0), int(y0)), (int(x1), int(y1)), 255, 2)
    return out


def _quiet_sides(edges: np.ndarray, strip: int) -> int:
    """How many of the image's four border strips hold almost no edges (under 2% edge pixels).

    A textured table shows its grain along every side; a scanner bed is quiet along every side
    but those that cards reach into (cards laid near the edge of the bed): two quiet sides tell a
    plain background."""
    sides = (edges[:strip], edges[-strip:], edges[:, :strip], edges[:, -strip:])
    return sum(float((side > 0).mean()) < 0.02 for side in sides)


def _foreground(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Foreground mask (uint8 0/255), the edge map, and whether the background is plain."""
    h, w = rgb.shape[:2]
    lab = cv2.cvtColor(cv2.GaussianBlur(rgb, (0, 0), 2.0), cv2.COLOR_RGB2LAB).astype(np.float32)
    strip = max(3, round(0.015 * max(w, h)))
    border = _border_mask(h, w, strip)
    bg = _background_model(lab, border)
    dist = np.linalg.norm(lab - bg, axis=2)
    spread = float(np.percentile(dist[border], 90))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 20, 60)
    plain = spread < 8 and _quiet_sides(edges, strip) >= 2
    threshold = max(12.0, 2.5 * spread)
    fg = (dist > threshold).astype(np.uint8) * 255
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    if plain:  # white on white: what the border cannot reach without crossing an edge
        walls = _bridge_gaps(cv2.dilate(edges, np.ones((3, 3), np.uint8)), edges, math.sqrt(MIN_PIECE_AREA * h * w))
        reach = np.zeros((h + 2, w + 2), np.uint8)
        free = (walls == 0).astype(np.uint8)
        seeds = [(x, y) for x in range(0, w, 7) for y in (0, h - 1)] + [(x, y) for y in range(0, h, 7) for x in (0, w - 1)]
        for x, y in seeds:
            if free[y, x] and not reach[y + 1, x + 1]:
                cv2.floodFill(free, reach, (x, y), 2, flags=4 | (1 << 8))
        fg = cv2.bitwise_or(fg, ((reach[1:-1, 1:-1] == 0) * 255).astype(np.uint8))
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    return fg, edges, plain


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def _pieces(blob: np.ndarray, edges: np.ndarray, min_area: float) -> list[_Candidate]:
    """Card-shaped pieces of a blob cut by its internal edges (touching or overlapping cards)."""
    cut = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    inner = cv2.bitwise_and(blob, cv2.bitwise_not(cut))
    inner = cv2.morphologyEx(inner, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(inner, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        if cv2.contourArea(c) < min_area:
            continue
        # the piece is the card's background minus its text: its hull is the card less the cut
        cand = _candidate(cv2.convexHull(c), grow=2.0)
        if cand.card_shaped:
            out.append(cand)
    return out


def _similar_sizes(cands: list[_Candidate]) -> bool:
    areas = [c.rect_area for c in cands]
    return max(areas) <= MAX_AREA_RATIO * min(areas)


def _split(blob: np.ndarray, edges: np.ndarray, whole: _Candidate, min_area: float) -> list[_Candidate] | None:
    """The blob's cards when it holds several, else None (it is one card or not a card)."""
    pieces = _pieces(blob, edges, min_area)
    if len(pieces) < 2 or not _similar_sizes(pieces):
        return None
    if sum(p.rect_area for p in pieces) < 0.75 * whole.area:
        return None
    return pieces


#: Radii (work-scale pixels) of the erosions that cut a blob at its necks: the bridge two cards
#: make where a corner touches a neighbour, or where a narrow gap between them is shadowed or
#: walled off from the background, is up to ~40 pixels wide (a card's short side is 100-300).
NECK_RADII = (4, 8, 12, 16, 20)


def _neck_split(blob: np.ndarray, whole: _Candidate, min_area: float) -> list[_Candidate] | None:
    """Cards that touch at a corner or through their shadows, tilted apart (no straight seam for
    ``_grid_split``, and a design may cut one of them into pieces that are not card-shaped):
    the blob eroded until it falls apart at its narrow necks, each part grown back inside the
    blob. A card is convex and has no neck, so it never falls apart this way; a split is kept
    only when every part is a filled card-shaped rectangle and together they cover the blob."""
    if whole.card_shaped:
        return None
    for radius in NECK_RADII:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        count, labels = cv2.connectedComponents(cv2.erode(blob, kernel))
        if count < 3:
            continue
        parts = []
        for k in range(1, count):
            part = cv2.bitwise_and(cv2.dilate((labels == k).astype(np.uint8) * 255, kernel), blob)
            contours, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            contour = max(contours, key=cv2.contourArea)
            if cv2.contourArea(contour) >= 0.5 * min_area:
                parts.append(_candidate(contour))
        if (len(parts) >= 2 and all(p.card_shaped and p.rectangularity >= 0.9 and p.area >= min_area for p in parts)
                and _similar_sizes(parts) and sum(p.area for p in parts) >= 0.9 * whole.area):
            return parts
    return None


#: Share of a cut line between two touching cards that must lie on an edge (their cut edges or
#: the shadow line between them); a single card's design almost never has such a straight line
#: exactly where a grid of card-shaped cells would cut it.
MIN_CUT_SUPPORT = 0.6


def _longest_run(flags: np.ndarray) -> int:
    """Length of the longest run of True in a 1-D boolean array."""
    if not flags.any():
        return 0
    padded = np.concatenate([[0], flags.astype(np.int8), [0]])
    changes = np.flatnonzero(np.diff(padded))
    return int((changes[1::2] - changes[::2]).max())


def _long_run_cover(mask: np.ndarray, min_run: int) -> np.ndarray:
    """Per column of a 2-D boolean array: how many of its pixels lie in vertical runs of True at
    least ``min_run`` long."""
    run = np.zeros(mask.shape[1], np.int32)
    total = np.zeros(mask.shape[1], np.int32)
    for row in mask:
        ended = (~row) & (run >= min_run)
        total += run * ended
        run = (run + 1) * row
    total += run * (run >= min_run)
    return total


class _CutSupport:
    """Support of straight cuts across an aligned blob: the share of the line covered by long
    unbroken stretches of edge or background pixels (+-2 px, tilted by up to ~2 degrees: touching
    cards are rarely exactly parallel). Text lines have many edge pixels but gaps between letters
    and words; the boundary of two touching cards is an unbroken line along each card, though
    the cards of a row need not line up with those of the next."""

    def __init__(self, on_edge: np.ndarray, inside: np.ndarray) -> None:
        self.cut = ((on_edge | ~inside) * 255).astype(np.uint8)  # a gap between cards cuts as well as an edge
        self.profiles: dict[tuple[int, int], np.ndarray] = {}

    def profile(self, axis: int, min_run: int) -> np.ndarray:
        """Support of every vertical (axis 0) or horizontal (axis 1) line position."""
        key = (axis, min_run)
        if key not in self.profiles:
            cut = self.cut if axis == 0 else np.ascontiguousarray(self.cut.T)
            rows, cols = cut.shape
            band = cv2.dilate(cut, np.ones((1, 5), np.uint8))
            best = np.zeros(cols, np.int32)
            for tilt in np.linspace(-0.035, 0.035, 5) * rows:
                shear = np.float32([[1, -tilt / max(rows - 1, 1), tilt / 2], [0, 1, 0]])
                sheared = cv2.warpAffine(band, shear, (cols, rows), flags=cv2.INTER_NEAREST,
                                         borderMode=cv2.BORDER_CONSTANT, borderValue=0) if tilt else band
                np.maximum(best, _long_run_cover(sheared > 0, min_run), out=best)
            self.profiles[key] = best / max(rows, 1)
        return self.profiles[key]

    def __call__(self, axis: int, pos: int, min_run: int) -> float:
        return float(self.profile(axis, min_run)[pos])


def _cut_positions(support: _CutSupport, axis: int, n: int, length: float, size: int,
                   across: float) -> list[int] | None:
    """Positions of the n-1 cuts of a grid of n cells along an axis of ``length`` pixels, each the
    best-supported line within 8% of a cell of its even position; None if one lacks support.
    ``across`` is the cells' size along the cut: stretches shorter than a third of it do not count."""
    cuts = []
    cell = length / n
    min_run = max(3, round(across / 3))
    for i in range(1, n):
        centre = round(i * cell)
        lo, hi = max(1, centre - round(0.08 * cell)), min(size - 1, centre + round(0.08 * cell) + 1)
        if hi <= lo:
            return None
        best = max(range(lo, hi), key=lambda p: support(axis, p, min_run))
        if support(axis, best, min_run) < MIN_CUT_SUPPORT:
            return None
        cuts.append(best)
    return cuts


def _grid_split(contour: np.ndarray, edges: np.ndarray, shape: tuple[int, int], min_area: float) -> list[_Candidate] | None:
    """Cards touching edge to edge in a k x m grid (a scanner sheet): the blob's rectangle cut
    into card-shaped cells along straight, edge-supported lines; None when no such grid fits."""
    (cx, cy), (bw, bh), angle = cv2.minAreaRect(contour)
    if min(bw, bh) < 8:
        return None
    rot = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    rot[:, 2] += (bw / 2 - cx, bh / 2 - cy)
    size = (int(math.ceil(bw)), int(math.ceil(bh)))
    blob = np.zeros(shape, np.uint8)
    cv2.drawContours(blob, [contour], -1, 255, thickness=cv2.FILLED)
    blob_a = cv2.warpAffine(blob, rot, size, flags=cv2.INTER_NEAREST)
    edge_a = cv2.warpAffine(cv2.dilate(edges, np.ones((3, 3), np.uint8)), rot, size, flags=cv2.INTER_NEAREST)
    inside = blob_a > 0
    support = _CutSupport((edge_a > 0) & inside, inside)
    best: list[_Candidate] | None = None
    for k in range(1, 6):
        for m in range(1, 6):
            if k * m < 2 or (best is not None and k * m <= len(best)):
                continue
            cell_aspect = (bw / k) / (bh / m)
            if not ASPECT_RANGE[0] <= max(cell_aspect, 1 / cell_aspect) <= ASPECT_RANGE[1]:
                continue
            xs = _cut_positions(support, 0, k, bw, size[0], bh / m)
            ys = _cut_positions(support, 1, m, bh, size[1], bw / k)
            if xs is None or ys is None:
                continue
            cells = _cells(blob_a, [0, *xs, size[0]], [0, *ys, size[1]], cv2.invertAffineTransform(rot), min_area)
            if cells is not None and len(cells) >= 2:
                best = cells
    return best


#: Lowest aspect of a grid cell when another cell of the grid is card-shaped: perspective
#: foreshortens the cards on the far side of a photographed grid (1.59 ISO seen at an angle is
#: 1.3); the halves a seam at the middle of one card would give (1.25 of an ISO card, less of
#: longer ones) stay below, and are alike, so no cell of theirs is card-shaped.
GRID_MIN_ASPECT = 1.3


def _cells(blob_a: np.ndarray, xs: list[int], ys: list[int], back: np.ndarray, min_area: float) -> list[_Candidate] | None:
    """Card candidates of the grid cells (aligned frame), mapped back; None if a cell is neither
    empty (a grid with a card missing) nor filled by one card-shaped region of a card's size
    (down to ``GRID_MIN_ASPECT`` beside a card-shaped cell): lines of text cut by the gaps
    between them fill their cells only in part."""
    out = []
    for y0, y1 in zip(ys, ys[1:]):
        for x0, x1 in zip(xs, xs[1:]):
            cell = np.zeros_like(blob_a)
            cell[y0 + 1:y1 - 1, x0 + 1:x1 - 1] = blob_a[y0 + 1:y1 - 1, x0 + 1:x1 - 1]
            fill = cell.sum() / 255 / max((x1 - x0) * (y1 - y0), 1)
            if fill < 0.05:
                continue
            if fill < 0.7 or fill * (x1 - x0) * (y1 - y0) < min_area:
                return None
            contours, _ = cv2.findContours(cell, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            cand = _candidate(max(contours, key=cv2.contourArea), grow=1.0)
            if not (GRID_MIN_ASPECT <= cand.aspect <= ASPECT_RANGE[1] and cand.rectangularity >= MIN_RECTANGULARITY):
                return None
            cand.quad = cv2.transform(cand.quad.reshape(-1, 1, 2), back).reshape(-1, 2)
            out.append(cand)
    return out if any(c.card_shaped for c in out) else None


#: How far inside a region's outline a card's own edge may lie: a drop shadow on a table widens
#: the region by up to ~2.5% of the image side.
SNAP_BAND = 0.03


def _snap_to_edges(cand: _Candidate, edges: np.ndarray) -> _Candidate:
    """The candidate's rectangle with each side moved inward onto the card's edge when a
    straight edge runs there (the region of a card on a table includes its drop shadow, whose
    soft outer boundary is no edge; the cut card edge is a sharp one)."""
    (cx, cy), (bw, bh), angle = cv2.minAreaRect(cand.quad.astype(np.float32))
    band = max(2, round(SNAP_BAND * max(edges.shape)))
    pad = 2
    rot = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    rot[:, 2] += (bw / 2 + pad - cx, bh / 2 + pad - cy)
    size = (int(math.ceil(bw)) + 2 * pad, int(math.ceil(bh)) + 2 * pad)
    aligned = cv2.warpAffine(edges, rot, size, flags=cv2.INTER_NEAREST) > 0
    aligned = aligned | np.roll(aligned, 1, axis=0) | np.roll(aligned, 1, axis=1)
    h, w = aligned.shape
    rows, cols = slice(round(0.15 * h), round(0.85 * h)), slice(round(0.15 * w), round(0.85 * w))
    # unbroken lines only: a line of text along the side is as long as the side's edge but
    # breaks between its letters and words
    across_h, across_w = aligned[rows].shape[0], aligned[:, cols].shape[1]
    col_support = _run_cover(np.ascontiguousarray(aligned[rows].T), max(6, round(MIN_EDGE_RUN * across_h))) / max(across_h, 1)
    row_support = _run_cover(aligned[:, cols], max(6, round(MIN_EDGE_RUN * across_w))) / max(across_w, 1)

    def side(profile: np.ndarray, positions: range) -> int | None:
        """The outermost supported line (``positions`` run from the outside in): the card's cut
        edge, not a colour band's edge or a line of text further in."""
        return next((p for p in positions if profile[p] >= 0.5), None)

    band_x, band_y = min(band, round(MAX_FIT_SHARE * bw)), min(band, round(MAX_FIT_SHARE * bh))
    left = side(col_support, range(0, min(w, band_x + pad)))
    right = side(col_support, range(w - 1, max(0, w - band_x - pad) - 1, -1))
    top = side(row_support, range(0, min(h, band_y + pad)))
    bottom = side(row_support, range(h - 1, max(0, h - band_y - pad) - 1, -1))
    x0, x1 = left if left is not None else pad, right if right is not None else w - pad
    y0, y1 = top if top is not None else pad, bottom if bottom is not None else h - pad
    if x1 - x0 < 0.6 * bw or y1 - y0 < 0.6 * bh:
        return cand
    back = cv2.invertAffineTransform(rot)
    quad = cv2.transform(np.float64([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]).reshape(-1, 1, 2), back).reshape(-1, 2)
    nw, nh = x1 - x0, y1 - y0
    snapped = _Candidate(quad, cand.area, float(nw * nh), max(nw, nh) / max(min(nw, nh), 1e-6), cand.rectangularity)
    snapped.framed = sum(v is not None for v in (left, right, top, bottom))
    return snapped


def _fine_edges(rgb: np.ndarray) -> np.ndarray:
    """Faint edges too: Canny at a low threshold on each Lab channel of a smoothed image (a card's
    cut edge against a table of nearly its colour)."""
    lab = cv2.cvtColor(cv2.GaussianBlur(rgb, (5, 5), 0), cv2.COLOR_RGB2LAB)
    return np.maximum.reduce([cv2.Canny(lab[..., k], 8, 24) for k in range(3)])


#: How far outside a candidate's side its card's edge may lie (pieces lie inside the edges that
#: cut them), and the share of a side's length a straight edge must run along to be the side.
FIT_OUTSIDE = 4
MIN_SIDE_SUPPORT = 0.5
#: Deepest a side may move in, as a share of the card's extent across it (a drop shadow is ~10%).
MAX_FIT_SHARE = 0.15


#: Shortest unbroken stretch of a card's edge that counts, as a share of the side it runs along:
#: longer than a word of text (lines of text break between words).
MIN_EDGE_RUN = 0.2


def _run_cover(occupied: np.ndarray, min_run: int) -> np.ndarray:
    """Per row of a 2-D boolean array: how many of its cells lie in runs of at least ``min_run``
    (one-cell gaps closed first). A card's cut edge is an unbroken line; a line of text, though
    as long, breaks between letters and words."""
    closed = occupied.copy()
    closed[:, 1:-1] |= occupied[:, :-2] & occupied[:, 2:]
    rows, cols = closed.shape
    padded = np.zeros((rows, cols + 2), np.int8)
    padded[:, 1:-1] = closed
    changes = np.diff(padded, axis=1)
    r_start, c_start = np.nonzero(changes == 1)
    _, c_end = np.nonzero(changes == -1)
    lengths = c_end - c_start
    long = lengths >= min_run
    return np.bincount(r_start[long], weights=lengths[long], minlength=rows)


#: Deepest a side may move in onto a strong edge when nothing straight lies within
#: ``MAX_FIT_SHARE``: a long drop shadow on a light table (a low lamp) is up to a quarter of the
#: card, soft, and holds no strong edge; the card's cut edge beyond it is a sharp one.
MAX_SHADOW_SHARE = 0.3


def _side_offset(s: np.ndarray, t: np.ndarray, length: float, band: float) -> tuple[float, float] | None:
    """The outermost straight line along a side that unbroken edge stretches support on most of
    its length: (offset along the outward normal, slope), or None. ``s``/``t`` are the edge
    points' positions along the side and along its outward normal; lines from ``band`` inside
    to ``FIT_OUTSIDE`` outside, tilted by up to 4 degrees (the quad of a card and its shadow is
    not quite parallel to the card), are tried."""
    keep = (s > 0.1 * length) & (s < 0.9 * length) & (t > -band) & (t < FIT_OUTSIDE)
    s, t = s[keep], t[keep]
    if len(s) < MIN_SIDE_SUPPORT * 0.8 * length:
        return None
    span = max(1, int(0.8 * length))
    rows = int(math.ceil((band + FIT_OUTSIDE) / 2)) + 2
    positions = np.clip(np.round(s - 0.1 * length).astype(np.int64), 0, span - 1)
    min_run = max(6, round(MIN_EDGE_RUN * length))
    best = None
    for slope in np.linspace(-0.07, 0.07, 29):
        bins = np.floor((t - slope * (s - length / 2) + band) / 2).astype(np.int64)  # 2 px wide
        ok = (bins >= 0) & (bins < rows)
        occupied = np.zeros((rows, span), bool)
        occupied[bins[ok], positions[ok]] = True
        support = _run_cover(occupied, min_run) / span
        good = np.flatnonzero(support >= MIN_SIDE_SUPPORT)
        if good.size and (best is None or (good[-1], support[good[-1]]) > (best[0], best[1])):
            best = (int(good[-1]), float(support[good[-1]]), float(slope))
    return None if best is None else (best[0] * 2 + 1 - band, best[2])


def _shadowed(gray: np.ndarray, p0: np.ndarray, d: np.ndarray, n: np.ndarray, length: float, off: float) -> bool:
    """Whether the strip a side would move in across (from the side to ``off`` along the outward
    normal ``n``) is darker than the table just outside the side: a drop shadow darkens the table
    it falls on, while a colour band of the card that the colour cue took in with the card is
    no darker than the table (else it would have shown a strong edge of its own)."""
    h, w = gray.shape
    along = np.linspace(0.1, 0.9, 24) * length

    def mean(lo: float, hi: float) -> float:
        across = np.linspace(lo, hi, 6)
        pts = p0 + along[:, None, None] * d + across[None, :, None] * n
        xs = np.clip(np.round(pts[..., 0]).astype(np.int64), 0, w - 1)
        ys = np.clip(np.round(pts[..., 1]).astype(np.int64), 0, h - 1)
        return float(gray[ys, xs].mean())

    return mean(off + 2, -2) < mean(FIT_OUTSIDE + 2, FIT_OUTSIDE + 8) - 8


def _fit_sides(quad: np.ndarray, edge_points: np.ndarray, band_limit: float,
               strong_points: np.ndarray | None = None, gray: np.ndarray | None = None) -> np.ndarray:
    """The card's outline with each side moved onto the outermost straight edge that runs along
    most of it, within ``band_limit`` pixels (and ``MAX_FIT_SHARE`` of the card) inside (a drop
    shadow, a blurred rim) to ``FIT_OUTSIDE`` outside; each side finds its own angle
    (perspective: a photographed card's sides are not parallel), the corners are where the
    fitted sides meet. A side with no such edge may move deeper (``MAX_SHADOW_SHARE``) onto a
    line of ``strong_points`` (a long shadow holds faint edges only) across a strip darker than
    the table beyond it (``gray``: a shadow, not a colour band of the card); else it stays."""
    q = np.asarray(order_corners(quad), dtype=np.float64)
    centre = q.mean(axis=0)
    lines, deepest = [], band_limit
    for i in range(4):
        p0, p1 = q[i], q[(i + 1) % 4]
        length = float(np.linalg.norm(p1 - p0))
        # a shadow is a small share of the card; a design line further in (a colour band's edge)
        # must not be taken for the side when the card's own edge is faint
        across = float(np.linalg.norm(q[(i + 2) % 4] - p1))
        band = min(band_limit, MAX_FIT_SHARE * across)
        d = (p1 - p0) / max(length, 1e-6)
        n = np.array([-d[1], d[0]])
        if np.dot(centre - p0, n) > 0:
            n = -n  # outward
        found = None
        if strong_points is not None:  # the cut edge is sharp; a shadow's grain is faint
            found = _side_offset((strong_points - p0) @ d, (strong_points - p0) @ n, length, band)
        if found is None:  # a faint edge (a card of nearly the table's tone)
            found = _side_offset((edge_points - p0) @ d, (edge_points - p0) @ n, length, band)
        if found is None and strong_points is not None and gray is not None:
            band = min(2 * band_limit, MAX_SHADOW_SHARE * across)
            found = _side_offset((strong_points - p0) @ d, (strong_points - p0) @ n, length, band)
            if found is not None and _shadowed(gray, p0, d, n, length, found[0]):
                deepest = max(deepest, band)
            else:
                found = None
        line = (p0 + d * length / 2, d)
        if found is not None:
            off, slope = found
            direction = d + n * slope
            line = (p0 + d * length / 2 + n * off, direction / np.linalg.norm(direction))
        lines.append(line)
    corners = []
    for i in range(4):  # corner i joins side i-1 and side i
        (a, u), (b, v) = lines[i - 1], lines[i]
        m = np.array([u, -v]).T
        if abs(np.linalg.det(m)) < 1e-6:
            return quad
        k = np.linalg.solve(m, b - a)
        corners.append(a + u * k[0])
    fitted = np.asarray(corners)
    old, new = abs(cv2.contourArea(q.astype(np.float32))), abs(cv2.contourArea(fitted.astype(np.float32)))
    if not (cv2.isContourConvex(fitted.astype(np.float32)) and 0.6 * old <= new <= 1.1 * old
            and np.linalg.norm(fitted - q, axis=1).max() <= 1.5 * deepest + FIT_OUTSIDE):
        return quad
    return fitted


def _edge_quads(fine: np.ndarray, min_area: float) -> list[_Candidate]:
    """Card-shaped closed edge outlines: cards whose colour is too close to the table's for the
    colour cue (a dark card on a dark cloth) still have a sharp cut edge all round, if a faint
    one: ``fine``, the edges of ``_fine_edges``)."""
    closed = cv2.morphologyEx(fine, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        if cv2.contourArea(c) < min_area:
            continue
        cand = _candidate(c)
        if cand.card_shaped and cand.rectangularity >= 0.9:
            out.append(cand)
    return out


#: Smallest edge-bounded face kept as a possible part of a card, as a share of the image: the
#: inside of letters and the specks of a table's grain are smaller.
MIN_FACE = 0.002
#: How much larger than the largest card already found a union of faces may grow (perspective
#: makes the cards of one photo differ by a few tens of percent).
FACE_GROWTH = 1.3
#: Largest share of a card's hull that other faces (the table, a neighbouring card) may take: a
#: card's hull holds its own faces, the edges of its text and design, and letter holes.
MAX_FOREIGN = 0.08
#: Share of its minimum-area rectangle the hull of a card's faces fills (its corners).
MIN_FACE_RECTANGULARITY = 0.92


def _face_adjacency(labels: np.ndarray, reach: int = 4) -> dict[int, set[int]]:
    """Pairs of labelled faces that lie within ``reach`` pixels of each other (one edge line apart)."""
    h, w = labels.shape
    out: dict[int, set[int]] = {}
    for dy, dx in ((0, reach), (reach, 0), (reach, reach), (reach, -reach)):
        a = labels[0:h - dy, max(0, -dx):w - max(0, dx)]
        b = labels[dy:h, max(0, dx):w - max(0, -dx)]
        both = (a > 0) & (b > 0) & (a != b)
        for p, q in set(zip(a[both].tolist(), b[both].tolist())):
            out.setdefault(p, set()).add(q)
            out.setdefault(q, set()).add(p)
    return out


class _Faces:
    """The faces an edge map cuts an image into (connected regions between edge lines), and how
    much of a polygon faces outside a given group take."""

    def __init__(self, cut: np.ndarray, min_face: float) -> None:
        self.count, self.labels, self.stats, _ = cv2.connectedComponentsWithStats((cut == 0).astype(np.uint8),
                                                                                   connectivity=4)
        self.big = self.stats[:, cv2.CC_STAT_AREA] >= min_face
        self.big[0] = False  # the edge lines themselves

    def foreign(self, hull: np.ndarray, group: set[int]) -> float:
        """Share of the convex polygon ``hull`` that large faces outside ``group`` cover."""
        x, y, bw, bh = cv2.boundingRect(hull)
        inside = np.zeros((bh, bw), np.uint8)
        cv2.fillConvexPoly(inside, hull - (x, y), 1)
        labels = self.labels[y:y + bh, x:x + bw][inside > 0]
        if not labels.size:
            return 1.0
        other = self.big[labels]
        if other.any():
            other[np.isin(labels, list(group))] = False
        return float(other.mean())


def _face_cards(edges: np.ndarray, found: list[_Candidate], min_area: float) -> list[_Candidate]:
    """Cards the other cues missed, as unions of the faces the edge map cuts the image into.

    A card whose colour is too close to the table's, whose design splits it into blocks, or that
    touches its neighbours, is still tiled by faces (its background, a colour band, a photo
    block) that its cut edge and design lines bound. Faces are grown from the largest one by
    their neighbours as long as the union's hull holds almost nothing of other faces (the table,
    another card) and stays no larger than the largest card found; a union that ends
    card-shaped and card-sized is a card. Needs a card found first: its size bounds the growth
    (two touching cards also fill a rectangle).
    """
    sizes = [c.rect_area for c in found if c.card_shaped]
    if not sizes:
        return []
    largest = max(sizes)
    h, w = edges.shape
    # a card's outline with a gap would let its face run out into the table
    cut = _bridge_gaps(cv2.dilate(edges, np.ones((3, 3), np.uint8)), edges, math.sqrt(largest))
    min_face = max(MIN_FACE * h * w, 0.03 * largest)
    cells = _Faces(cut, min_face)
    taken = np.zeros((h, w), np.uint8)
    for c in found:
        if c.rect_area >= largest / MAX_AREA_RATIO:  # a design block taken for a card may be part of one
            cv2.fillConvexPoly(taken, np.round(c.quad).astype(np.int32), 1)
    faces: dict[int, tuple[float, np.ndarray]] = {}
    for k in np.flatnonzero(cells.big).tolist():
        x, y, bw, bh, area = (int(v) for v in cells.stats[k])
        if area > FACE_GROWTH * largest or x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue  # the table around the cards
        sub = cells.labels[y:y + bh, x:x + bw] == k
        if taken[y:y + bh, x:x + bw][sub].mean() > 0.3:
            continue
        contours, _ = cv2.findContours(sub.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        outline = max(contours, key=cv2.contourArea).reshape(-1, 2) + (x, y)
        faces[k] = (float(area), outline)
    if not faces:
        return []
    valid = np.zeros(cells.count, bool)
    valid[list(faces)] = True
    neighbours = _face_adjacency(np.where(valid[cells.labels], cells.labels, 0))
    used: set[int] = set()
    out = []
    for seed in sorted(faces, key=lambda k: -faces[k][0]):
        if seed in used:
            continue
        group, points = {seed}, cv2.convexHull(faces[seed][1].astype(np.int32)).reshape(-1, 2)
        while True:
            best = None
            for n in set().union(*(neighbours.get(g, set()) for g in group)) - group - used:
                merged = cv2.convexHull(np.concatenate([points, faces[n][1]]).astype(np.int32)).reshape(-1, 2)
                (_, _), (rw, rh), _ = cv2.minAreaRect(merged)
                if rw * rh > FACE_GROWTH * largest:
                    continue
                foreign = cells.foreign(merged, group | {n})
                if foreign <= MAX_FOREIGN and (best is None or foreign < best[0]):
                    best = (foreign, n, merged)
            if best is None:
                break
            group.add(best[1])
            points = best[2]
        cand = _candidate(points, grow=2.0)
        if (cand.card_shaped and cand.rectangularity >= MIN_FACE_RECTANGULARITY
                and sum(faces[g][0] for g in group) >= 0.5 * cand.area
                and cells.foreign(points, group) <= MAX_FOREIGN
                and largest / MAX_AREA_RATIO <= cand.rect_area and min_area <= cand.rect_area):
            out.append(cand)
            used |= group
    return out


def _candidates(rgb: np.ndarray) -> tuple[list[_Candidate], dict]:
    h, w = rgb.shape[:2]
    fg, edges, plain = _foreground(rgb)
    fg = _fill_holes(fg)
    min_area, piece_area = MIN_CARD_AREA * h * w, MIN_PIECE_AREA * h * w
    contours, _ = cv2.findContours(fg, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found: list[_Candidate] = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < min_area:
            continue
        whole = _candidate(contour)
        blob = np.zeros_like(fg)
        cv2.drawContours(blob, [contour], -1, 255, thickness=cv2.FILLED)
        pieces = (_grid_split(contour, edges, fg.shape, piece_area) or _split(blob, edges, whole, piece_area)
                  or _neck_split(blob, whole, piece_area))
        if pieces:
            found.extend(pieces)
        elif whole.card_shaped:
            found.append(_snap_to_edges(whole, edges))
        else:  # a card with a bit of textured table stuck to it: its own edges still frame it
            snapped = _snap_to_edges(whole, edges)
            fill = _fill(blob, snapped.quad)
            if ASPECT_RANGE[0] <= snapped.aspect <= ASPECT_RANGE[1] and (fill >= 0.9 or snapped.framed == 4 and fill >= 0.6):
                found.append(snapped)
    fine = _fine_edges(rgb)
    for cand in _edge_quads(fine, min_area):  # cards the colour cue missed
        if all(_overlap_share(cand, f) < 0.3 for f in found):
            found.append(cand)
    for cand in _face_cards(np.maximum(edges, fine), found, min_area):  # cut by their design
        covered = [_overlap_share(cand, f) >= 0.3 for f in found]
        if all(f.rect_area < cand.rect_area / MAX_AREA_RATIO for f, c in zip(found, covered) if c):
            found = [f for f, c in zip(found, covered) if not c] + [cand]  # a design block gives way to its card
    return found, {"plain_background": plain, "foreground": float((fg > 0).mean()), "edges": edges, "fine": fine}


def _fill(mask: np.ndarray, quad: np.ndarray) -> float:
    """Share of the quad's area that ``mask`` covers."""
    inside = np.zeros_like(mask)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 255)
    area = int((inside > 0).sum())
    return float(((inside > 0) & (mask > 0)).sum()) / area if area else 0.0


def _overlap_share(a: _Candidate, b: _Candidate) -> float:
    """Intersection of two candidates as a share of the smaller one."""
    inter, _ = cv2.intersectConvexConvex(np.float32(a.quad), np.float32(b.quad))
    return float(inter) / max(min(a.rect_area, b.rect_area), 1e-6)


def _background_is_empty(found: list[_Candidate], edges: np.ndarray) -> bool:
    """Whether the image outside the cards holds no text: true of a scanner bed or a table, false
    of one card whose design blocks were taken for cards (its other lines lie outside them).

    Edge density outside the cards (a ring around each left out) must stay near the density of
    the image border, the background's own texture level."""
    h, w = edges.shape
    strip = max(3, round(0.015 * max(w, h)))
    border = _border_mask(h, w, strip)
    outside = np.ones((h, w), np.uint8)
    for c in found:
        cv2.fillConvexPoly(outside, np.round(c.quad).astype(np.int32), 0)
    ring = max(3, round(0.01 * max(w, h)))
    outside = cv2.erode(outside, np.ones((2 * ring + 1, 2 * ring + 1), np.uint8)) > 0
    inner = outside & ~border
    if outside.sum() < 0.02 * h * w or not inner.any():
        return True  # the cards fill the image (up to its border strip): nothing outside to judge
    texture = float((edges[border] > 0).mean())
    return float((edges[inner] > 0).mean()) <= 2.0 * texture + 0.01


def detect_cards(image: Image.Image) -> list[DetectedCard]:
    """The cards of ``image`` in reading order; ``[whole image]`` unless several are found.

    A multi-card answer needs at least two card-shaped candidates of similar size that do not
    cover one another; anything less is one card, the whole image.
    """
    width, height = image.size
    scale = min(1.0, WORK_SIDE / max(width, height))
    small = image.convert("RGB")
    if scale < 1.0:
        small = small.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)
    found, meta = _candidates(np.asarray(small))
    if len(found) >= 2:
        median = float(np.median([c.rect_area for c in found]))
        found = [c for c in found if median / MAX_AREA_RATIO <= c.rect_area <= median * MAX_AREA_RATIO]
    found = _drop_nested(found)
    work_area = float(small.size[0] * small.size[1])
    if (len(found) < 2 or sum(c.rect_area for c in found) < MIN_CARDS_COVER * work_area
            or not _background_is_empty(found, meta["edges"])):
        return [whole_image_card(width, height)]
    edges = meta.pop("edges")
    edge_points = np.column_stack(np.nonzero(edges | meta.pop("fine"))[::-1]).astype(np.float64)
    strong_points = np.column_stack(np.nonzero(edges)[::-1]).astype(np.float64)
    gray = cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2GRAY)
    band = max(2.0, SNAP_BAND * max(edges.shape))
    cards = []
    for c in found:
        quad = np.clip(_fit_sides(c.quad, edge_points, band, strong_points, gray) / scale, [0, 0], [width, height])
        cards.append(DetectedCard(order_corners(quad), "contour", round(c.rectangularity, 3),
                                  {k: v for k, v in meta.items() if k != "edges"}))
    return sort_cards(cards)


def _drop_nested(cands: list[_Candidate]) -> list[_Candidate]:
    """Drop a candidate mostly inside a larger one (a logo block inside a card)."""
    keep = []
    for i, c in enumerate(cands):
        inside = False
        for j, d in enumerate(cands):
            if i != j and d.rect_area > c.rect_area:
                inter, _ = cv2.intersectConvexConvex(np.float32(c.quad), np.float32(d.quad))
                if inter > 0.5 * c.rect_area:
                    inside = True
                    break
        if not inside:
            keep.append(c)
    return keep


def reading_order(outlines: list) -> list[int]:
    """Indices of card outlines in reading order: rows of centres (a card whose centre lies within
    half the row's median card height of the row's first card joins it), then left to right.
    The card generator lists its true cards in this order too."""
    centres = [np.asarray(q, dtype=np.float64).mean(axis=0) for q in outlines]
    heights = [float(np.ptp(np.asarray(q, dtype=np.float64)[:, 1])) for q in outlines]
    order = sorted(range(len(outlines)), key=lambda i: centres[i][1])
    rows: list[list[int]] = []
    for i in order:
        if rows and abs(centres[i][1] - centres[rows[-1][0]][1]) < 0.5 * float(np.median([heights[j] for j in rows[-1]])):
            rows[-1].append(i)
        else:
            rows.append([i])
    return [i for row in rows for i in sorted(row, key=lambda j: centres[j][0])]


def sort_cards(cards: list[DetectedCard]) -> list[DetectedCard]:
    """Reading order: rows of centres top to bottom, left to right within a row."""
    return [cards[i] for i in reading_order([c.outline for c in cards])]


def cards_from_text_boxes(boxes: list[list[tuple[float, float]]], width: int, height: int,
                          min_lines: int = 3) -> list[DetectedCard]:
    """Cards as clusters of text line boxes (original-image pixels) when no card edge shows.

    Lines closer than ~2.5 median line heights join one cluster; a cluster of at least
    ``min_lines`` lines, grown by a margin of 1.5 line heights, is a card. Conservative: fewer
    than two clusters of similar size, or clusters that overlap once grown, give the whole image.
    """
    if len(boxes) < 2 * min_lines:
        return [whole_image_card(width, height)]
    quads = [np.asarray(b, dtype=np.float32).reshape(-1, 2) for b in boxes]
    heights = [cv2.minAreaRect(q)[1] for q in quads]
    line_h = float(np.median([min(wh) for wh in heights]))
    if line_h <= 0:
        return [whole_image_card(width, height)]
    scale = min(1.0, WORK_SIDE / max(width, height))
    mask = np.zeros((max(1, round(height * scale)), max(1, round(width * scale))), np.uint8)
    for q in quads:
        cv2.fillConvexPoly(mask, np.round(q * scale).astype(np.int32), 255)
    reach = max(1, round(2.5 * line_h * scale))
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    count, labels = cv2.connectedComponents(joined)
    clusters = []
    for k in range(1, count):
        members = [q for q in quads if labels[min(labels.shape[0] - 1, int(q[:, 1].mean() * scale)),
                                              min(labels.shape[1] - 1, int(q[:, 0].mean() * scale))] == k]
        if len(members) < min_lines:
            continue
        points = np.concatenate(members)
        (cx, cy), (w, h), angle = cv2.minAreaRect(points)
        rect = ((cx, cy), (w + 3 * line_h, h + 3 * line_h), angle)
        clusters.append(cv2.boxPoints(rect))
    if len(clusters) < 2:
        return [whole_image_card(width, height)]
    areas = [abs(cv2.contourArea(c)) for c in clusters]
    if max(areas) > 3 * min(areas):
        return [whole_image_card(width, height)]
    for i in range(len(clusters)):
        for j in range(i + 1, len(clusters)):
            if quad_iou(clusters[i], clusters[j]) > 0.0:
                return [whole_image_card(width, height)]
    cards = [DetectedCard(order_corners(np.clip(c, [0, 0], [width, height])), "text") for c in clusters]
    return sort_cards(cards)


def match_cards(found: list[Quad], truth: list[list[list[float]]], threshold: float = 0.8) -> dict:
    """Greedy one-to-one match of found to true outlines by IoU, and the counts that judge it.

    ``found`` / ``matched`` (IoU >= threshold) / ``split`` (a true card overlapped by two or more
    found ones, each covering at least a quarter of it) / ``merged`` (a found card covering at
    least a quarter of two or more true ones) / ``pairs`` [(found index, truth index, IoU)].
    """
    pairs = sorted(((quad_iou(f, t), i, j) for i, f in enumerate(found) for j, t in enumerate(truth)), reverse=True)
    used_f, used_t, matches = set(), set(), []
    for iou, i, j in pairs:
        if iou < threshold or i in used_f or j in used_t:
            continue
        used_f.add(i)
        used_t.add(j)
        matches.append((i, j, iou))

    def cover(a, b) -> float:  # share of b's area inside a
        inter, _ = cv2.intersectConvexConvex(np.float32(a), np.float32(b))
        area = abs(cv2.contourArea(np.float32(b)))
        return inter / area if area else 0.0

    split = sum(1 for t in truth if sum(cover(f, t) >= 0.25 and cover(t, f) >= 0.5 for f in found) >= 2)
    merged = sum(1 for f in found if sum(cover(f, t) >= 0.25 for t in truth) >= 2)
    return {"found": len(found), "present": len(truth), "matched": len(matches), "split": split, "merged": merged,
            "pairs": matches, "best_iou": [max((quad_iou(f, t) for f in found), default=0.0) for t in truth]}


__all__ = ["DetectedCard", "cards_from_text_boxes", "detect_cards", "match_cards", "order_corners", "quad_iou",
           "reading_order", "sort_cards", "whole_image_card"]
