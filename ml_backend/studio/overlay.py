"""A picture of what the pipeline read: the card with one box per field value, its label and value.

``python -m ml_backend predict --overlay DIR`` writes one PNG per image, so a person can look at
a prediction instead of reading coordinates. The boxes are the Label Studio regions of
``ls_format.card_to_prediction`` (percentages of the EXIF-transposed image): the overlay shows
exactly where an annotator will see them. Values the validator flagged are drawn in red with
their reason; values placed on a QR code or on the whole card (no box of their own)
are listed in a band under the card.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ml_backend.studio.regions import LABEL_NAME, card_to_prediction
from ml_backend.schema import Card

#: One colour per label (RGB), chosen to stay apart on white and on photos.
LABEL_COLOURS = {
    "FULL_NAME": (220, 20, 60),
    "POSITION": (255, 140, 0),
    "COMPANY": (138, 43, 226),
    "EMAIL": (0, 128, 255),
    "PHONE": (0, 160, 80),
    "WEBSITE": (0, 170, 170),
    "ADDRESS": (180, 120, 0),
}
FLAGGED_COLOUR = (230, 0, 0)
_MAX_SIDE = 1600  # larger images are scaled down: the PNG is for looking at, not for measuring


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """DejaVu Sans (Latin and Cyrillic; matplotlib ships it) at ``size`` px, else Pillow's default."""
    candidates = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    try:
        import matplotlib

        candidates.append(Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf")
    except ImportError:  # a requirement; without it the system font or Pillow's default is used
        pass
    for path in candidates:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default()


def _label_and_text(region_items: list[dict]) -> tuple[str, str, dict]:
    rect = next(i for i in region_items if i["from_name"] == LABEL_NAME)
    text_item = next((i for i in region_items if i["from_name"] != LABEL_NAME), None)
    text = text_item["value"]["text"][0] if text_item else ""
    return rect["value"]["rectanglelabels"][0], text, rect


def draw_overlay(image: Image.Image, card: Card) -> Image.Image:
    """A copy of ``image`` (the frame ``predict`` was given) with the card's regions drawn on it."""
    base = image.convert("RGB")
    scale = min(1.0, _MAX_SIDE / max(base.size))
    if scale < 1.0:
        base = base.resize((round(base.width * scale), round(base.height * scale)))
    prediction = card_to_prediction(card, image.width, image.height)
    regions: dict[str, list[dict]] = {}
    for item in prediction["result"]:
        regions.setdefault(item["id"], []).append(item)

    font = _font(max(12, base.height // 45))
    line_h = font.getbbox("Ag")[3] + 6
    unplaced: list[tuple[str, str, tuple[int, int, int]]] = []
    boxed: list[tuple[tuple[float, float, float, float], str, tuple[int, int, int]]] = []
    for items in regions.values():
        label, text, rect = _label_and_text(items)
        meta = rect.get("meta") or {}
        flagged = any(str(n).startswith("check:") for n in meta.get("text", []))
        colour = FLAGGED_COLOUR if flagged else LABEL_COLOURS.get(label, (90, 90, 90))
        caption = f"{label} {text}  {rect['score']:.2f}"
        if flagged:
            caption += "  " + "; ".join(n for n in meta["text"] if str(n).startswith("check:"))
        if meta.get("placement") in ("card", "qr"):
            unplaced.append((f"{caption}  [{meta['placement']}]", text, colour))
            continue
        v = rect["value"]
        box = (v["x"] / 100 * base.width, v["y"] / 100 * base.height,
               (v["x"] + v["width"]) / 100 * base.width, (v["y"] + v["height"]) / 100 * base.height)
        boxed.append((box, caption, colour))

    band = line_h * (len(unplaced) + 1) if unplaced else 0
    out = Image.new("RGB", (base.width, base.height + band), "white")
    out.paste(base, (0, 0))
    draw = ImageDraw.Draw(out)
    width = max(2, base.height // 300)
    for box, _caption, colour in boxed:
        draw.rectangle(box, outline=colour, width=width)
    for box, caption, colour in boxed:  # captions last, so no box is drawn over one
        x, y = box[0], max(0, box[1] - line_h)
        tb = draw.textbbox((x, y), caption, font=font)
        draw.rectangle((tb[0] - 2, tb[1] - 2, tb[2] + 2, tb[3] + 2), fill=(255, 255, 255))
        draw.text((x, y), caption, fill=colour, font=font)
    y = base.height + 3
    if unplaced:
        draw.text((4, y), "values without a box of their own:", fill=(0, 0, 0), font=font)
        for caption, _text, colour in unplaced:
            y += line_h
            draw.text((4, y), caption, fill=colour, font=font)
    return out


def overlay_path(out_dir: Path, image_path: str | Path, taken: set[Path]) -> Path:
    """``out_dir/<image stem>.png``, numbered when two input images share a stem."""
    stem = Path(image_path).stem or "card"
    path, n = out_dir / f"{stem}.png", 1
    while path in taken:
        n += 1
        path = out_dir / f"{stem}-{n}.png"
    taken.add(path)
    return path
