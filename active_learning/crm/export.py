"""Writing assembled outcomes into the CRM tables, idempotently.

Every statement is written so that replaying it changes nothing: an upsert only touches a row
(and its ``updated_at``) when a column really differs, withdrawals only hit live contacts, and
rejections are resolved once. That is what makes retries, overlapping webhook jobs and
``--full`` re-runs safe without any bookkeeping of what was already sent.

Rows are keyed by (project, task, card): a task of several cards holds one contact per card
(``ls_card`` is the card's outline region id, "" for a task of one card). Exporting a task's
cards also withdraws the task's other cards -- an outline the annotator deleted, or the one
contact of a task that was re-annotated as several cards -- so the CRM always holds exactly the
cards of the latest annotation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

import psycopg
from psycopg.types.json import Jsonb

from active_learning.crm.assemble import AnnotationSource, ContactRecord, NotExported, Outcome, Rejection, TaskCards

log = logging.getLogger(__name__)

WITHDRAWN_REJECTED = "card rejected by validation"
WITHDRAWN_TASK_GONE = "task deleted from Label Studio"
WITHDRAWN_CARD_GONE = "card no longer in the task's annotation"


@dataclass
class ExportStats:
    """What one export changed; ``unchanged`` counts contacts that were already up to date."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    resolved: int = 0
    withdrawn: int = 0

    def add(self, other: "ExportStats") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


_UPSERT_CONTACT = """
INSERT INTO contacts AS c (
    ls_project_id, ls_task_id, ls_card, ls_annotation_id, annotation_updated_at, model_version,
    full_name, position, company, emails, phones, faxes, websites, address, field_confidence)
VALUES (%(project)s, %(task)s, %(card)s, %(annotation)s, %(annotation_updated_at)s, %(model_version)s,
        %(full_name)s, %(position)s, %(company)s, %(emails)s, %(phones)s, %(faxes)s, %(websites)s, %(address)s,
        %(field_confidence)s)
ON CONFLICT (ls_project_id, ls_task_id, ls_card) DO UPDATE SET
    ls_annotation_id = EXCLUDED.ls_annotation_id,
    annotation_updated_at = EXCLUDED.annotation_updated_at,
    model_version = EXCLUDED.model_version,
    full_name = EXCLUDED.full_name,
    position = EXCLUDED.position,
    company = EXCLUDED.company,
    emails = EXCLUDED.emails,
    phones = EXCLUDED.phones,
    faxes = EXCLUDED.faxes,
    websites = EXCLUDED.websites,
    address = EXCLUDED.address,
    field_confidence = EXCLUDED.field_confidence,
    withdrawn_at = NULL,
    withdrawn_reason = NULL,
    updated_at = now()
WHERE (c.ls_annotation_id, c.annotation_updated_at, c.model_version, c.full_name, c.position, c.company,
       c.emails, c.phones, c.faxes, c.websites, c.address, c.field_confidence, c.withdrawn_at)
      IS DISTINCT FROM
      (EXCLUDED.ls_annotation_id, EXCLUDED.annotation_updated_at, EXCLUDED.model_version, EXCLUDED.full_name,
       EXCLUDED.position, EXCLUDED.company, EXCLUDED.emails, EXCLUDED.phones, EXCLUDED.faxes, EXCLUDED.websites,
       EXCLUDED.address, EXCLUDED.field_confidence, NULL::timestamptz)
RETURNING (xmax = 0) AS inserted
"""

_UPSERT_REJECTION = """
INSERT INTO rejected_cards AS r (
    ls_project_id, ls_task_id, ls_card, ls_annotation_id, annotation_updated_at, reasons, fields)
VALUES (%(project)s, %(task)s, %(card)s, %(annotation)s, %(annotation_updated_at)s, %(reasons)s, %(fields)s)
ON CONFLICT (ls_project_id, ls_task_id, ls_card) DO UPDATE SET
    ls_annotation_id = EXCLUDED.ls_annotation_id,
    annotation_updated_at = EXCLUDED.annotation_updated_at,
    reasons = EXCLUDED.reasons,
    fields = EXCLUDED.fields,
    resolved_at = NULL,
    resolution = NULL,
    updated_at = now()
WHERE (r.ls_annotation_id, r.annotation_updated_at, r.reasons, r.fields, r.resolved_at)
      IS DISTINCT FROM
      (EXCLUDED.ls_annotation_id, EXCLUDED.annotation_updated_at, EXCLUDED.reasons, EXCLUDED.fields,
       NULL::timestamptz)
RETURNING 1
"""

_WITHDRAW = """
UPDATE contacts SET withdrawn_at = now(), withdrawn_reason = %(reason)s, updated_at = now()
 WHERE ls_project_id = %(project)s AND ls_task_id = ANY(%(tasks)s) AND withdrawn_at IS NULL
"""

_RESOLVE = """
UPDATE rejected_cards SET resolved_at = now(), resolution = %(resolution)s, updated_at = now()
 WHERE ls_project_id = %(project)s AND ls_task_id = ANY(%(tasks)s) AND resolved_at IS NULL
"""

_WITHDRAW_CARD = """
UPDATE contacts SET withdrawn_at = now(), withdrawn_reason = %(reason)s, updated_at = now()
 WHERE ls_project_id = %(project)s AND ls_task_id = %(task)s AND ls_card = %(card)s AND withdrawn_at IS NULL
"""

_RESOLVE_CARD = """
UPDATE rejected_cards SET resolved_at = now(), resolution = %(resolution)s, updated_at = now()
 WHERE ls_project_id = %(project)s AND ls_task_id = %(task)s AND ls_card = %(card)s AND resolved_at IS NULL
"""

_WITHDRAW_OTHER_CARDS = """
UPDATE contacts SET withdrawn_at = now(), withdrawn_reason = %(reason)s, updated_at = now()
 WHERE ls_project_id = %(project)s AND ls_task_id = %(task)s AND NOT (ls_card = ANY(%(cards)s))
   AND withdrawn_at IS NULL
"""

_RESOLVE_OTHER_CARDS = """
UPDATE rejected_cards SET resolved_at = now(), resolution = 'withdrawn', updated_at = now()
 WHERE ls_project_id = %(project)s AND ls_task_id = %(task)s AND NOT (ls_card = ANY(%(cards)s))
   AND resolved_at IS NULL
"""


def export_outcomes(conn: psycopg.Connection, project_id: int, outcomes: Iterable[Outcome]) -> ExportStats:
    """Apply outcomes for one project; the caller owns the transaction (one batch = one transaction)."""
    stats = ExportStats()
    for outcome in outcomes:
        if isinstance(outcome, (ContactRecord, Rejection)):
            _export_task_cards(conn, project_id, outcome.source.task_id, [outcome], stats)
        elif isinstance(outcome, TaskCards):
            _export_task_cards(conn, project_id, outcome.task_id, outcome.cards, stats)
        elif isinstance(outcome, NotExported):
            stats.withdrawn += withdraw(conn, project_id, [outcome.task_id], outcome.reason)
            stats.resolved += _resolve(conn, project_id, [outcome.task_id], "withdrawn")
        else:  # pragma: no cover - the Outcome union is closed
            raise TypeError(f"unknown outcome {outcome!r}")
    return stats


def _export_task_cards(conn: psycopg.Connection, project_id: int, task_id: int,
                       cards: list[ContactRecord | Rejection], stats: ExportStats) -> None:
    """The cards of one validated task: upsert each contact or rejection, then withdraw (and
    resolve) the task's cards that are no longer among them."""
    keys = [c.source.card for c in cards]
    if len(set(keys)) != len(keys):
        raise ValueError(f"task {task_id}: two cards with one key in {keys}")
    for card in cards:
        where = {"project": project_id, "task": task_id, "card": card.source.card}
        if isinstance(card, ContactRecord):
            _upsert_contact(conn, project_id, card, stats)
            stats.resolved += conn.execute(_RESOLVE_CARD, {**where, "resolution": "exported"}).rowcount
        else:
            if conn.execute(_UPSERT_REJECTION, _rejection_params(project_id, card)).fetchone():
                stats.rejected += 1
                log.warning("project %s task %s card %r rejected: %s", project_id, task_id, card.source.card,
                            "; ".join(r["reason"] for r in card.reasons))
            stats.withdrawn += conn.execute(_WITHDRAW_CARD, {**where, "reason": WITHDRAWN_REJECTED}).rowcount
    others = {"project": project_id, "task": task_id, "cards": keys}
    gone = conn.execute(_WITHDRAW_OTHER_CARDS, {**others, "reason": WITHDRAWN_CARD_GONE}).rowcount
    if gone:
        log.info("project %s task %s: withdrew %d contact(s) of cards no longer annotated", project_id, task_id, gone)
    stats.withdrawn += gone
    stats.resolved += conn.execute(_RESOLVE_OTHER_CARDS, others).rowcount


def withdraw(conn: psycopg.Connection, project_id: int, task_ids: list[int], reason: str) -> int:
    """Mark the live contacts of ``task_ids`` withdrawn (never deleted); returns how many."""
    if not task_ids:
        return 0
    count = conn.execute(_WITHDRAW, {"project": project_id, "tasks": task_ids, "reason": reason}).rowcount
    if count:
        log.info("project %s: withdrew %d contact(s): %s", project_id, count, reason)
    return count


def live_task_ids(conn: psycopg.Connection, project_id: int) -> set[int]:
    """Tasks of the project that currently have a live contact or an open rejection."""
    rows = conn.execute(
        "SELECT ls_task_id FROM contacts WHERE ls_project_id = %s AND withdrawn_at IS NULL"
        " UNION SELECT ls_task_id FROM rejected_cards WHERE ls_project_id = %s AND resolved_at IS NULL",
        (project_id, project_id),
    ).fetchall()
    return {r[0] for r in rows}


def read_watermark(conn: psycopg.Connection, project_id: int) -> datetime | None:
    row = conn.execute("SELECT watermark FROM crm_sync_state WHERE ls_project_id = %s", (project_id,)).fetchone()
    return row[0] if row else None


def advance_watermark(conn: psycopg.Connection, project_id: int, watermark: datetime | None) -> None:
    """Move the project's watermark forward (never back) and stamp the sync time."""
    conn.execute(
        "INSERT INTO crm_sync_state (ls_project_id, watermark) VALUES (%s, %s)"
        " ON CONFLICT (ls_project_id) DO UPDATE SET"
        "  watermark = GREATEST(crm_sync_state.watermark, EXCLUDED.watermark), last_sync_at = now()",
        (project_id, watermark),
    )


def _upsert_contact(conn: psycopg.Connection, project_id: int, record: ContactRecord, stats: ExportStats) -> None:
    f = record.fields
    params = {
        **_source_params(project_id, record.source),
        "full_name": f["full_name"], "position": f["position"], "company": f["company"],
        "emails": f["email"], "phones": f["phone"], "faxes": f["fax"], "websites": f["website"],
        "address": f["address"],
        "field_confidence": Jsonb(record.field_confidence),
    }
    row = conn.execute(_UPSERT_CONTACT, params).fetchone()
    if row is None:
        stats.unchanged += 1
    elif row[0]:
        stats.inserted += 1
    else:
        stats.updated += 1


def _rejection_params(project_id: int, rejection: Rejection) -> dict:
    return {**_source_params(project_id, rejection.source),
            "reasons": Jsonb(rejection.reasons), "fields": Jsonb(rejection.fields)}


def _source_params(project_id: int, source: AnnotationSource) -> dict:
    return {
        "project": project_id, "task": source.task_id, "card": source.card, "annotation": source.annotation_id,
        "annotation_updated_at": source.annotation_updated_at, "model_version": source.model_version,
    }


def _resolve(conn: psycopg.Connection, project_id: int, task_ids: list[int], resolution: str) -> int:
    return conn.execute(_RESOLVE, {"project": project_id, "tasks": task_ids, "resolution": resolution}).rowcount
