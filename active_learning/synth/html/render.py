"""Cards drawn by headless Chromium from HTML/CSS templates, with the PIL renderer's truth format.

The content, style, labels and casing come from the shared generator (``content``, ``style``,
``compose``); the arrangement is a CSS template (``templates``); Chromium lays it out, and
``page.js`` measures every printed line: its text (exactly the composed runs), the ink box of its
glyphs (canvas text metrics of the same fonts: the same "ink box" the PIL path computes with
``getbbox``) and the field of each run. These become ``PlacedLine``s of a ``CardPlan``, so the
truth is built by the same ``build_truth`` and photos/scans/turns by the same ``photo`` code:
datasets and the OCR-based evaluation take either renderer's cards.

Cost: one Chromium process per ``HtmlRenderer`` (~0.6 s to start); then, per card, one page
script call and one screenshot (~0.05-0.1 s of Chromium time on one core, plus photo effects).
"""

from __future__ import annotations

import logging
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import segno
from PIL import Image

from active_learning.synth.compose import compose
from active_learning.synth.content import CardContent, generate_content
from active_learning.synth.fonts import STYLES, FontFamily, font_families, pick_family
from active_learning.synth.generate import draw_card_kind, vcard
from active_learning.synth.html.browser import Browser, BrowserError
from active_learning.synth.html.templates import FONT_CSS, TEMPLATES, Frame, Markup, adapt_style, rgb
from active_learning.synth.layout import CardPlan, PlacedLine, PlacedRun, card_size
from active_learning.synth.photo import (PhotoPlan, map_points, plan_photo, plan_scan, render_capture, rotate_image,
                                         rotation_matrix)
from active_learning.synth.style import Style, random_palette, random_style
from active_learning.synth.truth import build_truth

logger = logging.getLogger(__name__)

PAGE_JS = (Path(__file__).parent / "page.js").read_text(encoding="utf-8")
#: Families (name prefixes) of the Debian font packages typical of modern designs; preferred 70%.
MODERN_FAMILIES = ("Roboto", "Open Sans", "Lato", "Comfortaa", "EB Garamond", "Noto Sans", "Noto Serif", "Liberation Sans",
                   "DejaVu Sans", "FreeSans")
MODERN_SHARE = 0.7
#: Cards per page: one page load, then one script call and one screenshot per card.
BATCH = 24
#: Drafts tried per card before giving up (about one draft in eight is redrawn).
REDRAWS = 8
#: Stands for the card's number on its page in a draft's markup (ids, font names); a private-use character.
CARD_NUMBER = "\ue000"

CSS = """
html, body { margin: 0; padding: 0; background: #fff; }
.card { position: absolute; left: 0; top: 0; overflow: hidden; display: none; box-sizing: border-box; --k: 1; }
.card.on { display: block; }
.card.on[data-flex] { display: flex; }
.col { display: flex; flex-direction: column; box-sizing: border-box; min-height: 0; }
.grp { display: flex; flex-direction: column; }
.ln { white-space: pre; line-height: 1.3; display: block; }
.bl { display: inline-block; width: 0; height: 0; vertical-align: baseline; }
.ico { display: inline-block; font-family: "DejaVu Sans"; width: 1.25em; text-align: center; margin-right: 0.35em;
       font-style: normal; font-weight: 400; line-height: 1; }
.ico.disc { border-radius: 50%; width: 1.25em; height: 1.25em; line-height: 1.25em; font-size: 0.8em; }
.tbl { display: grid; grid-template-columns: max-content 1fr; column-gap: 0.6em; }
.logo { position: relative; flex: none; display: flex; align-items: center; justify-content: center; margin: 0.15em 0; }
.logo.circle { border-radius: 50%; }
.logo.rounded { border-radius: 22%; }
.logo.diamond { clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); }
.logo.triangle { clip-path: polygon(50% 5%, 100% 92%, 0 92%); }
.logo.triangle .ln { margin-top: 28%; font-size: 70% !important; }
.logo.hexagon { clip-path: polygon(25% 5%, 75% 5%, 100% 50%, 75% 95%, 25% 95%, 0 50%); }
.logo.rings b { position: absolute; top: 20%; width: 60%; height: 60%; border-radius: 50%; box-sizing: border-box; }
.logo.bars b { position: absolute; bottom: 0; width: 22%; }
.qr { position: absolute; image-rendering: pixelated; }
"""


@dataclass
class HtmlDraft:
    """Everything about an HTML card except its pixels and measured boxes."""

    content: CardContent
    style: Style
    template: str
    card_html: str  # the .card element (without its id)
    width: int
    height: int
    locale: str
    photo: PhotoPlan | None
    rotation: int
    qr_text: str | None
    pixel_seed: int

    @property
    def fonts(self) -> list[str]:
        return sorted({self.style.head.name, self.style.body.name})


def _html_family(rng: random.Random, text: str, allow_mono: bool = True) -> FontFamily:
    """A family covering ``text``; mostly one of the modern Debian families when one covers it."""
    chars = frozenset(map(ord, text)) - {ord(" ")}
    modern = [f for f in font_families() if f.name.startswith(MODERN_FAMILIES) and not f.monospace
              and f.covers(chars, STYLES)]
    if modern and rng.random() < MODERN_SHARE:
        return rng.choice(modern)
    return pick_family(rng, text, allow_mono=allow_mono)


def _font_faces(style: Style, n: int) -> str:
    """@font-face rules of one card's two families, by the weight/style pairs its runs ask for."""
    rules = []
    for role, family in (("H", style.head), ("B", style.body)):
        for name, (weight, italic) in FONT_CSS.items():
            path = Path(family.face(name).path)
            rules.append(f'@font-face {{ font-family: {role}{n}; src: url("{path.as_uri()}"); '
                         f"font-weight: {weight}; font-style: {italic}; }}")
    return "\n".join(rules)


def draft_html_card(rng: random.Random, *, locale: str | None = None, photo: bool | None = None,
                    rotation: int | None = None, qr: bool | None = None, scan: bool | None = None,
                    template: str | None = None) -> HtmlDraft:
    """Draw one card's content, style and template (the same mixture defaults as ``generate_card``)."""
    if template is not None and template not in TEMPLATES:
        raise ValueError(f"unknown HTML template {template!r}; known: {', '.join(TEMPLATES)}")
    kind = draw_card_kind(rng, locale, photo, rotation, qr, scan)
    locale, photo, scan, rotation, qr, label_chars = (kind.locale, kind.photo, kind.scan, kind.rotation, kind.qr,
                                                      kind.label_chars)
    # content and size are drawn as generate_card draws them, so card i of an HTML set prints the
    # contact of card i of a PIL set with the same seed (a paired comparison of the renderers)
    content = generate_content(rng, locale)
    width, height, _fmt = card_size(rng)
    if height > width:  # the CSS templates are landscape designs
        width, height = height, width
    text = content.text() + label_chars + "|·•/"
    style = random_style(rng, text, min(width, height))
    name = template or rng.choices(list(TEMPLATES), weights=[w for _, w in TEMPLATES.values()])[0]
    style.body = _html_family(rng, text + text.upper())
    style.head = style.body if rng.random() < 0.6 else _html_family(rng, text + text.upper(), allow_mono=False)
    if name == "dark":
        for _ in range(30):
            palette = random_palette(rng)
            if palette.dark:
                style.palette = palette
                break
    adapt_style(name, rng, style)
    groups = compose(rng, content, style)
    qr_text = vcard(content) if qr else None
    unit = min(width, height)
    margin = unit * rng.uniform(0.07, 0.11)
    qr_html, qr_side = "", 0.0
    if qr_text:
        code = segno.make(qr_text, error=rng.choice("lm"), micro=False, mask=rng.randrange(8))
        modules = len(code.matrix) + 8
        module = max(3, round(unit * rng.uniform(0.3, 0.4) / modules))
        qr_side = float(module * modules)
        inset = margin * 0.5
        qr_html = (f'<img class="qr obst" src="{code.svg_data_uri(border=4, scale=1, dark="#000", light="#fff")}" '
                   f'style="width:{qr_side:.0f}px;height:{qr_side:.0f}px;right:{inset:.0f}px;bottom:{inset:.0f}px">')
    frame = Frame(width, height, margin, qr_side + unit * 0.04 if qr_side else 0.0)
    n_placeholder = CARD_NUMBER
    markup = Markup(style, n_placeholder)
    card = TEMPLATES[name][0](rng, groups, markup, frame)
    # only the shown card may be displayed: a template's display:flex becomes an attribute the CSS honours for it
    flex = " data-flex" if "display:flex" in card.style else ""
    card_html = (f'<div class="card"{flex} id="c{n_placeholder}" style="width:{width}px;height:{height}px;'
                 f'color:{rgb(style.palette.text)};{card.style.replace("display:flex;", "")}">{card.inner}{qr_html}</div>')
    photo_plan = plan_photo(rng, width, height) if photo else plan_scan(rng, width, height) if scan else None
    return HtmlDraft(content, style, name, card_html, width, height, locale, photo_plan, rotation, qr_text,
                     rng.getrandbits(32))


def _page(drafts: list[HtmlDraft]) -> str:
    faces = "\n".join(_font_faces(d.style, i) for i, d in enumerate(drafts))
    cards = "\n".join(d.card_html.replace(CARD_NUMBER, str(i)) for i, d in enumerate(drafts))
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}\n{faces}</style></head>"
            f"<body>{cards}<script>{PAGE_JS}</script></body></html>")


def _plan(draft: HtmlDraft, measured: dict[str, Any]) -> CardPlan:
    """A ``CardPlan`` of the measured lines (ink boxes), so ``build_truth`` and photos apply as for PIL cards."""
    lines = []
    for ln in measured["lines"]:
        runs = [PlacedRun(r["text"], r["field"], r["face"], round(r["size"]), (0, 0, 0), r["x"], ln["baseline"],
                          r["tracking"]) for r in ln["runs"]]
        lines.append(PlacedLine(runs, tuple(ln["ink"])))
    qr_box = tuple(measured["qr"]) if measured["qr"] else None
    return CardPlan(draft.width, draft.height, f"html_{draft.template}", draft.style.palette.bg, lines, [], qr_box)


def _truth(draft: HtmlDraft, plan: CardPlan) -> dict[str, Any]:
    matrix, w, h = _geometry(draft)
    qr_quad = None
    if plan.qr_box:
        x0, y0, x1, y1 = plan.qr_box
        qr_quad = [[round(x, 1), round(y, 1)] for x, y in map_points(matrix, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]
    extra = {
        "locale": draft.locale, "layout": plan.layout, "renderer": "html",
        "photo": draft.photo is not None and draft.photo.kind == "photo",
        "scan": draft.photo is not None and draft.photo.kind == "scan",
        "rotation": draft.rotation, "qr": draft.qr_text is not None, "qr_text": draft.qr_text, "qr_quad": qr_quad,
        "fonts": draft.fonts,
    }
    return build_truth(plan, matrix, w, h, region=draft.content.region, extra=extra)


def _geometry(draft: HtmlDraft) -> tuple[np.ndarray, int, int]:
    matrix, w, h = np.eye(3), draft.width, draft.height
    if draft.photo:
        matrix, w, h = draft.photo.matrix, draft.photo.width, draft.photo.height
    rot, w, h = rotation_matrix(draft.rotation, w, h)
    return rot @ matrix, w, h


class LayoutOverflow(RuntimeError):
    """Chromium could not fit a card's text into its template even at the smallest scale."""


class HtmlRenderer:
    """One Chromium process rendering batches of HTML card drafts. Use as a context manager.

    ``render(drafts)`` returns ``(image, truth)`` per draft, or None where the card's text did not
    fit its template (the caller draws another card; it happens for a few cards in a thousand).
    """

    def __init__(self, executable: str | None = None) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="cardloop-html-")
        self.browser = Browser(executable)
        self.cards = 0
        self.overflows = 0

    def render(self, drafts: list[HtmlDraft], *, pixels: bool = True) -> list[tuple[Image.Image | None, dict[str, Any]] | None]:
        """``pixels=False`` measures only (no screenshot, no photo effects; the image is None):
        the truth is the same, at about half the cost."""
        out: list[tuple[Image.Image | None, dict[str, Any]] | None] = []
        for start in range(0, len(drafts), BATCH):
            batch = drafts[start:start + BATCH]
            self.browser.load_html(_page(batch), Path(self._tmp.name))
            for i, draft in enumerate(batch):
                measured = self.browser.evaluate(f"cardloop.show({i}, {'true' if pixels else 'false'})")
                self.cards += 1
                if not measured["ok"]:
                    self.overflows += 1
                    logger.debug("html card %s did not fit: %s", draft.template, measured["why"])
                    out.append(None)
                    continue
                composed = "".join(r["text"] for ln in measured["lines"] for r in ln["runs"])
                if not measured["lines"] or not composed.strip():
                    raise BrowserError(f"template {draft.template!r} printed no text")
                plan = _plan(draft, measured)
                img = None
                if pixels:
                    img = self.browser.screenshot(0, 0, draft.width, draft.height)
                    if draft.photo:
                        img = render_capture(img, draft.photo, draft.pixel_seed)
                    img = rotate_image(img, draft.rotation)
                out.append((img, _truth(draft, plan)))
        return out

    def close(self) -> None:
        self.browser.close()
        self._tmp.cleanup()

    def __enter__(self) -> "HtmlRenderer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def generate_html_cards(rngs: list[random.Random], renderer: HtmlRenderer, *, per_card: list[dict[str, Any]] | None = None,
                        pixels: bool = True, **kwargs: Any) -> list[tuple[Image.Image | None, dict[str, Any]]]:
    """One card per rng. A draft whose text did not fit is redrawn from the same rng, so the result
    is still a function of the rng alone. ``kwargs`` (all cards) and ``per_card[i]`` (card i) go
    to ``draft_html_card``; ``pixels=False``: truth only (image None), as ``generate_layout``."""
    if per_card is not None and len(per_card) != len(rngs):
        raise ValueError(f"{len(rngs)} rngs but {len(per_card)} per-card argument sets")
    results: list[tuple[Image.Image | None, dict[str, Any]] | None] = [None] * len(rngs)
    pending = list(range(len(rngs)))
    for _attempt in range(REDRAWS):
        if not pending:
            break
        drafts = [draft_html_card(rngs[i], **{**kwargs, **(per_card[i] if per_card else {})}) for i in pending]
        rendered = renderer.render(drafts, pixels=pixels)
        for i, r in zip(pending, rendered):
            results[i] = r
        pending = [i for i, r in zip(pending, rendered) if r is None]
    if pending:
        raise LayoutOverflow(f"{len(pending)} card(s) did not fit any of {REDRAWS} drafts")
    return [r for r in results if r is not None]
