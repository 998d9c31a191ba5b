//! Invitations end to end below the browser: the service with the real database (and
//! the email it queues), and the server functions through the router with real tokens.

use crate::common;

use app::{
    audit::Actor,
    auth::{CurrentUser, RequestMeta},
    error::AppError,
    invitations::{
        api::{InvitationStatus, NewInvitation},
        ssr::{self, Acceptance},
    },
    state::AppState,
};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use caretrack::Role;
use sqlx::{PgPool, types::Uuid};

const PASSWORD: &str = "kettle on at the day centre";

async fn manager(state: &AppState) -> CurrentUser {
    let id: Uuid = sqlx::query_scalar(
        "with u as (insert into users (email, role, password_hash) values ('manager@care.example', 'ADMIN', $1) returning id)
         insert into user_profiles (user_id, first_name, last_name) select id, 'Alex', 'Morgan' from u returning user_id",
    )
    .bind(state.auth.hasher.hash_now(PASSWORD))
    .fetch_one(&state.db)
    .await
    .unwrap();
    CurrentUser {
        user_id: id,
        role: Role::Admin,
        session_id: Uuid::new_v4(),
    }
}

fn invitation(email: &str) -> NewInvitation {
    NewInvitation {
        first_name: "Sam".into(),
        last_name: "Okafor".into(),
        email: email.into(),
        role: "CARER".into(),
    }
}

/// The link in the newest invitation email to `email`.
async fn emailed_token(db: &PgPool, email: &str) -> String {
    let url: String = sqlx::query_scalar(
        "select payload->>'accept_url' from email_messages where recipient = $1 and template = 'invitation'
          order by created_at desc limit 1",
    )
    .bind(email)
    .fetch_one(db)
    .await
    .unwrap();
    url.strip_prefix("https://care.example/invite/")
        .expect("a link to this app")
        .to_owned()
}

fn acceptance<'a>(token: &'a str, password: &'a str, again: &'a str) -> Acceptance<'a> {
    Acceptance {
        token,
        first_name: " Sam ",
        last_name: "Okafor",
        phone: "07700 900123",
        password,
        password_again: again,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invitation_is_emailed_and_accepting_it_creates_a_signed_in_account(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let alex = manager(&state).await;
    let sent = ssr::create(
        &state,
        &alex,
        &Actor::default(),
        invitation("Sam@Example.com"),
    )
    .await
    .unwrap();
    assert_eq!(sent.status, InvitationStatus::Pending);
    assert_eq!(sent.email, "sam@example.com");

    let payload: serde_json::Value = sqlx::query_scalar(
        "select payload from email_messages where recipient = 'sam@example.com'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(payload["invitee_name"], "Sam");
    assert_eq!(payload["inviter_name"], "Alex Morgan");
    assert_eq!(payload["role"], "a care worker");
    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs where kind = 'email.send'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(jobs, 1, "the email goes through the job queue");

    let token = emailed_token(&db, "sam@example.com").await;
    let view = ssr::view(&state, &token).await.unwrap();
    assert_eq!((view.first_name.as_str(), view.role), ("Sam", Role::Carer));

    let meta = RequestMeta::default();
    let weak = ssr::accept(
        &state,
        acceptance(&token, "password1234", "password1234"),
        &meta,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(weak, AppError::Validation { ref field, .. } if field == "password"),
        "{weak:?}"
    );
    let mismatch = ssr::accept(
        &state,
        acceptance(&token, PASSWORD, "something else"),
        &meta,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(mismatch, AppError::Validation { ref field, .. } if field == "password_again")
    );

    let (tokens, user) = ssr::accept(&state, acceptance(&token, PASSWORD, PASSWORD), &meta)
        .await
        .unwrap();
    assert_eq!(user.role, Role::Carer);
    assert!(
        state.auth.jwt.verify(&tokens.access_token).is_some(),
        "signed in"
    );
    let (first, phone, verified): (String, Option<String>, bool) = sqlx::query_as(
        "select p.first_name, p.phone, u.email_verified_at is not null
           from users u join user_profiles p on p.user_id = u.id where u.email = 'sam@example.com'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        (first.as_str(), phone.as_deref(), verified),
        ("Sam", Some("+447700900123"), true)
    );

    let reused = ssr::accept(&state, acceptance(&token, PASSWORD, PASSWORD), &meta)
        .await
        .unwrap_err();
    assert_eq!(
        reused,
        AppError::Conflict("This invitation has already been used. Sign in instead.".into())
    );
    let list = ssr::list(&state, 1).await.unwrap();
    assert_eq!(list.items[0].status, InvitationStatus::Accepted);
    let audited: Vec<String> = sqlx::query_scalar("select action from audit_log order by id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        audited,
        vec!["invitations.create", "invitations.accept", "auth.login"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn duplicates_expiry_resend_and_revoke(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let alex = manager(&state).await;
    let actor = Actor::default();

    let existing = ssr::create(&state, &alex, &actor, invitation("manager@care.example"))
        .await
        .unwrap_err();
    assert_eq!(
        existing,
        AppError::validation("email", "manager@care.example already has an account.")
    );
    let first = ssr::create(&state, &alex, &actor, invitation("jo@example.com"))
        .await
        .unwrap();
    let twice = ssr::create(&state, &alex, &actor, invitation("jo@example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(twice, AppError::Validation { ref message, .. } if message.contains("open invitation"))
    );

    let old_token = emailed_token(&db, "jo@example.com").await;
    sqlx::query("update invitations set created_at = now() - interval '8 days', expires_at = now() - interval '1 day'")
        .execute(&db)
        .await
        .unwrap();
    let expired = ssr::view(&state, &old_token).await.unwrap_err();
    assert!(expired.to_string().contains("expired"), "{expired}");
    assert_eq!(
        ssr::list(&state, 1).await.unwrap().items[0].status,
        InvitationStatus::Expired
    );

    ssr::resend(&state, &alex, &actor, first.id).await.unwrap();
    let new_token = emailed_token(&db, "jo@example.com").await;
    assert_ne!(new_token, old_token);
    assert!(
        matches!(
            ssr::view(&state, &old_token).await,
            Err(AppError::NotFound(_))
        ),
        "the old link stops working"
    );
    assert!(ssr::view(&state, &new_token).await.is_ok());
    assert_eq!(ssr::list(&state, 1).await.unwrap().items[0].send_count, 2);

    ssr::revoke(&state, &alex, &actor, first.id).await.unwrap();
    let revoked = ssr::view(&state, &new_token).await.unwrap_err();
    assert!(revoked.to_string().contains("withdrawn"));
    assert!(
        ssr::resend(&state, &alex, &actor, first.id).await.is_err(),
        "revoked invitations stay revoked"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_care_managers_may_invite(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let router = server::startup::build_router(state.clone());
    let hash = state.auth.hasher.hash_now(PASSWORD);
    sqlx::query("insert into users (email, role, password_hash) values ('carer@care.example', 'CARER', $1), ('boss@care.example', 'ADMIN', $1)")
        .bind(hash)
        .execute(&db)
        .await
        .unwrap();
    let token_for = |email: &'static str| {
        let router = router.clone();
        async move {
            let login = common::send(
                router,
                Request::post("/api/v1/auth/login")
                    .header("content-type", "application/json")
                    .body(Body::from(
                        serde_json::json!({ "email": email, "password": PASSWORD }).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
            login.json()["access_token"].as_str().unwrap().to_owned()
        }
    };
    let invite = |token: String| {
        Request::post("/api/invite_person")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(
                "first_name=Ali&last_name=Khan&email=ali%40example.com&role=CARER",
            ))
            .unwrap()
    };
    let carer = common::send(
        router.clone(),
        invite(token_for("carer@care.example").await),
    )
    .await;
    assert_eq!(carer.status, StatusCode::FORBIDDEN, "{}", carer.body);
    let anonymous = common::send(
        router.clone(),
        Request::post("/api/invite_person")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(
                "first_name=Ali&last_name=Khan&email=ali%40example.com&role=CARER",
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let boss_token = token_for("boss@care.example").await;
    let boss = common::send(router.clone(), invite(boss_token)).await;
    assert_eq!(boss.status, StatusCode::OK, "{}", boss.body);
    let invited: i64 =
        sqlx::query_scalar("select count(*) from invitations where email = 'ali@example.com'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(invited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_link_accepted_twice_at_once_makes_one_account(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let alex = manager(&state).await;
    ssr::create(
        &state,
        &alex,
        &Actor::default(),
        invitation("twice@example.com"),
    )
    .await
    .unwrap();
    let token = emailed_token(&db, "twice@example.com").await;
    let meta = RequestMeta::default();
    let (a, b) = tokio::join!(
        ssr::accept(&state, acceptance(&token, PASSWORD, PASSWORD), &meta),
        ssr::accept(&state, acceptance(&token, PASSWORD, PASSWORD), &meta)
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{:?} {:?}",
        a.err(),
        b.err()
    );
    let accounts: i64 =
        sqlx::query_scalar("select count(*) from users where email = 'twice@example.com'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(accounts, 1);
}
