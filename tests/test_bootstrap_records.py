"""The bootstrap's training records: both renderers, in index order, independent of the workers."""

from __future__ import annotations

import pytest

from active_learning.synth.html import chromium_path
from active_learning.synth.html.dataset import is_html_card
from scripts.bootstrap_model import generate_records


def test_pil_only_records_are_the_generators_layouts() -> None:
    records = generate_records(12, seed=5)
    assert len(records) == 12
    assert not any(str(r["layout"]).startswith("html_") for r in records)
    assert all(r["lines"] and r["width"] > 0 for r in records)


@pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (scripts/install.sh installs it)")
def test_html_share_lays_out_the_chosen_indices_with_chromium() -> None:
    n, seed, share = 24, 7, 0.5
    mixed = generate_records(n, seed=seed, html_share=share)
    pil = generate_records(n, seed=seed)
    chosen = [i for i in range(n) if is_html_card(seed, i, share)]
    assert 0 < len(chosen) < n
    assert len(mixed) == n
    for i in range(n):
        if i in chosen:
            assert str(mixed[i]["layout"]).startswith("html_"), i
        else:  # the PIL cards of a mixed set are the cards of the PIL set, at the same index
            assert mixed[i] == pil[i], i



def test_default_preset_mixes_renderers_and_tiny_does_not() -> None:
    from scripts.bootstrap_model import PRESETS

    assert 0.0 < PRESETS["default"].html_share < 1.0
    assert PRESETS["tiny"].html_share == 0.0
