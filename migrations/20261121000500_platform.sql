-- Platform: files, notifications, push subscriptions, background jobs, audit log.

create table files (
    id             uuid primary key default gen_random_uuid(),
    owner_id       uuid references users (id),
    purpose        text not null check (purpose in
                       ('ASSESSMENT_EVIDENCE', 'AVATAR', 'WTR_OPT_OUT', 'REPORT', 'BRANDING', 'OTHER')),
    bucket         text not null,
    object_key     text not null,
    original_name  text not null,
    content_type   text not null,
    size_bytes     bigint not null check (size_bytes >= 0),
    sha256         bytea check (octet_length(sha256) = 32),
    status         text not null default 'PENDING'
                   check (status in ('PENDING', 'READY', 'QUARANTINED', 'DELETED')),
    scanned_at     timestamptz,
    created_at     timestamptz not null default now(),
    deleted_at     timestamptz,
    unique (bucket, object_key)
);
create index files_owner_idx on files (owner_id, created_at desc);

alter table user_profiles
    add constraint user_profiles_avatar_file_fk foreign key (avatar_file_id) references files (id);
alter table wtr_opt_outs
    add constraint wtr_opt_outs_document_file_fk foreign key (document_file_id) references files (id);

create table assessment_evidence (
    assessment_id  uuid not null references assessments (id) on delete cascade,
    file_id        uuid not null references files (id),
    item_id        uuid references assessment_template_items (id),
    caption        text,
    added_by       uuid references users (id),
    added_at       timestamptz not null default now(),
    primary key (assessment_id, file_id)
);

create table notifications (
    id          uuid primary key default gen_random_uuid(),
    user_id     uuid not null references users (id) on delete cascade,
    kind        text not null check (kind ~ '^[a-z_]+$'),
    title       text not null,
    body        text not null default '',
    link        text,
    data        jsonb not null default '{}',
    created_at  timestamptz not null default now(),
    read_at     timestamptz
);
create index notifications_user_idx on notifications (user_id, created_at desc);
create index notifications_unread_idx on notifications (user_id) where read_at is null;

-- Per-user choice of channels for each kind of notification (in-app is always on).
create table notification_preferences (
    user_id  uuid not null references users (id) on delete cascade,
    kind     text not null check (kind ~ '^[a-z_]+$'),
    email    boolean not null default true,
    push     boolean not null default true,
    primary key (user_id, kind)
);

create table push_subscriptions (
    id            uuid primary key default gen_random_uuid(),
    user_id       uuid not null references users (id) on delete cascade,
    endpoint      text not null unique,
    p256dh        text not null,
    auth_secret   text not null,
    user_agent    text,
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    failed_at     timestamptz
);
create index push_subscriptions_user_idx on push_subscriptions (user_id);

-- Durable background jobs (outbox): enqueued in the same transaction as the change
-- that causes them, claimed with FOR UPDATE SKIP LOCKED, leased while running.
create type job_status as enum ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'DEAD');

create table jobs (
    id             uuid primary key default gen_random_uuid(),
    queue          text not null default 'default' check (queue ~ '^[a-z_]+$'),
    kind           text not null check (kind ~ '^[a-z_.]+$'),
    payload        jsonb not null default '{}',
    status         job_status not null default 'QUEUED',
    attempts       integer not null default 0 check (attempts >= 0),
    max_attempts   integer not null default 8 check (max_attempts >= 1),
    run_at         timestamptz not null default now(),
    -- Optional de-duplication (e.g. one scheduled run per fire time).
    dedupe_key     text,
    locked_by      text,
    lease_expires_at timestamptz,
    last_error     text,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    finished_at    timestamptz,
    check ((status = 'RUNNING') = (lease_expires_at is not null))
);
create unique index jobs_dedupe_key on jobs (dedupe_key) where dedupe_key is not null;
create index jobs_ready_idx on jobs (queue, run_at) where status in ('QUEUED', 'FAILED');
create index jobs_lease_idx on jobs (lease_expires_at) where status = 'RUNNING';
create index jobs_status_idx on jobs (status, updated_at desc);
create trigger jobs_updated_at before update on jobs
    for each row execute function set_updated_at();

-- Audit log: append-only and tamper-evident. Each row's hash covers its content and the
-- previous row's hash, so editing or deleting any row breaks the chain from there on.
create table audit_log (
    id           bigint generated always as identity primary key,
    occurred_at  timestamptz not null default now(),
    actor_id     uuid references users (id),
    actor_role   user_role,
    ip           inet,
    user_agent   text,
    action       text not null check (action ~ '^[a-z_]+(\.[a-z_]+)*$'),
    entity_type  text,
    entity_id    text,
    before       jsonb,
    after        jsonb,
    prev_hash    bytea,
    hash         bytea not null
);
create index audit_log_occurred_idx on audit_log (occurred_at desc);
create index audit_log_actor_idx on audit_log (actor_id, occurred_at desc);
create index audit_log_entity_idx on audit_log (entity_type, entity_id, occurred_at desc);
create index audit_log_action_idx on audit_log (action, occurred_at desc);

-- The canonical text hashed for a row (jsonb::text is deterministic).
create function audit_log_digest(prev bytea, a audit_log) returns bytea
language sql stable as $$
    select sha256(
        coalesce(prev, '\x'::bytea) || convert_to(concat_ws('|',
            to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            coalesce(a.actor_id::text, ''), coalesce(a.actor_role::text, ''),
            coalesce(host(a.ip), ''), coalesce(a.user_agent, ''), a.action,
            coalesce(a.entity_type, ''), coalesce(a.entity_id, ''),
            coalesce(a.before::text, ''), coalesce(a.after::text, '')), 'UTF8'))
$$;

create function audit_log_chain() returns trigger
language plpgsql as $$
begin
    -- Serialise writers so the chain has no forks.
    perform pg_advisory_xact_lock(hashtext('audit_log_chain'));
    select hash into new.prev_hash from audit_log order by id desc limit 1;
    new.hash = audit_log_digest(new.prev_hash, new);
    return new;
end $$;

create trigger audit_log_chain before insert on audit_log
    for each row execute function audit_log_chain();

create function audit_log_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_log is append-only (% refused)', tg_op
        using errcode = 'insufficient_privilege';
end $$;

create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();
