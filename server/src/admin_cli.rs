//! Operator commands: `create-admin` (the first account of a new installation) and
//! `keys rotate` (re-encrypt personal data with the current key). `audit verify` is
//! in `audit_chain`.

use crate::ServerError;
use app::{
    auth::passwords::PasswordHasher,
    crypto::{FieldCipher, FieldLocation},
};
use caretrack::{EmailAddress, PersonName, password::check_password};
use sqlx::{PgPool, types::Uuid};

/// Creates an active care-manager account with a verified email. The password is read
/// from standard input (one line), so it never appears in the shell history or `ps`.
pub async fn create_admin(
    pool: &PgPool,
    hasher: std::sync::Arc<PasswordHasher>,
    email: &str,
    first_name: &str,
    last_name: &str,
    password: &str,
) -> Result<Uuid, ServerError> {
    let refuse = |message: String| ServerError::Refused(message);
    let email = EmailAddress::parse(email).map_err(|e| refuse(e.message))?;
    let first =
        PersonName::parse(first_name).map_err(|e| refuse(format!("first name: {}", e.message)))?;
    let last =
        PersonName::parse(last_name).map_err(|e| refuse(format!("last name: {}", e.message)))?;
    check_password(password, email.as_str()).map_err(|e| refuse(e.message))?;
    let hash = hasher
        .hash(password.to_owned())
        .await
        .map_err(|err| refuse(err.to_string()))?;

    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into users (email, role, password_hash, email_verified_at)
         values ($1, 'ADMIN', $2, now())
         on conflict (email) do nothing
         returning id",
        email.as_str(),
        hash
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| refuse(format!("an account for {} already exists", email.as_str())))?;
    sqlx::query!(
        "insert into user_profiles (user_id, first_name, last_name) values ($1, $2, $3)",
        id,
        first.as_str(),
        last.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let entry = app::audit::Entry::new("users.create_admin")
        .entity("user", id)
        .after(serde_json::json!({
            "email": email.as_str(),
            "role": "ADMIN",
            "via": "command line",
        }));
    app::audit::commit(tx, &app::audit::Actor::default(), entry).await?;
    Ok(id)
}

/// What `keys rotate` re-sealed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    pub care_packages: u64,
    pub two_factor_secrets: u64,
}

/// Re-seals, with the current key (the first of `DATA_ENCRYPTION_KEYS`), every personal
/// value sealed with an older one. Runs in batches of 100 rows, each batch in its own
/// transaction with its rows locked (waiting for rows the app is changing, never skipping
/// them), so it can run while the app serves; `progress` is told after each batch. Afterwards the old key can be removed from the configuration.
pub async fn rotate_keys(
    pool: &PgPool,
    cipher: &FieldCipher,
    mut progress: impl FnMut(&Rotation),
) -> Result<Rotation, ServerError> {
    let current = cipher.current_key_id().to_owned();
    let mut done = Rotation::default();
    let open = |key_id: &str, sealed: &[u8], at: FieldLocation<'_>| {
        cipher.open(key_id, sealed, at).map_err(|err| {
            ServerError::Refused(format!(
                "{}/{} of {}: {err}; configure that key as a second key in DATA_ENCRYPTION_KEYS and run again",
                at.table, at.column, at.row_id
            ))
        })
    };
    loop {
        let mut tx = pool.begin().await?;
        let rows = sqlx::query!(
            "select id, client_name_enc, client_name_key_id, address_enc, address_key_id
               from care_packages
              where client_name_key_id <> $1 or address_key_id <> $1
              limit 100 for update",
            current
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let at = |column| app::care::ssr::packages::location(&row.id, column);
            let client = open(
                &row.client_name_key_id,
                &row.client_name_enc,
                at("client_name"),
            )?;
            let address = open(&row.address_key_id, &row.address_enc, at("address"))?;
            let client = cipher.seal(&client, at("client_name"));
            let address = cipher.seal(&address, at("address"));
            sqlx::query!(
                "update care_packages
                    set client_name_enc = $2, client_name_key_id = $3, address_enc = $4, address_key_id = $5
                  where id = $1",
                row.id,
                client.ciphertext,
                client.key_id,
                address.ciphertext,
                address.key_id
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        done.care_packages += rows.len() as u64;
        progress(&done);
    }
    loop {
        let mut tx = pool.begin().await?;
        let rows = sqlx::query!(
            r#"select id, totp_secret_enc as "sealed!", totp_secret_key_id as "key_id!"
                 from users
                where totp_secret_enc is not null and totp_secret_key_id <> $1
                limit 100 for update"#,
            current
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let at = app::auth::two_factor::secret_location(&row.id);
            let secret = open(&row.key_id, &row.sealed, at)?;
            let sealed = cipher.seal(&secret, at);
            sqlx::query!(
                "update users set totp_secret_enc = $2, totp_secret_key_id = $3 where id = $1",
                row.id,
                sealed.ciphertext,
                sealed.key_id
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        done.two_factor_secrets += rows.len() as u64;
        progress(&done);
    }
    Ok(done)
}
