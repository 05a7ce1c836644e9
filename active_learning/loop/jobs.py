"""RQ job functions of the active-learning loop. They take plain ids, so any worker can run them.

``train_project(project_id)`` (train queue, possibly a GPU worker on another machine):

1. takes the project's training lock and pending-annotation snapshot (``queue.training_run``);
2. exports the annotated tasks from Label Studio; when they are exactly the data the champion
   was trained on (``data_fingerprint`` in its metadata) there is nothing to learn and the job
   ends "skipped" without training; otherwise it builds OCR-aligned examples with the fixed
   task-id held-out split (``dataset.build_dataset``);
3. fine-tunes the model the project is served (its own registry pointer, else the default
   ``current``, else ``settings.base_model``) into a registry *staging* dir, reporting
   step/epoch/loss to the RQ job's meta and to Redis for /metrics;
4. evaluates champion and challenger on the same held-out cards and promotes the challenger
   when it is better, or ties on at least ``CARDLOOP_MIN_HELDOUT_FOR_TIE`` held-out cards (a tie
   on two cards says nothing and would only churn versions); one atomic switch of *this
   project's* pointer (other projects keep theirs; the default stays), re-checked under the
   project's lock against the champion the job started from; metadata keeps both scores, data
   counts and fingerprint, parent and timings; the job result says why;
5. after a promotion queues the scoring job, which predicts the unlabeled tasks with the new
   version and then sets the Label Studio project's ``model_version`` to it.

A worker killed at any point leaves the champion untouched: the new model is only ever visible
after ``registry.commit`` renamed a complete directory and ``promote`` switched the pointer.

``score_project(project_id)`` (light queue): scores unlabeled tasks and refreshes "Next batch".

Workers are plain RQ workers started from the repository root with the same settings
(environment) as the backend plus ``LABEL_STUDIO_API_KEY``; ``--with-scheduler`` runs the
delayed RQ retries and ``-c active_learning.loop.worker_preload`` loads the job modules once per
worker instead of once per job. One worker per queue at least: a worker serving both queues
takes a training job first and keeps CRM exports and scoring waiting for as long as it trains::

    rq worker --url "$REDIS_URL" --with-scheduler -c active_learning.loop.worker_preload cardloop-train
    rq worker --url "$REDIS_URL" --with-scheduler -c active_learning.loop.worker_preload cardloop-light
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from rq import get_current_job

from active_learning.loop import queue as q
from ml_backend.config import Settings, load_settings

log = logging.getLogger(__name__)


def train_project(project_id: int) -> dict[str, Any]:
    """Train, evaluate and maybe promote a model for one Label Studio project (see module doc)."""
    settings = load_settings()
    job = get_current_job()
    conn = job.connection if job is not None else q.connect(settings.redis_url)
    job_id = job.id if job is not None else f"inline-{uuid.uuid4().hex[:12]}"
    with q.training_run(conn, int(project_id), job_id, settings) as run:
        if run is None:
            return {"status": "deferred", "reason": "another training job of this project is running"}
        if not run.has_work:
            return {"status": "skipped", "reason": "no new annotations since the last training"}
        outcome = _train(int(project_id), run, settings, conn, job)
    q.report_progress(conn, int(project_id), last_version=outcome.get("version") or "",
                      last_promoted=int(bool(outcome.get("promoted"))),
                      last_challenger_f1=outcome.get("challenger", {}).get("f1"),
                      last_champion_f1=(outcome.get("champion") or {}).get("f1"))
    return outcome


def _publish(job: Any, conn: Any, project: int, progress: dict[str, Any]) -> None:
    """Training progress -> RQ job meta (``rq info``, dashboards) and the Redis status /metrics reads."""
    fields = {k: progress[k] for k in ("step", "max_steps", "epoch", "loss", "eval_f1") if k in progress}
    if job is not None:
        job.meta["progress"] = fields
        job.save_meta()
    if fields:
        q.report_progress(conn, project, **fields)


def _train(project: int, run: q.TrainingRun, settings: Settings, conn: Any, job: Any) -> dict[str, Any]:
    from ml_backend.studio.client import auth_headers, fetch_annotated_tasks, required_client
    from active_learning.training.dataset import OcrCache, build_dataset
    from ml_backend.registry import ChampionChanged, ModelRegistry
    from active_learning.training.replay import with_replay
    from active_learning.training.train import ProgressCallback, evaluate_model, train_model
    from ml_backend.reading.fetch import ImageFetcher, task_image_url
    from ml_backend.reading.layout.metadata import read_metadata
    from ml_backend.reading.pipeline import CardPipeline

    timings: dict[str, float] = {}
    started = time.perf_counter()
    registry = ModelRegistry(settings.registry_dir)
    registry.clean_staging()
    champion = registry.current(project)  # the project's own model, else the default
    init_from = str(champion[1]) if champion else settings.base_model
    if not init_from:
        raise RuntimeError("no model to fine-tune: nothing promoted in the registry and CARDLOOP_BASE_MODEL is empty")

    client = required_client(settings)
    tasks = list(fetch_annotated_tasks(client, project, None))
    fingerprint = data_fingerprint(tasks, settings.heldout_fraction)
    if champion is not None:
        champion_meta = read_metadata(champion[1])
        if champion_meta.get("project") == project and champion_meta.get("data_fingerprint") == fingerprint:
            reason = f"no annotation changed since the champion {champion[0]} was trained on them"
            log.info("project %s: training skipped: %s", project, reason)
            return {"project": project, "job": run.job_id, "status": "skipped", "promoted": False,
                    "reason": reason, "champion_version": champion[0], "data_fingerprint": fingerprint}

    # the OCR (and QR-text filter) exactly as serving runs it
    pipeline = CardPipeline.load(settings, model_dir=init_from)
    fetcher = ImageFetcher(settings, settings.label_studio_url, auth_headers(settings.label_studio_api_key))
    built = build_dataset(
        tasks,
        lambda task: fetcher.fetch_image(task_image_url(task)),
        lambda image: pipeline.predict(image).ocr,
        settings.heldout_fraction,
        cache=OcrCache(Path(settings.registry_dir) / "cache" / "ocr", pipeline.ocr.name),
    )
    timings["dataset_seconds"] = round(time.perf_counter() - started, 1)
    missing = sorted(run.annotation_ids - built.annotation_ids)
    if missing:  # deleted since, or their task could not be read (then listed in built.skipped)
        log.warning("project %s: %d pending annotations not in the export: %s", project, len(missing), missing[:20])
    summary: dict[str, Any] = {
        "project": project, "job": run.job_id, "parent": champion[0] if champion else init_from,
        "data": {**built.counts(), "pending_annotations": len(run.annotation_ids), "missing_annotations": missing},
        "skipped_tasks": built.skipped, "data_fingerprint": fingerprint,
    }
    if len(built.train) == 0:
        return {**summary, "status": "skipped", "promoted": False, "reason": "no annotated training cards yet"}

    class JobProgress(ProgressCallback):
        """A class of its own: ``train_model`` adds a plain ProgressCallback, and the Trainer warns
        (in every worker log, every training) about a second callback of one class."""

    train_set, replayed = with_replay(built.train, settings.replay_ratio, seed=len(built.train))
    summary["data"]["replay_cards"] = replayed
    staging = registry.create_staging()
    try:
        t0 = time.perf_counter()
        result = train_model(
            train_set, None, init_from=init_from, output_dir=staging, epochs=settings.train_epochs,
            callbacks=[JobProgress(lambda p: _publish(job, conn, project, p))],
        )
        timings["train_seconds"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        challenger = evaluate_model(staging, built.heldout) if len(built.heldout) else None
        defender = evaluate_model(init_from, built.heldout) if len(built.heldout) and champion else None
        timings["eval_seconds"] = round(time.perf_counter() - t0, 1)
        promote, reason = promotion_decision(challenger, defender, has_champion=champion is not None,
                                             min_tie_cards=settings.min_heldout_for_tie)
        summary.update(challenger=_brief(challenger), champion=_brief(defender), promoted=promote, reason=reason)
        if not promote:
            shutil.rmtree(staging, ignore_errors=True)
            log.info("project %s: challenger not promoted (%s)", project, reason)
            return {**summary, "status": "rejected", "timings": timings}
        timings["total_seconds"] = round(time.perf_counter() - started, 1)
        version = registry.commit(staging, metadata={
            "project": project,
            "parent": champion[0] if champion else init_from,
            "metrics": challenger or result.metrics,
            "champion_metrics": defender,
            "heldout": {"tasks": built.heldout_tasks, "fraction": settings.heldout_fraction},
            "data_fingerprint": fingerprint,
            "promotion_reason": reason,
            "data": {**result.metadata.get("data", {}), **built.counts(), "replay_cards": replayed},
            "timings": {**result.metadata.get("timings", {}), **timings},
            "rq_job": run.job_id,
        })
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # a timeout/exception leaves no half-written model
        raise
    try:  # re-checked under the project's lock: a rollback (or the default moving under a project
        # without a model of its own) meanwhile must stand, not be overwritten by this job
        registry.promote(version, expected_current=champion[0] if champion else None, project=project)
    except ChampionChanged as exc:
        reason = f"not promoted: {exc} (that promotion stands; {version} stays in the registry)"
        log.warning("project %s: %s", project, reason)
        return {**summary, "status": "superseded", "promoted": False, "version": version, "reason": reason,
                "timings": timings}
    # The scoring job writes this version's predictions and then sets the project's model_version
    # (Label Studio refuses a version no prediction of the project carries yet).
    scoring_job = q.enqueue_scoring(conn, settings, project)
    log.info("project %s: promoted %s (F1 %s vs %s), scoring job %s", project, version,
             summary["challenger"] and summary["challenger"]["f1"],
             summary["champion"] and summary["champion"]["f1"], scoring_job)
    return {**summary, "status": "promoted", "version": version, "scoring_job": scoring_job, "timings": timings}


#: F1 differences below this are ties (the same cards scored the same, up to float noise).
TIE_TOLERANCE = 1e-9


def promotion_decision(
    challenger: dict | None, champion: dict | None, has_champion: bool, min_tie_cards: int = 0
) -> tuple[bool, str]:
    """Champion/challenger on the same held-out cards: promote a better challenger; a tie only
    when at least ``min_tie_cards`` held-out cards were compared (on fewer, a tie is no evidence
    and promoting it would only churn versions). The reason goes into the job result."""
    if not has_champion:
        return True, "no model was served yet"
    if challenger is None:
        return False, "no held-out cards to compare champion and challenger on"
    if champion is None:
        return True, "the champion could not be evaluated"
    new, old = float(challenger["f1"]), float(champion["f1"])
    if new > old + TIE_TOLERANCE:
        return True, f"held-out F1 {new:.4f} > champion {old:.4f}"
    if new < old - TIE_TOLERANCE:
        return False, f"held-out F1 {new:.4f} < champion {old:.4f}"
    cards = int(challenger.get("cards") or 0)
    if cards >= min_tie_cards:
        return True, f"held-out F1 {new:.4f} ties the champion on {cards} held-out cards (>= {min_tie_cards})"
    return False, (f"held-out F1 {new:.4f} ties the champion on only {cards} held-out cards "
                   f"(CARDLOOP_MIN_HELDOUT_FOR_TIE is {min_tie_cards}): keeping the champion")


def data_fingerprint(tasks: list[dict[str, Any]], heldout_fraction: float) -> str:
    """Hash of what a training run learns from: each annotated task's latest annotation (id,
    time, result) and the held-out split. Equal fingerprints mean retraining cannot learn
    anything new, so a run on the champion's own data is skipped."""
    from ml_backend.studio.client import latest_annotation

    entries = []
    for task in tasks:
        annotation = latest_annotation(task)
        if annotation is None:
            continue
        entries.append([int(task["id"]), int(annotation["id"]), str(annotation.get("updated_at") or ""),
                        bool(annotation.get("was_cancelled")), annotation.get("result") or []])
    entries.sort(key=lambda e: e[0])
    payload = json.dumps({"heldout_fraction": heldout_fraction, "tasks": entries}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _brief(scores: dict[str, Any] | None) -> dict[str, Any] | None:
    if scores is None:
        return None
    return {k: scores[k] for k in ("f1", "precision", "recall", "word_accuracy", "cards") if k in scores}


def score_project(project_id: int) -> dict[str, Any]:
    """Score the project's unlabeled tasks with the served model and refresh the "Next batch" view."""
    from active_learning.loop.batch import refresh_next_batch

    settings = load_settings()
    job = get_current_job()
    if job is not None:
        q.scoring_started(job.connection, int(project_id), job.id)
    return refresh_next_batch(int(project_id), settings)
