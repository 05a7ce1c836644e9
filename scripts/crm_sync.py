"""Export validated Label Studio cards to the CRM database (PostgreSQL).

    python scripts/crm_sync.py                      # every project, incremental from the stored watermark
    python scripts/crm_sync.py --project 3 --full   # every annotated task; withdraws contacts of vanished ones
    python scripts/crm_sync.py --since 2025-01-01T00:00:00Z --project 3

Settings come from the environment (ml_backend/config.py); what it leaves unset (Label Studio's
URL and token, the CRM database) is read from the local stack's var/stack.json when
``bash scripts/stack.sh start`` ran here. Prints one JSON report per project on stdout. Exit code
0 on success, 1 when Label Studio or PostgreSQL fails or a setting is missing (one line on
stderr), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from label_studio_sdk.core.api_error import ApiError  # noqa: E402

from active_learning.crm.db import CrmDatabaseUnavailable  # noqa: E402
from ml_backend.studio.client import fetch_annotated_tasks, label_studio_client, parse_timestamp  # noqa: E402
from active_learning.crm.sync import SyncMode, sync_project  # noqa: E402
from ml_backend.local_stack import cli_settings, missing_label_studio  # noqa: E402


def _watermark(text: str) -> datetime:
    try:
        return parse_timestamp(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 timestamp: {text!r}") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="crm_sync.py", description=__doc__.split("\n\n")[0])
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--full", action="store_true", help="re-export every annotated task of the project(s)")
    when.add_argument("--since", type=_watermark, metavar="WATERMARK",
                      help="export annotations updated at or after this ISO 8601 time instead of the stored watermark")
    parser.add_argument("--project", type=int, metavar="ID", help="Label Studio project id (default: every project)")
    parser.add_argument("--batch-size", type=int, default=100, help="tasks per transaction (default 100)")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = cli_settings()
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    missing = missing_label_studio(settings)
    if missing:
        return _fail(missing)
    client = label_studio_client(settings)
    mode = SyncMode.FULL if args.full else SyncMode.INCREMENTAL
    try:
        projects = [args.project] if args.project is not None else [p.id for p in client.projects.list()]
        for project in projects:
            report = sync_project(
                settings.crm_database_url, project,
                lambda since, project=project: fetch_annotated_tasks(client, project, since),
                mode=mode, since=args.since, batch_size=args.batch_size,
            )
            print(json.dumps(report.as_dict()), flush=True)
    except CrmDatabaseUnavailable as exc:
        return _fail(str(exc))
    except psycopg.Error as exc:
        return _fail(f"CRM database error: {exc}")
    except ApiError as exc:
        hint = " (the token is wrong for this Label Studio)" if exc.status_code in (401, 403) else ""
        return _fail(f"Label Studio at {settings.label_studio_url} answered {exc.status_code}{hint}: {exc.body}")
    except httpx.HTTPError as exc:
        return _fail(f"Label Studio at {settings.label_studio_url} unreachable: {exc}")
    except ValueError as exc:
        return _fail(str(exc))
    return 0


def _fail(message: str) -> int:
    print("crm_sync: error: " + " ".join(message.split()), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
