-- Assessment templates: how long a rating from the template lasts before its review.
alter table assessment_template_versions
    add column review_months integer check (review_months between 1 and 60);
