//! Organisation settings: what a care manager saves is what sign-in then enforces, every
//! change is audited, bad values change nothing, and the database's limits are the
//! domain core's.

use crate::common;

use app::{
    audit::Actor,
    auth::{CurrentUser, RequestMeta, login::login},
    error::AppError,
    settings::ssr,
    state::AppState,
};
use caretrack::{
    Role,
    organisation::{NUMBER_SETTINGS, SecuritySettingsForm},
};
use sqlx::{PgPool, types::Uuid};

const PASSWORD: &str = "the minibus leaves at ten";

async fn person(state: &AppState, role: Role) -> (CurrentUser, String) {
    let email = format!("settings-{}@care.example", Uuid::new_v4().simple());
    let id = sqlx::query_scalar(
        "insert into users (email, role, password_hash, email_verified_at)
         values ($1, $2::text::user_role, $3, now()) returning id",
    )
    .bind(&email)
    .bind(role.as_str())
    .bind(state.auth.hasher.hash_now(PASSWORD))
    .fetch_one(&state.db)
    .await
    .unwrap();
    let user = CurrentUser {
        user_id: id,
        role,
        session_id: Uuid::new_v4(),
    };
    (user, email)
}

fn meta() -> RequestMeta {
    let n = Uuid::new_v4().as_bytes()[..3].to_vec();
    RequestMeta {
        ip: Some(std::net::IpAddr::from([10, n[0], n[1], n[2]])),
        user_agent: None,
    }
}

fn form() -> SecuritySettingsForm {
    SecuritySettingsForm {
        require_admin_2fa: None,
        max_sessions_per_user: "3".into(),
        admin_session_hours: "9".into(),
        carer_session_hours: "12".into(),
        lockout_threshold: "5".into(),
        lockout_minutes: "30".into(),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn saved_settings_govern_the_next_sign_in_and_are_audited(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let (manager, _) = person(&state, Role::Admin).await;
    let (_, carer) = person(&state, Role::Carer).await;
    let actor = Actor::user(&manager, &meta());

    let saved = ssr::save(
        &state,
        &manager,
        &actor,
        &SecuritySettingsForm {
            carer_session_hours: "10".into(),
            lockout_threshold: "2".into(),
            ..form()
        },
    )
    .await
    .unwrap();
    assert_eq!(saved.carer_session_hours, 10);
    assert_eq!(ssr::load(&state).await.unwrap(), saved);

    // The carer's session lasts the new 10 hours.
    let (tokens, _) = login(&state, &carer, PASSWORD, &meta())
        .await
        .unwrap()
        .session()
        .unwrap();
    let lifetime: f64 = sqlx::query_scalar(
        "select extract(epoch from expires_at - created_at)::float8 from sessions where id = $1",
    )
    .bind(tokens.session_id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert!((lifetime - 36_000.0).abs() < 5.0, "{lifetime} s");

    // Two wrong passwords now lock the account: the right one no longer gets in.
    let from = meta();
    for _ in 0..2 {
        assert_eq!(
            login(&state, &carer, "not the password at all", &from)
                .await
                .unwrap_err(),
            AppError::InvalidCredentials
        );
    }
    // Failures are recorded just after the answer goes out.
    let locked = common::wait_for(
        &db,
        &format!("select count(*) from users where email = '{carer}' and locked_until > now()"),
        1,
    )
    .await;
    assert_eq!(locked, 1);
    assert_eq!(
        login(&state, &carer, PASSWORD, &from).await.unwrap_err(),
        AppError::InvalidCredentials
    );

    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select before, after from audit_log where action = 'settings.update' and actor_id = $1",
    )
    .bind(manager.user_id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(before["carer_session_hours"], 12);
    assert_eq!(after["carer_session_hours"], 10);
    assert_eq!(after["lockout_threshold"], 2);

    // Saving the same values again changes nothing and records nothing.
    ssr::save(
        &state,
        &manager,
        &actor,
        &SecuritySettingsForm {
            carer_session_hours: "10".into(),
            lockout_threshold: "2".into(),
            ..form()
        },
    )
    .await
    .unwrap();
    let changes: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'settings.update'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(changes, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_values_are_refused_beside_their_field_and_change_nothing(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    let (manager, _) = person(&state, Role::Admin).await;
    let actor = Actor::user(&manager, &meta());
    let before = ssr::load(&state).await.unwrap();

    let err = ssr::save(
        &state,
        &manager,
        &actor,
        &SecuritySettingsForm {
            admin_session_hours: "0".into(),
            lockout_minutes: "10".into(),
            ..form()
        },
    )
    .await
    .unwrap_err();
    match err {
        AppError::Validation { field, message } => {
            assert_eq!(field, "admin_session_hours");
            assert!(message.contains("from 1 to 72"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ssr::load(&state).await.unwrap(), before);

    // Requiring two-step verification while the manager has none would shut them out.
    let err = ssr::save(
        &state,
        &manager,
        &actor,
        &SecuritySettingsForm {
            require_admin_2fa: Some("on".into()),
            ..form()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "require_admin_2fa"),
        "{err:?}"
    );
    assert!(!ssr::load(&state).await.unwrap().require_admin_2fa);

    sqlx::query("update users set totp_secret_enc = '\\x00', totp_secret_key_id = 'test', totp_enabled_at = now() where id = $1")
        .bind(manager.user_id)
        .execute(&state.db)
        .await
        .unwrap();
    let saved = ssr::save(
        &state,
        &manager,
        &actor,
        &SecuritySettingsForm {
            require_admin_2fa: Some("on".into()),
            ..form()
        },
    )
    .await
    .unwrap();
    assert!(saved.require_admin_2fa);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_allows_exactly_the_core_ranges(db: PgPool) {
    for setting in NUMBER_SETTINGS {
        for (value, allowed) in [
            (setting.min - 1, false),
            (setting.min, true),
            (setting.max, true),
            (setting.max + 1, false),
        ] {
            let sql = format!("update organisation_settings set {} = $1", setting.field);
            let result = sqlx::query(&sql).bind(value).execute(&db).await;
            assert_eq!(
                result.is_ok(),
                allowed,
                "{} = {value}: {result:?}",
                setting.field
            );
            assert_eq!(
                setting.parse(&value.to_string()).is_ok(),
                allowed,
                "core: {} = {value}",
                setting.field
            );
        }
    }
}
