"""Where things go on a card: templates of columns, font metrics, fitting, placed lines.

The geometry comes from font metrics only (``getlength``/``getbbox``), never from pixels, so the
layout-only fast path and the rendered path share this one code path and agree to the pixel.
A template arranges the composed groups into columns; the engine measures every line, shrinks
lines that are too wide, distributes vertical space and rejects placements where lines overlap
(then tries a smaller scale, then a plainer template).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from active_learning.synth.compose import Groups, Item, LineSpec, LogoSpec, TableRow
from active_learning.synth.fonts import load_font
from active_learning.synth.style import RGB, Style

Box = tuple[float, float, float, float]

#: Card formats: (name, width/height ratio) -- 85x55 mm, 90x50 mm, 3.5x2 in, 90x55 mm, 91x55 mm
FORMATS = (("85x55mm", 85 / 55), ("90x50mm", 90 / 50), ("3.5x2in", 3.5 / 2), ("90x55mm", 90 / 55), ("91x55mm", 91 / 55))
SCALES = (1.0, 0.9, 0.8, 0.7, 0.62, 0.55, 0.48, 0.42)


@dataclass
class PlacedRun:
    text: str
    field: str | None
    font_path: str
    size: int
    color: RGB
    x: float
    baseline: float
    tracking: float = 0.0  # extra pixels after every character (letter-spaced caps)
    stretch: float = 1.0  # horizontal scale of the glyphs (condensed < 1 < expanded)

    def pieces(self) -> list[tuple[str, float]]:
        """(text, left x) pieces to draw: the whole run, or every character when letter-spaced
        (kerning kept via prefix advances)."""
        if not self.tracking:
            return [(self.text, self.x)]
        font = load_font(self.font_path, self.size)
        return [(ch, self.x + (font.getlength(self.text[:i]) + i * self.tracking) * self.stretch)
                for i, ch in enumerate(self.text)]


def run_advance(font, text: str, tracking_px: float, stretch: float = 1.0) -> float:
    """Horizontal advance of a run: letter spacing adds ``tracking_px`` after every character,
    then everything is scaled by ``stretch``."""
    return (font.getlength(text) + tracking_px * len(text)) * stretch


@dataclass
class PlacedLine:
    """A line as drawn: runs with positions, the full text, ink box and field spans."""

    runs: list[PlacedRun]
    bbox: Box  # ink box in card pixels

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    def spans(self) -> list[list]:
        """[[start, end, field], ...]: consecutive runs of one field form one span (whitespace-trimmed)."""
        spans: list[list] = []
        pos = 0
        for run in self.runs:
            start, end = pos, pos + len(run.text)
            pos = end
            if run.field is None:
                continue
            if spans and spans[-1][2] == run.field and spans[-1][1] == start:
                spans[-1][1] = end
            else:
                spans.append([start, end, run.field])
        text = self.text
        for span in spans:
            while span[0] < span[1] and text[span[0]].isspace():
                span[0] += 1
            while span[1] > span[0] and text[span[1] - 1].isspace():
                span[1] -= 1
        return spans


@dataclass
class Decoration:
    """A drawn, text-free element: ``kind`` is rect|ellipse|polygon|line|icon|logo|qr."""

    kind: str
    box: Box
    color: RGB
    extra: dict = field(default_factory=dict)


@dataclass
class Column:
    region: Box
    groups: list[list[Item]]
    align: str  # left | center | right
    distribute: str = "spread"  # spread | top | center | bottom
    on_accent: bool = False


@dataclass
class CardPlan:
    """Everything needed to draw a card, and everything the ground truth is made of."""

    width: int
    height: int
    layout: str
    bg: RGB
    lines: list[PlacedLine]
    decorations: list[Decoration]
    qr_box: Box | None = None


class LayoutFailed(Exception):
    """The items do not fit the template at this scale."""


# --- measuring and placing ------------------------------------------------------------------


@dataclass
class _Measured:
    spec: LineSpec
    fonts: list
    size: int
    width: float  # advance width of the text
    ascent: float
    descent: float
    advance: float  # vertical space the line takes in its group (unshrunk role metrics)
    icon_w: float


def _measure(spec: LineSpec, style: Style, scale: float, max_width: float) -> _Measured:
    base = max(8, round(style.sizes[spec.role] * scale))
    icon_w = 0.0
    for shrink in (1.0, 0.92, 0.84, 0.76, 0.68, 0.6):
        size = max(8, round(base * shrink))
        fonts = [load_font((style.head if r.family == "head" else style.body).face(r.style).path, size) for r in spec.runs]
        width = sum(run_advance(f, r.text, r.tracking * size, style.stretch[r.family]) for f, r in zip(fonts, spec.runs))
        icon_w = size * (1.7 if spec.icon == "logo" else 1.35) if spec.icon else 0.0
        if width + icon_w <= max_width:
            break
    else:
        raise LayoutFailed(spec.text)
    ref = load_font((style.head if spec.runs[0].family == "head" else style.body).face(spec.runs[0].style).path, base)
    ascent, descent = ref.getmetrics()
    return _Measured(spec, fonts, size, width, ascent, descent, (ascent + descent) * (1 + style.line_gap), icon_w)


def _place_line(m: _Measured, x: float, top: float, style: Style, on_accent: bool) -> tuple[PlacedLine, Decoration | None]:
    """Draw position of a measured line whose advance box starts at (x, top)."""
    pal = style.palette
    baseline = top + m.ascent
    icon = None
    text_x = x
    if m.spec.icon:
        side = m.size * (1.35 if m.spec.icon == "logo" else 0.95)
        cy = baseline - m.size * 0.36
        icon_box = (x, cy - side / 2, x + side, cy + side / 2)
        color = pal.on_accent if on_accent else pal.accent if pal.accent != pal.bg else pal.text
        icon = Decoration("logo" if m.spec.icon == "logo" else "icon", icon_box, color, {"kind": m.spec.icon})
        text_x = x + m.icon_w
    runs = []
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    cursor = text_x
    for font, run in zip(m.fonts, m.spec.runs):
        color = pal.on_accent if on_accent else pal.color(run.color)
        stretch = style.stretch[run.family]
        placed = PlacedRun(run.text, run.field, font.path, m.size, color, cursor, baseline, run.tracking * m.size, stretch)
        runs.append(placed)
        for piece, px in placed.pieces():
            if piece.strip():
                left, t, right, b = font.getbbox(piece, anchor="ls")
                x0, y0 = min(x0, px + left * stretch), min(y0, baseline + t)
                x1, y1 = max(x1, px + right * stretch), max(y1, baseline + b)
        cursor += run_advance(font, run.text, placed.tracking, stretch)
    return PlacedLine(runs, (x0, y0, x1, y1)), icon


def _logo(spec: LogoSpec, x: float, top: float, h: float, style: Style, on_accent: bool) -> tuple[Decoration, PlacedLine | None]:
    pal = style.palette
    w = h * (1.5 if spec.shape == "bars" else 1.0)
    color = pal.on_accent if on_accent else pal.accent
    deco = Decoration("logo", (x, top, x + w, top + h), color, {"kind": spec.shape})
    if not spec.monogram or spec.shape in ("rings", "bars"):
        return deco, None
    size = max(10, round(h * 0.42))
    font = load_font(style.head.face("bold").path, size)
    tw = font.getlength(spec.monogram)
    ascent, _ = font.getmetrics()
    cx, cy = x + w / 2, top + h / 2
    baseline = cy + size * 0.36
    inner = pal.accent if on_accent else pal.on_accent
    left, t, right, b = font.getbbox(spec.monogram, anchor="ls")
    run = PlacedRun(spec.monogram, None, font.path, size, inner, cx - tw / 2, baseline)
    return deco, PlacedLine([run], (cx - tw / 2 + left, baseline + t, cx - tw / 2 + right, baseline + b))


def _layout_column(col: Column, style: Style, scale: float, unit: float) -> tuple[list[PlacedLine], list[Decoration]]:
    x0, y0, x1, y1 = col.region
    width = x1 - x0
    if width < unit * 0.2:
        raise LayoutFailed("column too narrow")
    measured: list[list[tuple[str, object, float]]] = []  # per group: (kind, data, height)
    for group in col.groups:
        rows: list[tuple[str, object, float]] = []
        label_w = 0.0
        table = [it for it in group if isinstance(it, TableRow)]
        if table:
            labels = [_measure(r.label, style, scale, width * 0.45) for r in table if r.label]
            label_w = max((m.width for m in labels), default=0.0) + (style.sizes["contact"] * scale * 0.6 if labels else 0)
        for item in group:
            if isinstance(item, LogoSpec):
                h = unit * item.height_rel * scale
                rows.append(("logo", item, h + unit * 0.03))
            elif isinstance(item, TableRow):
                lab = _measure(item.label, style, scale, width * 0.45) if item.label else None
                val = _measure(item.value, style, scale, width - label_w)
                rows.append(("row", (lab, val, label_w), val.advance))
            else:
                m = _measure(item, style, scale, width)
                rows.append(("line", m, m.advance))
        if rows:
            measured.append(rows)
    heights = [sum(h for _, _, h in rows) for rows in measured]
    free = (y1 - y0) - sum(heights)
    if free < 0:
        raise LayoutFailed("column too short")
    n = len(measured)
    gap_cap = unit * 0.12 * scale
    if col.distribute == "spread" and n > 1:
        gaps = [0.0] + [free / (n - 1)] * (n - 1)
    else:
        gap = min(free / max(n - 1, 1), gap_cap) if n > 1 else 0.0
        used = sum(heights) + gap * (n - 1)
        start = {"top": 0.0, "center": ((y1 - y0) - used) / 2, "bottom": (y1 - y0) - used}.get(col.distribute, ((y1 - y0) - used) / 2)
        gaps = [start] + [gap] * (n - 1)
    lines: list[PlacedLine] = []
    decos: list[Decoration] = []
    y = y0
    for gap, rows in zip(gaps, measured):
        y += gap
        for kind, data, h in rows:
            if kind == "logo":
                spec = data  # type: ignore[assignment]
                lh = unit * spec.height_rel * scale
                lw = lh * (1.5 if spec.shape == "bars" else 1.0)
                lx = {"left": x0, "center": x0 + (width - lw) / 2, "right": x1 - lw}[col.align]
                deco, mono = _logo(spec, lx, y, lh, style, col.on_accent)
                decos.append(deco)
                if mono:
                    lines.append(mono)
            elif kind == "row":
                lab, val, label_w = data  # type: ignore[misc]
                if lab is not None:
                    line, _ = _place_line(lab, x0, y, style, col.on_accent)
                    lines.append(line)
                line, _ = _place_line(val, x0 + label_w, y, style, col.on_accent)
                lines.append(line)
            else:
                m = data  # type: ignore[assignment]
                total = m.width + m.icon_w
                lx = {"left": x0, "center": x0 + (width - total) / 2, "right": x1 - total}[col.align]
                line, icon = _place_line(m, lx, y, style, col.on_accent)
                lines.append(line)
                if icon:
                    decos.append(icon)
            y += h
    return lines, decos


def _overlaps(a: Box, b: Box, pad: float = 1.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _check(lines: list[PlacedLine], obstacles: list[Box], w: int, h: int) -> None:
    boxes = [ln.bbox for ln in lines]
    for i, b in enumerate(boxes):
        if b[0] < 1 or b[1] < 1 or b[2] > w - 1 or b[3] > h - 1:
            raise LayoutFailed("outside card")
        if any(_overlaps(b, o) for o in obstacles):
            raise LayoutFailed("overlaps obstacle")
        if any(_overlaps(b, c) for c in boxes[i + 1:]):
            raise LayoutFailed("lines overlap")


# --- templates ------------------------------------------------------------------------------


@dataclass
class _Frame:
    w: int
    h: int
    m: float
    unit: float


def _t_stack(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    align = rng.choice(["left", "left", "center", "center", "right"])
    order = rng.choice([["header", "identity", "contacts"], ["identity", "contacts", "header"],
                        ["header", "identity", "contacts"], ["identity", "header", "contacts"]])
    groups = [getattr(g, k) for k in order]
    if g.extras:
        groups.insert(1 if rng.random() < 0.5 else len(groups), g.extras)
    decos = _edge_bars(rng, f, style)
    return [Column((f.m, f.m, f.w - f.m, f.h - f.m), groups, align, "spread")], decos


def _t_name_bottom(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    align = rng.choice(["left", "right", "center"])
    groups = [g.header + g.extras, g.contacts, g.identity]
    return [Column((f.m, f.m, f.w - f.m, f.h - f.m), groups, align, "spread")], _edge_bars(rng, f, style)


def _t_two_column(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    split = f.w * rng.uniform(0.42, 0.58)
    gutter = f.unit * 0.06
    left = Column((f.m, f.m, split - gutter, f.h - f.m), [g.header, g.identity, g.extras], "left",
                  rng.choice(["spread", "center", "top"]))
    right = Column((split + gutter, f.m, f.w - f.m, f.h - f.m), [g.contacts], rng.choice(["left", "right"]),
                   rng.choice(["center", "bottom", "top"]))
    cols = [left, right]
    if rng.random() < 0.3:  # contacts on the left, identity on the right
        left.region, right.region = (split + gutter, f.m, f.w - f.m, f.h - f.m), (f.m, f.m, split - gutter, f.h - f.m)
        left.align, right.align = rng.choice(["left", "right"]), "left"
    decos = _edge_bars(rng, f, style)
    if rng.random() < 0.5:
        decos.append(Decoration("rect", (split - 1, f.m, split + 1 + f.unit * 0.004, f.h - f.m), style.palette.accent))
    return cols, decos


def _t_sidebar(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    band_w = f.w * rng.uniform(0.28, 0.4)
    on_left = rng.random() < 0.7
    band = (0, 0, band_w, f.h) if on_left else (f.w - band_w, 0, f.w, f.h)
    pad = f.unit * 0.07
    band_col = Column((band[0] + pad, f.m, band[2] - pad, f.h - f.m), [g.header], "center", "center", on_accent=True)
    rest = (band_w + f.m, f.m, f.w - f.m, f.h - f.m) if on_left else (f.m, f.m, f.w - band_w - f.m, f.h - f.m)
    main = Column(rest, [g.identity, g.extras, g.contacts], rng.choice(["left", "left", "right"]) if on_left else "left", "spread")
    return [band_col, main], [Decoration("rect", band, style.palette.accent)]


def _t_header_band(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    band_h = f.h * rng.uniform(0.26, 0.36)
    band = (0, 0, f.w, band_h)
    pad = f.unit * 0.04
    align = rng.choice(["left", "center"])
    header = Column((f.m, pad, f.w - f.m, band_h - pad), [g.header], align, "center", on_accent=True)
    body_top = band_h + f.unit * 0.06
    if rng.random() < 0.5:
        split = f.w * rng.uniform(0.45, 0.55)
        cols = [header, Column((f.m, body_top, split - f.unit * 0.04, f.h - f.m), [g.identity, g.extras], "left", "top"),
                Column((split + f.unit * 0.04, body_top, f.w - f.m, f.h - f.m), [g.contacts], "left", "center")]
    else:
        cols = [header, Column((f.m, body_top, f.w - f.m, f.h - f.m), [g.identity, g.extras, g.contacts], align, "spread")]
    return cols, [Decoration("rect", band, style.palette.accent)]


def _t_corners(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    """Company top-left, person bottom-left, contacts bottom-right (or mirrored)."""
    split = f.w * rng.uniform(0.45, 0.55)
    gut = f.unit * 0.04
    mid = f.h * rng.uniform(0.38, 0.5)
    mirror = rng.random() < 0.35
    left_x, right_x = (f.m, split - gut), (split + gut, f.w - f.m)
    if mirror:
        left_x, right_x = right_x, left_x
    side = "right" if mirror else "left"
    cols = [
        Column((left_x[0], f.m, left_x[1], mid), [g.header], side, "top"),
        Column((left_x[0], mid + gut, left_x[1], f.h - f.m), [g.identity, g.extras], side, "bottom"),
        Column((right_x[0], f.m, right_x[1], f.h - f.m), [g.contacts], "left" if mirror else rng.choice(["left", "right"]),
               rng.choice(["bottom", "center"])),
    ]
    return cols, _edge_bars(rng, f, style)


def _t_footer_band(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    """Contacts in a coloured band along the bottom edge, the rest above it."""
    band_h = f.h * rng.uniform(0.3, 0.42)
    band = (0, f.h - band_h, f.w, f.h)
    pad = f.unit * 0.035
    align = rng.choice(["left", "center", "right"])
    cols = [Column((f.m, f.m, f.w - f.m, band[1] - pad), [g.header, g.identity, g.extras], align, "spread"),
            Column((f.m, band[1] + pad, f.w - f.m, f.h - pad), [g.contacts], align, "center", on_accent=True)]
    return cols, [Decoration("rect", band, style.palette.accent)]


def _t_logo_left(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    """A large logo mark on the left, every text block to its right."""
    logo = next((it for it in g.header if isinstance(it, LogoSpec)), LogoSpec("circle", 0.3))
    big = LogoSpec(logo.shape, rng.uniform(0.3, 0.42), logo.monogram)
    header = [it for it in g.header if not isinstance(it, LogoSpec)]
    logo_w = f.unit * big.height_rel * (1.5 if big.shape == "bars" else 1.0)
    logo_col = Column((f.m, f.m, f.m + logo_w, f.h - f.m), [[big]], "left", "center")
    text_x = f.m + logo_w + f.unit * rng.uniform(0.06, 0.12)
    if rng.random() < 0.5:  # thin rule between logo and text
        decos = [Decoration("rect", (text_x - f.unit * 0.04, f.m, text_x - f.unit * 0.04 + max(2, f.unit * 0.005), f.h - f.m),
                            style.palette.muted)]
        text_x += f.unit * 0.02
    else:
        decos = []
    text = Column((text_x, f.m, f.w - f.m, f.h - f.m), [header, g.identity, g.extras, g.contacts], "left", "spread")
    return [logo_col, text], decos


def _item_fields(item: Item) -> set[str]:
    spec = item.value if isinstance(item, TableRow) else item
    return {r.field for r in spec.runs if r.field} if isinstance(spec, LineSpec) else set()


def _t_split_contacts(rng: random.Random, f: _Frame, g: Groups, style: Style) -> tuple[list[Column], list[Decoration]]:
    """Company and person on top; below, phones in one column and the other contacts beside them."""
    phones = [it for it in g.contacts if _item_fields(it) <= {"phone", "fax"} and _item_fields(it)]
    others = [it for it in g.contacts if not (_item_fields(it) <= {"phone", "fax"} and _item_fields(it))]
    if not phones or not others:
        return _t_stack(rng, f, g, style)
    top_h = f.h * rng.uniform(0.45, 0.58)
    align = rng.choice(["left", "center"])
    split = f.w * rng.uniform(0.38, 0.5)
    gut = f.unit * 0.04
    bottom = rng.choice(["top", "bottom"])
    cols = [Column((f.m, f.m, f.w - f.m, top_h), [g.header, g.identity, g.extras], align, "spread"),
            Column((f.m, top_h + gut, split - gut, f.h - f.m), [phones], "left", bottom),
            Column((split + gut, top_h + gut, f.w - f.m, f.h - f.m), [others], rng.choice(["left", "right"]), bottom)]
    decos = _edge_bars(rng, f, style)
    if rng.random() < 0.5:  # rule between the top block and the contacts
        decos.append(Decoration("rect", (f.m, top_h, f.w - f.m, top_h + max(1.5, f.unit * 0.004)), style.palette.muted))
    return cols, decos


def _edge_bars(rng: random.Random, f: _Frame, style: Style) -> list[Decoration]:
    """Accent bars inside the margins (never under text)."""
    decos = []
    thick = max(3.0, min(f.m * 0.45, f.unit * rng.uniform(0.012, 0.04)))
    roll = rng.random()
    c = style.palette.accent
    if roll < 0.18:
        decos.append(Decoration("rect", (0, 0, f.w, thick), c))
    elif roll < 0.32:
        decos.append(Decoration("rect", (0, f.h - thick, f.w, f.h), c))
    elif roll < 0.44:
        decos.append(Decoration("rect", (0, 0, thick, f.h), c))
    elif roll < 0.52:
        s = f.m * 0.9
        decos.append(Decoration("polygon", (f.w - s, 0, f.w, s), c, {"points": [(f.w - s, 0), (f.w, 0), (f.w, s)]}))
    tint = tuple(round(a + (b - a) * rng.uniform(0.05, 0.1)) for a, b in zip(style.palette.bg, c))
    pattern = rng.random()
    if pattern < 0.1:  # faint large circle in a corner (low contrast: text stays readable)
        r = f.unit * rng.uniform(0.3, 0.6)
        cx, cy = rng.choice([(f.w, 0), (f.w, f.h), (0, f.h)])
        decos.insert(0, Decoration("ellipse", (cx - r, cy - r, cx + r, cy + r), tint))  # type: ignore[arg-type]
    elif pattern < 0.16:  # two-tone background split by a diagonal
        x_top, x_bottom = f.w * rng.uniform(0.4, 0.9), f.w * rng.uniform(0.3, 0.8)
        pts = [(x_top, 0), (f.w, 0), (f.w, f.h), (x_bottom, f.h)]
        decos.insert(0, Decoration("polygon", (0, 0, f.w, f.h), tint, {"points": pts}))  # type: ignore[arg-type]
    elif pattern < 0.21:  # fine diagonal hatching or a dot grid over the whole card
        decos.insert(0, Decoration("pattern", (0, 0, f.w, f.h), tint,  # type: ignore[arg-type]
                                   {"kind": rng.choice(["hatch", "dots"]), "step": f.unit * rng.uniform(0.03, 0.07)}))
    return decos


TEMPLATES = {
    "stack": (_t_stack, 0.26),
    "name_bottom": (_t_name_bottom, 0.09),
    "two_column": (_t_two_column, 0.2),
    "sidebar": (_t_sidebar, 0.09),
    "header_band": (_t_header_band, 0.1),
    "corners": (_t_corners, 0.12),
    "footer_band": (_t_footer_band, 0.07),
    "logo_left": (_t_logo_left, 0.07),
    "split_contacts": (_t_split_contacts, 0.08),
}


def card_size(rng: random.Random) -> tuple[int, int, str]:
    """Pixel size and format name; ~8% of cards are portrait."""
    fmt, ratio = rng.choice(FORMATS)
    long_side = rng.randint(600, 1400)
    short = round(long_side / ratio)
    if rng.random() < 0.08:
        return short, long_side, fmt + "-portrait"
    return long_side, short, fmt


def _cut_for_qr(columns: list[Column], qr: Box, gap: float) -> None:
    for col in columns:
        x0, y0, x1, y1 = col.region
        if _overlaps((x0, y0, x1, y1), qr, 0):
            if x0 < qr[0] - gap * 4:
                col.region = (x0, y0, min(x1, qr[0] - gap), y1)
            else:
                col.region = (x0, y0, x1, min(y1, qr[1] - gap))


def layout_card(rng: random.Random, groups: Groups, style: Style, width: int, height: int,
                qr_modules: int | None) -> CardPlan:
    """Place ``groups`` on a ``width`` x ``height`` card; reserves a QR square if ``qr_modules``."""
    unit = min(width, height)
    margin = unit * rng.uniform(0.06, 0.12)
    frame = _Frame(width, height, margin, unit)
    portrait = height > width
    names = ["stack"] if portrait else list(TEMPLATES)
    weights = [TEMPLATES[n][1] for n in names]
    name = rng.choices(names, weights=weights)[0]
    qr_box = None
    if qr_modules:
        module = max(3, round(unit * rng.uniform(0.3, 0.42) / (qr_modules + 8)))
        side = module * (qr_modules + 8)  # 4-module quiet zone each side
        qx = width - margin * 0.5 - side
        qy = height - margin * 0.5 - side if rng.random() < 0.7 else (height - side) / 2
        qr_box = (qx, qy, qx + side, qy + side)
    attempts = [(name, s) for s in SCALES] + [("stack", s) for s in SCALES[3:]] + [("stack", 0.36), ("stack", 0.3)]
    template_seed = rng.random()
    for template, scale in attempts:
        sub = random.Random(template_seed)  # same template choices at every scale
        columns, decos = TEMPLATES[template][0](sub, frame, groups, style)
        if qr_box:
            _cut_for_qr(columns, qr_box, unit * 0.03)
        try:
            lines: list[PlacedLine] = []
            for col in columns:
                placed, col_decos = _layout_column(col, style, scale, unit)
                lines.extend(placed)
                decos.extend(col_decos)
            _check(lines, [qr_box] if qr_box else [], width, height)
        except LayoutFailed:
            continue
        if qr_box:
            decos.append(Decoration("qr", qr_box, (0, 0, 0), {"module": (qr_box[2] - qr_box[0]) / (qr_modules + 8)}))
        return CardPlan(width, height, template, style.palette.bg, lines, decos, qr_box)
    raise LayoutFailed(f"nothing fits on a {width}x{height} card")
