"""The HTML/CSS card renderer (headless Chromium): truth format, boxes on the printed text, datasets, CLI."""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from active_learning.synth.generate import card_rng, generate_dataset
from active_learning.synth.html import TEMPLATES, Browser, BrowserError, HtmlRenderer, chromium_path, draft_html_card
from active_learning.synth.html.dataset import generate_html_dataset, is_html_card

pytestmark = pytest.mark.skipif(chromium_path() is None,
                                reason="Debian's chromium is not installed (scripts/install.sh installs it)")

LOCALES = ("en_US", "ru_RU", "de_DE")


@pytest.fixture(scope="module")
def renderer():
    with HtmlRenderer() as r:
        yield r


def _render(renderer: HtmlRenderer, template: str, seed: int, count: int = 3, **kwargs):
    """``count`` cards of ``template`` that fit (drafts that do not fit are drawn again), with their drafts."""
    cards = []
    index = 0
    while len(cards) < count and index < count * 8:
        draft = draft_html_card(card_rng(seed, index), locale=LOCALES[len(cards) % len(LOCALES)], template=template,
                                **kwargs)
        index += 1
        (result,) = renderer.render([draft])
        if result is not None:
            cards.append((draft, *result))
    assert len(cards) == count, f"{template}: only {len(cards)} of {count * 8} drafts fit"
    return cards


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_template_truth_matches_what_is_printed(renderer: HtmlRenderer, template: str) -> None:
    for draft, img, truth in _render(renderer, template, seed=11, photo=False, rotation=0):
        assert img.size == (truth["width"], truth["height"]) == (draft.width, draft.height)
        assert truth["renderer"] == "html" and truth["layout"] == f"html_{template}"
        for line in truth["lines"]:
            x0, y0, x1, y1 = line["bbox"]
            assert 0 <= x0 < x1 <= img.width and 0 <= y0 < y1 <= img.height, line
            assert line["text"].strip(), line
            for start, end, field in line["spans"]:
                assert line["text"][start:end].strip() == line["text"][start:end], line
        content = draft.content
        printed_phones = truth["fields"]["phone"] + truth["fields"].get("fax", [])
        assert sorted(printed_phones) == sorted(p.printed for p in content.phones)
        assert sorted(truth["fields"]["email"]) == sorted(content.emails)
        if content.name:
            assert truth["fields"]["full_name"].lower() == content.name.printed.lower()
        if content.website:
            assert truth["fields"]["website"] == [content.website]
        if content.address:
            assert _norm(truth["fields"]["address"]) == _norm("".join(content.address))


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
@pytest.mark.parametrize("template", list(TEMPLATES))
def test_boxes_hold_their_text(renderer: HtmlRenderer, template: str, tmp_path: Path) -> None:
    """Tesseract reads each e-mail / phone / name box's crop as the line's text: the boxes are where
    Chromium drew the text (a box off by a line or a column reads as something else or nothing)."""
    checked = matched = 0
    misses = []
    for _draft, img, truth in _render(renderer, template, seed=23, photo=False, rotation=0):
        for n, line in enumerate(truth["lines"]):
            if line["field"] not in ("email", "phone", "full_name", "website") or len(_norm(line["text"])) < 6:
                continue
            x0, y0, x1, y1 = line["bbox"]
            pad = (y1 - y0) * 0.3
            crop = img.crop((max(0, x0 - pad), max(0, y0 - pad), min(img.width, x1 + pad), min(img.height, y1 + pad)))
            scale = max(1.0, 48 / max(1.0, y1 - y0))
            crop = crop.resize((round(crop.width * scale), round(crop.height * scale)))
            path = tmp_path / f"line{n}.png"
            crop.save(path)
            lang = "rus+eng" if re.search("[а-яА-Я]", line["text"]) else "eng"
            read = subprocess.run(["tesseract", str(path), "-", "--psm", "7", "-l", lang], capture_output=True,
                                  text=True, timeout=60).stdout
            ratio = difflib.SequenceMatcher(None, _norm(read), _norm(line["text"])).ratio()
            checked += 1
            if ratio >= 0.7:
                matched += 1
            else:
                misses.append((line["text"], read.strip(), round(ratio, 2)))
    assert checked >= 3
    assert matched >= 0.8 * checked, misses


def test_photographed_and_turned_cards_map_boxes(renderer: HtmlRenderer) -> None:
    (draft, img, truth), = _render(renderer, "band", seed=5, count=1, photo=True, rotation=90)
    assert truth["photo"] and truth["rotation"] == 90
    assert img.size == (truth["width"], truth["height"])
    assert img.size != (draft.width, draft.height)  # the card lies inside a larger photo
    for line in truth["lines"]:
        for x, y in line["quad"]:
            assert -1 <= x <= img.width + 1 and -1 <= y <= img.height + 1


def test_same_rng_same_card(renderer: HtmlRenderer) -> None:
    a = _render(renderer, "caps", seed=3, count=2, photo=False, rotation=0)
    b = _render(renderer, "caps", seed=3, count=2, photo=False, rotation=0)
    assert [t["lines"] for _, _, t in a] == [t["lines"] for _, _, t in b]
    assert [list(i.getdata())[::997] for _, i, _ in a] == [list(i.getdata())[::997] for _, i, _ in b]


def test_mixed_dataset_keeps_the_pil_cards_of_its_seed(tmp_path: Path) -> None:
    n, seed = 8, 4
    mixed = generate_html_dataset(tmp_path / "mixed", n, seed=seed, html_share=0.5, photo_fraction=0.0)
    pil = generate_dataset(tmp_path / "pil", n, seed=seed, photo_fraction=0.0)
    mixed_records = [json.loads(x) for x in mixed.read_text(encoding="utf-8").splitlines()]
    pil_records = [json.loads(x) for x in pil.read_text(encoding="utf-8").splitlines()]
    assert len(mixed_records) == n
    kinds = [is_html_card(seed, i, 0.5) for i in range(n)]
    assert any(kinds) and not all(kinds), kinds  # this seed mixes both
    for i, (m, p) in enumerate(zip(mixed_records, pil_records)):
        assert (m.get("renderer") == "html") == kinds[i]
        assert (tmp_path / "mixed" / m["image"]).is_file()
        if not kinds[i]:
            assert m == p


def test_cli_renders_html_and_refuses_bad_combinations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from active_learning.synth.__main__ import main

    assert main(["--out", str(tmp_path), "--n", "3", "--renderer", "html", "--templates", "dark,monogram"]) == 0
    records = [json.loads(x) for x in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["layout"] for r in records] == ["html_dark", "html_monogram", "html_dark"]
    assert "html 3" in capsys.readouterr().out
    for bad in (["--renderer", "mixed", "--workers", "2"],
                ["--templates", "band"], ["--renderer", "html", "--html-share", "0.3"], ["--renderer", "html", "--templates", "nope"]):
        with pytest.raises(SystemExit) as exc:
            main(["--out", str(tmp_path / "x"), "--n", "1", *bad])
        assert exc.value.code == 2, bad


def test_layout_only_truth_equals_rendered_truth(renderer: HtmlRenderer, tmp_path: Path) -> None:
    """Measuring without pixels gives the truth the rendered cards have (the fast path for training)."""
    from active_learning.synth.__main__ import main

    assert main(["--out", str(tmp_path / "a"), "--n", "4", "--seed", "9", "--renderer", "mixed", "--layout-only"]) == 0
    assert main(["--out", str(tmp_path / "b"), "--n", "4", "--seed", "9", "--renderer", "mixed"]) == 0
    a = [json.loads(x) for x in (tmp_path / "a" / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    b = [json.loads(x) for x in (tmp_path / "b" / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not (tmp_path / "a" / "images").exists()
    assert all(r["image"] is None for r in a) and all(r["image"] for r in b)
    assert {r.get("renderer") for r in a} == {"html", None}  # both renderers' cards
    for ra, rb in zip(a, b):
        assert {**ra, "image": None} == {**rb, "image": None}


def test_branch_numbers_print_their_own_label(renderer: HtmlRenderer) -> None:
    """A card of several offices or shops prints each branch's number after its own label ("Filiale
    Hamburg:"); the number is a phone, the label is not."""
    drafts = [d for d in (draft_html_card(card_rng(31, i), photo=False, rotation=0) for i in range(200))
              if d.content.phone_labels][:3]
    assert drafts, "no multi-office card in 200 drafts"
    checked = 0
    for draft, result in zip(drafts, renderer.render(drafts)):
        if result is None:
            continue
        _, truth = result
        for number, label in draft.content.phone_labels.items():
            line = next(ln for ln in truth["lines"] if number in ln["text"])
            assert [line["text"][a:b] for a, b, f in line["spans"] if f == "phone" and number in line["text"][a:b]] == [number]
            # the label: on the number's line, or in its own cell of a label table
            label_lines = [ln for ln in truth["lines"] if label in ln["text"]]
            assert label_lines, (label, [ln["text"] for ln in truth["lines"]])
            assert all(label not in ln["text"][a:b] for ln in label_lines for a, b, _ in ln["spans"])
            assert number in truth["fields"]["phone"]
            checked += 1
    assert checked


def test_missing_browser_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match="cannot start"):
        Browser(str(tmp_path / "no-such-chromium"))
