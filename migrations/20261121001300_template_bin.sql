-- Assessment templates in the recycle bin. A deleted template lets go of its tasks (its
-- current version keeps the list, so a restore can take them back); one that any
-- assessment used waits for a manager, like a task with practice recorded.
alter table assessment_templates add column purge_warned_at timestamptz;

create or replace view recycle_bin_items as
    select 'CarePackage'::text as kind, id, deleted_at, purge_warned_at
      from care_packages where deleted_at is not null
    union all
    select 'Task', id, deleted_at, purge_warned_at from tasks where deleted_at is not null
    union all
    select case when role = 'CARER' then 'Carer' else 'OfficeStaff' end, id, deleted_at,
           purge_warned_at
      from users where deleted_at is not null and anonymised_at is null
    union all
    select 'AssessmentTemplate', id, deleted_at, purge_warned_at
      from assessment_templates where deleted_at is not null;

create or replace view recycle_bin_due as
    select i.kind, i.id, i.deleted_at + make_interval(days => s.recycle_bin_days) as purge_at,
           i.purge_warned_at
      from recycle_bin_items i cross join organisation_settings s
     where i.kind <> 'Carer'
       and (i.kind <> 'Task'
            or (not exists (select 1 from task_completions c where c.task_id = i.id)
                and not exists (select 1 from competency_ratings r where r.task_id = i.id)))
       and (i.kind <> 'AssessmentTemplate'
            or not exists (select 1 from assessments a where a.template_id = i.id));
