-- People in the recycle bin, and the warning before the nightly purge.
--
-- When the managers were told (by email, 7 days ahead) that a record is about to be
-- purged; cleared by a restore, so a record deleted again is warned about again.
alter table care_packages add column purge_warned_at timestamptz;
alter table tasks add column purge_warned_at timestamptz;
alter table users add column purge_warned_at timestamptz;

-- An erased person's stub: no personal data, out of the recycle bin for good.
alter table users add constraint users_erased_stub check (
    anonymised_at is null
    or (deleted_at is not null and not is_active and totp_secret_enc is null
        and email like 'erased-%@erased.invalid'));

-- Everything in the recycle bin (erased people have left it).
create view recycle_bin_items as
    select 'CarePackage'::text as kind, id, deleted_at, purge_warned_at
      from care_packages where deleted_at is not null
    union all
    select 'Task', id, deleted_at, purge_warned_at from tasks where deleted_at is not null
    union all
    select case when role = 'CARER' then 'Carer' else 'OfficeStaff' end, id, deleted_at,
           purge_warned_at
      from users where deleted_at is not null and anonymised_at is null;

-- What the nightly sweep purges, and from when: care packages; tasks nobody has
-- practised or been rated on (those wait for a manager, as training evidence); office
-- staff (erased to a stub). Carers are never purged automatically: a manager decides.
create view recycle_bin_due as
    select i.kind, i.id, i.deleted_at + make_interval(days => s.recycle_bin_days) as purge_at,
           i.purge_warned_at
      from recycle_bin_items i cross join organisation_settings s
     where i.kind <> 'Carer'
       and (i.kind <> 'Task'
            or (not exists (select 1 from task_completions c where c.task_id = i.id)
                and not exists (select 1 from competency_ratings r where r.task_id = i.id)));

-- Each carer's tasks: those of the live tasks on their live care packages.
create view carer_assigned_tasks as
    select distinct cp.carer_id, pt.task_id
      from carer_packages cp
      join care_packages p on p.id = cp.package_id and p.deleted_at is null
      join package_tasks pt on pt.package_id = cp.package_id
      join tasks t on t.id = pt.task_id and t.deleted_at is null;
