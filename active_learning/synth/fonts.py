"""Font discovery: every TTF/OTF on the machine, grouped into families with style variants.

Fonts are found under the system font folders plus matplotlib's bundled ``mpl-data/fonts/ttf``
(DejaVu, STIX), so a machine without Debian font packages still has Latin and Cyrillic fonts.
Which characters a font can draw is read from its cmap with fontTools (a rendered-glyph-vs-notdef
comparison is slower and fooled by fonts whose notdef is blank); a card only uses a family whose
every face it needs covers every character the card prints.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

logger = logging.getLogger(__name__)

STYLES = ("regular", "bold", "italic", "bold_italic", "light")
#: Families that cover letters but are not text faces (math, symbols, music).
_EXCLUDED_WORDS = ("math", "symbol", "music", "emoji", "nonuni", "siz", "stixvar", "lastresort")
#: Characters every usable font must have (digits, Latin letters, contact punctuation).
_REQUIRED = frozenset(map(ord, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@.:+-()/,&'"))


def font_dirs() -> list[Path]:
    """Folders searched for fonts, system first (their DejaVu wins over matplotlib's copy)."""
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
            Path.home() / ".local/share/fonts"]
    try:
        import matplotlib

        dirs.append(Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf")
    except ImportError:  # matplotlib is a project requirement; without it only system fonts are used
        logger.warning("matplotlib not importable: its bundled DejaVu fonts are not available")
    return [d for d in dirs if d.is_dir()]


@dataclass(frozen=True)
class FontFace:
    path: str
    chars: frozenset[int]


@dataclass(frozen=True)
class FontFamily:
    """A family's faces by style; ``regular`` always exists."""

    name: str
    faces: tuple[tuple[str, FontFace], ...]
    monospace: bool

    def face(self, style: str) -> FontFace:
        """The face for ``style``, falling back to the nearest style the family has."""
        faces = dict(self.faces)
        for candidate in {"bold_italic": ("bold_italic", "bold", "italic"), "light": ("light",),
                          "bold": ("bold",), "italic": ("italic",)}.get(style, ()):
            if candidate in faces:
                return faces[candidate]
        return faces["regular"]

    def covers(self, chars: frozenset[int], styles: tuple[str, ...] = STYLES) -> bool:
        return all(chars <= self.face(s).chars for s in styles)


def _style_of(font: TTFont) -> str:
    os2 = font["OS/2"] if "OS/2" in font else None
    weight = os2.usWeightClass if os2 is not None else 400
    sub = (font["name"].getBestSubFamilyName() or "").lower()
    italic = bool(os2 is not None and os2.fsSelection & 1) or "italic" in sub or "oblique" in sub
    bold = weight >= 600 or "bold" in sub
    if bold:
        return "bold_italic" if italic else "bold"
    if italic:
        return "italic"
    return "light" if weight <= 300 or "light" in sub else "regular"


def _read_face(path: Path) -> tuple[str, str, FontFace, bool] | None:
    try:
        font = TTFont(str(path), lazy=True, fontNumber=0)
        try:
            cmap = font.getBestCmap() or {}
            chars = frozenset(cmap)
            if not _REQUIRED <= chars:
                return None
            name = font["name"]
            family = name.getDebugName(16) or name.getBestFamilyName() or path.stem
            width = font["OS/2"].usWidthClass if "OS/2" in font else 5
            if width != 5:  # condensed / expanded cuts are families of their own
                family = f"{family} w{width}"
            mono = bool("post" in font and font["post"].isFixedPitch) or "mono" in family.lower()
            return family, _style_of(font), FontFace(str(path), chars), mono
        finally:
            font.close()
    except (TTLibError, OSError, KeyError, AssertionError, ValueError) as exc:
        logger.debug("skipping font %s: %s", path, exc)
        return None


@functools.lru_cache(maxsize=1)
def font_families() -> tuple[FontFamily, ...]:
    """All usable families on this machine, sorted by name (deterministic across runs)."""
    paths: list[Path] = []
    for d in font_dirs():
        for root, _dirs, files in os.walk(d):
            paths.extend(Path(root) / f for f in files if f.lower().endswith((".ttf", ".otf")))
    grouped: dict[str, dict[str, FontFace]] = {}
    mono: dict[str, bool] = {}
    for path in sorted(paths, key=lambda p: (0 if str(p).startswith("/usr") else 1, str(p))):
        if any(w in path.name.lower() for w in _EXCLUDED_WORDS):
            continue
        read = _read_face(path)
        if read is None:
            continue
        family, style, face, is_mono = read
        if any(w in family.lower() for w in _EXCLUDED_WORDS) or re.fullmatch(r"cm[a-z]+\d+", family):
            continue  # Computer Modern's TeX encodings map ASCII code points to math glyphs
        grouped.setdefault(family, {}).setdefault(style, face)
        mono[family] = is_mono
    families = tuple(
        FontFamily(name, tuple(sorted(faces.items())), mono[name])
        for name, faces in sorted(grouped.items())
        if "regular" in faces
    )
    if not families:
        raise RuntimeError(f"no usable TTF/OTF fonts found under {font_dirs()}")
    logger.info("synth fonts: %d families from %d files", len(families), len(paths))
    return families


def pick_family(rng: random.Random, text: str, *, styles: tuple[str, ...] = STYLES,
                allow_mono: bool = True) -> FontFamily:
    """A random family able to draw every character of ``text`` in every style in ``styles``."""
    chars = frozenset(map(ord, text)) - {ord(" ")}
    candidates = [f for f in font_families() if (allow_mono or not f.monospace) and f.covers(chars, styles)]
    if not candidates:
        candidates = [f for f in font_families() if f.covers(chars, styles)]
    if not candidates:
        raise ValueError(f"no installed font covers the characters of {text!r}")
    return rng.choice(candidates)


@functools.lru_cache(maxsize=2048)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A PIL font object; cached because the same faces and sizes recur across cards."""
    return ImageFont.truetype(path, size=size)
