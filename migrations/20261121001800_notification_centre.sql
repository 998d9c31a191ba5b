-- The notification centre: a person may turn the in-app channel off per kind too
-- (email and push were already there).
alter table notification_preferences add column in_app boolean not null default true;
