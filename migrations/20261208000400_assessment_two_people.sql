-- Two-person approval, enforced (issue "Hardened"): who submitted an assessment, and
-- everyone who has conducted it (started it or taken it over). An approver must be
-- none of them.
alter table assessments
    add column submitted_by uuid references users (id),
    add column conductors uuid[] not null default '{}';

update assessments set conductors = array[assessor_id] where assessor_id is not null;
update assessments set submitted_by = assessor_id where submitted_at is not null;
