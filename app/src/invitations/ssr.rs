//! Invite-only onboarding: a care manager invites by name, email and role; the invitee
//! follows a single-use link (7 days), chooses a password and completes their profile,
//! and is signed in. Tokens are stored only as SHA-256; the invitation's status is
//! derived from its timestamps, never stored.

use super::api::{
    InvitationPage, InvitationStatus, InvitationSummary, InvitationView, NewInvitation, PAGE_SIZE,
};
use crate::{
    audit::{self, Actor, Entry},
    auth::{
        CurrentUser, RequestMeta,
        login::SignedInUser,
        sessions::{self, IssuedTokens},
        tokens::{hash_token, new_opaque_token},
    },
    error::AppError,
    mail::{Email, Invitation, enqueue_email},
    state::AppState,
};
use caretrack::ids::InvitationId;
use caretrack::{EmailAddress, PersonName, Role, UkPhoneNumber};
use sqlx::{PgConnection, types::Uuid};
use time::{Duration, OffsetDateTime};

pub const LIFETIME: Duration = Duration::days(7);

fn status(accepted: bool, revoked: bool, expires_at: OffsetDateTime) -> InvitationStatus {
    if accepted {
        InvitationStatus::Accepted
    } else if revoked {
        InvitationStatus::Revoked
    } else if expires_at <= OffsetDateTime::now_utc() {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

fn role_phrase(role: Role) -> &'static str {
    match role {
        Role::Admin => "a care manager",
        Role::Assessor => "an assessor",
        Role::Carer => "a care worker",
        Role::Viewer => "a viewer",
    }
}

async fn inviter_name(conn: &mut PgConnection, user_id: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!"
             from users u left join user_profiles p on p.user_id = u.id where u.id = $1"#,
        user_id
    )
    .fetch_one(conn)
    .await
}

/// One invitation email to write.
struct Outgoing<'a> {
    invited_by: Uuid,
    email: &'a EmailAddress,
    first_name: &'a str,
    role: Role,
    token: &'a str,
    expires_at: OffsetDateTime,
}

/// Writes the invitation email (a job on the caller's transaction).
async fn send(
    conn: &mut PgConnection,
    state: &AppState,
    out: Outgoing<'_>,
) -> Result<(), sqlx::Error> {
    let inviter = inviter_name(conn, out.invited_by).await?;
    let message = Email::Invitation(Invitation {
        invitee_name: out.first_name.to_owned(),
        inviter_name: inviter,
        role: role_phrase(out.role).to_owned(),
        accept_url: format!("{}/invite/{}", state.settings.public_url, out.token),
        expires_on: caretrack::london::format_date(caretrack::london::business_day(out.expires_at)),
    });
    enqueue_email(conn, out.email, &message).await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: &AppState,
    inviter: &CurrentUser,
    actor: &Actor,
    input: NewInvitation,
) -> Result<InvitationSummary, AppError> {
    let first = PersonName::parse_field(&input.first_name, "first_name")?;
    let last = PersonName::parse_field(&input.last_name, "last_name")?;
    let email = EmailAddress::parse(&input.email)?;
    let role: Role = input
        .role
        .parse()
        .map_err(|_| AppError::validation("role", "Choose a role"))?;

    let mut tx = state.db.begin().await?;
    let taken = sqlx::query_scalar!(
        r#"select deleted_at is not null as "in_bin!" from users where email = $1"#,
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(in_bin) = taken {
        return Err(AppError::validation(
            "email",
            if in_bin {
                format!(
                    "{} has an account in the recycle bin: restore it there instead.",
                    email.as_str()
                )
            } else {
                format!("{} already has an account.", email.as_str())
            },
        ));
    }
    let (token, token_hash) = new_opaque_token();
    let expires_at = OffsetDateTime::now_utc() + LIFETIME;
    let id = sqlx::query_scalar!(
        "insert into invitations (email, role, first_name, last_name, token_hash, invited_by, expires_at)
         values ($1, $2::text::user_role, $3, $4, $5, $6, $7)
         on conflict do nothing
         returning id",
        email.as_str(),
        role.as_str(),
        first.as_str(),
        last.as_str(),
        &token_hash[..],
        inviter.user_id,
        expires_at
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::validation(
            "email",
            format!("{} already has an open invitation: resend it from the list instead.", email.as_str()),
        )
    })?;
    send(
        &mut tx,
        state,
        Outgoing {
            invited_by: inviter.user_id,
            email: &email,
            first_name: first.as_str(),
            role,
            token: &token,
            expires_at,
        },
    )
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("invitations.create")
            .entity("invitation", id)
            .after(serde_json::json!({ "email": email.as_str(), "role": role.as_str() })),
    )
    .await?;
    Ok(InvitationSummary {
        id: id.into(),
        name: format!("{first} {last}"),
        email: email.as_str().to_owned(),
        role,
        status: InvitationStatus::Pending,
        sent: caretrack::london::format_datetime(OffsetDateTime::now_utc()),
        send_count: 1,
        expires: caretrack::london::format_date(caretrack::london::business_day(expires_at)),
    })
}

#[tracing::instrument(skip_all)]
pub async fn list(state: &AppState, page: i64) -> Result<InvitationPage, AppError> {
    let page = page.max(1);
    let total = sqlx::query_scalar!(r#"select count(*) as "n!" from invitations"#)
        .fetch_one(&state.db)
        .await?;
    let rows = sqlx::query!(
        r#"select id, first_name, last_name, email, role::text as "role!", last_sent_at, send_count,
                  expires_at, accepted_at is not null as "accepted!", revoked_at is not null as "revoked!"
             from invitations order by created_at desc, id limit $1 offset $2"#,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&state.db)
    .await?;
    let items = rows
        .into_iter()
        .map(|row| InvitationSummary {
            id: row.id.into(),
            name: format!("{} {}", row.first_name, row.last_name),
            email: row.email,
            role: row.role.parse().unwrap_or(Role::Carer),
            status: status(row.accepted, row.revoked, row.expires_at),
            sent: caretrack::london::format_datetime(row.last_sent_at),
            send_count: row.send_count,
            expires: caretrack::london::format_date(caretrack::london::business_day(
                row.expires_at,
            )),
        })
        .collect();
    Ok(InvitationPage { items, total, page })
}

/// Sends a pending or expired invitation again with a new link (the old link stops
/// working) and a fresh 7 days.
#[tracing::instrument(skip_all)]
pub async fn resend(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    id: InvitationId,
) -> Result<(), AppError> {
    let id = id.into_uuid();
    let (token, token_hash) = new_opaque_token();
    let expires_at = OffsetDateTime::now_utc() + LIFETIME;
    let mut tx = state.db.begin().await?;
    let row = sqlx::query!(
        r#"update invitations
              set token_hash = $2, expires_at = $3, last_sent_at = now(), send_count = send_count + 1
            where id = $1 and accepted_at is null and revoked_at is null
        returning email, first_name, role::text as "role!""#,
        id,
        &token_hash[..],
        expires_at
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Conflict("Only open invitations can be sent again.".into()))?;
    let email = EmailAddress::parse(&row.email)?;
    let role: Role = row.role.parse().map_err(|_| AppError::Internal)?;
    send(
        &mut tx,
        state,
        Outgoing {
            invited_by: user.user_id,
            email: &email,
            first_name: &row.first_name,
            role,
            token: &token,
            expires_at,
        },
    )
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("invitations.resend").entity("invitation", id),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn revoke(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    id: InvitationId,
) -> Result<(), AppError> {
    let id = id.into_uuid();
    let mut tx = state.db.begin().await?;
    let done = sqlx::query!(
        "update invitations set revoked_at = now(), revoked_by = $2
          where id = $1 and accepted_at is null and revoked_at is null",
        id,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "This invitation was already accepted or revoked.".into(),
        ));
    }
    audit::commit(
        tx,
        actor,
        Entry::new("invitations.revoke").entity("invitation", id),
    )
    .await?;
    Ok(())
}

struct Found {
    id: Uuid,
    email: String,
    role: String,
    first_name: String,
    last_name: String,
}

/// The open invitation behind a link, or why the link no longer works.
async fn open_invitation(conn: &mut PgConnection, token: &str) -> Result<Found, AppError> {
    // Locked: accepting twice at once must not make two accounts.
    let row = sqlx::query!(
        r#"select id, email, role::text as "role!", first_name, last_name, expires_at,
                  accepted_at is not null as "accepted!", revoked_at is not null as "revoked!"
             from invitations where token_hash = $1 for update"#,
        &hash_token(token)[..]
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| {
        let found = Found {
            id: r.id,
            email: r.email,
            role: r.role,
            first_name: r.first_name,
            last_name: r.last_name,
        };
        (found, r.expires_at, r.accepted, r.revoked)
    });
    let Some((found, expires_at, accepted, revoked)) = row else {
        return Err(AppError::NotFound("This invitation link".into()));
    };
    match status(accepted, revoked, expires_at) {
        InvitationStatus::Pending => Ok(found),
        InvitationStatus::Accepted => Err(AppError::Conflict(
            "This invitation has already been used. Sign in instead.".into(),
        )),
        InvitationStatus::Revoked => Err(AppError::Conflict(
            "This invitation was withdrawn. Ask your care manager for a new one.".into(),
        )),
        InvitationStatus::Expired => Err(AppError::Conflict(
            "This invitation has expired. Ask your care manager to send it again.".into(),
        )),
    }
}

#[tracing::instrument(skip_all)]
pub async fn view(state: &AppState, token: &str) -> Result<InvitationView, AppError> {
    let mut conn = state.db.acquire().await?;
    let found = open_invitation(&mut conn, token).await?;
    let role: Role = found.role.parse().map_err(|_| AppError::Internal)?;
    Ok(InvitationView {
        first_name: found.first_name,
        last_name: found.last_name,
        email: found.email,
        role,
        organisation: state.settings.organisation_name.clone(),
    })
}

/// What the invitee fills in.
pub struct Acceptance<'a> {
    pub token: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone: &'a str,
    pub password: &'a str,
    pub password_again: &'a str,
}

/// Creates the account (email verified: the link proved the address), marks the
/// invitation used and signs the new person in.
#[tracing::instrument(skip_all)]
pub async fn accept(
    state: &AppState,
    input: Acceptance<'_>,
    meta: &RequestMeta,
) -> Result<(IssuedTokens, SignedInUser), AppError> {
    let first = PersonName::parse_field(input.first_name, "first_name")?;
    let last = PersonName::parse_field(input.last_name, "last_name")?;
    let phone = match input.phone.trim() {
        "" => None,
        raw => Some(UkPhoneNumber::parse(raw)?),
    };
    let mut tx = state.db.begin().await?;
    let found = open_invitation(&mut tx, input.token).await?;
    crate::auth::check_new_password(input.password, input.password_again, &found.email)?;
    let role: Role = found.role.parse().map_err(|_| AppError::Internal)?;
    let hash = state.auth.hasher.hash(input.password.to_owned()).await?;
    let user_id = sqlx::query_scalar!(
        "insert into users (email, role, password_hash, email_verified_at)
         values ($1, $2::text::user_role, $3, now()) returning id",
        found.email,
        role.as_str(),
        hash
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into user_profiles (user_id, first_name, last_name, phone) values ($1, $2, $3, $4)",
        user_id,
        first.as_str(),
        last.as_str(),
        phone.as_ref().map(|p| p.as_str())
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update invitations set accepted_at = now(), accepted_user_id = $2 where id = $1",
        found.id,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    let actor = Actor::new(Some(user_id), Some(role), meta);
    audit::commit(
        tx,
        &actor,
        Entry::new("invitations.accept")
            .entity("invitation", found.id)
            .after(serde_json::json!({ "user_id": user_id, "role": role.as_str() })),
    )
    .await?;
    let tokens = sessions::start(state, user_id, role, meta).await?;
    Ok((
        tokens,
        SignedInUser {
            id: user_id,
            email: found.email,
            role,
        },
    ))
}
