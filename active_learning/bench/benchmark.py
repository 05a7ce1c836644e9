"""Accuracy and latency benchmark on a truth JSONL (generated cards or your own labelled ones).

For every card the pipeline runs once; the regex baseline parses the very same OCR lines, so the
comparison isolates what the classifier and validator add. The outcome is a *result*: a plain
JSON-able dict (model and baseline reports, per-stage latency, model version, the command that
produced it). The CLI prints it as text or Markdown tables and can save it under
``docs/results/``, from which ``active_learning.bench.benchmark_doc`` renders ``docs/benchmarks.md``: the
documented numbers are always the output of a command, never typed in.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import time
from pathlib import Path
from statistics import quantiles
from typing import Any

from active_learning.bench.baseline import regex_fields
from active_learning.bench.evaluate import evaluate, format_table
from ml_backend.reading.images import ImageError, load_image
from ml_backend.reading.pipeline import STAGES, CardPipeline
from ml_backend.progress import track
from ml_backend.schema import empty_fields, fields_from_values

log = logging.getLogger(__name__)

#: Version of the saved result layout; bump when a key changes meaning.
RESULT_FORMAT = 1
LATENCY_STAGES = (*STAGES, "decode", "end_to_end")


def read_truth(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Truth records with ``image`` resolved relative to the JSONL file.

    Raises ValueError naming the line when a line is not JSON or has no ``image``.
    """
    records = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                rec["image"] = str((path.parent / rec["image"]).resolve())
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a truth record with an 'image' ({exc})") from exc
            records.append(rec)
            if limit is not None and len(records) >= limit:
                break
    return records


def percentile(samples: list[float], q: int) -> float:
    """q-th percentile (1..99) of ``samples``; the sample itself when there is only one."""
    if len(samples) == 1:
        return samples[0]
    return quantiles(samples, n=100, method="inclusive")[q - 1]


def latency_summary(timings: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per stage: p50 and p95 in ms (rounded to 1 ms) over the cards that ran it."""
    out: dict[str, dict[str, float]] = {}
    for stage in LATENCY_STAGES:
        samples = [t[stage] * 1000 for t in timings if stage in t]
        if samples:
            out[stage] = {"p50": round(percentile(samples, 50)), "p95": round(percentile(samples, 95)),
                          "cards": len(samples)}
    return out


def model_summary(metadata: dict[str, Any]) -> dict[str, Any]:
    """What a reader of the benchmarks needs to know about the model measured (from its
    ``metadata.json``): how it was built, its size, and its held-out scores at build time."""
    heldout = metadata.get("heldout") or {}
    return {
        "source": metadata.get("source"),
        "parent": metadata.get("parent"),
        "parameters": (metadata.get("model") or {}).get("parameters"),
        "train_cards": (metadata.get("data") or {}).get("train_cards"),
        "heldout_cards": (metadata.get("metrics") or {}).get("cards"),
        "heldout_f1": (metadata.get("metrics") or {}).get("f1"),
        "heldout_f1_as_generated": (heldout.get("generated") or {}).get("f1"),
        "build_seconds": (metadata.get("timings") or {}).get("total"),
    }


def code_version() -> str | None:
    """The commit measured, with "-dirty" when tracked files differ from it; None outside git."""
    import subprocess

    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], cwd=root, timeout=30).returncode != 0
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty else "")


def run_benchmark(pipeline: CardPipeline, truth_path: Path, limit: int | None = None) -> dict[str, Any]:
    """Run model and baseline on every card of ``truth_path``; return the result dict."""
    records = read_truth(truth_path, limit)
    settings = pipeline.settings
    model_preds, baseline_preds, timings, skipped = [], [], [], []
    for rec in track(records, len(records), "evaluate", "card", log):
        start = time.perf_counter()
        try:
            image = load_image(rec["image"], max_pixels=settings.max_pixels, max_bytes=settings.max_image_bytes)
        except ImageError as exc:
            log.warning("skipping %s: %s", rec["image"], exc)
            skipped.append(Path(rec["image"]).name)
            model_preds.append(empty_fields())
            baseline_preds.append(empty_fields())
            continue
        decoded = time.perf_counter()
        card = pipeline.predict(image)
        timings.append({**card.timings, "decode": decoded - start, "end_to_end": time.perf_counter() - start})
        model_preds.append(card.fields())
        baseline_preds.append(fields_from_values(regex_fields(card.ocr.lines)))
    return {
        "format": RESULT_FORMAT,
        "cards": len(records),
        "skipped": skipped,
        "model_version": pipeline.model_version,
        "model_info": model_summary(pipeline.tagger.metadata),
        "code": code_version(),
        "ocr_engine": pipeline.ocr.name,
        "model": evaluate(model_preds, records).to_dict(),
        "baseline": evaluate(baseline_preds, records).to_dict(),
        "latency_ms": latency_summary(timings),
        "machine": {"cpus": os.cpu_count(), "torch_threads": settings.torch_threads,
                    "ocr_threads": settings.ocr_threads},
        "date": _dt.date.today().isoformat(),
    }


def describe(result: dict[str, Any], *, name: str, truth: str, command: str, about: str = "") -> dict[str, Any]:
    """The result with what a reader needs to reproduce it: the set's name, its truth file (as
    given on the command line), how the set was made, and the command that measured it."""
    return {"set": {"name": name, "truth": truth, "about": about}, "command": command, **result}


def format_text(result: dict[str, Any]) -> str:
    """The terminal report: fixed-width accuracy tables and the latency table."""
    from active_learning.bench.benchmark_doc import latency_table
    from active_learning.bench.evaluate import report_from_dict

    model, baseline = report_from_dict(result["model"]), report_from_dict(result["baseline"])
    skipped = f" ({len(result['skipped'])} unreadable, scored as empty)" if result.get("skipped") else ""
    return (
        f"{result['cards']} cards{skipped}, model {result['model_version']}, OCR {result['ocr_engine']}\n\n"
        f"{format_table(model, baseline)}\n\nLatency per card (one process, "
        f"{result['machine']['torch_threads']} torch thread(s)):\n\n{latency_table(result['latency_ms'])}"
    )
