"""Measure the OCR engine on generated cards: latency per card, CER per locale, rotations.

    .venv/bin/python scripts/bench_ocr.py --cards 10
    .venv/bin/python scripts/bench_ocr.py --cards 10 --locales ru_RU --no-tesseract
    .venv/bin/python scripts/bench_ocr.py --cards 6 --photo --det-side 736

Cards are rendered with Faker text in several fonts (``active_learning.bench.ocr_samples``); CER compares
the card's lines with the engine's lines joined in reading order. ``--photo`` shoots each card
as a phone photo (smaller, tilted, blurred, JPEG); ``--rotations`` also reads every card turned
90/180/270 degrees and reports how often the engine found the right turn.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml_backend.config import load_settings  # noqa: E402
from ml_backend.reading.ocr import create_engine  # noqa: E402
from ml_backend.reading.respell import respelled  # noqa: E402
from ml_backend.reading.geometry import rotate_image  # noqa: E402
from active_learning.bench.ocr_samples import available_fonts, cer, faker_card_lines, photograph, render_card  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10, help="cards per locale")
    parser.add_argument("--locales", default="en_US,ru_RU", help="comma-separated Faker locales")
    parser.add_argument("--engine", default=None, help="ppocr or paddle (default: settings)")
    parser.add_argument("--det-side", type=int, default=None, help="detector limit side (ppocr only)")
    parser.add_argument("--no-tesseract", action="store_true", help="do not re-read lines with Tesseract")
    parser.add_argument("--photo", action="store_true", help="read phone-photo versions of the cards")
    parser.add_argument("--rotations", action="store_true", help="also read each card turned 90/180/270")
    parser.add_argument("--show", action="store_true", help="print lines of cards with CER > 5%%")
    args = parser.parse_args(argv)

    settings = load_settings()
    overrides = {}
    if args.engine:
        overrides["ocr_engine"] = args.engine
    if args.no_tesseract:
        overrides["tesseract"] = "off"
    settings = dataclasses.replace(settings, **overrides)
    if args.det_side:
        from ml_backend.reading.ocr.ppocr import RapidOcrStages
        from ml_backend.reading.ocr.reread import create_reader
        from ml_backend.reading.ocr.staged import StagedOcrEngine

        engine = StagedOcrEngine("ppocr", RapidOcrStages(settings.ocr_threads, args.det_side), create_reader(settings))
    else:
        engine = create_engine(settings)

    fonts = available_fonts()
    turns = (0, 90, 180, 270) if args.rotations else (0,)
    engine.read(render_card(["warm up"]))
    latencies: list[float] = []
    cpu_times: list[float] = []  # this process's CPU time: wall time without other processes' load
    print(f"engine={engine.name} tesseract={'off' if args.no_tesseract else settings.tesseract} photo={args.photo}")
    for locale in [s for s in args.locales.split(",") if s]:
        errors: dict[int, list[float]] = {t: [] for t in turns}
        right_turn = {t: 0 for t in turns}
        for i in range(args.cards):
            lines = faker_card_lines(locale, seed=i)
            image = render_card(lines, font=fonts[i % len(fonts)], logo=i % 2 == 0)
            if args.photo:
                image = photograph(image, seed=i)
            for turn in turns:
                turned = rotate_image(image, turn)
                start, start_cpu = time.perf_counter(), time.process_time()
                result = respelled(engine.read(turned))  # the pipeline's OCR and respell stages
                if turn == 0:
                    latencies.append(time.perf_counter() - start)
                    cpu_times.append(time.process_time() - start_cpu)
                got = "\n".join(ln.text for ln in result.lines)
                error = cer("\n".join(lines), got)
                errors[turn].append(error)
                right_turn[turn] += result.rotation == (360 - turn) % 360
                if args.show and error > 0.05:
                    print(f"  {locale} card {i} turn {turn} CER {error:.3f} rotation {result.rotation}")
                    for ln in result.lines:
                        print(f"      {ln.source:9s} {ln.confidence:.2f} {ln.text!r}")
        for turn in turns:
            print(
                f"{locale} turned {turn:3d}: mean CER {statistics.mean(errors[turn]):.4f}"
                f" (max {max(errors[turn]):.3f}), right rotation {right_turn[turn]}/{args.cards}"
            )
    print(
        f"latency per card ({len(latencies)} cards): p50 {percentile(latencies, 0.5):.3f} s,"
        f" p95 {percentile(latencies, 0.95):.3f} s; CPU time p50 {percentile(cpu_times, 0.5):.3f} s,"
        f" p95 {percentile(cpu_times, 0.95):.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
