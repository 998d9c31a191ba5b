//! A carer's own rota: their shifts, the page's list and calendar, and the secret calendar link and its iCalendar feed.

use crate::rota::{
    carer_rota::api::{CalendarDay, CalendarWeek, MyShift, PersonalRota},
    slots::ssr::hhmm,
};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{ids::ShiftId, london, rota::ShiftKind};
use sqlx::{PgPool, types::Uuid};
use time::{Duration, OffsetDateTime};

/// A carer's confirmed shifts that end after `from` and start before `to` (at most 500).
#[tracing::instrument(skip_all)]
pub async fn my_rota(
    db: &PgPool,
    carer: Uuid,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<MyShift>, AppError> {
    let rows = sqlx::query!(
        r#"select s.id, p.name as package, s.starts_at, s.ends_at, s.shift_type::text as "kind!",
                  coalesce(array_agg(op.first_name order by op.first_name) filter (where op.first_name is not null), '{}') as "colleagues!"
             from rota_entries e
             join shifts s on s.id = e.shift_id and s.deleted_at is null and s.status <> 'CANCELLED'
             join care_packages p on p.id = s.package_id
             left join rota_entries o on o.shift_id = s.id and o.carer_id <> e.carer_id
             left join user_profiles op on op.user_id = o.carer_id
            where e.carer_id = $1 and s.ends_at > $2 and s.starts_at < $3
            group by s.id, p.name
            order by s.starts_at
            limit 500"#,
        carer,
        from,
        to
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let day = london::business_day(r.starts_at);
            MyShift {
                shift_id: ShiftId::from_uuid(r.id),
                package: r.package,
                date: caretrack::days::text(day),
                day_label: london::format_date(day),
                times: format!("{}–{}", hhmm(r.starts_at), hhmm(r.ends_at)),
                kind: r.kind.parse().unwrap_or(ShiftKind::Day),
                colleagues: r.colleagues,
            }
        })
        .collect())
}

/// Weeks shown on the carer's calendar (the list runs on to eight).
pub(in crate::rota) const CALENDAR_WEEKS: i64 = 4;

/// The carer's page: eight weeks from now as a list, four from this Monday as a calendar.
#[tracing::instrument(skip_all)]
pub async fn my_rota_page(state: &AppState, carer: Uuid) -> Result<PersonalRota, AppError> {
    let now = OffsetDateTime::now_utc();
    let today = london::business_day(now);
    let monday = caretrack::days::week_of(now);
    let shifts = my_rota(
        &state.db,
        carer,
        now,
        london::start_of_day(monday + Duration::weeks(8)),
    )
    .await?;
    let weeks = (0..CALENDAR_WEEKS)
        .map(|w| {
            let first = monday + Duration::weeks(w);
            CalendarWeek {
                label: format!("Week of {}", london::format_date(first)),
                days: (0..7)
                    .map(|d| {
                        let day = first + Duration::days(d);
                        let date = caretrack::days::text(day);
                        CalendarDay {
                            label: day
                                .format(time::macros::format_description!(
                                    "[weekday repr:short] [day padding:none]"
                                ))
                                .unwrap_or_default(),
                            today: day == today,
                            shifts: shifts
                                .iter()
                                .enumerate()
                                .filter(|(_, s)| s.date == date)
                                .filter_map(|(i, _)| u32::try_from(i).ok())
                                .collect(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let calendar_link_since = sqlx::query_scalar!(
        "select created_at from calendar_feeds where user_id = $1",
        carer
    )
    .fetch_optional(&state.db)
    .await?
    .map(london::format_datetime);
    Ok(PersonalRota {
        shifts,
        weeks,
        calendar_link_since,
    })
}

#[tracing::instrument(skip_all)]
pub async fn new_calendar_link(state: &AppState, actor: &Actor) -> Result<String, AppError> {
    let user = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let (token, hash) = crate::auth::tokens::new_opaque_token();
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "insert into calendar_feeds (user_id, token_hash) values ($1, $2)
         on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now(), last_read_at = null",
        user,
        &hash[..]
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("calendar_link.create").entity("user", user),
    )
    .await?;
    Ok(format!(
        "{}/api/v1/calendar/{token}.ics",
        state.settings.public_url
    ))
}

#[tracing::instrument(skip_all)]
pub async fn turn_off_calendar_link(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    let user = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let mut tx = state.db.begin().await?;
    let gone = sqlx::query!("delete from calendar_feeds where user_id = $1", user)
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() == 0 {
        return Err(AppError::NotFound("Your calendar link".into()));
    }
    audit::commit(
        tx,
        actor,
        Entry::new("calendar_link.revoke").entity("user", user),
    )
    .await?;
    Ok(())
}

/// The iCalendar feed behind a secret link: four weeks back to six months ahead.
/// Colleagues are named by first name only: the feed lives in a calendar app, often
/// shared with family or synced to other services.
/// `None` for a token that is not (or no longer) a link.
#[tracing::instrument(skip_all)]
pub async fn calendar_feed(state: &AppState, token: &str) -> Result<Option<String>, AppError> {
    let hash = crate::auth::tokens::hash_token(token);
    let Some(user) = sqlx::query_scalar!(
        "update calendar_feeds f set last_read_at = now()
           from users u
          where f.token_hash = $1 and u.id = f.user_id and u.is_active and u.deleted_at is null
          returning f.user_id",
        &hash[..]
    )
    .fetch_optional(&state.db)
    .await?
    else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let rows = sqlx::query!(
        r#"select s.id, s.starts_at, s.ends_at, s.shift_type::text as "kind!", p.name as package,
                  p.postcode_district,
                  coalesce(array_agg(op.first_name order by op.first_name) filter (where op.first_name is not null), '{}') as "colleagues!"
             from rota_entries e
             join shifts s on s.id = e.shift_id and s.deleted_at is null and s.status <> 'CANCELLED'
             join care_packages p on p.id = s.package_id
             left join rota_entries o on o.shift_id = s.id and o.carer_id <> e.carer_id
             left join user_profiles op on op.user_id = o.carer_id
            where e.carer_id = $1 and s.ends_at > $2 and s.starts_at < $3
            group by s.id, p.name, p.postcode_district
            order by s.starts_at
            limit 1000"#,
        user,
        now - Duration::weeks(4),
        now + Duration::weeks(26)
    )
    .fetch_all(&state.db)
    .await?;
    let name = sqlx::query_scalar!(r#"select person_name($1) as "n!""#, user)
        .fetch_one(&state.db)
        .await?;
    let events: Vec<caretrack::ical::Event> = rows
        .into_iter()
        .map(|r| {
            let kind = r.kind.parse().unwrap_or(ShiftKind::Day);
            caretrack::ical::Event {
                uid: format!("{}-{user}@caretrack", r.id),
                start: r.starts_at,
                end: r.ends_at,
                summary: format!("{} shift at {}", kind.label(), r.package),
                location: format!("{}, {}", r.package, r.postcode_district),
                description: if r.colleagues.is_empty() {
                    String::new()
                } else {
                    format!("With {}", r.colleagues.join(", "))
                },
            }
        })
        .collect();
    Ok(Some(caretrack::ical::calendar(
        &format!("{name} — CareTrack rota"),
        &events,
        now,
    )))
}
