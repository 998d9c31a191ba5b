//! Access tokens (JWT, HS256, 15 minutes) and opaque refresh tokens.
//!
//! The access token names the session (`sid`); every request also checks that the
//! session is still live, so revocation takes effect at once, not when the JWT expires.
//! Refresh tokens are 256 random bits, given to the client once and stored only as their
//! SHA-256.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use caretrack::Role;
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::types::Uuid;
use time::{Duration, OffsetDateTime};

pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(15);
const ISSUER: &str = "caretrack-pro";
const AUDIENCE: &str = "caretrack-pro";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AccessClaims {
    pub sub: Uuid,
    pub role: Role,
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Signs and checks access tokens.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8; 32]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// A token for `user` in session `sid`, valid for 15 minutes from `now`.
    pub fn issue(&self, user: Uuid, role: Role, sid: Uuid, now: OffsetDateTime) -> String {
        let claims = AccessClaims {
            sub: user,
            role,
            sid,
            iat: now.unix_timestamp(),
            exp: (now + ACCESS_TOKEN_LIFETIME).unix_timestamp(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The claims of a genuine, unexpired token for this service; `None` for anything
    /// else (bad signature, other algorithm including `none`, expired, other audience).
    pub fn verify(&self, token: &str) -> Option<AccessClaims> {
        decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .ok()
    }
}

/// A new refresh token: what the client keeps, and what the server stores.
pub fn new_opaque_token() -> (String, [u8; 32]) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&[11; 32])
    }

    #[test]
    fn a_genuine_token_verifies() {
        let now = OffsetDateTime::now_utc();
        let (user, sid) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let token = keys().issue(user, Role::Carer, sid, now);
        let claims = keys().verify(&token).unwrap();
        assert_eq!(
            (claims.sub, claims.role, claims.sid),
            (user, Role::Carer, sid)
        );
        assert_eq!(claims.exp - claims.iat, 15 * 60);
    }

    #[test]
    fn expired_tampered_foreign_and_unsigned_tokens_are_refused() {
        let now = OffsetDateTime::now_utc();
        let expired = keys().issue(
            Uuid::from_u128(1),
            Role::Admin,
            Uuid::from_u128(2),
            now - Duration::minutes(16),
        );
        assert!(keys().verify(&expired).is_none(), "expired");

        let token = keys().issue(Uuid::from_u128(1), Role::Carer, Uuid::from_u128(2), now);
        let (head, rest) = token.split_once('.').unwrap();
        let (payload, signature) = rest.split_once('.').unwrap();
        // Promote the carer to admin in the payload, keep the signature.
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        claims["role"] = "ADMIN".into();
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        assert!(
            keys()
                .verify(&format!("{head}.{forged}.{signature}"))
                .is_none(),
            "tampered"
        );

        let other_key =
            JwtKeys::new(&[12; 32]).issue(Uuid::from_u128(1), Role::Admin, Uuid::from_u128(2), now);
        assert!(
            keys().verify(&other_key).is_none(),
            "signed with another key"
        );

        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(
            keys().verify(&format!("{none_header}.{forged}.")).is_none(),
            "alg none"
        );
        assert!(
            keys()
                .verify(&format!("{none_header}.{payload}."))
                .is_none(),
            "alg none, real claims"
        );
        assert!(keys().verify("not a token").is_none());
    }

    #[test]
    fn opaque_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_opaque_token();
        let (b, _) = new_opaque_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a), hash_a);
    }
}
