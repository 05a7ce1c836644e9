-- Contacts exported from validated Label Studio annotations, one row per (project, task).
-- A contact is never deleted: when its annotation disappears or stops being validated it is
-- marked withdrawn, so downstream CRM consumers can see why a contact went away.
CREATE TABLE contacts (
    id                    bigserial PRIMARY KEY,
    ls_project_id         bigint      NOT NULL,
    ls_task_id            bigint      NOT NULL,
    ls_annotation_id      bigint      NOT NULL,
    annotation_updated_at timestamptz NOT NULL,
    model_version         text,                  -- model that pre-annotated the task (NULL: none)
    full_name             text,
    position              text,
    company               text,
    emails                text[]      NOT NULL DEFAULT '{}',
    phones                text[]      NOT NULL DEFAULT '{}',  -- E.164
    websites              text[]      NOT NULL DEFAULT '{}',
    address               text,
    field_confidence      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    withdrawn_at          timestamptz,
    withdrawn_reason      text,
    CONSTRAINT contacts_project_task_key UNIQUE (ls_project_id, ls_task_id)
);

-- Validated cards the export refused, with the validator's reasons. A card fixed later keeps its
-- row with resolved_at set, so a rejection is never silently lost.
CREATE TABLE rejected_cards (
    id                    bigserial PRIMARY KEY,
    ls_project_id         bigint      NOT NULL,
    ls_task_id            bigint      NOT NULL,
    ls_annotation_id      bigint      NOT NULL,
    annotation_updated_at timestamptz NOT NULL,
    reasons               jsonb       NOT NULL,  -- [{"field", "value", "reason"}]
    fields                jsonb       NOT NULL,  -- what the annotation said, normalised where possible
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    resolved_at           timestamptz,
    resolution            text,                  -- exported | withdrawn
    CONSTRAINT rejected_cards_project_task_key UNIQUE (ls_project_id, ls_task_id)
);

CREATE INDEX rejected_cards_open_idx ON rejected_cards (ls_project_id) WHERE resolved_at IS NULL;

-- Incremental sync position per project: the newest annotation updated_at fully exported.
CREATE TABLE crm_sync_state (
    ls_project_id bigint PRIMARY KEY,
    watermark     timestamptz,
    last_sync_at  timestamptz NOT NULL DEFAULT now()
);
