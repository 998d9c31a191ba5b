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
done as (
    insert into task_completions
           (carer_id, task_id, package_id, business_date, count, idempotency_key,
            logged_at, source, day_total_after, progress_after)
    select $1, $2, $3, $4, $5, $6, $7, $8, day.total, progress.completed_count
      from day, progress
    returning day_total_after, progress_after
)
select done.day_total_after as "logged_today!", done.progress_after as "current!",
       allowed.target_count as "target!"
  from done, allowed
