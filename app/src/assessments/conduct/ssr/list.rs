//! Progress page 2's list of assessments, filtered and paged.

use crate::assessments::conduct::api::{AssessmentFilter, AssessmentRow};
use crate::wire::{Named, Page};
use crate::{error::AppError, state::AppState};
use caretrack::{assessment::WeightedScore, london::format_datetime};
use sqlx::types::Uuid;

pub const PAGE_SIZE: i64 = 25;

#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    filter: &AssessmentFilter,
    page: i64,
) -> Result<Page<AssessmentRow>, AppError> {
    let page = page.max(1);
    let template: Option<Uuid> = match filter.template.as_deref().filter(|t| !t.is_empty()) {
        Some(id) => Some(
            id.parse()
                .map_err(|_| AppError::NotFound("The assessment template".into()))?,
        ),
        None => None,
    };
    let rows = sqlx::query!(
        r#"select a.id, a.status::text as "status!", a.carer_id, person_name(a.carer_id) as "carer!",
                  v.title, v.version, a.ready_at, person_name(a.assessor_id) as assessor,
                  (a.weighted_score * 100)::int as score, a.final_level::text as final_level,
                  count(*) over () as "total!"
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
            where a.deleted_at is null
              and ($1::text is null or a.status::text = $1)
              and ($2::uuid is null or a.carer_id = $2)
              and ($3::uuid is null or a.template_id = $3)
            order by array_position(array['READY', 'RETURNED', 'IN_PROGRESS', 'AWAITING_APPROVAL',
                                          'COMPLETED', 'CANCELLED'], a.status::text),
                     a.ready_at desc, a.id
            limit $4 offset $5"#,
        filter.status.map(|s| s.as_str()),
        filter.carer.map(|c| *c.as_uuid()),
        template,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&state.db)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(AssessmentRow {
                id: r.id.into(),
                carer: Named {
                    id: r.carer_id.into(),
                    name: r.carer,
                },
                title: r.title,
                version: r.version,
                status: r.status.parse().map_err(|_| AppError::Internal)?,
                ready_at: format_datetime(r.ready_at),
                assessor: r.assessor,
                score: r
                    .score
                    .map(|s| WeightedScore::from_hundredths(s as u32).to_string()),
                final_level: r.final_level.and_then(|l| l.parse().ok()),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Page::new(items, total, page, PAGE_SIZE))
}
