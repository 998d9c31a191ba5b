-- The shift sender's rules, stated once for every query that needs them.

-- Whether a carer may apply for a shift: every task it requires is covered by a
-- confirmed (effective) rating of COMPETENT or better. A shift requiring no task is
-- open to every carer.
create function shift_open_to(shift uuid, carer uuid) returns boolean
language sql stable as $$
    select not exists (
        select 1 from shift_required_tasks r
         where r.shift_id = shift
           and not exists (select 1 from competency_ratings c
                            where c.carer_id = carer and c.task_id = r.task_id
                              and c.effective_level >= 'COMPETENT'))
$$;

-- Shifts as the sender lists them: whether only competent carers may apply, how many
-- carers are on each, and how many applications wait for a decision.
create view shift_offers as
select s.id, s.package_id, p.name as package, s.starts_at, s.ends_at,
       s.shift_type::text as kind, s.headcount, s.notes, s.status, s.published_at, s.deleted_at,
       exists (select 1 from shift_required_tasks r where r.shift_id = s.id) as competent_only,
       (select count(*) from rota_entries e where e.shift_id = s.id) as filled,
       (select count(*) from shift_applications a
         where a.shift_id = s.id and a.status = 'INTERESTED') as waiting
  from shifts s join care_packages p on p.id = s.package_id;
