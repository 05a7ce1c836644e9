"""Several generated cards in one image: a flatbed scanner sheet or a photo of cards on a table.

People digitise cards in bulk, four to ten on a scanner or a handful on a desk in one photo; the
card detector (``ml_backend.reading.cards``) and its benchmark need such images with every card's true
outline. Each card is drawn by the single-card generator (flat, clean, upright) and placed by a
homography ``card pixels -> image pixels`` (scale, turn, position, and for photos one shared
perspective), so its outline and every line quad of its truth are mapped exactly, the same way
``photo.py`` maps a single card.

Arrangement: a grid of 2-10 cards with a random gap; about a third of the sheets have the cards
touching or overlapping slightly (a few percent of a card at most, never over printed text
beyond its margin by construction of the gap). Cards are sometimes laid sideways (90/270) or
upside down. Scanner sheets: off-white bed, a thin shadow along each card's edge (card thickness
under the scanner lamp), skew up to a few degrees. Table photos: ``photo._surface`` textures,
soft drop shadows, any turn up to 20 degrees, perspective, uneven light, blur, noise, JPEG.

Truth (one JSON object per image): ``{"image", "multi": true, "background": "scanner"|"table",
"photo", "width", "height", "cards": [...]}`` where each card is a single-card truth record
(``fields``, ``normalised``, ``lines`` with quads/bboxes in the composed image's pixels,
``locale``, ``layout``, ``qr``...) plus ``outline`` (the card's corners top-left, top-right,
bottom-right, bottom-left of the upright card, image pixels), ``turn`` (the clockwise quarter turn
it was laid at) and ``occluded`` (share of its area covered by cards placed over it). Cards are
listed in reading order of their centres (rows top to bottom, left to right within a row).
"""

from __future__ import annotations

import json
import logging
import math
import random
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from active_learning.synth.generate import generate_card
from active_learning.synth.photo import _gain_map, _surface, map_points
from ml_backend.reading.cards import reading_order

logger = logging.getLogger(__name__)

BACKGROUNDS = ("scanner", "table")
MIN_CARDS, MAX_CARDS = 2, 10
#: Largest side of a composed image: bounds OCR time on CPU while keeping 600+ px per card.
MAX_SIDE = 3400


def _corners(w: float, h: float) -> list[tuple[float, float]]:
    return [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]


def _similarity(scale: float, degrees: float, cx: float, cy: float, w: float, h: float) -> np.ndarray:
    """Card (w x h) pixels -> canvas: scaled, turned ``degrees`` clockwise about its centre, centred at (cx, cy)."""
    a = math.radians(degrees)
    cos, sin = math.cos(a) * scale, math.sin(a) * scale
    centre = np.array([[1.0, 0.0, -w / 2], [0.0, 1.0, -h / 2], [0.0, 0.0, 1.0]])
    turn = np.array([[cos, -sin, cx], [sin, cos, cy], [0.0, 0.0, 1.0]])
    return turn @ centre


def _polygon_area(quad: np.ndarray) -> float:
    return float(cv2.contourArea(quad.astype(np.float32)))


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    area, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(area)


def _plan(rng: random.Random, sizes: list[tuple[int, int]], background: str) -> tuple[list[np.ndarray], int, int, dict]:
    """Card->canvas matrices, canvas size and the arrangement's description."""
    n = len(sizes)
    cols = 1 if n == 2 and rng.random() < 0.4 else 2 if n <= 4 or rng.random() < 0.5 else 3
    long_side = rng.uniform(700, 950) if n <= 4 else rng.uniform(600, 760)
    touching = rng.random() < 0.35
    max_tilt = (2.0 if touching else 4.0) if background == "scanner" else (3.0 if touching else 20.0)
    for _attempt in range(20):
        turns, tilts, scales = [], [], []
        for w, h in sizes:
            turn = rng.choices((0, 90, 180, 270), weights=(0.82, 0.07, 0.04, 0.07))[0] if not touching else \
                rng.choice((0, 0, 0, 180))
            turns.append(turn)
            tilts.append(rng.uniform(-max_tilt, max_tilt))
            scales.append(long_side / max(w, h))
        # cell size: the largest upright footprint of a card (sideways cards use their turned footprint)
        spans = []
        for (w, h), s, t, tilt in zip(sizes, scales, turns, tilts):
            quad = np.asarray(map_points(_similarity(s, t + tilt, 0, 0, w, h), _corners(w, h)))
            spans.append(quad.max(axis=0) - quad.min(axis=0))
        cell = np.max(np.asarray(spans), axis=0)
        gap = -rng.uniform(0.0, 0.025) * cell.min() if touching else rng.uniform(0.04, 0.25) * cell.min()
        margin = rng.uniform(0.04, 0.2) * cell.min()
        pitch = cell + gap
        matrices = []
        for i, ((w, h), s, t, tilt, span) in enumerate(zip(sizes, scales, turns, tilts, spans)):
            r, c = divmod(i, cols)
            # touching cards sit at their cell centres (edges meet where their footprints are largest)
            slack = np.zeros(2) if touching else np.maximum(cell - span, 0) / 2 + gap * 0.3
            cx = margin + cell[0] / 2 + c * pitch[0] + rng.uniform(-1, 1) * slack[0]
            cy = margin + cell[1] / 2 + r * pitch[1] + rng.uniform(-1, 1) * slack[1]
            matrices.append(_similarity(s, t + tilt, cx, cy, w, h))
        quads = [np.asarray(map_points(m, _corners(w, h))) for m, (w, h) in zip(matrices, sizes)]
        if all(_overlap(quads[i], quads[j]) <= 0.05 * min(_polygon_area(quads[i]), _polygon_area(quads[j]))
               for i in range(n) for j in range(i + 1, n)):
            break
        touching = False  # too much overlap: fall back to a spaced layout
    allq = np.concatenate(quads)
    width = int(math.ceil(allq[:, 0].max() + margin))
    height = int(math.ceil(allq[:, 1].max() + margin))
    lo = allq.min(axis=0)
    if (lo < 0).any():  # tilted cards of the first row/column may poke out of the margin
        shift = np.array([[1.0, 0.0, max(0.0, margin - lo[0])], [0.0, 1.0, max(0.0, margin - lo[1])], [0.0, 0.0, 1.0]])
        matrices = [shift @ m for m in matrices]
        width += int(math.ceil(max(0.0, margin - lo[0])))
        height += int(math.ceil(max(0.0, margin - lo[1])))
    if background == "scanner":  # an A4 bed: pad the shorter dimension to the 1:1.414 ratio
        if height >= width:
            height = max(height, round(width * 1.414)) if rng.random() < 0.7 else height
        else:
            width = max(width, round(height * 1.414)) if rng.random() < 0.7 else width
    return matrices, width, height, {"touching": touching, "turns": turns, "cols": cols}


def _perspective(rng: random.Random, width: int, height: int) -> tuple[np.ndarray, int, int]:
    """A hand-held camera over the table: corners jittered up to 6%, a small roll, scaled to MAX_SIDE."""
    src = np.float32(_corners(width, height))
    jitter = np.float32([(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(4)]) * rng.uniform(0.0, 0.06)
    dst = src + jitter * np.float32([width, height])
    a = math.radians(rng.uniform(-4, 4))
    rot = np.float32([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    dst = (dst - dst.mean(axis=0)) @ rot.T
    pad = 0.04 * max(width, height)
    dst -= dst.min(axis=0) - pad
    out_w, out_h = (int(math.ceil(v + pad)) for v in dst.max(axis=0))
    return cv2.getPerspectiveTransform(src, dst.astype(np.float32)), out_w, out_h


def _fit(width: int, height: int) -> np.ndarray:
    s = min(1.0, MAX_SIDE / max(width, height))
    return np.diag([s, s, 1.0])


def _scanner_bed(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    tone = rng.uniform(232, 252)
    bed = np.full((h, w, 3), tone, np.float32) + rng.uniform(-3, 3, size=3).astype(np.float32)
    return np.clip(bed, 0, 255).astype(np.uint8)


def _paste(out: np.ndarray, card: np.ndarray, matrix: np.ndarray, shadow: tuple[float, float, float], edge: float) -> None:
    """Warp ``card`` into ``out`` in place, after darkening ``out`` under its shadow (offset dx, dy; strength)."""
    h, w = out.shape[:2]
    ch, cw = card.shape[:2]
    quad = np.asarray(map_points(matrix, _corners(cw, ch)))
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad * 16).astype(np.int32), 255, lineType=cv2.LINE_AA, shift=4)
    dx, dy, strength = shadow
    sigma = max(0.8, math.hypot(dx, dy) * 0.8)
    shade = cv2.GaussianBlur(np.roll(mask, (round(dy), round(dx)), axis=(0, 1)), (0, 0), sigma)
    gain = 255 - (shade.astype(np.float32) * strength).astype(np.uint8)
    out[:] = cv2.multiply(out, cv2.merge([gain] * 3), scale=1 / 255)
    warped = cv2.warpPerspective(card, matrix, (w, h), flags=cv2.INTER_AREA if matrix[0, 0] ** 2 + matrix[1, 0] ** 2 < 1
                                 else cv2.INTER_LINEAR)
    if edge > 0:  # the cut edge of the card board reads as a thin darker line on scans and photos
        cv2.polylines(warped, [np.round(quad * 16).astype(np.int32)], True,
                      tuple(float(v) * (1 - edge) for v in warped[mask > 128].mean(axis=0)) if (mask > 128).any()
                      else (180, 180, 180), 1, cv2.LINE_AA, shift=4)
    alpha = mask.astype(np.float32) / 255.0
    out[:] = cv2.blendLinear(out, warped, 1.0 - alpha, alpha)


def _finish(out: np.ndarray, rng: np.random.Generator, photo: bool) -> Image.Image:
    """Light, blur, noise and JPEG: a photo gets uneven light and stronger noise, a scan mild noise."""
    h, w = out.shape[:2]
    if photo:
        theta, strength = rng.uniform(0, 2 * np.pi), rng.uniform(0.1, 0.4)
        light = _gain_map(w, h, lambda x, y: 1.0 + ((x - 0.5) * np.cos(theta) + (y - 0.5) * np.sin(theta)) * strength)
        out = cv2.multiply(out, cv2.merge([light] * 3), scale=1 / 128)
    sigma = float(rng.choice([0.0, 0.5, 0.8, 1.0] if photo else [0.0, 0.4, 0.6]))
    if sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    noise = np.empty((h, w), np.uint8)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    cv2.randn(noise, 128, float(rng.uniform(1.5, 5.0) if photo else rng.uniform(0.5, 2.5)))
    out = cv2.addWeighted(out, 1.0, cv2.merge([noise] * 3), 1.0, -128.0)
    ok, jpeg = cv2.imencode(".jpg", out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60 if photo else 75, 95))])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return Image.fromarray(cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))


def _map_card_truth(truth: dict[str, Any], matrix: np.ndarray, width: int, height: int) -> dict[str, Any]:
    """A flat card's truth with its outline and line boxes moved by ``matrix`` into the composed image."""
    out = {k: v for k, v in truth.items() if k not in ("image", "width", "height", "photo", "scan", "rotation", "qr_quad")}
    out["card_size"] = [truth["width"], truth["height"]]
    out["outline"] = [[round(x, 1), round(y, 1)] for x, y in map_points(matrix, _corners(truth["width"], truth["height"]))]
    lines = []
    for line in truth["lines"]:
        quad = map_points(matrix, [tuple(p) for p in line["quad"]])
        xs = [min(max(p[0], 0.0), width) for p in quad]
        ys = [min(max(p[1], 0.0), height) for p in quad]
        lines.append({**line, "quad": [[round(x, 1), round(y, 1)] for x, y in quad],
                      "bbox": [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]})
    out["lines"] = lines
    if truth.get("qr_quad"):
        out["qr_quad"] = [[round(x, 1), round(y, 1)] for x, y in map_points(matrix, [tuple(p) for p in truth["qr_quad"]])]
    return out


def compose_multicard(rng: random.Random, *, n_cards: int | None = None, background: str | None = None,
                      locale: str | None = None, return_cards: bool = False
                      ) -> tuple[Image.Image, dict[str, Any]] | tuple[Image.Image, dict[str, Any], list[Image.Image]]:
    """One image of ``n_cards`` (drawn 2-10 when None) generated cards and its truth (module docs).

    ``background`` is "scanner" (flatbed sheet, cards skewed a few degrees) or "table" (a photo:
    textured surface, perspective, any tilt). With ``return_cards`` the flat single-card images are
    returned too, in the truth's card order: the same cards read one by one are the benchmark's
    reference.
    """
    if n_cards is None:
        n_cards = rng.randint(MIN_CARDS, MAX_CARDS)
    if not MIN_CARDS <= n_cards <= MAX_CARDS:
        raise ValueError(f"n_cards must be within [{MIN_CARDS}, {MAX_CARDS}], got {n_cards}")
    if background is None:
        background = rng.choice(BACKGROUNDS)
    if background not in BACKGROUNDS:
        raise ValueError(f"background must be one of {', '.join(BACKGROUNDS)}, got {background!r}")
    cards = [generate_card(rng, locale=locale, photo=False, scan=False, rotation=0) for _ in range(n_cards)]
    matrices, width, height, arrangement = _plan(rng, [img.size for img, _ in cards], background)
    photo = background == "table"
    if photo:
        persp, width, height = _perspective(rng, width, height)
        matrices = [persp @ m for m in matrices]
    fit = _fit(width, height)
    matrices = [fit @ m for m in matrices]
    width, height = round(width * fit[0, 0]), round(height * fit[0, 0])
    np_rng = np.random.default_rng(rng.getrandbits(32))
    out = _surface(np_rng, width, height) if photo else _scanner_bed(np_rng, width, height)
    for (img, _), matrix in zip(cards, matrices):
        if photo:
            shadow = (float(np_rng.uniform(-1, 1)) * 0.012 * max(width, height),
                      float(np_rng.uniform(0, 1)) * 0.012 * max(width, height), float(np_rng.uniform(0.25, 0.55)))
        else:
            shadow = (float(np_rng.uniform(1, 3)), float(np_rng.uniform(1, 3)), float(np_rng.uniform(0.15, 0.4)))
        _paste(out, np.asarray(img, dtype=np.uint8), matrix, shadow, float(np_rng.uniform(0.08, 0.3)))
    image = _finish(out, np_rng, photo)
    records = []
    quads = [np.asarray(map_points(m, _corners(*img.size)), dtype=np.float32) for (img, _), m in zip(cards, matrices)]
    for i, ((img, truth), matrix) in enumerate(zip(cards, matrices)):
        record = _map_card_truth(truth, matrix, width, height)
        area = _polygon_area(quads[i])
        covered = sum(_overlap(quads[i], quads[j]) for j in range(i + 1, n_cards))
        record["turn"] = arrangement["turns"][i]
        record["occluded"] = round(min(1.0, covered / area), 4) if area else 0.0
        records.append(record)
    order = reading_order([r["outline"] for r in records])
    truth = {"image": None, "multi": True, "background": background, "photo": photo, "scan": not photo,
             "touching": arrangement["touching"], "width": width, "height": height,
             "cards": [records[i] for i in order]}
    if return_cards:
        return image, truth, [cards[i][0] for i in order]
    return image, truth


def multicard_rng(seed: int, index: int) -> random.Random:
    """The rng of image ``index`` of a multi-card dataset (independent of the single-card streams)."""
    return random.Random(f"cardloop-multicard:{seed}:{index}")


def generate_multicard_dataset(out_dir: str | Path, n: int, *, seed: int, locales: tuple[str, ...] | None = None,
                               cards: tuple[int, int] = (MIN_CARDS, MAX_CARDS), background: str | None = None) -> Path:
    """Write ``n`` multi-card images (images/ + truth.jsonl) and return truth.jsonl's path.

    Image ``i`` depends only on (seed, i); ``cards`` bounds the number of cards per image.
    """
    lo, hi = cards
    if not MIN_CARDS <= lo <= hi <= MAX_CARDS:
        raise ValueError(f"cards per image must be within [{MIN_CARDS}, {MAX_CARDS}], got {lo}-{hi}")
    out = Path(out_dir)
    (out / "images").mkdir(parents=True, exist_ok=True)
    truth_path = out / "truth.jsonl"
    tmp = truth_path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rng = multicard_rng(seed, i)
            locale = rng.choice(locales) if locales else None
            image, truth = compose_multicard(rng, n_cards=rng.randint(lo, hi), background=background, locale=locale)
            rel = f"images/multi_{i:06d}.jpg"
            image.save(out / rel, quality=92)
            truth["image"] = rel
            fh.write(json.dumps(truth, ensure_ascii=False) + "\n")
    tmp.replace(truth_path)
    logger.info("wrote %d multi-card images to %s", n, truth_path)
    return truth_path
