-- The audit chain, hardened (issue "Hardened"). From here on the server signs each row
-- with a key the database never sees (HMAC-SHA256, `app::audit::chain`), and takes the
-- row's id under the chain's lock, so concurrent transactions cannot chain out of
-- order. `key_id` names the key a row was signed with; rows written before this
-- migration have none and keep the database's unkeyed digest (`audit_log_digest`).
alter table audit_log add column key_id text;

-- The trigger holds the chain's lock and refuses a signed row that does not follow the
-- last one. An unsigned row can only come from the previous release, still serving
-- while this one starts (every migration must work with it): it is chained as before,
-- by the digest, with its id taken under the lock. `server audit verify` accepts such
-- rows only in the first hour after signing began; the next release refuses them here.
create or replace function audit_log_chain() returns trigger
language plpgsql as $$
declare
    last_id   bigint;
    last_hash bytea;
begin
    perform pg_advisory_xact_lock(hashtext('audit_log_chain'));
    select id, hash into last_id, last_hash from audit_log order by id desc limit 1;
    if new.key_id is null then
        new.id = coalesce(last_id, 0) + 1;
        new.prev_hash = last_hash;
        new.hash = audit_log_digest(new.prev_hash, new);
        return new;
    end if;
    if new.id is distinct from coalesce(last_id, 0) + 1
       or new.prev_hash is distinct from last_hash then
        raise exception 'audit_log row % does not follow row %', new.id, last_id
            using errcode = 'check_violation';
    end if;
    return new;
end $$;
