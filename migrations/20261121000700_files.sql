-- File service: what the virus scanner said, and indexes for the garbage collector.

alter table files add column scan_result text;
alter table files add column updated_at timestamptz not null default now();

-- Uploads that never finished, and deleted files whose objects are still stored.
create index files_pending_idx on files (created_at) where status = 'PENDING';
create index files_deleted_idx on files (deleted_at) where deleted_at is not null and status <> 'DELETED';
