-- Daily task logging: a replayed request answers with what the first one answered, so
-- each completion keeps the totals it produced.
alter table task_completions
    add column day_total_after  integer check (day_total_after between 1 and 100),
    add column progress_after   integer check (progress_after >= 1);
