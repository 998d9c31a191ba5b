-- Care packages, tasks, assignments, and global task progress.

create table care_packages (
    id                      uuid primary key default gen_random_uuid(),
    name                    text not null check (length(btrim(name)) between 1 and 120),
    -- The only part of the address kept in clear text (UK outward code, e.g. M14).
    postcode_district       text not null check (postcode_district ~ '^([A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?|GIR)$'),
    -- Personal data, sealed with XChaCha20-Poly1305; associated data is
    -- 'care_packages/<column>/<id>' so values cannot be moved between rows or columns.
    client_name_enc         bytea not null,
    client_name_key_id      text not null,
    address_enc             bytea not null,
    address_key_id          text not null,
    notes                   text,
    created_by              uuid references users (id),
    deleted_at              timestamptz,
    deleted_by              uuid references users (id),
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now()
);
create index care_packages_name_trgm_idx on care_packages using gin (name gin_trgm_ops) where deleted_at is null;
create index care_packages_district_idx on care_packages (postcode_district) where deleted_at is null;
create index care_packages_deleted_idx on care_packages (deleted_at) where deleted_at is not null;
create trigger care_packages_updated_at before update on care_packages
    for each row execute function set_updated_at();

create table tasks (
    id                      uuid primary key default gen_random_uuid(),
    name                    text not null check (length(btrim(name)) between 1 and 120),
    description             text not null default '',
    category                text not null default 'General' check (length(btrim(category)) between 1 and 60),
    -- Completions that make 100 %.
    target_count            integer not null check (target_count between 1 and 1000),
    -- Months between competency reviews (e.g. 12 for medication); null = no review.
    review_interval_months  integer check (review_interval_months between 1 and 60),
    created_by              uuid references users (id),
    deleted_at              timestamptz,
    deleted_by              uuid references users (id),
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now()
);
create unique index tasks_live_name_key on tasks (lower(name)) where deleted_at is null;
create index tasks_deleted_idx on tasks (deleted_at) where deleted_at is not null;
create trigger tasks_updated_at before update on tasks
    for each row execute function set_updated_at();

-- Which tasks are performed at a package.
create table package_tasks (
    package_id   uuid not null references care_packages (id) on delete cascade,
    task_id      uuid not null references tasks (id) on delete cascade,
    assigned_by  uuid references users (id),
    assigned_at  timestamptz not null default now(),
    primary key (package_id, task_id)
);
create index package_tasks_task_idx on package_tasks (task_id);

-- Which carers work at a package. A carer's task list is the union over packages.
create table carer_packages (
    carer_id     uuid not null references users (id) on delete cascade,
    package_id   uuid not null references care_packages (id) on delete cascade,
    assigned_by  uuid references users (id),
    assigned_at  timestamptz not null default now(),
    primary key (carer_id, package_id)
);
create index carer_packages_package_idx on carer_packages (package_id);

-- Global progress: one counter per carer × task, counted across every package.
-- Assigning a carer elsewhere never resets or duplicates it.
create table task_progress (
    carer_id         uuid not null references users (id) on delete cascade,
    task_id          uuid not null references tasks (id) on delete cascade,
    completed_count  integer not null default 0 check (completed_count >= 0),
    -- When the carer first reached the target (cleared by a reset).
    target_reached_at timestamptz,
    last_logged_at   timestamptz,
    reset_at         timestamptz,
    reset_by         uuid references users (id),
    updated_at       timestamptz not null default now(),
    primary key (carer_id, task_id)
);
create index task_progress_task_idx on task_progress (task_id);
create trigger task_progress_updated_at before update on task_progress
    for each row execute function set_updated_at();

-- The daily cap: at most 100 completions per carer × task × London calendar day. The
-- CHECK holds under concurrent requests because every log upserts this row
-- (row lock) in the same transaction as its completion entry.
create table task_daily_totals (
    carer_id       uuid not null references users (id) on delete cascade,
    task_id        uuid not null references tasks (id) on delete cascade,
    business_date  date not null,
    total          integer not null check (total between 0 and 100),
    primary key (carer_id, task_id, business_date)
);

-- Every completion logged, attributed to the package where it was performed.
create table task_completions (
    id               uuid primary key default gen_random_uuid(),
    carer_id         uuid not null references users (id) on delete cascade,
    task_id          uuid not null references tasks (id) on delete cascade,
    package_id       uuid not null references care_packages (id),
    -- The London calendar day the practice happened on.
    business_date    date not null,
    count            integer not null check (count between 1 and 100),
    -- Generated by the client; a retried or re-synced request is never counted twice.
    idempotency_key  uuid not null constraint task_completions_idempotency_key unique,
    -- When the carer logged it on their device (may be earlier than recorded_at offline).
    logged_at        timestamptz not null,
    recorded_at      timestamptz not null default now(),
    source           text not null default 'ONLINE' check (source in ('ONLINE', 'OFFLINE_SYNC', 'ADMIN'))
);
create index task_completions_carer_day_idx on task_completions (carer_id, business_date desc);
create index task_completions_package_day_idx on task_completions (package_id, business_date desc);
create index task_completions_task_idx on task_completions (task_id);
