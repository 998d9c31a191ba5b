-- Shifts, applications, rota, rules engine settings and Working Time Regulations opt-outs.

create type shift_type as enum ('DAY', 'NIGHT');
create type shift_status as enum ('DRAFT', 'OPEN', 'FILLED', 'CANCELLED');
create type application_status as enum ('INTERESTED', 'SELECTED', 'REJECTED', 'WITHDRAWN');
create type rule_severity as enum ('ERROR', 'WARNING');

create table shifts (
    id             uuid primary key default gen_random_uuid(),
    package_id     uuid not null references care_packages (id),
    -- Instants; the Europe/London wall times are derived by the domain core (DST-safe).
    starts_at      timestamptz not null,
    ends_at        timestamptz not null,
    shift_type     shift_type not null,
    -- True when an admin chose the type instead of it being derived from the times.
    type_overridden boolean not null default false,
    headcount      integer not null default 1 check (headcount between 1 and 50),
    status         shift_status not null default 'DRAFT',
    -- Published to carers through the shift sender (null = rota-only shift).
    published_at   timestamptz,
    published_by   uuid references users (id),
    notes          text,
    created_by     uuid references users (id),
    cancelled_at   timestamptz,
    deleted_at     timestamptz,
    deleted_by     uuid references users (id),
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    check (ends_at > starts_at),
    check (ends_at - starts_at <= interval '24 hours')
);
create index shifts_package_time_idx on shifts (package_id, starts_at) where deleted_at is null;
create index shifts_open_idx on shifts (starts_at) where status = 'OPEN' and deleted_at is null;
create trigger shifts_updated_at before update on shifts
    for each row execute function set_updated_at();

-- Tasks a carer must be (confirmed) competent in to work the shift. None = non-competent shift.
create table shift_required_tasks (
    shift_id  uuid not null references shifts (id) on delete cascade,
    task_id   uuid not null references tasks (id),
    primary key (shift_id, task_id)
);
create index shift_required_tasks_task_idx on shift_required_tasks (task_id);

-- Carers' "confirm interest" in a published shift, and the admin's decision.
create table shift_applications (
    shift_id      uuid not null references shifts (id) on delete cascade,
    carer_id      uuid not null references users (id) on delete cascade,
    status        application_status not null default 'INTERESTED',
    applied_at    timestamptz not null default now(),
    -- The rules engine's verdict when the admin looked, kept for the record.
    rule_check    jsonb,
    decided_at    timestamptz,
    decided_by    uuid references users (id),
    withdrawn_by  uuid references users (id),
    updated_at    timestamptz not null default now(),
    primary key (shift_id, carer_id),
    check (status <> 'WITHDRAWN' or withdrawn_by is not null)
);
create index shift_applications_carer_idx on shift_applications (carer_id, applied_at desc);
create trigger shift_applications_updated_at before update on shift_applications
    for each row execute function set_updated_at();

-- The published rota: which carer works which shift.
create table rota_entries (
    id            uuid primary key default gen_random_uuid(),
    shift_id      uuid not null references shifts (id) on delete cascade,
    carer_id      uuid not null references users (id),
    published_at  timestamptz not null default now(),
    published_by  uuid references users (id),
    created_at    timestamptz not null default now(),
    unique (shift_id, carer_id)
);
create index rota_entries_carer_idx on rota_entries (carer_id);

-- Warning-level (or configured-overridable) violations accepted by an admin, with reason.
create table rota_rule_overrides (
    id             uuid primary key default gen_random_uuid(),
    rota_entry_id  uuid not null references rota_entries (id) on delete cascade,
    rule_id        text not null,
    reason         text not null check (length(btrim(reason)) > 0),
    details        jsonb not null default '{}',
    overridden_by  uuid not null references users (id),
    overridden_at  timestamptz not null default now(),
    unique (rota_entry_id, rule_id)
);

-- The editor's working copy of one package's week, before it is published.
create table rota_drafts (
    package_id   uuid not null references care_packages (id) on delete cascade,
    -- Monday of the week (Europe/London).
    week_start   date not null check (extract(isodow from week_start) = 1),
    payload      jsonb not null,
    revision     bigint not null default 1,
    updated_by   uuid references users (id),
    updated_at   timestamptz not null default now(),
    primary key (package_id, week_start)
);

create table rota_publications (
    id            uuid primary key default gen_random_uuid(),
    package_id    uuid not null references care_packages (id),
    week_start    date not null check (extract(isodow from week_start) = 1),
    published_by  uuid references users (id),
    published_at  timestamptz not null default now(),
    summary       jsonb not null default '{}'
);
create index rota_publications_package_week_idx on rota_publications (package_id, week_start, published_at desc);

-- Per-organisation settings of each rule in the engine. Statutory (WTR) rules cannot be
-- disabled; the application enforces that using `statutory`.
create table rule_settings (
    rule_id      text primary key check (rule_id ~ '^[a-z0-9_]+$'),
    statutory    boolean not null,
    enabled      boolean not null default true,
    severity     rule_severity not null,
    overridable  boolean not null default false,
    parameters   jsonb not null default '{}',
    updated_by   uuid references users (id),
    updated_at   timestamptz not null default now(),
    check (enabled or not statutory)
);
create trigger rule_settings_updated_at before update on rule_settings
    for each row execute function set_updated_at();

insert into rule_settings (rule_id, statutory, severity, overridable, parameters) values
    ('competent_on_every_shift',  false, 'ERROR',   false, '{}'),
    ('supervised_non_competent',  false, 'ERROR',   false, '{}'),
    ('max_contracted_hours',      false, 'WARNING', true,  '{"default_weekly_hours": 36}'),
    ('rotation_pattern',          false, 'WARNING', true,  '{}'),
    ('no_consecutive_weekends',   false, 'WARNING', true,  '{}'),
    ('consecutive_nights',        false, 'WARNING', true,  '{"allowed": true}'),
    ('night_to_day_rest',         false, 'WARNING', true,  '{"rest_days": 2}'),
    ('no_double_booking',         false, 'ERROR',   false, '{}'),
    ('wtr_weekly_average',        true,  'ERROR',   false, '{"max_hours": 48, "reference_weeks": 17}'),
    ('wtr_daily_rest',            true,  'ERROR',   false, '{"adult_hours": 11, "young_hours": 12}'),
    ('wtr_weekly_rest',           true,  'ERROR',   false, '{"adult_hours_per_7_days": 24, "adult_hours_per_14_days": 48, "young_hours_per_7_days": 48}'),
    ('wtr_rest_break',            true,  'WARNING', true,  '{"adult_after_hours": 6, "adult_break_minutes": 20, "young_after_hours": 4.5, "young_break_minutes": 30}'),
    ('wtr_night_work',            true,  'ERROR',   false, '{"max_average_hours_per_24": 8}'),
    ('wtr_young_worker_limits',   true,  'ERROR',   false, '{"max_daily_hours": 8, "max_weekly_hours": 40}');
update rule_settings set enabled = false where rule_id = 'rotation_pattern';

-- A carer's written opt-out of the 48-hour average week (WTR reg. 5). It never
-- disables the other rules, and never applies to young workers.
create table wtr_opt_outs (
    id                uuid primary key default gen_random_uuid(),
    carer_id          uuid not null references users (id) on delete cascade,
    signed_on         date not null,
    effective_from    date not null,
    -- Notice the worker must give to withdraw (up to 3 months may be agreed).
    notice_weeks      integer not null default 1 check (notice_weeks between 0 and 13),
    withdrawn_on      date,
    document_file_id  uuid,   -- references files (id), added with the files table
    recorded_by       uuid not null references users (id),
    created_at        timestamptz not null default now(),
    check (effective_from >= signed_on),
    check (withdrawn_on is null or withdrawn_on >= signed_on)
);
create unique index wtr_opt_outs_one_active_key on wtr_opt_outs (carer_id) where withdrawn_on is null;
