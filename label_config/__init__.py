"""The Label Studio labeling config of cardloop projects (``card.xml``).

The XML is the one file annotators' screens are built from; the names inside it
(``image``, ``label``, ``transcription``, ``validated``) are the contract that
``ml_backend.studio.regions`` writes predictions against and reads annotations with.
"""

from __future__ import annotations

from pathlib import Path

#: The labeling config file shipped with the repository.
CARD_CONFIG_PATH = Path(__file__).resolve().with_name("card.xml")


def load(path: str | Path | None = None) -> str:
    """The labeling config XML as Label Studio's ``label_config`` expects it (a string)."""
    return Path(path or CARD_CONFIG_PATH).read_text(encoding="utf-8")
