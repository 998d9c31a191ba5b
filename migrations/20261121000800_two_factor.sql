-- Two-step verification: the last time step a TOTP code was accepted for, so a code
-- cannot be used twice.
alter table users add column totp_last_step bigint;
