-- The role the application runs as (docs/OPERATIONS.md, "Database roles"). It reads and
-- writes the data and appends to the audit log, nothing more: it owns no table, so it
-- cannot drop or disable a trigger or change a table, and it may not update, delete or
-- truncate audit rows. The server switches to it on every connection it serves from
-- (`DATABASE_APP_ROLE`, default caretrack_app); migrations run as the owner.
--
-- Roles belong to the whole cluster: several databases (the tests make one each) may
-- run this at once, so creating it and joining it tolerate having been done already.
-- `server migrate` runs this file again after every migration run (a restore with
-- `--no-acl` drops grants), so it is idempotent. Once landed it cannot change (its
-- checksum is recorded): a later change to the role's rights is a new migration, which
-- `server/src/startup/database.rs` then re-runs as well.
-- A database user without CREATEROLE cannot make it: the migration goes on with a
-- warning, and the server must then run with `DATABASE_APP_ROLE` empty (it says so).
do $$
begin
    create role caretrack_app nologin;
exception
    when duplicate_object or unique_violation then null;
    when insufficient_privilege then
        raise warning 'caretrack_app could not be created (no CREATEROLE): set DATABASE_APP_ROLE empty';
end $$;

-- The owner may act as it (`SET ROLE`). Granted every time: on PostgreSQL 16 and later
-- the role's creator holds only its admin option until granted membership.
do $$
begin
    grant caretrack_app to current_user;
exception
    when duplicate_object or unique_violation or undefined_object or insufficient_privilege then null;
end $$;

do $$
begin
    if not exists (select from pg_roles where rolname = 'caretrack_app') then
        return;
    end if;
    grant usage on schema public to caretrack_app;
    grant select, insert, update, delete on all tables in schema public to caretrack_app;
    grant usage, select on all sequences in schema public to caretrack_app;
    -- Tables and sequences later migrations create get the same grants.
    alter default privileges in schema public
        grant select, insert, update, delete on tables to caretrack_app;
    alter default privileges in schema public
        grant usage, select on sequences to caretrack_app;
    -- History is append-only; the migration log is read (the status page counts it) only.
    revoke update, delete, truncate on audit_log from caretrack_app;
    revoke insert, update, delete, truncate on _sqlx_migrations from caretrack_app;
end $$;
