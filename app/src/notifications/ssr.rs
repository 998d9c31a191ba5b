//! The notification service: `notify` is the one way anything tells a person
//! something. It reads the person's choice for the kind, writes the notification (on
//! the caller's transaction) and raises `NotificationCreated` in the person's room, and
//! answers the choice so the caller sends its email only when it is wanted.

use super::api::{NotificationItem, NotificationPage, PAGE_SIZE};
use crate::{
    audit::{self, Actor, Entry},
    auth::CurrentUser,
    error::AppError,
    live::{Event, Room, bus},
    state::AppState,
};
use caretrack::{
    Role,
    ids::NotificationId,
    london,
    notification::{Channel, Choice, NotificationKind},
};
use serde_json::Value;
use sqlx::{PgConnection, PgPool, types::Uuid};

/// What to tell someone.
#[derive(Clone, Debug)]
pub struct Notice {
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// Where the notification takes them (a path of the app).
    pub link: Option<String>,
    pub data: Value,
}

impl Notice {
    pub fn new(kind: NotificationKind, title: impl Into<String>) -> Self {
        Self {
            kind,
            title: title.into(),
            body: String::new(),
            link: None,
            data: Value::Object(Default::default()),
        }
    }

    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    pub fn link(mut self, link: impl Into<String>) -> Self {
        self.link = Some(link.into());
        self
    }

    pub fn data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// A person's choice for one kind (every offered channel on when none is stored).
#[tracing::instrument(skip_all)]
pub async fn choice(
    conn: &mut PgConnection,
    user: Uuid,
    kind: NotificationKind,
) -> Result<Choice, sqlx::Error> {
    let stored = sqlx::query!(
        "select in_app, email, push from notification_preferences where user_id = $1 and kind = $2",
        user,
        kind.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match stored {
        Some(row) => Choice {
            kind,
            in_app: row.in_app,
            email: row.email,
            push: row.push,
        }
        .normalised(),
        None => Choice::default_for(kind),
    })
}

/// Tells `user`: the notification centre entry (unless they turned in-app off for the
/// kind) and its live event, and a push to each of their phones when they want the kind
/// pushed. Answers their choice; the caller sends its email only if
/// `choice.wants(Channel::Email)`.
#[tracing::instrument(skip_all)]
pub async fn notify(
    conn: &mut PgConnection,
    user: Uuid,
    notice: &Notice,
) -> Result<Choice, sqlx::Error> {
    let choice = choice(conn, user, notice.kind).await?;
    if choice.wants(Channel::InApp) {
        let id = sqlx::query_scalar!(
            "insert into notifications (user_id, kind, title, body, link, data)
             values ($1, $2, $3, $4, $5, $6) returning id",
            user,
            notice.kind.as_str(),
            notice.title,
            notice.body,
            notice.link,
            notice.data
        )
        .fetch_one(&mut *conn)
        .await?;
        bus::emit(
            Room::User(user.into()),
            Event::NotificationCreated {
                id: NotificationId::from_uuid(id),
                kind: notice.kind.as_str().to_owned(),
                title: notice.title.clone(),
                link: notice.link.clone(),
            },
        );
    }
    if choice.wants(Channel::Push) {
        let message = super::push::PushMessage {
            title: notice.title.clone(),
            body: notice.body.clone(),
            link: notice.link.clone(),
            tag: notice.kind.as_str().to_owned(),
        };
        super::push::ssr::enqueue_for(conn, user, message).await?;
    }
    Ok(choice)
}

/// Tells each of `users` the same thing; answers those who want it by email.
#[tracing::instrument(skip_all)]
pub async fn notify_all(
    conn: &mut PgConnection,
    users: &[Uuid],
    notice: &Notice,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut by_email = Vec::new();
    for &user in users {
        if notify(conn, user, notice).await?.wants(Channel::Email) {
            by_email.push(user);
        }
    }
    Ok(by_email)
}

#[tracing::instrument(skip_all)]
pub async fn list(
    db: &PgPool,
    user: Uuid,
    page: i64,
    unread_only: bool,
) -> Result<NotificationPage, AppError> {
    let page = page.max(1);
    let rows = sqlx::query!(
        r#"select id, kind, title, body, link, created_at, read_at is not null as "read!",
                  count(*) over () as "total!"
             from notifications
            where user_id = $1 and (not $2 or read_at is null)
            order by created_at desc, id
            limit $3 offset $4"#,
        user,
        unread_only,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(
        // An empty page past the end still reports how many there are.
        count(db, user, unread_only).await?,
        |row| row.total,
    );
    Ok(NotificationPage {
        items: rows
            .into_iter()
            .map(|row| NotificationItem {
                id: row.id.into(),
                kind: row.kind,
                title: row.title,
                body: row.body,
                link: row.link,
                when: london::format_datetime(row.created_at),
                read: row.read,
            })
            .collect(),
        total,
        unread: unread(db, user).await?,
        page,
    })
}

async fn count(db: &PgPool, user: Uuid, unread_only: bool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from notifications
            where user_id = $1 and (not $2 or read_at is null)"#,
        user,
        unread_only
    )
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn unread(db: &PgPool, user: Uuid) -> Result<i64, AppError> {
    Ok(count(db, user, true).await?)
}

/// Marks one (or, with `None`, every) notification of `user` read; answers the unread
/// count. Someone else's notification is not found.
#[tracing::instrument(skip_all)]
pub async fn mark_read(db: &PgPool, user: Uuid, id: Option<Uuid>) -> Result<i64, AppError> {
    let changed = sqlx::query!(
        "update notifications set read_at = coalesce(read_at, now())
          where user_id = $1 and ($2::uuid is null or id = $2)",
        user,
        id
    )
    .execute(db)
    .await?;
    if id.is_some() && changed.rows_affected() == 0 {
        return Err(AppError::NotFound("The notification".into()));
    }
    unread(db, user).await
}

/// The person's choices for every kind their role receives, in a stable order.
#[tracing::instrument(skip_all)]
pub async fn choices(db: &PgPool, user: Uuid, role: Role) -> Result<Vec<Choice>, AppError> {
    let mut conn = db.acquire().await?;
    let mut out = Vec::new();
    for &kind in NotificationKind::ALL {
        if kind.reaches(role) {
            out.push(choice(&mut conn, user, kind).await?);
        }
    }
    Ok(out)
}

#[tracing::instrument(skip_all)]
pub async fn save_choices(
    state: &AppState,
    user: &CurrentUser,
    wanted: &[Choice],
) -> Result<Vec<Choice>, AppError> {
    if let Some(foreign) = wanted.iter().find(|c| !c.kind.reaches(user.role)) {
        return Err(AppError::Validation {
            field: "choices".into(),
            message: format!("You do not receive “{}”.", foreign.kind.label()),
        });
    }
    let mut tx = state.db.begin().await?;
    for choice in wanted.iter().map(|c| c.normalised()) {
        sqlx::query!(
            "insert into notification_preferences (user_id, kind, in_app, email, push)
             values ($1, $2, $3, $4, $5)
             on conflict (user_id, kind) do update
                set in_app = excluded.in_app, email = excluded.email, push = excluded.push",
            user.user_id,
            choice.kind.as_str(),
            choice.in_app,
            choice.email,
            choice.push
        )
        .execute(&mut *tx)
        .await?;
    }
    let meta = crate::auth::request_meta();
    audit::commit(
        tx,
        &Actor::user(user, &meta),
        Entry::new("notifications.preferences")
            .entity("user", user.user_id)
            .after(serde_json::to_value(wanted).unwrap_or_default()),
    )
    .await?;
    choices(&state.db, user.user_id, user.role).await
}
