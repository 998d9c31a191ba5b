//! Reading the audit log: filtered pages for the screen, every matching row for CSV.

use super::api::{AuditFilter, AuditPage, AuditRow, PAGE_SIZE};
use crate::error::AppError;
use caretrack::{EmailAddress, london};
use sqlx::{PgPool, types::Uuid};
use time::{Date, OffsetDateTime};

/// The filter in the form the queries take.
pub struct Criteria {
    actor: Option<Uuid>,
    /// An actor was asked for who does not exist: nothing matches.
    no_such_actor: bool,
    action: Option<String>,
    entity_type: Option<String>,
    from: Option<OffsetDateTime>,
    until: Option<OffsetDateTime>,
}

fn day(raw: &str, field: &str) -> Result<Option<Date>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    caretrack::days::parse(raw)
        .map(Some)
        .ok_or_else(|| AppError::validation(field, "Enter a date as YYYY-MM-DD."))
}

#[tracing::instrument(skip_all)]
pub async fn criteria(db: &PgPool, filter: &AuditFilter) -> Result<Criteria, AppError> {
    let (actor, no_such_actor) = match filter.user.trim() {
        "" => (None, false),
        raw => {
            let email =
                EmailAddress::parse(raw).map_err(|e| AppError::validation("user", e.message))?;
            let id = sqlx::query_scalar!("select id from users where email = $1", email.as_str())
                .fetch_optional(db)
                .await?;
            (id, id.is_none())
        }
    };
    let from = day(&filter.from, "from")?;
    let to = day(&filter.to, "to")?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::validation(
            "to",
            "The end date is before the start date.",
        ));
    }
    let text = |raw: &str| Some(raw.trim().to_lowercase()).filter(|t| !t.is_empty());
    Ok(Criteria {
        actor,
        no_such_actor,
        action: text(&filter.action),
        entity_type: text(&filter.entity_type),
        from: from.map(london::start_of_day),
        until: to.and_then(|d| d.next_day()).map(london::start_of_day),
    })
}

fn json_text(value: Option<serde_json::Value>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// One page, newest first.
#[tracing::instrument(skip_all)]
pub async fn search(db: &PgPool, filter: &AuditFilter, page: i64) -> Result<AuditPage, AppError> {
    let page = page.max(1);
    let c = criteria(db, filter).await?;
    if c.no_such_actor {
        return Ok(AuditPage {
            items: Vec::new(),
            total: 0,
            page,
        });
    }
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from audit_log a
            where ($1::uuid is null or a.actor_id = $1)
              and ($2::text is null or a.action like $2 || '%')
              and ($3::text is null or a.entity_type = $3)
              and ($4::timestamptz is null or a.occurred_at >= $4)
              and ($5::timestamptz is null or a.occurred_at < $5)"#,
        c.actor,
        c.action,
        c.entity_type,
        c.from,
        c.until
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query!(
        r#"select a.id, a.occurred_at, a.action, a.entity_type, a.entity_id, host(a.ip) as ip,
                  a.before, a.after, a.actor_role::text as actor_role, u.email as "actor_email?"
             from audit_log a left join users u on u.id = a.actor_id
            where ($1::uuid is null or a.actor_id = $1)
              and ($2::text is null or a.action like $2 || '%')
              and ($3::text is null or a.entity_type = $3)
              and ($4::timestamptz is null or a.occurred_at >= $4)
              and ($5::timestamptz is null or a.occurred_at < $5)
            order by a.id desc
            limit $6 offset $7"#,
        c.actor,
        c.action,
        c.entity_type,
        c.from,
        c.until,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    let items = rows
        .into_iter()
        .map(|r| AuditRow {
            id: r.id,
            when: london::format_datetime(r.occurred_at),
            actor: match (r.actor_email, r.actor_role) {
                (Some(email), Some(role)) => format!("{email} ({})", role.to_lowercase()),
                (Some(email), None) => email,
                _ => "system or visitor".into(),
            },
            action: r.action,
            entity: match (r.entity_type, r.entity_id) {
                (Some(kind), Some(id)) => format!("{kind} {id}"),
                (Some(kind), None) => kind,
                _ => String::new(),
            },
            ip: r.ip.unwrap_or_default(),
            before: json_text(r.before),
            after: json_text(r.after),
        })
        .collect();
    Ok(AuditPage { items, total, page })
}

/// Every matching row as CSV (oldest first), read in pages so memory stays flat.
#[tracing::instrument(skip_all)]
pub async fn export_csv(
    db: &PgPool,
    filter: &AuditFilter,
    mut write: impl FnMut(String),
) -> Result<usize, AppError> {
    let c = criteria(db, filter).await?;
    write(crate::csv::line([
        "id",
        "occurred_at_utc",
        "actor_email",
        "actor_role",
        "ip",
        "user_agent",
        "action",
        "entity_type",
        "entity_id",
        "before",
        "after",
    ]));
    if c.no_such_actor {
        return Ok(0);
    }
    let mut after_id = 0i64;
    let mut written = 0;
    loop {
        let rows = sqlx::query!(
            r#"select a.id, a.occurred_at, u.email as "actor_email?", a.actor_role::text as actor_role,
                      host(a.ip) as ip, a.user_agent, a.action, a.entity_type, a.entity_id, a.before, a.after
                 from audit_log a left join users u on u.id = a.actor_id
                where a.id > $6
                  and ($1::uuid is null or a.actor_id = $1)
                  and ($2::text is null or a.action like $2 || '%')
                  and ($3::text is null or a.entity_type = $3)
                  and ($4::timestamptz is null or a.occurred_at >= $4)
                  and ($5::timestamptz is null or a.occurred_at < $5)
                order by a.id limit 1000"#,
            c.actor,
            c.action,
            c.entity_type,
            c.from,
            c.until,
            after_id
        )
        .fetch_all(db)
        .await?;
        let Some(last) = rows.last() else { break };
        after_id = last.id;
        let mut chunk = String::new();
        for r in rows {
            let fields = [
                r.id.to_string(),
                r.occurred_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                r.actor_email.unwrap_or_default(),
                r.actor_role.unwrap_or_default(),
                r.ip.unwrap_or_default(),
                r.user_agent.unwrap_or_default(),
                r.action,
                r.entity_type.unwrap_or_default(),
                r.entity_id.unwrap_or_default(),
                json_text(r.before),
                json_text(r.after),
            ];
            chunk.push_str(&crate::csv::line(fields));
            written += 1;
        }
        write(chunk);
    }
    Ok(written)
}
