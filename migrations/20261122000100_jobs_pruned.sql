-- How many finished jobs `jobs.prune` has deleted, so that "jobs ever enqueued" (rows
-- now in `jobs` plus these) keeps rising as a Prometheus counter must.
create table jobs_pruned (
    only_row  boolean primary key default true check (only_row),
    count     bigint not null default 0 check (count >= 0)
);
insert into jobs_pruned default values;
