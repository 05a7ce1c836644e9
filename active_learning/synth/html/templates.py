"""HTML/CSS designs of a card: the composed items (``compose.Groups``) arranged by CSS.

Chromium does the layout (flexbox, grid, letter-spacing, its own shaping and anti-aliasing), so
the model does not learn the PIL renderer's habits. The printed *text* is still decided by
``compose`` (labels, casing, separators); a template only decides where it goes and how it looks.

Markup contract with ``page.js`` (which fits and measures it):

* ``.card``: one card, ``--k`` scales every font size (shrunk until nothing overflows);
* ``.col``: a block whose lines must stay inside it;
* ``.ln``: one printed line (``white-space: pre``: never wrapped, spaces kept), ``--s`` shrinks
  that line alone; it holds a baseline probe ``.bl``, an optional icon ``.ico`` (a glyph that is
  decoration, not text: excluded from the line's text and box, like the PIL renderer's drawn
  icons) and runs ``.r`` whose ``data-f`` names the field of their text;
* ``.obst``: a drawn element text must not overlap (the QR code).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from active_learning.synth.compose import Groups, Item, LineSpec, LogoSpec, Run, TableRow
from active_learning.synth.style import RGB, WHATSAPP_GREEN, Style, mix

#: Icon glyphs (DejaVu Sans has them all) by the icon kinds ``compose`` assigns.
ICON_GLYPHS = {"phone": "☎", "mobile": "✆", "fax": "☏", "email": "✉", "web": "◎", "pin": "➤", "logo": "◆",
               "whatsapp": "✆"}
#: CSS font-weight / font-style of ``compose`` run styles.
FONT_CSS = {"regular": (400, "normal"), "bold": (700, "normal"), "italic": (400, "italic"),
            "bold_italic": (700, "italic"), "light": (300, "normal")}


def rgb(c: RGB) -> str:
    return f"rgb({c[0]},{c[1]},{c[2]})"


@dataclass
class Card:
    """What one template produced: markup inside ``.card`` plus the card-level CSS."""

    inner: str
    style: str  # inline CSS of the .card element (background, padding, layout)


class Markup:
    """Turns composed items into ``.ln`` markup in one card's fonts (``H{n}``/``B{n}``) and palette."""

    def __init__(self, style: Style, font_prefix: str) -> None:
        self.style = style
        self.fonts = {"head": f"H{font_prefix}", "body": f"B{font_prefix}"}

    def run(self, run: Run, size: float, on_accent: bool) -> str:
        weight, italic = FONT_CSS.get(run.style, FONT_CSS["regular"])
        pal = self.style.palette
        color = pal.on_accent if on_accent else pal.color(run.color)
        css = (f"font-family:{self.fonts[run.family]};font-weight:{weight};font-style:{italic};color:{rgb(color)}")
        if run.tracking:
            css += f";letter-spacing:calc(var(--k)*var(--s,1)*{run.tracking * size:.2f}px)"
        field = f' data-f="{run.field}"' if run.field else ""
        face = self.style.head if run.family == "head" else self.style.body
        return (f'<span class="r"{field} data-face="{html.escape(face.face(run.style).path)}" style="{css}">'
                f"{html.escape(run.text)}</span>")

    def line(self, spec: LineSpec, *, scale: float = 1.0, on_accent: bool = False, align: str | None = None,
             icon_mode: str = "disc") -> str:
        size = self.style.sizes[spec.role] * scale
        pal = self.style.palette
        icon = ""
        if spec.icon:
            glyph = ICON_GLYPHS.get(spec.icon, "●")
            if spec.icon == "whatsapp":  # the messenger's green disc, whatever the palette
                icon = f'<span class="ico disc" style="background:{rgb(WHATSAPP_GREEN)};color:#fff">{glyph}</span>'
            elif icon_mode == "disc":  # glyph in a filled circle of the accent colour
                fg, bg = (pal.accent, pal.on_accent) if on_accent else (pal.on_accent, pal.accent)
                icon = (f'<span class="ico disc" style="background:{rgb(bg)};color:{rgb(fg)}">{glyph}</span>')
            else:
                icon = f'<span class="ico" style="color:{rgb(pal.on_accent if on_accent else pal.accent)}">{glyph}</span>'
        css = f"font-size:calc(var(--k)*var(--s,1)*{size:.2f}px)"
        if align:
            css += f";text-align:{align}"
        runs = "".join(self.run(r, size, on_accent) for r in spec.runs)
        return f'<div class="ln" style="{css}"><i class="bl"></i>{icon}{runs}</div>'

    def logo(self, spec: LogoSpec, height: float, *, on_accent: bool = False, monogram: str | None = None) -> str:
        """A CSS logo mark; a monogram inside is a printed line with no field (OTHER)."""
        pal = self.style.palette
        color = pal.on_accent if on_accent else pal.accent
        inner_color = pal.accent if on_accent else pal.on_accent
        letters = monogram if monogram is not None else spec.monogram
        shape = spec.shape
        w = height * (1.5 if shape == "bars" else 1.0)
        css = f"width:{w:.1f}px;height:{height:.1f}px"
        body = ""
        if shape == "rings":
            ring = f"border:{max(2, height * 0.07):.1f}px solid {rgb(color)}"
            body = "".join(f'<b style="{ring};left:{k * 22}%"></b>' for k in range(3))
            letters = None
        elif shape == "bars":
            body = "".join(f'<b style="background:{rgb(color)};left:{k * 36}%;top:{60 - 30 * k}%"></b>' for k in range(3))
            letters = None
        else:
            css += f";background:{rgb(color)}"
        mono = ""
        if letters:
            size = height * 0.42
            mono = (f'<div class="ln" style="font-size:calc(var(--k)*{size:.2f}px)"><i class="bl"></i>'
                    f'<span class="r" data-face="{html.escape(self.style.head.face("bold").path)}" '
                    f'style="font-family:{self.fonts["head"]};font-weight:700;color:{rgb(inner_color)}">'
                    f"{html.escape(letters)}</span></div>")
        return f'<div class="logo {shape}" style="{css}">{body}{mono}</div>'

    def items(self, items: list[Item], *, scale: float = 1.0, on_accent: bool = False, align: str | None = None,
              logo_height: float = 60.0, icon_mode: str = "disc") -> str:
        out = []
        rows = [it for it in items if isinstance(it, TableRow)]
        if rows:  # labels and values in two aligned columns: a CSS grid
            cells = []
            for row in rows:
                cells.append(self.line(row.label, scale=scale, on_accent=on_accent) if row.label else "<div></div>")
                cells.append(self.line(row.value, scale=scale, on_accent=on_accent))
            out.append(f'<div class="tbl">{"".join(cells)}</div>')
        for it in items:
            if isinstance(it, LogoSpec):
                out.append(self.logo(it, logo_height, on_accent=on_accent))
            elif isinstance(it, LineSpec):
                out.append(self.line(it, scale=scale, on_accent=on_accent, align=align, icon_mode=icon_mode))
        return "".join(out)


def _group(content: str, extra_css: str = "") -> str:
    return f'<div class="grp" style="{extra_css}">{content}</div>' if content else ""


def _col(content: str, css: str) -> str:
    return f'<div class="col" style="{css}">{content}</div>'


def _text_items(items: list[Item]) -> list[Item]:
    return [it for it in items if not isinstance(it, LogoSpec)]


def _logo_of(items: list[Item]) -> LogoSpec | None:
    return next((it for it in items if isinstance(it, LogoSpec)), None)


def _background(rng: random.Random, style: Style) -> str:
    pal = style.palette
    roll = rng.random()
    if roll < 0.25:
        return f"background:linear-gradient({rng.randrange(0, 360)}deg,{rgb(pal.bg)},{rgb(mix(pal.bg, pal.accent, rng.uniform(0.04, 0.1)))})"
    if roll < 0.32:
        return f"background:radial-gradient(circle at {rng.randrange(0, 100)}% {rng.randrange(0, 100)}%,{rgb(mix(pal.bg, pal.accent, 0.08))},{rgb(pal.bg)} 60%)"
    return f"background:{rgb(pal.bg)}"


@dataclass
class Frame:
    """Card size, margin and the space a QR code takes in the bottom-right corner (0 if none)."""

    w: int
    h: int
    m: float
    qr: float

    @property
    def unit(self) -> float:
        return min(self.w, self.h)


def t_band(rng: random.Random, g: Groups, mk: Markup, f: Frame) -> Card:
    """A coloured band on the left or right with the company; the person and contacts beside it."""
    pal = mk.style.palette
    band_w = f.w * rng.uniform(0.28, 0.38)
    right = f.qr == 0 and rng.random() < 0.4
    logo_h = f.unit * rng.uniform(0.16, 0.24)
    band = _col(_group(mk.items(g.header, on_accent=True, align="center", logo_height=logo_h), "align-items:center"),
                f"width:{band_w:.1f}px;flex:none;background:{rgb(pal.accent)};justify-content:center;align-items:center;"
                f"padding:{f.m * 0.6:.1f}px")
    align = rng.choice(["left", "left", "right"]) if not right else "left"
    main = _col(_group(mk.items(g.identity, align=align)) + _group(mk.items(g.extras, align=align))
                + _group(mk.items(g.contacts, align=align, icon_mode=rng.choice(["disc", "bare"]))),
                f"flex:1;min-width:0;justify-content:space-between;padding:{f.m:.1f}px;padding-right:{f.m + f.qr:.1f}px")
    return Card(main + band if right else band + main,
                f"display:flex;flex-direction:row;{_background(rng, mk.style)}")


def t_centered(rng: random.Random, g: Groups, mk: Markup, f: Frame) -> Card:
    """Minimal: everything centred, a thin rule between the person and the contacts."""
    pal = mk.style.palette
    logo_h = f.unit * rng.uniform(0.12, 0.18)
    rule = (f'<div class="rule" style="width:{f.unit * rng.uniform(0.15, 0.4):.0f}px;height:{max(1.0, f.unit * 0.004):.1f}px;'
            f'background:{rgb(pal.accent)};margin:{f.unit * 0.025:.1f}px auto"></div>')
    body = (_group(mk.items(g.header, align="center", logo_height=logo_h), "align-items:center")
            + _group(mk.items(g.identity, align="center") + rule)
            + _group(mk.items(g.contacts, align="center", icon_mode="bare") + mk.items(g.extras, align="center")))
    pad = f"padding:{f.m:.1f}px {f.m + f.qr:.1f}px {f.m:.1f}px {f.m + f.qr:.1f}px"
    return Card(_col(body, f"height:100%;box-sizing:border-box;justify-content:{rng.choice(['space-evenly', 'center', 'space-between'])};"
                           f"align-items:stretch;{pad};gap:{f.unit * 0.03:.1f}px"), _background(rng, mk.style))


def t_monogram(rng: random.Random, g: Groups, mk: Markup, f: Frame) -> Card:
    """A monogram logo beside the company wordmark at the top; the person below; contacts at the bottom."""
    logo = _logo_of(g.header) or LogoSpec(rng.choice(["circle", "square", "rounded", "diamond", "hexagon"]), 0.2)
    words = [it for it in g.header if isinstance(it, LineSpec)]
    company = " ".join(w.text for w in words)
    letters = "".join(w[0] for w in company.replace("«", " ").replace('"', " ").split()[:2] if w[:1].isalpha()).upper()
    shape = logo.shape if logo.shape not in ("rings", "bars") else "circle"
    logo_h = f.unit * rng.uniform(0.18, 0.26)
    mark = mk.logo(LogoSpec(shape, 0.2), logo_h, monogram=letters or None)
    head = (f'<div class="grp" style="flex-direction:row;align-items:center;gap:{f.unit * 0.05:.1f}px">{mark}'
            f'<div class="grp" style="min-width:0">{mk.items(words)}</div></div>')
    side = rng.choice(["left", "right"])
    contacts = _col(_group(mk.items(g.contacts, align=side, icon_mode="bare")),
                    f"flex:none;align-items:stretch;padding-right:{f.qr:.1f}px")
    return Card(_col(head + _group(mk.items(g.identity) + mk.items(g.extras)) + contacts,
                     f"height:100%;box-sizing:border-box;padding:{f.m:.1f}px;justify-content:space-between"),
                _background(rng, mk.style))


def t_icons(rng: random.Random, g: Groups, mk: Markup, f: Frame) -> Card:
    """Two columns split by a rule: company and person on one side, contacts with icons on the other."""
    pal = mk.style.palette
    logo_h = f.unit * rng.uniform(0.14, 0.2)
    left = _col(_group(mk.items(g.header, logo_height=logo_h)) + _group(mk.items(g.identity)) + _group(mk.items(g.extras)),
                f"flex:1.1;min-width:0;justify-content:{rng.choice(['space-between', 'center'])};gap:{f.unit * 0.05:.1f}px")
    rule = f'<div style="flex:none;width:{max(1.0, f.unit * 0.004):.1f}px;background:{rgb(pal.muted)};margin:0 {f.unit * 0.05:.1f}px"></div>'
    right = _col(_group(mk.items(g.contacts, icon_mode=rng.choice(["disc", "bare"]))),
                 f"flex:1;min-width:0;justify-content:center;padding-right:{f.qr:.1f}px")
    cols = [left, rule, right] if rng.random() < 0.75 else [right, rule, left]
    return Card("".join(cols), f"display:flex;flex-direction:row;padding:{f.m:.1f}px;{_background(rng, mk.style)}")


def t_dark(rng: random.Random, g: Groups, mk: Markup, f: Frame) -> Card:
    """A dark card: company top, person in the middle, contacts in a two-column grid at the bottom."""
    pal = mk.style.palette
    logo_h = f.unit * rng.uniform(0.12, 0.18)
    accent_bar = (f'<div style="width:{f.unit * 0.12:.0f}px;height:{max(2.0, f.unit * 0.01):.1f}px;background:{rgb(pal.accent)};'
                  f'margin-top:{f.unit * 0.02:.1f}px"></div>')
    columns = 2 if len(g.contacts) >= 4 and not any(isinstance(it, TableRow) for it in g.contacts) else 1
    contacts = (f'<div class="grp" style="display:grid;grid-template-columns:repeat({columns},auto);justify-content:start;'
                f'column-gap:{f.unit * 0.08:.1f}px;padding-right:{f.qr:.1f}px">{mk.items(g.contacts, icon_mode="bare")}</div>')
    body = (_group(mk.items(g.header, logo_height=logo_h)) + _group(mk.items(g.identity) + accent_bar)
            + _group(mk.items(g.extras)) + contacts)
    return Card(_col(body, f"height:100%;box-sizing:border-box;padding:{f.m:.1f}px;justify-content:space-between"),
                f"background:{rgb(pal.bg)}")


def t_caps(rng: random.Random, g: Groups, mk: Markup, f: Frame) -> Card:
    """A large letter-spaced all-caps name at the top, a rule, contacts in a wrapping footer row."""
    pal = mk.style.palette
    logo_h = f.unit * rng.uniform(0.1, 0.15)
    rule = f'<div style="height:{max(1.0, f.unit * 0.005):.1f}px;background:{rgb(pal.accent)};margin:{f.unit * 0.02:.1f}px 0"></div>'
    top = _group(mk.items(g.identity, scale=1.1)) + rule
    middle = _group(mk.items(g.header, logo_height=logo_h) + mk.items(g.extras))
    footer = (f'<div class="grp" style="flex-direction:row;flex-wrap:wrap;column-gap:{f.unit * 0.07:.1f}px;'
              f'padding-right:{f.qr:.1f}px">{mk.items(g.contacts, icon_mode="bare")}</div>')
    if any(isinstance(it, TableRow) for it in g.contacts):
        footer = _group(mk.items(g.contacts), f"padding-right:{f.qr:.1f}px")
    return Card(_col(top + middle + footer, f"height:100%;box-sizing:border-box;padding:{f.m:.1f}px;justify-content:space-between"),
                _background(rng, mk.style))


#: name -> (template, weight, what the template wants from the style before composing)
TEMPLATES = {
    "band": (t_band, 0.2),
    "centered": (t_centered, 0.16),
    "monogram": (t_monogram, 0.16),
    "icons": (t_icons, 0.18),
    "dark": (t_dark, 0.14),
    "caps": (t_caps, 0.16),
}


def adapt_style(name: str, rng: random.Random, style: Style) -> None:
    """Style decisions a template needs (set before ``compose``, so the printed text follows them)."""
    if name == "caps":
        style.upper_name = True
        style.tracking = rng.choice([0.1, 0.15, 0.2, 0.3])
        style.split_name = False
        style.sizes["name"] = round(style.sizes["name"] * 1.05)
    elif name == "monogram":
        style.upper_company = True
        style.tracking = rng.choice([0.08, 0.15, 0.25])
    elif name == "icons":
        style.label_mode = "icon"
        style.arrangement = "stacked"
    elif name == "centered" and style.arrangement == "table":
        style.arrangement = "stacked"
    if name in ("caps", "dark") and style.arrangement == "table":
        style.arrangement = rng.choice(["stacked", "inline"])
        if style.label_mode == "icon" and style.arrangement == "inline":
            style.label_mode = "text"
