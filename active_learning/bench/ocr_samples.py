"""Rendered text lines and plain cards with known text, to measure the OCR engines.

Used by ``scripts/bench_ocr.py`` and the OCR tests: the engines are judged on images whose
ground truth is exact (CER, rotation), independent of the full synthetic card generator.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype")
#: Fonts with Latin and Cyrillic glyphs that Debian's fonts-* packages install.
FONTS: tuple[str, ...] = (
    "dejavu/DejaVuSans.ttf",
    "dejavu/DejaVuSerif.ttf",
    "dejavu/DejaVuSans-Bold.ttf",
    "liberation2/LiberationSans-Regular.ttf",
    "liberation2/LiberationSerif-Regular.ttf",
    "freefont/FreeSans.ttf",
    "noto/NotoSans-Regular.ttf",
)


def font_path(name: str = FONTS[0]) -> Path:
    return FONT_DIR / name


def available_fonts() -> list[Path]:
    return [p for p in (font_path(n) for n in FONTS) if p.is_file()]


def render_line(text: str, font: Path | None = None, size: int = 36, pad: int = 12) -> Image.Image:
    """One line of black text on white, tightly framed like a detector's crop plus padding."""
    face = ImageFont.truetype(str(font or font_path()), size)
    x0, y0, x1, y1 = face.getbbox(text)
    img = Image.new("RGB", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), "white")
    ImageDraw.Draw(img).text((pad - x0, pad - y0), text, font=face, fill="black")
    return img


def render_card(
    lines: list[str],
    font: Path | None = None,
    size: tuple[int, int] = (1050, 600),
    logo: bool = False,
) -> Image.Image:
    """A 3.5x2-inch card at 300 dpi: a bold first line, smaller lines below, optional round logo."""
    width, height = size
    img = Image.new("RGB", size, (250, 250, 246))
    draw = ImageDraw.Draw(img)
    path = str(font or font_path())
    y = 60
    left = 360 if logo else 70
    for i, text in enumerate(lines):
        points = 46 if i == 0 else 30
        face = ImageFont.truetype(path, points)
        while points > 12 and left + face.getlength(text) > width - 30:  # shrink long lines to fit
            points -= 2
            face = ImageFont.truetype(path, points)
        draw.text((left, y), text, font=face, fill=(20, 20, 40))
        y += 70 if i == 0 else 52
        if y > height - 40:
            raise ValueError(f"{len(lines)} lines do not fit on a {width}x{height} card")
    if logo:
        # A filled ring with a dot: the kind of mark OCR likes to read as "O" or "●".
        draw.ellipse((70, 150, 290, 370), outline=(200, 40, 40), width=26)
        draw.ellipse((150, 230, 210, 290), fill=(200, 40, 40))
    return img


def faker_card_lines(locale: str, seed: int) -> list[str]:
    """Name, job, company, phone, e-mail, website and address lines in one Faker locale."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    return [
        fake.name(),
        fake.job()[:40],
        fake.company()[:40],
        fake.phone_number(),
        fake.email(),
        "www." + fake.domain_name(),
        fake.address().replace("\n", ", ")[:48],
    ]


def photograph(
    card: Image.Image,
    seed: int,
    canvas: tuple[int, int] = (2000, 1500),
    card_share: tuple[float, float] = (0.55, 0.85),
) -> Image.Image:
    """The card as a phone might shoot it: on a darker table, covering ``card_share`` of the
    photo's width, slightly turned, softened and JPEG-compressed."""
    rng = random.Random(seed)
    scale = rng.uniform(*card_share) * canvas[0] / card.width
    shot = card.resize((round(card.width * scale), round(card.height * scale)), Image.Resampling.BICUBIC)
    shot = shot.convert("RGBA").rotate(rng.uniform(-4, 4), expand=True, resample=Image.Resampling.BICUBIC)
    table = Image.new("RGB", canvas, tuple(rng.randint(60, 120) for _ in range(3)))
    x = rng.randint(0, max(0, canvas[0] - shot.width))
    y = rng.randint(0, max(0, canvas[1] - shot.height))
    table.paste(shot, (x, y), shot)
    table = table.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))
    buffer = io.BytesIO()
    table.save(buffer, "JPEG", quality=rng.randint(60, 85))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance / reference length (whitespace collapsed)."""
    ref = " ".join(reference.split())
    hyp = " ".join(hypothesis.split())
    if not ref:
        return float(bool(hyp))
    previous = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        current = [i]
        for j, hc in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (rc != hc)))
        previous = current
    return previous[-1] / len(ref)


EN_CARD = [
    "Jonathan Whitaker",
    "Senior Product Manager",
    "Northwind Analytics Ltd",
    "+1 (415) 555-0132",
    "j.whitaker@northwind-analytics.com",
    "www.northwind-analytics.com",
    "221 Market Street, San Francisco, CA 94105",
]

RU_CARD = [
    "Екатерина Смирнова",
    "Главный бухгалтер",
    "ООО «Северный ветер»",
    "+7 (912) 345-67-89",
    "e.smirnova@sever-veter.ru",
    "г. Москва, ул. Тверская, д. 12",
]
