"""Draw a ``CardPlan`` with PIL: background, decorations, logo marks, icons, QR code, text.

Pure drawing: every position comes from the plan, so the pixels agree with the ground truth
computed from the same plan.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from active_learning.synth.fonts import load_font
from active_learning.synth.layout import Box, CardPlan, Decoration
from active_learning.synth.style import RGB, WHATSAPP_GREEN


def _regular_polygon(box: Box, n: int, rotation: float) -> list[tuple[float, float]]:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    r = min(box[2] - box[0], box[3] - box[1]) / 2
    return [(cx + r * math.cos(rotation + 2 * math.pi * k / n), cy + r * math.sin(rotation + 2 * math.pi * k / n))
            for k in range(n)]


def _logo(draw: ImageDraw.ImageDraw, d: Decoration) -> None:
    x0, y0, x1, y1 = d.box
    w, h = x1 - x0, y1 - y0
    kind = d.extra["kind"]
    c = d.color
    if kind in ("circle", "logo"):
        draw.ellipse(d.box, fill=c)
    elif kind == "square":
        draw.rectangle(d.box, fill=c)
    elif kind == "rounded":
        draw.rounded_rectangle(d.box, radius=w * 0.22, fill=c)
    elif kind == "diamond":
        draw.polygon(_regular_polygon(d.box, 4, 0), fill=c)
    elif kind == "triangle":
        draw.polygon(_regular_polygon(d.box, 3, -math.pi / 2), fill=c)
    elif kind == "hexagon":
        draw.polygon(_regular_polygon(d.box, 6, 0), fill=c)
    elif kind == "rings":
        r = w * 0.3
        lw = max(2, round(w * 0.06))
        for k in range(3):
            cx = x0 + r + k * (w - 2 * r) / 2
            draw.ellipse((cx - r, y0 + h / 2 - r, cx + r, y0 + h / 2 + r), outline=c, width=lw)
    elif kind == "bars":
        bw = w / 5
        for k in range(3):
            top = y0 + h * (0.6 - 0.3 * k)
            draw.rectangle((x0 + k * bw * 1.8, top, x0 + k * bw * 1.8 + bw, y1), fill=c)


def _icon(draw: ImageDraw.ImageDraw, d: Decoration, bg: RGB) -> None:
    """Contact icons as simple shapes: a filled disc with a pictogram cut out in the background colour."""
    x0, y0, x1, y1 = d.box
    s = x1 - x0
    if d.extra["kind"] == "whatsapp":  # a green speech bubble with a white handset
        white = (255, 255, 255)
        draw.ellipse(d.box, fill=WHATSAPP_GREEN)
        draw.polygon([(x0 + s * 0.08, y1), (x0 + s * 0.18, y0 + s * 0.62), (x0 + s * 0.4, y0 + s * 0.85)], fill=WHATSAPP_GREEN)
        lw = max(1, round(s * 0.08))
        draw.ellipse((x0 + s * 0.16, y0 + s * 0.16, x1 - s * 0.16, y1 - s * 0.16), outline=white, width=lw)
        draw.arc((x0 + s * 0.3, y0 + s * 0.28, x1 - s * 0.26, y1 - s * 0.3), 100, 250, fill=white, width=max(2, round(s * 0.1)))
        return
    draw.ellipse(d.box, fill=d.color)
    p = s * 0.26
    ix0, iy0, ix1, iy1 = x0 + p, y0 + p, x1 - p, y1 - p
    lw = max(1, round(s * 0.08))
    kind = d.extra["kind"]
    if kind == "email":
        draw.rectangle((ix0, iy0 + s * 0.06, ix1, iy1 - s * 0.06), outline=bg, width=lw)
        draw.line([(ix0, iy0 + s * 0.06), ((ix0 + ix1) / 2, (iy0 + iy1) / 2), (ix1, iy0 + s * 0.06)], fill=bg, width=lw)
    elif kind == "web":
        draw.ellipse((ix0, iy0, ix1, iy1), outline=bg, width=lw)
        draw.line([((ix0 + ix1) / 2, iy0), ((ix0 + ix1) / 2, iy1)], fill=bg, width=lw)
        draw.line([(ix0, (iy0 + iy1) / 2), (ix1, (iy0 + iy1) / 2)], fill=bg, width=lw)
    elif kind == "pin":
        r = (ix1 - ix0) * 0.35
        cx, cy = (ix0 + ix1) / 2, iy0 + r
        draw.polygon([(cx - r, cy), (cx + r, cy), (cx, iy1)], fill=bg)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=bg)
    elif kind == "mobile":
        draw.rounded_rectangle((ix0 + s * 0.1, iy0, ix1 - s * 0.1, iy1), radius=s * 0.05, outline=bg, width=lw)
    elif kind == "fax":
        draw.rectangle((ix0, (iy0 + iy1) / 2, ix1, iy1), fill=bg)
        draw.rectangle((ix0 + s * 0.08, iy0, ix1 - s * 0.08, (iy0 + iy1) / 2), outline=bg, width=lw)
    else:  # phone handset: a thick arc
        draw.arc((ix0, iy0 - s * 0.1, ix1 + s * 0.2, iy1 + s * 0.1), 100, 250, fill=bg, width=max(2, round(s * 0.14)))


def _pattern(draw: ImageDraw.ImageDraw, d: Decoration) -> None:
    """Background texture: diagonal hatching or a dot grid (drawn in a faint tint)."""
    x0, y0, x1, y1 = d.box
    step = max(4.0, d.extra["step"])
    if d.extra["kind"] == "hatch":
        k = -(y1 - y0)
        while k < x1 - x0:
            draw.line([(x0 + k, y1), (x0 + k + (y1 - y0), y0)], fill=d.color, width=max(1, round(step / 6)))
            k += step
        return
    r = max(1.0, step / 8)
    y = y0 + step / 2
    while y < y1:
        x = x0 + step / 2
        while x < x1:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=d.color)
            x += step
        y += step


def _qr(img: Image.Image, d: Decoration) -> None:
    matrix = np.asarray(d.extra["matrix"], dtype=np.uint8)
    module = round(d.extra["module"])
    n = matrix.shape[0]
    modules = np.ones((n + 8, n + 8), dtype=np.uint8) * 255
    modules[4:-4, 4:-4] = np.where(matrix > 0, 0, 255)
    pixels = np.kron(modules, np.ones((module, module), dtype=np.uint8))
    qr = Image.fromarray(pixels, mode="L").convert("RGB")
    img.paste(qr, (round(d.box[0]), round(d.box[1])))


def _draw_stretched(img: Image.Image, text: str, font, x: float, baseline: float, stretch: float, color: RGB) -> None:
    """Draw ``text`` scaled horizontally by ``stretch`` (a condensed/expanded cut of the font):
    the glyph mask is drawn unscaled, resized in x, and pasted in ``color``."""
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    pad = 2
    mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(mask).text((pad - left, pad - top), text, font=font, fill=255, anchor="ls")
    width = max(1, round(mask.width * stretch))
    mask = mask.resize((width, mask.height), Image.Resampling.BILINEAR)
    ox = round(x + (left - pad) * stretch)
    oy = round(baseline + top - pad)
    img.paste(color, (ox, oy, ox + width, oy + mask.height), mask)


def render_card(plan: CardPlan) -> Image.Image:
    """The clean (flat, upright) card image for ``plan``."""
    img = Image.new("RGB", (plan.width, plan.height), plan.bg)
    draw = ImageDraw.Draw(img)
    for d in plan.decorations:
        if d.kind == "rect":
            draw.rectangle(d.box, fill=d.color)
        elif d.kind == "ellipse":
            draw.ellipse(d.box, fill=d.color)
        elif d.kind == "polygon":
            draw.polygon(d.extra["points"], fill=d.color)
        elif d.kind == "logo":
            _logo(draw, d)
        elif d.kind == "icon":
            _icon(draw, d, plan.bg)
        elif d.kind == "qr":
            _qr(img, d)
        elif d.kind == "pattern":
            _pattern(draw, d)
    for line in plan.lines:
        for run in line.runs:
            font = load_font(run.font_path, run.size)
            for piece, x in run.pieces():
                if not piece.strip():
                    continue
                if run.stretch == 1.0:
                    draw.text((x, run.baseline), piece, font=font, fill=run.color, anchor="ls")
                else:
                    _draw_stretched(img, piece, font, x, run.baseline, run.stretch, run.color)
    return img
