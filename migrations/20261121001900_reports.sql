-- PDF reports: requested on the Reports page, rendered by a background job, downloaded
-- through a short-lived link, and removed when they expire unless a manager archives
-- them.
create table reports (
    id            uuid primary key default gen_random_uuid(),
    kind          text not null check (kind in ('EVIDENCE_PACK', 'ROTA_WEEK', 'COMPLIANCE')),
    -- What the report is about: {"carer_id"}, {"package_id", "week"} or {"from", "to"}.
    parameters    jsonb not null,
    -- "Competency evidence pack · Sam Carer", shown in the list and the file name.
    title         text not null check (length(btrim(title)) between 1 and 200),
    status        text not null default 'QUEUED'
                  check (status in ('QUEUED', 'RUNNING', 'READY', 'FAILED', 'EXPIRED')),
    -- 0–100 and what the job is doing, for the progress bar.
    progress      smallint not null default 0 check (progress between 0 and 100),
    stage         text not null default 'Waiting for a worker',
    requested_by  uuid not null references users (id),
    object_key    text,
    size_bytes    bigint check (size_bytes >= 0),
    pages         integer check (pages >= 1),
    render_ms     integer check (render_ms >= 0),
    error         text,
    expires_at    timestamptz,
    archived_at   timestamptz,
    archived_by   uuid references users (id),
    created_at    timestamptz not null default now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    check (status <> 'READY' or (object_key is not null and size_bytes is not null and pages is not null))
);
create index reports_created_idx on reports (created_at desc);
create index reports_expiry_idx on reports (expires_at)
    where status = 'READY' and archived_at is null;
