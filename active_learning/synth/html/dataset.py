"""Datasets of HTML-rendered cards, or of both renderers mixed, in ``generate_dataset``'s format.

Card ``i`` depends only on (seed, i), as in ``generate_dataset``: an HTML card is drawn from
``card_rng(seed, i)`` (redrawn from the same rng if its text did not fit its template), and in a
mixed set whether card ``i`` is HTML is decided by a separate rng, so the PIL cards of a mixed
set are exactly the cards of a PIL set with the same seed.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any, Iterable

from active_learning.synth.generate import SCAN_PROBABILITY, _dataset_card, card_rng, check_dataset_args
from active_learning.synth.html.render import BATCH, HtmlRenderer, generate_html_cards

logger = logging.getLogger(__name__)

RENDERERS = ("pil", "html", "mixed")
#: Share of HTML cards in a mixed set unless told otherwise.
MIXED_HTML_SHARE = 0.5


def is_html_card(seed: int, index: int, html_share: float) -> bool:
    """Whether card ``index`` of a mixed set is drawn by Chromium (independent of the card's own rng)."""
    return random.Random(f"cardloop-renderer:{seed}:{index}").random() < html_share


def _html_args(seed: int, index: int, locales: tuple[str, ...] | None,
               photo_fraction: float | None) -> tuple[random.Random, dict[str, Any]]:
    """The card's rng and draft arguments, drawn as ``generate._dataset_card`` draws them."""
    rng = card_rng(seed, index)
    locale = rng.choice(locales) if locales else None
    photo = rng.random() < photo_fraction if photo_fraction is not None else None
    scan = None if photo is None else (not photo and rng.random() < SCAN_PROBABILITY)
    return rng, {"locale": locale, "photo": photo, "scan": scan}


def generate_html_dataset(out_dir: str | Path, n: int, *, seed: int, locales: Iterable[str] | None = None,
                          photo_fraction: float | None = None, html_share: float = 1.0,
                          templates: Iterable[str] | None = None, layout_only: bool = False,
                          executable: str | None = None) -> Path:
    """Write ``n`` cards (images/ + truth.jsonl) of which a share ``html_share`` (1.0: all) are HTML
    cards from one Chromium process; the rest are PIL cards. Returns truth.jsonl's path.

    ``templates`` restricts the HTML templates (card ``i`` takes ``templates[i % len]``);
    ``layout_only`` writes truth without images (``"image": null``; Chromium still lays the cards out).
    """
    out = Path(out_dir)
    locs = check_dataset_args(locales, photo_fraction)
    if not 0.0 <= html_share <= 1.0:
        raise ValueError(f"html_share must be within [0, 1], got {html_share}")
    names = tuple(templates) if templates else None
    out.mkdir(parents=True, exist_ok=True)
    if not layout_only:
        (out / "images").mkdir(exist_ok=True)
    truth_path = out / "truth.jsonl"
    tmp = truth_path.with_suffix(".jsonl.tmp")
    chunk = BATCH * 2
    with tmp.open("w", encoding="utf-8") as fh, HtmlRenderer(executable) as renderer:
        for start in range(0, n, chunk):
            indices = range(start, min(n, start + chunk))
            html = [i for i in indices if html_share >= 1.0 or is_html_card(seed, i, html_share)]
            args = [_html_args(seed, i, locs, photo_fraction) for i in html]
            per_card = [dict(kw, template=names[i % len(names)] if names else None) for i, (_, kw) in zip(html, args)]
            rendered = dict(zip(html, generate_html_cards([rng for rng, _ in args], renderer, per_card=per_card,
                                                          pixels=not layout_only)))
            for i in indices:
                if i in rendered:
                    img, truth = rendered[i]
                    truth["image"] = None if img is None else _save(out, i, img, lossy=truth["photo"] or truth["scan"])
                else:
                    truth = _dataset_card((None if layout_only else out, seed, i, locs, photo_fraction))
                fh.write(json.dumps(truth, ensure_ascii=False) + "\n")
            logger.info("%d/%d cards", indices[-1] + 1, n)
    tmp.replace(truth_path)
    logger.info("wrote %d cards to %s (%d Chromium redraws)", n, truth_path, renderer.overflows)
    return truth_path


def _save(out: Path, index: int, img, *, lossy: bool) -> str:
    """Save as ``generate._dataset_card`` does: JPEG for photos and scans, fast PNG for clean cards."""
    rel = f"images/card_{index:06d}.{'jpg' if lossy else 'png'}"
    if lossy:
        img.save(out / rel, quality=92)
    else:
        img.save(out / rel, compress_level=1)
    return rel
