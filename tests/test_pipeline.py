"""The whole card pipeline with real models (PP-OCR from the wheel, the tiny LayoutLMv3, spaCy
rules) on generated cards, and the ``python -m ml_backend predict`` CLI's bad-input behaviour."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from active_learning.synth import generate_card
from ml_backend.config import load_settings
from ml_backend.reading.pipeline import STAGES, CardPipeline
from ml_backend.schema import FIELDS, MULTI_VALUE_FIELDS

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pipeline(tiny_model_dir: Path) -> CardPipeline:
    return CardPipeline.load(load_settings(), model_dir=tiny_model_dir)


def test_predict_returns_a_schema_shaped_card(pipeline: CardPipeline):
    image, truth = generate_card(random.Random(5), locale="en_US", photo=False, rotation=0, qr=False)
    card = pipeline.predict(image)
    fields = card.fields()
    assert set(fields) == set(FIELDS)
    for name in MULTI_VALUE_FIELDS:
        assert isinstance(fields[name], list)
    assert card.ocr.lines, "OCR read nothing on a clean card"
    assert 0.0 <= card.confidence <= 1.0
    assert card.model_version == pipeline.model_version != ""
    assert set(STAGES) <= set(card.timings)
    # every tagged word carries a full distribution over the BIO tags (active learning needs it)
    assert card.words and all(abs(sum(w.probs) - 1.0) < 1e-3 for w in card.words)
    # the e-mail is a structured field that even the tiny model plus the validator gets right
    assert set(truth["normalised"]["email"]) & set(fields["email"]) or not truth["normalised"]["email"]


def test_qr_fields_win_and_are_reported(pipeline: CardPipeline):
    image, truth = generate_card(random.Random(11), locale="en_US", photo=False, rotation=0, qr=True)
    card = pipeline.predict(image)
    assert card.from_qr and card.qr_box is not None
    assert "email" in card.qr_fields
    assert card.fields()["email"] == [e.lower() for e in truth["normalised"]["email"]]
    assert all(v.source == "qr" for v in card.values if v.field in card.qr_fields)


def test_sideways_card_is_read_upright(pipeline: CardPipeline):
    image, truth = generate_card(random.Random(8), locale="en_US", photo=False, rotation=90, qr=False)
    card = pipeline.predict(image)
    assert card.ocr.rotation in (90, 270)
    text = " ".join(line.text for line in card.ocr.lines).lower()
    assert truth["fields"]["email"][0].lower().split("@")[0] in text


# --- CLI -------------------------------------------------------------------------------------


def _cli(args: list[str], model_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CARDLOOP_MODEL_DIR": str(model_dir)}
    return subprocess.run([sys.executable, "-m", "ml_backend", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_reports_each_bad_image_and_still_reads_the_good_ones(tiny_model_dir: Path, tmp_path: Path):
    good = tmp_path / "good.png"
    image, _ = generate_card(random.Random(3), locale="de_DE", photo=False, rotation=0, qr=False)
    image.save(good)
    not_image = tmp_path / "notes.png"
    not_image.write_text("this is not a picture")
    truncated = tmp_path / "truncated.jpg"
    image.save(truncated, format="JPEG")
    truncated.write_bytes(truncated.read_bytes()[:2000])
    huge = tmp_path / "huge.png"
    Image.new("L", (8000, 6000)).save(huge)  # 48 megapixels, a few kB on disk
    missing = tmp_path / "missing.png"

    out = _cli(["predict", "--jsonl", str(good), str(missing), str(not_image), str(truncated), str(huge)], tiny_model_dir)
    assert out.returncode == 1, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["image"] for r in results] == [str(p) for p in (good, missing, not_image, truncated, huge)]
    assert "error" not in results[0]
    assert set(results[0]) >= {"fields", "confidence", "field_confidence", "lines", "qr", "model_version"}
    for bad in results[1:]:
        assert set(bad) == {"image", "error"} and bad["error"]
    assert "megapixel" in results[4]["error"].lower() or "pixels" in results[4]["error"].lower()


def test_cli_exit_code_zero_when_all_images_read(tiny_model_dir: Path, tmp_path: Path):
    path = tmp_path / "card.jpg"
    generate_card(random.Random(4), locale="fr_FR", photo=True, rotation=0, qr=False)[0].save(path)
    out = _cli(["predict", "--json", str(path)], tiny_model_dir)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["image"] == str(path)


def test_cli_missing_model_is_one_clear_line(tmp_path: Path):
    out = _cli(["predict", str(tmp_path / "x.png")], tmp_path / "no-model")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1].startswith("error: cannot load the model")
