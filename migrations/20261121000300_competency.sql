-- Competency ratings and assessments.

create type competency_level as enum
    ('NOT_ASSESSED', 'NOT_COMPETENT', 'ADVANCED_BEGINNER', 'COMPETENT', 'PROFICIENT', 'EXPERT');
create type rating_state as enum ('PENDING', 'CONFIRMED', 'DISPUTED');
create type rating_source as enum ('ASSESSMENT', 'MANUAL');
create type assessment_section as enum ('KNOWLEDGE', 'PRACTICAL', 'EMERGENCY');
create type assessment_status as enum
    ('READY', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RETURNED', 'COMPLETED', 'CANCELLED');

-- Assessment templates. The template row is the stable identity (and owns which tasks
-- it covers); every edit creates a new immutable version.
create table assessment_templates (
    id               uuid primary key default gen_random_uuid(),
    current_version  integer not null default 1 check (current_version >= 1),
    created_by       uuid references users (id),
    deleted_at       timestamptz,
    deleted_by       uuid references users (id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index assessment_templates_deleted_idx on assessment_templates (deleted_at) where deleted_at is not null;
create trigger assessment_templates_updated_at before update on assessment_templates
    for each row execute function set_updated_at();

create table assessment_template_versions (
    id                 uuid primary key default gen_random_uuid(),
    template_id        uuid not null references assessment_templates (id) on delete cascade,
    version            integer not null check (version >= 1),
    title              text not null check (length(btrim(title)) between 1 and 160),
    description        text not null default '',
    -- Section weights in percent; they add up to 100.
    knowledge_weight   integer not null check (knowledge_weight between 0 and 100),
    practical_weight   integer not null check (practical_weight between 0 and 100),
    emergency_weight   integer not null check (emergency_weight between 0 and 100),
    -- Items are scored 0..score_scale_max.
    score_scale_max    integer not null default 4 check (score_scale_max between 1 and 10),
    -- Minimum weighted percentage for each suggested level, e.g.
    -- {"ADVANCED_BEGINNER": 40, "COMPETENT": 60, "PROFICIENT": 80, "EXPERT": 95}.
    pass_thresholds    jsonb not null,
    -- The tasks this version covered, kept for the record when coverage changes later.
    covered_task_ids   uuid[] not null default '{}',
    created_by         uuid references users (id),
    created_at         timestamptz not null default now(),
    unique (template_id, version),
    check (knowledge_weight + practical_weight + emergency_weight = 100)
);

create table assessment_template_items (
    id                     uuid primary key default gen_random_uuid(),
    template_version_id    uuid not null references assessment_template_versions (id) on delete cascade,
    section                assessment_section not null,
    position               integer not null check (position >= 1),
    prompt                 text not null check (length(btrim(prompt)) >= 1),
    -- Shown to the assessor only (knowledge and emergency sections).
    model_answer           text,
    allows_not_applicable  boolean not null default false,
    unique (template_version_id, section, position)
);

-- Which tasks a template covers. A task belongs to at most one assessment (SPEC §3).
create table assessment_template_tasks (
    template_id  uuid not null references assessment_templates (id) on delete cascade,
    task_id      uuid not null references tasks (id) on delete cascade
                 constraint assessment_template_tasks_task_key unique,
    primary key (template_id, task_id)
);

create table assessments (
    id                   uuid primary key default gen_random_uuid(),
    template_id          uuid not null references assessment_templates (id),
    template_version_id  uuid not null references assessment_template_versions (id),
    carer_id             uuid not null references users (id),
    status               assessment_status not null default 'READY',
    ready_at             timestamptz not null default now(),
    started_at           timestamptz,
    assessor_id          uuid references users (id),
    submitted_at         timestamptz,
    -- Weighted score in percent, computed by the domain core.
    weighted_score       numeric(5, 2) check (weighted_score between 0 and 100),
    suggested_level      competency_level,
    final_level          competency_level,
    -- Mandatory when final_level differs from suggested_level.
    judgement_reason     text,
    assessor_comments    text,
    approved_by          uuid references users (id),
    approved_at          timestamptz,
    approval_comments    text,
    completed_at         timestamptz,
    cancelled_at         timestamptz,
    deleted_at           timestamptz,
    deleted_by           uuid references users (id),
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    check (final_level is null or suggested_level is null or final_level = suggested_level
           or length(btrim(coalesce(judgement_reason, ''))) > 0)
);
-- One open assessment per carer and template.
create unique index assessments_open_key on assessments (template_id, carer_id)
    where status in ('READY', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RETURNED') and deleted_at is null;
create index assessments_status_idx on assessments (status, ready_at) where deleted_at is null;
create index assessments_carer_idx on assessments (carer_id);
create trigger assessments_updated_at before update on assessments
    for each row execute function set_updated_at();

-- Answers and item scores. While the assessment is open these rows are the draft
-- (autosaved); `revision` gives last-write-wins per item across devices.
create table assessment_responses (
    assessment_id   uuid not null references assessments (id) on delete cascade,
    item_id         uuid not null references assessment_template_items (id),
    answer          text,
    score           integer check (score >= 0),
    not_applicable  boolean not null default false,
    revision        bigint not null default 1,
    updated_by      uuid references users (id),
    device_id       text,
    updated_at      timestamptz not null default now(),
    primary key (assessment_id, item_id),
    check (not (not_applicable and score is not null))
);

-- Conductor state that is not an item answer (current step, notes).
create table assessment_drafts (
    assessment_id  uuid primary key references assessments (id) on delete cascade,
    current_step   text not null default 'KNOWLEDGE'
                   check (current_step in ('KNOWLEDGE', 'PRACTICAL', 'EMERGENCY', 'REVIEW')),
    notes          text not null default '',
    revision       bigint not null default 1,
    updated_by     uuid references users (id),
    device_id      text,
    updated_at     timestamptz not null default now()
);

-- Competency is global: one current rating per carer × task. `level`/`state` describe
-- the most recent rating issued; `effective_level` is the last *confirmed* level, the
-- only one that counts for shift eligibility.
create table competency_ratings (
    carer_id          uuid not null references users (id) on delete cascade,
    task_id           uuid not null references tasks (id) on delete cascade,
    level             competency_level not null,
    state             rating_state not null,
    source            rating_source not null,
    effective_level   competency_level not null default 'NOT_ASSESSED',
    assessment_id     uuid references assessments (id),
    reason            text,
    rated_by          uuid references users (id),
    rated_at          timestamptz not null default now(),
    confirmed_at      timestamptz,
    disputed_at       timestamptz,
    dispute_reason    text,
    reminder_sent_at  timestamptz,
    review_due_on     date,
    updated_at        timestamptz not null default now(),
    primary key (carer_id, task_id),
    check (state <> 'DISPUTED' or length(btrim(coalesce(dispute_reason, ''))) > 0),
    check (source <> 'MANUAL' or length(btrim(coalesce(reason, ''))) > 0)
);
create index competency_ratings_pending_idx on competency_ratings (rated_at) where state = 'PENDING';
create index competency_ratings_disputed_idx on competency_ratings (disputed_at) where state = 'DISPUTED';
create index competency_ratings_review_idx on competency_ratings (review_due_on) where review_due_on is not null;
create index competency_ratings_task_idx on competency_ratings (task_id, effective_level);
create trigger competency_ratings_updated_at before update on competency_ratings
    for each row execute function set_updated_at();

-- Every change to a rating, in order (append-only).
create table competency_rating_history (
    id             bigint generated always as identity primary key,
    carer_id       uuid not null references users (id) on delete cascade,
    task_id        uuid not null references tasks (id) on delete cascade,
    level          competency_level not null,
    state          rating_state not null,
    source         rating_source not null,
    assessment_id  uuid references assessments (id),
    reason         text,
    changed_by     uuid references users (id),
    recorded_at    timestamptz not null default now()
);
create index competency_rating_history_carer_task_idx on competency_rating_history (carer_id, task_id, recorded_at);
