-- The rota editor: each package's DAY and NIGHT slots, breaks planned into shifts, and
-- one shift per package slot so the editor's grid and the shift sender share rows.

create table package_rota_settings (
    package_id           uuid primary key references care_packages (id) on delete cascade,
    -- London wall-clock times; a slot ending at or before its start ends the next day.
    day_starts           time not null default '08:00',
    day_ends             time not null default '20:00',
    night_starts         time not null default '20:00',
    night_ends           time not null default '08:00',
    day_break_minutes    integer not null default 30 check (day_break_minutes between 0 and 180),
    night_break_minutes  integer not null default 30 check (night_break_minutes between 0 and 180),
    day_headcount        integer not null default 1 check (day_headcount between 1 and 10),
    night_headcount      integer not null default 1 check (night_headcount between 1 and 10),
    updated_by           uuid references users (id),
    updated_at           timestamptz not null default now(),
    check (day_starts <> day_ends and night_starts <> night_ends)
);
create trigger package_rota_settings_updated_at before update on package_rota_settings
    for each row execute function set_updated_at();

-- The unpaid break planned into a shift (WTR reg. 12); it is not working time.
alter table shifts add column break_minutes integer not null default 0
    check (break_minutes between 0 and 180);

-- A package has at most one live shift of each type starting at one instant: the
-- editor's slot.
create unique index shifts_package_slot_key on shifts (package_id, starts_at, shift_type)
    where deleted_at is null;
