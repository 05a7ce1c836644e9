"""A card's visual style: fonts per role, sizes, colours, casing and how contacts are labelled.

Drawn once per card from the rng. Everything that changes the printed *text* (upper-casing,
labels) is decided here too, so the ground truth is computed from the same decisions.
"""

from __future__ import annotations

import colorsys
import random
from dataclasses import dataclass

from active_learning.synth.fonts import FontFamily, pick_family

RGB = tuple[int, int, int]

#: Colour of the WhatsApp mark before a number (the brand's green whatever the card's palette).
WHATSAPP_GREEN: RGB = (37, 211, 102)

#: Size of each text role relative to the card's short side (range drawn per card).
ROLE_SIZES: dict[str, tuple[float, float]] = {
    "name": (0.08, 0.12),
    "company": (0.055, 0.095),
    "position": (0.043, 0.06),
    "contact": (0.036, 0.05),
    "misc": (0.031, 0.044),
    "monogram": (0.07, 0.1),
}


def luminance(c: RGB) -> float:
    """WCAG relative luminance (0 black .. 1 white)."""
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (round(r * 255), round(g * 255), round(b * 255))


@dataclass
class Palette:
    bg: RGB
    text: RGB
    muted: RGB
    accent: RGB
    name: RGB
    label: RGB
    on_accent: RGB  # text colour on an accent-coloured band
    dark: bool

    def color(self, role: str) -> RGB:
        return getattr(self, role)


def random_palette(rng: random.Random) -> Palette:
    """Light (~78%) or dark cards with one accent colour; text always keeps readable contrast."""
    hue = rng.random()
    dark = rng.random() < 0.22
    if dark:
        bg = rng.choice([_hsv(hue, rng.uniform(0.3, 0.8), rng.uniform(0.12, 0.3)), (20, 20, 22), (34, 36, 40)])
        text = rng.choice([(255, 255, 255), (240, 238, 230), (225, 225, 225)])
        accent = _hsv(rng.random(), rng.uniform(0.4, 0.9), rng.uniform(0.8, 1.0))
    else:
        bg = rng.choice([(255, 255, 255), (255, 255, 255), (250, 248, 242), (245, 245, 245), (252, 250, 245),
                         _hsv(hue, rng.uniform(0.03, 0.12), rng.uniform(0.95, 1.0))])
        text = rng.choice([(20, 20, 20), (0, 0, 0), (45, 45, 50), (30, 40, 70), (60, 45, 35)])
        accent = _hsv(rng.random(), rng.uniform(0.55, 1.0), rng.uniform(0.35, 0.8))
    accent_ok = contrast(accent, bg) >= 3.0
    on_accent = (255, 255, 255) if contrast((255, 255, 255), accent) >= contrast((20, 20, 20), accent) else (20, 20, 20)
    return Palette(
        bg=bg, text=text, muted=mix(text, bg, rng.uniform(0.2, 0.4)), accent=accent,
        name=accent if accent_ok and rng.random() < 0.35 else text,
        label=accent if accent_ok and rng.random() < 0.4 else text,
        on_accent=on_accent, dark=dark,
    )


@dataclass
class Style:
    """Per-card typographic decisions."""

    head: FontFamily  # name / company
    body: FontFamily  # everything else
    sizes: dict[str, int]
    palette: Palette
    name_style: str
    company_style: str
    label_style: str
    upper_name: bool
    upper_company: bool
    upper_position: bool
    label_mode: str  # text | icon | none | mixed
    arrangement: str  # stacked | inline | table
    separator: str  # between contacts in inline arrangement
    split_name: bool  # first name regular, last name bold
    line_gap: float
    tracking: float  # letter spacing of upper-cased name/company/position lines (fraction of font size)
    stretch: dict[str, float]  # horizontal glyph scale per family role (head/body): condensed/expanded cuts


def random_style(rng: random.Random, text: str, unit: float) -> Style:
    """Draw a style able to print ``text`` on a card whose short side is ``unit`` px."""
    body = pick_family(rng, text + text.upper())
    head = body if rng.random() < 0.65 else pick_family(rng, text + text.upper(), allow_mono=False)
    sizes = {role: max(11, round(unit * rng.uniform(lo, hi))) for role, (lo, hi) in ROLE_SIZES.items()}
    sizes["contact"] = max(sizes["contact"], 12)
    arrangement = rng.choices(["stacked", "inline", "table"], weights=[0.62, 0.23, 0.15])[0]
    label_mode = rng.choices(["text", "none", "icon", "mixed"], weights=[0.5, 0.22, 0.15, 0.13])[0]
    if arrangement == "table":
        label_mode = "text"
    if arrangement == "inline" and label_mode == "icon":
        label_mode = "text"
    return Style(
        head=head, body=body, sizes=sizes, palette=random_palette(rng),
        name_style=rng.choices(["bold", "regular", "light", "italic", "bold_italic"], weights=[0.6, 0.2, 0.08, 0.07, 0.05])[0],
        company_style=rng.choices(["bold", "regular", "italic"], weights=[0.6, 0.3, 0.1])[0],
        label_style=rng.choices(["regular", "bold"], weights=[0.6, 0.4])[0],
        upper_name=rng.random() < 0.15, upper_company=rng.random() < 0.3, upper_position=rng.random() < 0.08,
        label_mode=label_mode, arrangement=arrangement,
        separator=rng.choice([" | ", "  |  ", " · ", " • ", "   ", " / ", "  "]),
        split_name=rng.random() < 0.12,
        line_gap=rng.uniform(0.18, 0.55),
        tracking=rng.choice([0.0, 0.0, 0.06, 0.12, 0.2, 0.3]),
        stretch={"head": _stretch(rng), "body": _stretch(rng)},
    )


def _stretch(rng: random.Random) -> float:
    """Mostly the font as designed; sometimes a condensed or expanded look (more 'fonts')."""
    roll = rng.random()
    if roll < 0.72:
        return 1.0
    return round(rng.uniform(0.78, 0.94), 2) if roll < 0.9 else round(rng.uniform(1.06, 1.18), 2)
