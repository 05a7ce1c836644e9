"""CRM export: validated Label Studio cards -> PostgreSQL ``contacts``, exactly once.

    source    Label Studio (SDK) -> plain task dicts, filtered by annotation watermark
    assemble  task -> ContactRecord | Rejection | NotExported, or TaskCards (one per card) for several cards
    export    idempotent upserts, withdrawals, rejections, watermark (SQL only)
    db        connect with backoff, ensure_database, versioned migrations, advisory locks
    sync      one run for one project: lock, fetch, batches (one transaction each), retry
    job       RQ entry points (``sync_annotation`` for webhooks, ``sync_crm_job``)

The command line is ``scripts/crm_sync.py``.
"""
