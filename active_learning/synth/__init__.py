"""Synthetic business cards: training data, test cards and the simulated annotator's truth.

Public API (see ``generate``):
    generate_card(rng, *, locale=None, photo=None, rotation=None, qr=None) -> (PIL image, truth)
    generate_layout(rng, ...) -> truth            # same truth, no pixels (fast path)
    generate_dataset(out_dir, n, *, seed, locales=None, photo_fraction=None, workers=1,
                     layout_only=False) -> Path   # images/ + truth.jsonl
"""

from active_learning.synth.generate import LOCALES, card_rng, generate_card, generate_dataset, generate_layout, vcard

__all__ = ["LOCALES", "card_rng", "generate_card", "generate_dataset", "generate_layout", "vcard"]
