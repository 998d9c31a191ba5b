-- A carer's secret calendar link (iCalendar feed of their rota). Only the SHA-256 of the
-- token is kept; making a new link replaces the old one, and deleting the row turns the
-- feed off.
create table calendar_feeds (
    user_id     uuid primary key references users (id) on delete cascade,
    token_hash  bytea not null unique check (length(token_hash) = 32),
    created_at  timestamptz not null default now(),
    last_read_at timestamptz
);
