"""Accuracy and latency benchmark on a truth JSONL (generated cards or your own labelled ones).

For every card the pipeline runs once; the regex baseline parses the very same OCR lines, so the
comparison isolates what the classifier and validator add. Prints two tables: per-field accuracy
(model beside baseline, split by clean/photo and language) and per-stage latency p50/p95.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from statistics import quantiles
from typing import Any

from ml_backend.baseline import regex_fields
from ml_backend.evaluate import evaluate, format_table
from ml_backend.images import ImageError, load_image
from ml_backend.pipeline import STAGES, CardPipeline
from ml_backend.schema import empty_fields, fields_from_values

log = logging.getLogger(__name__)


def read_truth(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Truth records with ``image`` resolved relative to the JSONL file."""
    records = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                rec["image"] = str((path.parent / rec["image"]).resolve())
                records.append(rec)
            if limit is not None and len(records) >= limit:
                break
    return records


def percentile(samples: list[float], q: int) -> float:
    """q-th percentile (1..99) of ``samples``; the sample itself when there is only one."""
    if len(samples) == 1:
        return samples[0]
    return quantiles(samples, n=100, method="inclusive")[q - 1]


def latency_table(timings: list[dict[str, float]]) -> str:
    rows = ["| stage | p50 ms | p95 ms |", "|---|---:|---:|"]
    for stage in (*STAGES, "decode", "end_to_end"):
        samples = [t[stage] * 1000 for t in timings if stage in t]
        if samples:
            rows.append(f"| {stage} | {percentile(samples, 50):.0f} | {percentile(samples, 95):.0f} |")
    return "\n".join(rows)


def run_benchmark(pipeline: CardPipeline, truth_path: Path, limit: int | None = None) -> str:
    """Run model and baseline on every card of ``truth_path``; return the printable tables."""
    records = read_truth(truth_path, limit)
    settings = pipeline.settings
    model_preds, baseline_preds, timings = [], [], []
    for rec in records:
        start = time.perf_counter()
        try:
            image = load_image(rec["image"], max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
        except ImageError as exc:
            log.warning("skipping %s: %s", rec["image"], exc)
            model_preds.append(empty_fields())
            baseline_preds.append(empty_fields())
            continue
        decoded = time.perf_counter()
        card = pipeline.predict(image)
        timings.append({**card.timings, "decode": decoded - start, "end_to_end": time.perf_counter() - start})
        model_preds.append(card.fields())
        baseline_preds.append(fields_from_values(regex_fields(card.ocr.lines)))
    model_report = evaluate(model_preds, records)
    baseline_report = evaluate(baseline_preds, records)
    return (
        f"{len(records)} cards, model {pipeline.model_version}, OCR {pipeline.ocr.name}\n\n"
        f"{format_table(model_report, baseline_report)}\n\nLatency per card (one process, 1 thread):\n\n"
        f"{latency_table(timings)}"
    )
