"""Public entry points: one card (image + truth), one card's truth only, a whole dataset.

``generate_card`` and ``generate_layout`` run the same ``_draft`` (content, style, layout, photo
geometry, rotation) and consume the rng identically, so for one seed the layout-only truth equals
the rendered card's truth; only ``generate_card`` spends time on pixels.

Throughput on one core (CPU time, one OpenCV thread): clean cards ~75/s, photos ~12/s, scans
~30/s, the default mixture ~27/s, layout-only ~150/s. First call in a process costs ~1 s
(font discovery with fontTools, Faker locales).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import segno
from PIL import Image

from active_learning.synth import vocab
from active_learning.synth.compose import compose
from active_learning.synth.content import CardContent, generate_content
from active_learning.synth.layout import CardPlan, LayoutFailed, card_size, layout_card
from active_learning.synth.photo import (PhotoPlan, map_points, plan_photo, plan_scan, render_capture, rotate_image,
                                         rotation_matrix)
from active_learning.synth.render import render_card
from active_learning.synth.style import random_style
from active_learning.synth.truth import build_truth

logger = logging.getLogger(__name__)

PHOTO_PROBABILITY = 0.35
#: Share of the non-photo cards drawn at random that are scans (skewed <= 3 degrees, mild noise).
SCAN_PROBABILITY = 0.4
ROTATED_PROBABILITY = 0.08
QR_PROBABILITY = 0.15
LOCALES = tuple(vocab.LOCALES)


def _vcard_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def vcard(content: CardContent) -> str:
    """A vCard 3.0 of the card's contact (what the QR code on the card encodes)."""
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    if content.name:
        n = content.name
        lines.append(f"N:{_vcard_escape(n.last)};{_vcard_escape(n.first)};{_vcard_escape(n.middle)};{_vcard_escape(n.prefix)};")
        lines.append(f"FN:{_vcard_escape(n.printed)}")
    if content.company:
        lines.append(f"ORG:{_vcard_escape(content.company)}")
    if content.position:
        lines.append(f"TITLE:{_vcard_escape(content.position)}")
    tel_type = {"office": "WORK,VOICE", "mobile": "CELL", "fax": "WORK,FAX"}
    lines += [f"TEL;TYPE={tel_type[p.kind]}:{p.printed}" for p in content.phones]
    lines += [f"EMAIL;TYPE=INTERNET:{e}" for e in content.emails]
    if content.website:
        lines.append(f"URL:{content.website}")
    if content.address:
        lines.append(f"ADR;TYPE=WORK:;;{_vcard_escape(', '.join(content.address))};;;;")
    lines.append("END:VCARD")
    return "\r\n".join(lines)


@dataclass
class _Draft:
    """Everything about a card except its pixels."""

    plan: CardPlan
    content: CardContent
    locale: str
    photo: PhotoPlan | None  # photo or scan geometry; None = flat clean card
    rotation: int
    qr_text: str | None
    pixel_seed: int
    fonts: list[str]


@dataclass(frozen=True)
class CardKind:
    """What a card is before its content is drawn: locale, capture, turn, QR code, and the label
    characters its fonts must cover. Both renderers draw it first, in the same rng order, so card i
    of an HTML set is the same kind of card as card i of a PIL set with the same seed."""

    locale: str
    photo: bool
    scan: bool
    rotation: int
    qr: bool
    label_chars: str


def draw_card_kind(rng: random.Random, locale: str | None = None, photo: bool | None = None,
                   rotation: int | None = None, qr: bool | None = None, scan: bool | None = None) -> CardKind:
    """The card's kind: what the caller fixed, the rest drawn from the generator's mixture."""
    if locale is None:
        locale = rng.choices(list(vocab.LOCALE_WEIGHTS), weights=list(vocab.LOCALE_WEIGHTS.values()))[0]
    if locale not in vocab.LOCALES:
        raise ValueError(f"unknown locale {locale!r}; known: {', '.join(vocab.LOCALES)}")
    if photo is None:
        photo = rng.random() < PHOTO_PROBABILITY
        if scan is None:
            scan = not photo and rng.random() < SCAN_PROBABILITY
    scan = bool(scan) and not photo
    if rotation is None:
        rotation = rng.choice((90, 180, 270)) if rng.random() < ROTATED_PROBABILITY else 0
    if rotation not in (0, 90, 180, 270):
        raise ValueError(f"rotation must be 0, 90, 180 or 270, got {rotation}")
    qr = rng.random() < QR_PROBABILITY if qr is None else qr
    label_chars = "".join(x for table in (vocab.labels_for(locale), vocab.LABELS["en"]) for xs in table.values() for x in xs)
    return CardKind(locale, photo, scan, rotation, qr, label_chars)


def _draft(rng: random.Random, locale: str | None, photo: bool | None, rotation: int | None, qr: bool | None,
           scan: bool | None = None) -> _Draft:
    kind = draw_card_kind(rng, locale, photo, rotation, qr, scan)
    locale, photo, scan, rotation, qr, label_chars = (kind.locale, kind.photo, kind.scan, kind.rotation, kind.qr,
                                                      kind.label_chars)
    for _attempt in range(8):
        content = generate_content(rng, locale)
        width, height, _fmt = card_size(rng)
        style = random_style(rng, content.text() + label_chars + "|·•/", min(width, height))
        groups = compose(rng, content, style)
        qr_text = vcard(content) if qr else None
        qr_matrix = None
        if qr_text:
            # a fixed random mask skips segno's 8-mask scoring (most of its time); any mask decodes
            code = segno.make(qr_text, error=rng.choice("lm"), micro=False, mask=rng.randrange(8))
            qr_matrix = [list(row) for row in code.matrix]
        try:
            plan = layout_card(rng, groups, style, width, height, len(qr_matrix) if qr_matrix else None)
        except LayoutFailed:
            continue
        if qr_matrix:
            next(d for d in plan.decorations if d.kind == "qr").extra["matrix"] = qr_matrix
        photo_plan = plan_photo(rng, width, height) if photo else plan_scan(rng, width, height) if scan else None
        fonts = sorted({style.head.name, style.body.name})
        return _Draft(plan, content, locale, photo_plan, rotation, qr_text, rng.getrandbits(32), fonts)
    raise RuntimeError("could not lay out a card in 8 attempts")  # never seen; layouts fall back to a plain stack


def _geometry(draft: _Draft) -> tuple[np.ndarray, int, int]:
    """Homography from card pixels to final image pixels, and the final size."""
    matrix, w, h = np.eye(3), draft.plan.width, draft.plan.height
    if draft.photo:
        matrix, w, h = draft.photo.matrix, draft.photo.width, draft.photo.height
    rot, w, h = rotation_matrix(draft.rotation, w, h)
    return rot @ matrix, w, h


def _truth(draft: _Draft) -> dict[str, Any]:
    matrix, w, h = _geometry(draft)
    qr_quad = None
    if draft.plan.qr_box:
        x0, y0, x1, y1 = draft.plan.qr_box  # includes the 4-module quiet zone
        qr_quad = [[round(x, 1), round(y, 1)] for x, y in map_points(matrix, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]
    extra = {
        "locale": draft.locale,
        "layout": draft.plan.layout,
        "photo": draft.photo is not None and draft.photo.kind == "photo",
        "scan": draft.photo is not None and draft.photo.kind == "scan",
        "rotation": draft.rotation,
        "qr": draft.qr_text is not None,
        "qr_text": draft.qr_text,
        "qr_quad": qr_quad,
        "fonts": draft.fonts,
    }
    return build_truth(draft.plan, matrix, w, h, region=draft.content.region, extra=extra)


def generate_layout(rng: random.Random, *, locale: str | None = None, photo: bool | None = None,
                    rotation: int | None = None, qr: bool | None = None, scan: bool | None = None) -> dict[str, Any]:
    """Truth of one card (boxes from font metrics) without rendering pixels: the fast path."""
    return _truth(_draft(rng, locale, photo, rotation, qr, scan))


def generate_card(rng: random.Random, *, locale: str | None = None, photo: bool | None = None,
                  rotation: int | None = None, qr: bool | None = None,
                  scan: bool | None = None) -> tuple[Image.Image, dict[str, Any]]:
    """One card image (RGB) and its truth. None arguments are drawn from the default mixture.

    ``scan`` (skewed flatbed copy) is drawn at random only together with ``photo=None``; an
    explicit ``photo=False`` gives a flat, pristine card unless ``scan=True``.
    """
    draft = _draft(rng, locale, photo, rotation, qr, scan)
    return render_draft(draft), _truth(draft)


def render_draft(draft: _Draft) -> Image.Image:
    """The final pixels of a draft: clean card, then photo effects, then the sideways turn."""
    img = render_card(draft.plan)
    if draft.photo:
        img = render_capture(img, draft.photo, draft.pixel_seed)
    return rotate_image(img, draft.rotation)


def card_rng(seed: int, index: int) -> random.Random:
    """The rng of card ``index`` of a dataset: independent of worker count and order."""
    return random.Random(f"cardloop-synth:{seed}:{index}")


def _dataset_card(args: tuple[Path | None, int, int, tuple[str, ...] | None, float | None]) -> dict[str, Any]:
    out_dir, seed, index, locales, photo_fraction = args
    rng = card_rng(seed, index)
    locale = rng.choice(locales) if locales else None
    photo = rng.random() < photo_fraction if photo_fraction is not None else None
    scan = None if photo is None else (not photo and rng.random() < SCAN_PROBABILITY)
    if out_dir is None:
        return generate_layout(rng, locale=locale, photo=photo, scan=scan)
    img, truth = generate_card(rng, locale=locale, photo=photo, scan=scan)
    lossy = truth["photo"] or truth["scan"]
    rel = f"images/card_{index:06d}.{'jpg' if lossy else 'png'}"
    if lossy:
        img.save(out_dir / rel, quality=92)
    else:
        img.save(out_dir / rel, compress_level=1)
    truth["image"] = rel
    return truth


def check_dataset_args(locales: Iterable[str] | None, photo_fraction: float | None) -> tuple[str, ...] | None:
    """A dataset's locales as a tuple (None: the generator's mixture), or ValueError for an unknown
    locale or a photo fraction outside [0, 1]."""
    locs = tuple(locales) if locales else None
    for loc in locs or ():
        if loc not in vocab.LOCALES:
            raise ValueError(f"unknown locale {loc!r}; known: {', '.join(vocab.LOCALES)}")
    if photo_fraction is not None and not 0.0 <= photo_fraction <= 1.0:
        raise ValueError(f"photo_fraction must be within [0, 1], got {photo_fraction}")
    return locs


def generate_dataset(out_dir: str | Path, n: int, *, seed: int, locales: Iterable[str] | None = None,
                     photo_fraction: float | None = None, workers: int = 1, layout_only: bool = False) -> Path:
    """Write ``n`` cards (images/ + truth.jsonl, one truth object per line) and return truth.jsonl's path.

    Card ``i`` depends only on (seed, i), so the output is identical for any ``workers``.
    ``layout_only`` writes truth without images (``"image": null``).
    """
    out = Path(out_dir)
    locs = check_dataset_args(locales, photo_fraction)
    out.mkdir(parents=True, exist_ok=True)
    if not layout_only:
        (out / "images").mkdir(exist_ok=True)
    jobs = [(None if layout_only else out, seed, i, locs, photo_fraction) for i in range(n)]
    truth_path = out / "truth.jsonl"
    tmp = truth_path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        if workers > 1:
            with multiprocessing.get_context("spawn").Pool(workers) as pool:
                results = pool.imap(_dataset_card, jobs, chunksize=8)
                _write(fh, results)
        else:
            _write(fh, map(_dataset_card, jobs))
    tmp.replace(truth_path)
    logger.info("wrote %d cards to %s", n, truth_path)
    return truth_path


def _write(fh, results: Iterable[dict[str, Any]]) -> None:
    for truth in results:
        fh.write(json.dumps(truth, ensure_ascii=False) + "\n")
