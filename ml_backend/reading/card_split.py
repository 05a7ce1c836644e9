"""Split multi-card images into one image per card, for Label Studio projects that want one task
per card (``python -m scripts.ls_project import --split-cards``).

Each card found by ``ml_backend.reading.cards.detect_cards`` is cropped and deskewed into its own JPEG
beside the others (``<stem>-card<k>.jpg``); the record of each crop keeps where it came from
(the original file, the card's place in reading order, its outline in the original's pixels), so
the task can point back to the original and a CRM contact can say which sheet a card was on. A
single-card image is passed through untouched: one task, as without the option.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ml_backend.reading.cards import detect_cards
from ml_backend.config import load_settings
from ml_backend.reading.images import load_image

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SplitCard:
    """One image to import: a crop of a multi-card original, or a single-card original itself."""

    path: Path
    original: Path
    card: int  # 1-based place in reading order
    cards: int  # cards found in the original
    outline: list[tuple[float, float]] | None  # in the original's pixels; None for a pass-through

    def task_data(self) -> dict[str, Any]:
        """What a task made from this image adds to its data (the link back to the original)."""
        if self.outline is None:
            return {}
        return {"original_image": str(self.original), "card": self.card, "cards": self.cards,
                "card_outline": [[round(x, 1), round(y, 1)] for x, y in self.outline]}


def split_card_images(files: Iterable[Path], out_dir: Path) -> list[SplitCard]:
    """Crops of every multi-card image in ``files`` written to ``out_dir``, single-card images as
    they are; in input order. Raises ``ml_backend.reading.images.ImageError`` for an unreadable image."""
    settings = load_settings()
    out_dir.mkdir(parents=True, exist_ok=True)
    out: list[SplitCard] = []
    for path in map(Path, files):
        image = load_image(path, max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
        cards = detect_cards(image)
        if len(cards) == 1:
            out.append(SplitCard(path, path, 1, 1, None))
            continue
        for k, card in enumerate(cards, 1):
            target = out_dir / f"{path.stem}-card{k}.jpg"
            card.crop(image).save(target, quality=92)
            out.append(SplitCard(target, path, k, len(cards), card.outline))
        log.info("%s: %d cards, one image each", path.name, len(cards))
    return out
