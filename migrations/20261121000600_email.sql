-- Every email the system sends, with its delivery status. Sent by the `email.send` job.
create type email_status as enum ('QUEUED', 'SENT', 'FAILED');

create table email_messages (
    id           uuid primary key default gen_random_uuid(),
    recipient    text not null check (recipient = lower(btrim(recipient))),
    -- Which template, and the values it is rendered with (at send time, so a fixed
    -- template also fixes retries).
    template     text not null check (template ~ '^[a-z_]+$'),
    payload      jsonb not null,
    status       email_status not null default 'QUEUED',
    -- Filled at the first attempt. The Message-ID is derived from the row id, so a
    -- retry after an ambiguous failure carries the same id and can be recognised.
    subject      text,
    message_id   text unique,
    attempts     integer not null default 0 check (attempts >= 0),
    last_error   text,
    created_at   timestamptz not null default now(),
    sent_at      timestamptz,
    updated_at   timestamptz not null default now(),
    check ((status = 'SENT') = (sent_at is not null))
);
create index email_messages_created_idx on email_messages (created_at desc);
create index email_messages_recipient_idx on email_messages (recipient, created_at desc);
create trigger email_messages_updated_at before update on email_messages
    for each row execute function set_updated_at();
