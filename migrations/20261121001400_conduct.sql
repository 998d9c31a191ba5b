-- The conductor and the carer's confirmation.

-- The review step autosaves like the items: the level chosen, the reason for a level
-- other than the suggestion, and the comments for the carer.
alter table assessment_drafts
    add column final_level       competency_level,
    add column judgement_reason  text not null default '',
    add column comments          text not null default '';

-- A disputed rating a manager sends for reassessment is withdrawn: it never counted,
-- and the carer's effective level stays what it was.
alter type rating_state add value 'WITHDRAWN';

-- Each issued rating has its own id (the REST API confirms `/ratings/{id}`); issuing a
-- new one for the same carer and task gives a new id, so confirming what one saw can
-- never confirm a rating issued since.
alter table competency_ratings add column id uuid not null default gen_random_uuid();
alter table competency_ratings add constraint competency_ratings_id_key unique (id);
-- Who resolved a dispute, and how (shown to the carer and on progress page 4).
alter table competency_ratings
    add column resolution        text,
    add column resolved_by       uuid references users (id),
    add column resolved_at       timestamptz;

-- How a person is named on screen: their profile's name, else their email address.
create function person_name(person uuid) returns text
    language sql stable
    return coalesce((select p.first_name || ' ' || p.last_name from user_profiles p where p.user_id = person),
                    (select u.email from users u where u.id = person));
