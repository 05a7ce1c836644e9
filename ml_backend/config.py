"""Every environment variable cardloop reads: its name, default and meaning, in one place.

``load_settings()`` reads the environment at call time (so tests and workers can change it);
``documented_variables()`` feeds the README configuration table and the docker-compose check.
Code never calls ``os.environ`` for its own settings; it asks for a ``Settings`` object.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any, Callable


def _var(name: str, default: str, help: str, cast: Callable[[str], Any] = str) -> Any:
    """A settings field filled from the environment variable ``name`` when settings are loaded."""

    def read() -> Any:
        return cast(os.environ.get(name, default))

    return field(default_factory=read, metadata={"env": name, "default": default, "help": help})


def _bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


def _csv(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


@dataclass(frozen=True)
class Settings:
    # --- model and inference ---
    model_dir: str = _var(
        "CARDLOOP_MODEL_DIR", "models/current",
        "LayoutLMv3 model directory served and used by the CLI (the registry's `current` pointer by default).",
    )
    registry_dir: str = _var(
        "CARDLOOP_REGISTRY_DIR", "models",
        "Model registry root: versioned model dirs, the default `current` pointer, one `projects/<id>/current` "
        "per project that promoted its own model, and their metadata.json.",
    )
    base_model: str = _var(
        "CARDLOOP_BASE_MODEL", "",
        "Model to fine-tune when no model is served yet: a local dir or a hub id (e.g. microsoft/layoutlmv3-base, needs network).",
    )
    ocr_engine: str = _var("CARDLOOP_OCR_ENGINE", "ppocr", "OCR engine: `ppocr` (rapidocr + onnxruntime, default) or `paddle` (native PaddleOCR).")
    ocr_threads: int = _var("CARDLOOP_OCR_THREADS", "1", "onnxruntime / Paddle threads per process.", int)
    torch_threads: int = _var("CARDLOOP_TORCH_THREADS", "1", "torch threads per process (more collapses on a busy 2-core machine).", int)
    paddle_model_dir: str = _var(
        "CARDLOOP_PADDLE_MODEL_DIR", "models/paddle",
        "Local PaddleOCR model folders prepared by scripts/prepare_paddle_models.py (engine `paddle`).",
    )
    tesseract: str = _var(
        "CARDLOOP_TESSERACT", "auto",
        "Re-read lines PP-OCR cannot read (Cyrillic) with Tesseract: `auto` (when installed) or `off`.",
    )
    tessdata: str = _var("CARDLOOP_TESSDATA", "/usr/share/tesseract-ocr/5/tessdata/", "Tesseract language data directory.")
    tesseract_readings: tuple[str, ...] = _var(
        "CARDLOOP_TESSERACT_READINGS", "rus+eng:64,rus+eng:48,Cyrillic+eng:48",
        "Tesseract readings of a re-read line, `languages:line height in px` each, tried in order "
        "until one is sure; the most confident wins. Readings whose language data is missing are skipped.",
        _csv,
    )
    min_ocr_confidence: float = _var(
        "CARDLOOP_MIN_OCR_CONFIDENCE", "0.7",
        "A value read from a line PP-OCR scored below this is flagged for the annotator, not accepted "
        "(phones aside: their digits are checked by phonenumbers).", float,
    )
    min_tesseract_confidence: float = _var(
        "CARDLOOP_MIN_TESSERACT_CONFIDENCE", "0.6",
        "The same for lines Tesseract re-read (its scores run lower than PP-OCR's).", float,
    )
    qr_enabled: bool = _var("CARDLOOP_QR", "true", "Decode vCard/MeCard QR codes before OCR.", _bool)
    detect_cards: bool = _var(
        "CARDLOOP_DETECT_CARDS", "true",
        "Look for several cards in each task image (a scanner sheet, a desk photo) and predict one region group per card; "
        "false reads every image as one card (about 0.1-0.3 s less per image).", _bool,
    )
    max_pixels: int = _var(
        "CARDLOOP_MAX_PIXELS", "24000000",
        "Largest image accepted, in pixels (24 MP: a 6000x4000 phone photo); checked on the header, before decoding.", int,
    )
    max_image_side: int = _var(
        "CARDLOOP_MAX_IMAGE_SIDE", "4096",
        "Images with a longer side are scaled down to it as they are decoded (OCR reads at 2048 px); 0 keeps every pixel.", int,
    )
    max_image_bytes: int = _var("CARDLOOP_MAX_IMAGE_BYTES", "26214400", "Largest image file accepted, in bytes.", int)
    default_region: str = _var("CARDLOOP_DEFAULT_REGION", "US", "Phone region assumed when neither the number nor the card says otherwise.")
    spacy_models: tuple[str, ...] = _var(
        "CARDLOOP_SPACY_MODELS", "",
        "Installed trained spaCy pipelines (comma-separated names or paths) the validator uses instead of blank en/ru rule pipelines.", _csv,
    )

    # --- Label Studio and the ML backend server ---
    label_studio_url: str = _var(
        "LABEL_STUDIO_URL", "http://127.0.0.1:8080",
        "Label Studio base URL: the only origin that is sent the token. /setup's `hostname` is adopted only when it "
        "names this same origin.",
    )
    label_studio_api_key: str = _var(
        "LABEL_STUDIO_API_KEY", "",
        "Label Studio API token for fetching task images. When set, /setup's `access_token` is ignored; when empty, "
        "the one /setup sends is used. Never logged.",
    )
    fetch_allowlist: tuple[str, ...] = _var(
        "CARDLOOP_FETCH_ALLOWLIST", "",
        "Extra hosts (`host` or `host:port`, comma-separated) the backend may fetch task images from besides Label "
        "Studio's; they never receive the token.", _csv,
    )
    fetch_timeout: float = _var(
        "CARDLOOP_FETCH_TIMEOUT", "10",
        "Seconds allowed to download one task image, in total: connecting, redirects, headers and body.", float,
    )
    predict_deadline: float = _var(
        "CARDLOOP_PREDICT_DEADLINE", "90",
        "Seconds one /predict request may take, waiting included; past it the request stops and answers 503 "
        "(keep it below Label Studio's ML_TIMEOUT_PREDICT, 100 s by default).", float,
    )
    predict_max_tasks: int = _var(
        "CARDLOOP_PREDICT_MAX_TASKS", "300",
        "Most tasks one /predict request may carry (more get HTTP 413). Label Studio's \"Retrieve predictions\" sends "
        "every selected task in one request.", int,
    )
    predict_concurrency: int = _var(
        "CARDLOOP_PREDICT_CONCURRENCY", "1",
        "/predict requests a worker process runs at once (the model is CPU-bound: more only share the cores).", int,
    )
    predict_queue: int = _var(
        "CARDLOOP_PREDICT_QUEUE", "2",
        "/predict requests that may wait for a free slot; more get HTTP 503 with Retry-After, so threads stay free "
        "for /health and /metrics.", int,
    )
    local_files_root: str = _var(
        "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT", "",
        "When set, /data/local-files/?d=... images are read from this directory instead of over HTTP.",
    )
    basic_auth_user: str = _var("BASIC_AUTH_USER", "", "HTTP basic auth user for every backend endpoint (off when empty).")
    basic_auth_pass: str = _var("BASIC_AUTH_PASS", "", "HTTP basic auth password.")
    model_poll_seconds: float = _var("CARDLOOP_MODEL_POLL_SECONDS", "5", "How often the server checks the registry for a newly promoted model.", float)
    max_project_models: int = _var(
        "CARDLOOP_MAX_PROJECT_MODELS", "4",
        "Project models (of projects that promoted their own) each backend process keeps loaded beside the default; "
        "the least recently used is dropped first (at least 1).", int,
    )
    host: str = _var("CARDLOOP_HOST", "0.0.0.0", "Address the backend binds to.")
    port: int = _var("CARDLOOP_PORT", "9090", "Port the backend listens on.", int)
    workers: int = _var("CARDLOOP_WORKERS", "1", "gunicorn worker processes (each loads the model once).", int)

    # --- queue and active learning ---
    redis_url: str = _var("REDIS_URL", "redis://127.0.0.1:6379/0", "Redis for the RQ queues and the webhook counters.")
    train_queue: str = _var("CARDLOOP_TRAIN_QUEUE", "cardloop-train", "RQ queue for training jobs (can be served by GPU workers).")
    light_queue: str = _var("CARDLOOP_LIGHT_QUEUE", "cardloop-light", "RQ queue for scoring and CRM sync jobs.")
    retrain_after: int = _var("CARDLOOP_RETRAIN_AFTER", "10", "New annotations since the last training that trigger a retrain.", int)
    train_timeout: int = _var("CARDLOOP_TRAIN_TIMEOUT", "3600", "Seconds a training job may run before RQ stops it.", int)
    train_epochs: float = _var("CARDLOOP_TRAIN_EPOCHS", "8", "Epochs of a fine-tuning run.", float)
    replay_ratio: float = _var(
        "CARDLOOP_REPLAY_RATIO", "1.0",
        "Generated cards mixed into a fine-tuning run per annotated card, so the model does not forget what it knew (0 = none).",
        float,
    )
    train_lock_ttl: int = _var(
        "CARDLOOP_TRAIN_LOCK_TTL", "60",
        "Seconds a training job's per-project lock outlives its last heartbeat (a SIGKILLed worker frees it after this).", int,
    )
    uncertainty: str = _var("CARDLOOP_UNCERTAINTY", "least_confidence", "Card uncertainty: least_confidence, margin or entropy.")
    next_batch_size: int = _var("CARDLOOP_NEXT_BATCH_SIZE", "20", "Cards in the \"Next batch\" view.", int)
    heldout_fraction: float = _var("CARDLOOP_HELDOUT_FRACTION", "0.2", "Share of annotated cards kept for evaluation (by task id).", float)
    min_heldout_for_tie: int = _var(
        "CARDLOOP_MIN_HELDOUT_FOR_TIE", "20",
        "A challenger that only ties the champion's held-out F1 is promoted when at least this many held-out cards "
        "were compared; on fewer the champion stays (the job result says why).", int,
    )

    # --- CRM export ---
    crm_database_url: str = _var(
        "CRM_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cardloop_crm",
        "PostgreSQL database the validated contacts are exported to.",
    )

    # --- local stack (scripts/stack.sh) ---
    stack_dir: str = _var("CARDLOOP_STACK_DIR", "var", "Where the local stack keeps its servers' data, pid files and logs.")
    ls_port: int = _var("CARDLOOP_LS_PORT", "8080", "Port of the local stack's Label Studio.", int)
    pg_port: int = _var("CARDLOOP_PG_PORT", "5432", "PostgreSQL port the local stack uses (a private cluster is started there when none answers).", int)
    sample_cards: int = _var("CARDLOOP_SAMPLE_CARDS", "24", "Generated sample cards the local stack imports into Label Studio.", int)

    log_level: str = _var("CARDLOOP_LOG_LEVEL", "INFO", "Python logging level for services and jobs.")


def load_settings() -> Settings:
    """Settings as the environment says now."""
    return Settings()


def documented_variables() -> list[dict[str, str]]:
    """Name, default and meaning of every variable, for README and the compose check."""
    return [
        {"name": f.metadata["env"], "default": f.metadata["default"], "help": f.metadata["help"]}
        for f in fields(Settings)
    ]


def markdown_table() -> str:
    """The README's configuration table (``python -m ml_backend.config`` prints it)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for var in documented_variables():
        default = f"`{var['default']}`" if var["default"] else "(empty)"
        rows.append(f"| `{var['name']}` | {default} | {var['help']} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
