-- Logs practice: the statement behind `practice::log` (and `scripts/bench-practice.sh`'s
-- pgbench floor). $1 carer, $2 task, $3 package, $4 business day, $5 count,
-- $6 idempotency key, $7 logged at, $8 source.
with allowed as (
    select t.target_count
      from carer_packages cp
      join care_packages p on p.id = cp.package_id and p.deleted_at is null
      join package_tasks pt on pt.package_id = cp.package_id
      join tasks t on t.id = pt.task_id and t.deleted_at is null
     where cp.carer_id = $1 and cp.package_id = $3 and pt.task_id = $2
       -- Practice counts from when the carer and the task were placed there.
       and cp.assigned_at <= $7 and pt.assigned_at <= $7
),
day as (
    insert into task_daily_totals as d (carer_id, task_id, business_date, total)
    select $1, $2, $4, $5 from allowed
    on conflict (carer_id, task_id, business_date)
    do update set total = d.total + excluded.total
       where d.total + excluded.total <= 100
    returning d.total
),
progress as (
    insert into task_progress as tp (carer_id, task_id, completed_count, last_logged_at, target_reached_at)
    select $1, $2, $5, now(), case when $5 >= allowed.target_count then now() end
      from day, allowed
    on conflict (carer_id, task_id) do update
       set completed_count = tp.completed_count + excluded.completed_count,
           last_logged_at = excluded.last_logged_at,
           target_reached_at = coalesce(
               tp.target_reached_at,
               case when tp.completed_count + excluded.completed_count
                         >= (select target_count from allowed) then now() end)
    returning tp.completed_count
),
-- This log takes the carer to the target, and every other task the template covering
-- it asks for is at its target too: the assessment becomes ready, in this transaction
-- (once: one open assessment per carer and template), and a job announces it.
ready as (
    insert into assessments (template_id, template_version_id, carer_id)
    select tt.template_id, v.id, $1
      from progress, allowed, assessment_template_tasks tt
      join assessment_templates tmpl on tmpl.id = tt.template_id and tmpl.deleted_at is null
      join assessment_template_versions v
        on v.template_id = tmpl.id and v.version = tmpl.current_version
     where tt.task_id = $2
       and progress.completed_count >= allowed.target_count
       and progress.completed_count - $5 < allowed.target_count
       and not exists (
           select 1
             from assessment_template_tasks other
             join tasks t on t.id = other.task_id and t.deleted_at is null
             left join task_progress tp on tp.carer_id = $1 and tp.task_id = other.task_id
            where other.template_id = tt.template_id and other.task_id <> $2
              and coalesce(tp.completed_count, 0) < t.target_count)
    on conflict do nothing
    returning id
),
announced as (
    insert into jobs (kind, payload, dedupe_key)
    select 'assessment.ready', jsonb_build_object('assessment_id', ready.id),
           'assessment.ready:' || ready.id
      from ready
    returning id
),
woken as (
    select pg_notify('jobs', 'default') from announced
),
done as (
    insert into task_completions
           (carer_id, task_id, package_id, business_date, count, idempotency_key,
            logged_at, source, day_total_after, progress_after)
    select $1, $2, $3, $4, $5, $6, $7, $8, day.total, progress.completed_count
      from day, progress
    returning day_total_after, progress_after
)
select done.day_total_after as "logged_today!", done.progress_after as "current!",
       allowed.target_count as "target!",
       (select count(*) from woken) > 0 as "assessment_ready!"
  from done, allowed
