-- Purging a care package from the recycle bin removes the client's data but keeps the
-- carers' practice history: their completions stay, without the package.
alter table task_completions alter column package_id drop not null;
alter table task_completions drop constraint task_completions_package_id_fkey;
alter table task_completions add constraint task_completions_package_id_fkey
    foreign key (package_id) references care_packages (id) on delete set null;
