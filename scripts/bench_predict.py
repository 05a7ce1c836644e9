"""Throughput and latency of the backend's /predict under concurrent clients.

    python scripts/bench_predict.py                                 # in-process backend, real model
    python scripts/bench_predict.py --url http://127.0.0.1:9090 \\
        --local-root "$LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT"       # a running backend

Synthetic cards are written under ``<local-root>/cardloop-bench/`` and sent as Local Files tasks
(``/data/local-files/?d=...``), which the backend reads from its document root: the numbers
measure the backend, not a file server. For each batch size (default 1 and 16) every client
(default 4, each in its own thread) sends ``--requests`` batches; the table reports request
latency p50/p95, cards per second over the wall time, and tasks answered with empty results.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ml_backend.config import load_settings  # noqa: E402

log = logging.getLogger("bench_predict")
BENCH_DIR = "cardloop-bench"


@dataclass
class Row:
    batch: int
    clients: int
    requests: int
    cards: int
    failed_tasks: int
    errors: int
    p50_ms: float
    p95_ms: float
    cards_per_s: float


def write_cards(root: Path, count: int, seed: int) -> list[str]:
    """``count`` synthetic cards under root/cardloop-bench; their Local Files URLs."""
    from active_learning.synth import card_rng, generate_card

    folder = root / BENCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    urls = []
    for i in range(count):
        path = folder / f"card{i:03d}.png"
        if not path.exists():
            image, _ = generate_card(card_rng(seed, i))
            image.save(path)
        urls.append(f"/data/local-files/?d={BENCH_DIR}/{path.name}")
    return urls


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_batch_size(url: str, urls: list[str], batch: int, clients: int, per_client: int,
                   auth: tuple[str, str] | None, timeout: float) -> Row:
    latencies: list[float] = []
    failed = errors = 0
    lock = threading.Lock()

    def client(index: int) -> None:
        nonlocal failed, errors
        session = requests.Session()
        for r in range(per_client):
            start = (index * per_client + r) * batch
            tasks = [{"id": start + k, "data": {"image": urls[(start + k) % len(urls)]}} for k in range(batch)]
            began = time.perf_counter()
            try:
                resp = session.post(f"{url}/predict", json={"tasks": tasks}, auth=auth, timeout=timeout)
                elapsed = time.perf_counter() - began
                results = resp.json().get("results", []) if resp.status_code == 200 else []
            except (requests.RequestException, ValueError) as exc:
                log.warning("request failed: %s", exc)
                with lock:
                    errors += 1
                continue
            with lock:
                if resp.status_code != 200 or len(results) != batch:
                    errors += 1
                    continue
                latencies.append(elapsed)
                # a task whose image could not be read gets no prediction ([]): asked again later
                failed += sum(1 for res in results if not (isinstance(res, dict) and res.get("result")))

    wall_start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - wall_start
    done = len(latencies)
    return Row(batch=batch, clients=clients, requests=done, cards=done * batch, failed_tasks=failed, errors=errors,
               p50_ms=percentile(latencies, 0.5) * 1000, p95_ms=percentile(latencies, 0.95) * 1000,
               cards_per_s=done * batch / wall if wall > 0 else 0.0)


def format_table(rows: list[Row]) -> str:
    header = f"{'batch':>5} {'clients':>7} {'requests':>8} {'cards':>6} {'p50 ms':>9} {'p95 ms':>9} {'cards/s':>8} {'empty':>6} {'errors':>6}"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(f"{r.batch:>5} {r.clients:>7} {r.requests:>8} {r.cards:>6} {r.p50_ms:>9.0f} {r.p95_ms:>9.0f} "
                     f"{r.cards_per_s:>8.2f} {r.failed_tasks:>6} {r.errors:>6}")
    return "\n".join(lines)


def start_in_process(root: Path, model_dir: str | None) -> tuple[str, object]:
    """The real backend (real model) on a free port in this process; returns (url, server)."""
    from werkzeug.serving import make_server

    from ml_backend.runtime import configure_threads
    from ml_backend import wiring
    from scripts.services import free_port

    settings = load_settings()
    configure_threads(settings)
    settings = replace(settings, local_files_root=str(root), basic_auth_user="", model_dir=model_dir or settings.model_dir)
    app = wiring.app(settings, queue_depth=lambda: {})
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="running backend (default: start one in this process)")
    parser.add_argument("--local-root", default=None, help="the backend's LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT")
    parser.add_argument("--model-dir", default=None, help="in-process backend: model directory (default CARDLOOP_MODEL_DIR)")
    parser.add_argument("--batches", default="1,16", help="comma-separated batch sizes")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2, help="requests per client and batch size")
    parser.add_argument("--cards", type=int, default=16, help="distinct synthetic cards to cycle through")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--basic-auth", default=None, metavar="USER:PASS")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per request

    try:
        batches = [int(b) for b in args.batches.split(",") if b.strip()]
    except ValueError:
        print(f"error: --batches must be integers, got {args.batches!r}", file=sys.stderr)
        return 2
    auth = tuple(args.basic_auth.split(":", 1)) if args.basic_auth else None
    if args.url and not args.local_root:
        print("error: --url needs --local-root (the backend's Local Files document root)", file=sys.stderr)
        return 2
    root = Path(args.local_root or tempfile.mkdtemp(prefix="cardloop-bench-")).resolve()
    urls = write_cards(root, args.cards, args.seed)
    server = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        try:
            url, server = start_in_process(root, args.model_dir)
        except (FileNotFoundError, OSError, ValueError) as exc:
            print(f"error: cannot start the backend: {exc}", file=sys.stderr)
            return 2
    try:
        health = requests.get(f"{url}/health", auth=auth, timeout=30)
        if health.status_code != 200:
            print(f"error: backend not ready: HTTP {health.status_code} {health.text[:200]}", file=sys.stderr)
            return 1
        version = health.json().get("model_version")
        # warm-up: first calls pay lazy initialisation (tokenizer caches, onnxruntime arenas)
        requests.post(f"{url}/predict", json={"tasks": [{"id": 0, "data": {"image": urls[0]}}]}, auth=auth, timeout=args.timeout)
        rows = [run_batch_size(url, urls, b, args.clients, args.requests, auth, args.timeout) for b in batches]
    except requests.RequestException as exc:
        print(f"error: backend at {url} failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.shutdown()
    print(f"/predict at {url}, model {version}, {args.clients} concurrent clients")
    print(format_table(rows))
    return 0 if all(r.errors == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
