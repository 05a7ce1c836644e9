"""Photographed and sideways variants of a clean card, with the geometry to move its boxes.

Geometry and pixels are separated on purpose: ``plan_photo`` / ``rotation_matrix`` draw the
homography (3x3, card pixels -> final image pixels) from the rng, and the layout-only path maps
ground-truth quads through it without producing pixels. ``render_photo`` / ``rotate_image`` apply
the same transform to the pixels, plus the purely photometric effects (surface, shadow, light
falloff, colour cast, blur, noise, JPEG) which move nothing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

ROTATIONS = (0, 90, 180, 270)
#: Share of photos taken at a marked angle (corner displacement 6-14% of the card instead of 0-6%).
ANGLED_SHARE = 0.2
#: Share of photos with a specular glare (light reflected off a glossy card).
GLARE_SHARE = 0.3


@dataclass
class PhotoPlan:
    """Where the card lands in the captured image: homography card->image, image size, and how
    it was captured (``photo``: hand-held camera; ``scan``: flatbed, slightly skewed)."""

    matrix: np.ndarray
    width: int
    height: int
    kind: str = "photo"


def plan_photo(rng: random.Random, card_w: int, card_h: int) -> PhotoPlan:
    """A hand-held shot: card covers 55-90% of the frame, rotated up to +-10 degrees, in perspective."""
    landscape = card_w >= card_h
    ratio = rng.choice([4 / 3, 3 / 2, 16 / 9, 1.0])
    # the frame scales with the card so that text keeps roughly its printed pixel size (OCR-able)
    long_side = int(min(1800, max(900, max(card_w, card_h) * rng.uniform(1.05, 1.6))))
    out_w, out_h = (long_side, round(long_side / ratio)) if landscape else (round(long_side / ratio), long_side)
    angle = math.radians(rng.uniform(-10, 10))
    cover = rng.uniform(0.55, 0.9)
    jitter = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(4)]
    shift = (rng.uniform(-1, 1), rng.uniform(-1, 1))
    # most shots face the card; some are taken at a marked angle (strong perspective)
    persp = rng.uniform(0.06, 0.14) if rng.random() < ANGLED_SHARE else rng.uniform(0.0, 0.06)
    src = np.float32([[0, 0], [card_w, 0], [card_w, card_h], [0, card_h]])
    for _ in range(12):  # shrink until the whole card is inside the frame
        s = cover * min(out_w / card_w, out_h / card_h)
        cw, ch = card_w * s, card_h * s
        corners = np.float32([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]])
        corners += np.float32(jitter) * persp * max(cw, ch)
        cos, sin = math.cos(angle), math.sin(angle)
        rotated = corners @ np.float32([[cos, sin], [-sin, cos]])
        span = rotated.max(axis=0) - rotated.min(axis=0)
        slack = (np.float32([out_w, out_h]) - span) / 2 - 0.02 * max(out_w, out_h)
        if (slack > 0).all():
            center = np.float32([out_w / 2, out_h / 2]) + np.float32(shift) * slack
            dst = rotated - (rotated.max(axis=0) + rotated.min(axis=0)) / 2 + center
            return PhotoPlan(cv2.getPerspectiveTransform(src, dst.astype(np.float32)), out_w, out_h)
        cover *= 0.9
    raise AssertionError("unreachable: a card scaled to 25% of the frame always fits")


def plan_scan(rng: random.Random, card_w: int, card_h: int) -> PhotoPlan:
    """A scan: the card skewed by up to +-3 degrees on the scanner bed, with a 0-6% border."""
    angle = math.radians(rng.uniform(-3, 3))
    border = rng.uniform(0.0, 0.06) * max(card_w, card_h)
    cos, sin = math.cos(angle), math.sin(angle)
    rot = np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
    corners = np.asarray(map_points(rot, [(0, 0), (card_w, 0), (card_w, card_h), (0, card_h)]))
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    shift = np.array([[1.0, 0.0, border - lo[0]], [0.0, 1.0, border - lo[1]], [0.0, 0.0, 1.0]])
    width, height = (int(math.ceil(v + 2 * border)) for v in hi - lo)
    return PhotoPlan(shift @ rot, width, height, kind="scan")


def rotation_matrix(rotation: int, width: int, height: int) -> tuple[np.ndarray, int, int]:
    """Homography of a clockwise turn by ``rotation`` degrees of a width x height image, new size."""
    if rotation == 0:
        return np.eye(3), width, height
    if rotation == 90:
        return np.array([[0.0, -1.0, height], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), height, width
    if rotation == 180:
        return np.array([[-1.0, 0.0, width], [0.0, -1.0, height], [0.0, 0.0, 1.0]]), width, height
    if rotation == 270:
        return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, width], [0.0, 0.0, 1.0]]), height, width
    raise ValueError(f"rotation must be one of {ROTATIONS}, got {rotation}")


def rotate_image(img: Image.Image, rotation: int) -> Image.Image:
    """Turn ``img`` clockwise by ``rotation`` degrees (matches ``rotation_matrix``)."""
    if rotation == 0:
        return img
    return img.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
                          270: Image.Transpose.ROTATE_90}[rotation])


def map_points(matrix: np.ndarray, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Apply a homography to points."""
    pts = np.asarray(points, dtype=np.float64)
    homog = np.hstack([pts, np.ones((len(pts), 1))]) @ np.asarray(matrix, dtype=np.float64).T
    return [(float(x), float(y)) for x, y in homog[:, :2] / homog[:, 2:3]]


def _surface(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A table / desk / fabric / paper background, uint8 HxWx3."""
    kind = rng.choice(["wood", "gradient", "noise", "fabric", "dark"])
    base = rng.uniform(30, 220, size=3)
    if kind == "wood":
        base = np.array([rng.uniform(90, 170), rng.uniform(60, 110), rng.uniform(30, 70)])
        grain = cv2.resize(rng.normal(0, 1, (max(2, h // 6), max(2, w // 120))).astype(np.float32), (w, h),
                           interpolation=cv2.INTER_CUBIC)
        tex = grain * rng.uniform(10, 25)
    elif kind == "gradient":
        t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        column = (base * (1 - t) + rng.uniform(30, 230, size=3) * t).astype(np.uint8)  # h x 1 x 3
        return cv2.resize(column, (w, h), interpolation=cv2.INTER_NEAREST)
    elif kind == "fabric":
        tex = cv2.resize(rng.normal(0, 1, (max(2, h // 3), max(2, w // 3))).astype(np.float32), (w, h)) * 12
    elif kind == "dark":
        base = rng.uniform(15, 60, size=3)
        tex = cv2.resize(rng.normal(0, 1, (8, 8)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC) * 8
    else:
        tex = cv2.resize(rng.normal(0, 1, (max(2, h // 40), max(2, w // 40))).astype(np.float32), (w, h),
                         interpolation=cv2.INTER_CUBIC) * 18
    return cv2.merge([cv2.convertScaleAbs(tex, alpha=1.0, beta=float(b)) for b in base])


def _gain_map(w: int, h: int, fn) -> np.ndarray:
    """A smooth gain field ``fn(x, y)`` (x, y in 0..1) as uint8 with 128 = 1.0, computed coarse and upsampled."""
    gw, gh = max(2, w // 16), max(2, h // 16)
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    coarse = np.clip(fn(xx / (gw - 1), yy / (gh - 1)) * 128, 0, 255).astype(np.uint8)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)


def render_scan(card: Image.Image, plan: PhotoPlan, seed: int) -> Image.Image:
    """A scanner's copy: skew per ``plan`` on a bed colour, slight exposure change, blur, noise, JPEG."""
    rng = np.random.default_rng(seed)
    bed = tuple(int(v) for v in rng.choice([(255, 255, 255), (240, 240, 238), (20, 20, 20), (200, 200, 200)]))
    src = np.asarray(card, dtype=np.uint8)
    out = cv2.warpPerspective(src, plan.matrix, (plan.width, plan.height), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=bed)
    out = cv2.convertScaleAbs(out, alpha=float(rng.uniform(0.9, 1.1)), beta=float(rng.uniform(-12, 12)))
    sigma = float(rng.choice([0.0, 0.4, 0.7]))
    if sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    noise = np.empty(out.shape[:2], np.uint8)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    cv2.randn(noise, 128, float(rng.uniform(0.5, 3.0)))
    out = cv2.addWeighted(out, 1.0, cv2.merge([noise] * 3), 1.0, -128.0)
    ok, jpeg = cv2.imencode(".jpg", out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 96))])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return Image.fromarray(cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))


def render_capture(card: Image.Image, plan: PhotoPlan, seed: int) -> Image.Image:
    """Pixels of ``plan``: a photo or a scan of the clean card."""
    return render_scan(card, plan, seed) if plan.kind == "scan" else render_photo(card, plan, seed)


def render_photo(card: Image.Image, plan: PhotoPlan, seed: int) -> Image.Image:
    """The card photographed on a surface per ``plan``; ``seed`` drives the photometric effects only.

    Smooth fields (shadow, light falloff) are computed on a coarse grid and upsampled, and every
    full-size step is a same-type uint8 OpenCV kernel (mixed-type arithmetic is ~10x slower).
    """
    rng = np.random.default_rng(seed)
    w, h = plan.width, plan.height
    src = np.asarray(card, dtype=np.uint8)
    cast = np.diag(rng.uniform(0.92, 1.08, size=3)).astype(np.float32)  # white balance / colour cast
    warped = cv2.transform(cv2.warpPerspective(src, plan.matrix, (w, h), flags=cv2.INTER_LINEAR), cast)
    quad = np.asarray(map_points(plan.matrix, [(0, 0), (src.shape[1], 0), (src.shape[1], src.shape[0]), (0, src.shape[0])]))
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad * 16).astype(np.int32), 255, lineType=cv2.LINE_AA, shift=4)
    # soft drop shadow under the card, blurred at quarter resolution, darkens the surface only
    small = cv2.resize(mask, (max(2, w // 4), max(2, h // 4)), interpolation=cv2.INTER_AREA)
    k = int(max(w, h) / 4 * rng.uniform(0.01, 0.04)) * 2 + 1
    shadow = cv2.GaussianBlur(small, (k, k), 0).astype(np.float32) / 255.0
    dx, dy = (int(v) for v in rng.integers(-k // 2, k // 2 + 1, size=2))
    shade = np.roll(1.0 - shadow * rng.uniform(0.2, 0.55), (dy, dx), axis=(0, 1))
    shade = cv2.resize((shade * 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)
    bg = cv2.multiply(_surface(rng, w, h), cv2.merge([shade] * 3), scale=1 / 255)
    alpha = mask.astype(np.float32) / 255.0
    out = cv2.blendLinear(bg, warped, 1.0 - alpha, alpha)
    # uneven light: a linear ramp or a radial falloff (gain encoded as uint8, 128 = 1.0)
    if rng.random() < 0.5:
        theta, strength = rng.uniform(0, 2 * np.pi), rng.uniform(0.1, 0.5)
        light_u8 = _gain_map(w, h, lambda x, y: 1.0 + ((x - 0.5) * np.cos(theta) + (y - 0.5) * np.sin(theta)) * strength)
    else:
        cx, cy, strength = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.6)
        light_u8 = _gain_map(w, h, lambda x, y: 1.08 - np.sqrt((x - cx) ** 2 + (y - cy) ** 2) * strength)
    out = cv2.multiply(out, cv2.merge([light_u8] * 3), scale=1 / 128)
    if rng.random() < GLARE_SHARE:  # specular glare: an additive bright blob
        gx, gy, gr, gs = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.08, 0.25), rng.uniform(40, 110)
        glare = _gain_map(w, h, lambda x, y: np.exp(-((x - gx) ** 2 + (y - gy) ** 2) / (2 * gr * gr)) * gs / 128)
        out = cv2.add(out, cv2.merge([glare] * 3))
    if rng.random() < 0.2:  # a low-resolution camera: detail lost, then upsampled
        f = float(rng.uniform(0.45, 0.8))
        out = cv2.resize(cv2.resize(out, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA),
                         (w, h), interpolation=cv2.INTER_LINEAR)
    sigma = float(rng.choice([0.0, 0.5, 0.8, 1.1, 1.5]))
    if sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    noise = np.empty((h, w), np.uint8)  # luminance sensor noise around 128
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    cv2.randn(noise, 128, float(rng.uniform(1.5, 7.0)))
    final = cv2.addWeighted(out, 1.0, cv2.merge([noise] * 3), 1.0, -128.0)
    ok, jpeg = cv2.imencode(".jpg", final[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 92))])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return Image.fromarray(cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))
