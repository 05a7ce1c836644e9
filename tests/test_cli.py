"""``python -m ml_backend predict``'s concise view and overlay PNGs, with the tiny model on
generated cards."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from PIL import Image

from active_learning.synth import generate_card
from ml_backend.studio.overlay import LABEL_COLOURS, overlay_path

REPO = Path(__file__).resolve().parent.parent


def _cli(args: list[str], model_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CARDLOOP_MODEL_DIR": str(model_dir)}
    return subprocess.run([sys.executable, "-m", "ml_backend", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_predict_prints_one_line_per_value_and_writes_overlays(tiny_model_dir: Path, tmp_path: Path):
    card_path = tmp_path / "card.png"
    image, truth = generate_card(random.Random(5), locale="en_US", photo=False, rotation=0, qr=False)
    assert truth["normalised"]["email"], "this seed's card prints an e-mail, which the output must show"
    image.save(card_path)
    missing = tmp_path / "missing.png"
    overlays = tmp_path / "seen"

    out = _cli(["predict", "--overlay", str(overlays), str(card_path), str(missing)], tiny_model_dir)
    assert out.returncode == 1, out.stderr  # the missing image
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{card_path}  (card confidence ")
    assert any(line.startswith(f"{missing}  error: ") for line in lines)
    value_lines = [line for line in lines if line.startswith("  ") and not line.startswith("  overlay")]
    # concise: one line per value, not one per box corner
    assert 1 <= len(value_lines) <= 30 and len(lines) < 40
    email = truth["normalised"]["email"][0].lower()
    assert any(line.split()[0] == "email" and email in line for line in value_lines)
    assert f"  overlay    {overlays / 'card.png'}" in lines

    png = Image.open(overlays / "card.png")
    assert png.format == "PNG" and png.width == image.width and png.height >= image.height
    # boxes are drawn in their label's colour on the card
    colours = {c for _, c in png.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert colours & set(LABEL_COLOURS.values())
    assert not (overlays / "missing.png").exists()


def test_predict_json_keeps_the_full_record(tiny_model_dir: Path, tmp_path: Path):
    card_path = tmp_path / "card.jpg"
    generate_card(random.Random(6), locale="ru_RU", photo=False, rotation=0, qr=False)[0].save(card_path)
    out = _cli(["predict", "--jsonl", "--overlay", str(tmp_path / "o"), str(card_path)], tiny_model_dir)
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert {"fields", "lines", "issues", "model_version"} <= set(record)
    assert Path(record["overlay"]).is_file()


def test_overlay_into_an_unwritable_place_is_one_line(tiny_model_dir: Path, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = _cli(["predict", "--overlay", str(blocker / "sub"), str(tmp_path / "x.png")], tiny_model_dir)
    assert out.returncode == 2
    assert out.stderr.strip().startswith("error: cannot create the overlay folder")


def test_overlay_paths_do_not_collide(tmp_path: Path):
    taken: set[Path] = set()
    assert overlay_path(tmp_path, "a/card.jpg", taken) == tmp_path / "card.png"
    assert overlay_path(tmp_path, "b/card.png", taken) == tmp_path / "card-2.png"


def test_evaluate_saves_a_result_that_renders_into_the_benchmarks_page(tiny_model_dir: Path, tmp_path: Path):
    from active_learning.synth import generate_dataset

    cards = tmp_path / "cards"
    generate_dataset(cards, 3, seed=11)
    results = tmp_path / "results"
    out = _cli(["evaluate", str(cards / "truth.jsonl"), "--limit", "2", "--name", "three cards",
                "--about", "Generated for a test.", "--markdown", "--save", str(results / "a.json")], tiny_model_dir)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("## three cards\n\nGenerated for a test.\n\n2 cards from ")
    assert "| **micro** |" in out.stdout and "| end_to_end |" in out.stdout
    saved = json.loads((results / "a.json").read_text())
    assert saved["cards"] == 2 and saved["set"]["name"] == "three cards"
    assert saved["command"].startswith(f"python -m ml_backend evaluate {cards / 'truth.jsonl'} --limit 2 --name ")

    page = tmp_path / "benchmarks.md"
    out = _cli(["benchmarks", "--results", str(results), "--out", str(page), "--no-readme"], tiny_model_dir)
    assert out.returncode == 0, out.stderr
    assert "| three cards | 2 |" in page.read_text() and saved["command"] in page.read_text()
    out = _cli(["benchmarks", "--results", str(results), "--out", str(page), "--no-readme", "--check"], tiny_model_dir)
    assert out.returncode == 0 and out.stdout.strip() == "up to date"


def test_evaluate_bad_inputs_are_one_line(tiny_model_dir: Path, tmp_path: Path):
    out = _cli(["evaluate", str(tmp_path / "none.jsonl")], tiny_model_dir)
    assert out.returncode == 2 and out.stderr.strip() == f"error: {tmp_path / 'none.jsonl'} is not a file"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"fields": {}}\n')
    out = _cli(["evaluate", str(bad)], tiny_model_dir)
    assert out.returncode == 2 and "bad.jsonl:1: not a truth record with an 'image'" in out.stderr.strip().splitlines()[-1]
