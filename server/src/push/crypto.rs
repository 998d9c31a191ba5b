//! The two pieces of cryptography a push needs:
//! - **RFC 8291** message encryption (`aes128gcm`, RFC 8188): a fresh P-256 key per
//!   message agrees a secret with the browser's subscription key; HKDF with the
//!   subscription's auth secret gives the input key (RFC 8291 §3.4, here); the content
//!   coding itself (key and nonce from a random salt, the AES-128-GCM record, the header
//!   carrying the salt and the sender's public key) is `ece-native`'s.
//! - **RFC 8292** VAPID: an ES256 JWT (audience = the push service's origin) signed with
//!   the application server's key, whose public half browsers subscribed with.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hkdf::Hkdf;
use p256::{
    PublicKey, SecretKey, ecdh::diffie_hellman, elliptic_curve::sec1::ToEncodedPoint,
    pkcs8::EncodePrivateKey,
};
use sha2::Sha256;

/// The record size written in the header: one record holds the whole message.
const RECORD_SIZE: u32 = 4096;
/// Salt (16) + record size (4) + key length (1) + uncompressed P-256 point (65).
const HEADER_LEN: usize = 86;
/// AES-GCM's tag.
const TAG_LEN: usize = 16;
/// The most a push may carry: push services accept 4096-byte bodies, of which the
/// header, the padding delimiter and the tag take 103.
pub const MAX_PLAINTEXT: usize = RECORD_SIZE as usize - HEADER_LEN - 1 - TAG_LEN;
/// A subscription's `p256dh`: an uncompressed P-256 point.
pub const PUBLIC_KEY_LEN: usize = 65;
/// A subscription's `auth` secret.
pub const AUTH_LEN: usize = 16;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PushCryptoError {
    #[error("the subscription's key is not an uncompressed P-256 point")]
    SubscriptionKey,
    #[error("the subscription's auth secret is not {AUTH_LEN} bytes")]
    AuthSecret,
    #[error("the message is {0} bytes; a push carries at most {MAX_PLAINTEXT}")]
    TooLong(usize),
    #[error("the VAPID key is not a base64url P-256 private key (32 bytes)")]
    VapidKey,
    #[error("the push endpoint is not an absolute http(s) URL")]
    Endpoint,
}

/// Encrypts `plaintext` for a subscription (`ua_public` = its `p256dh`, `auth` = its
/// auth secret) with the sender key `sender` and `salt`: both fresh for every message
/// (`seal` chooses them; the RFC's example fixes them).
pub fn encrypt(
    plaintext: &[u8],
    ua_public: &[u8],
    auth: &[u8],
    sender: &SecretKey,
    salt: [u8; 16],
) -> Result<Vec<u8>, PushCryptoError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(PushCryptoError::TooLong(plaintext.len()));
    }
    if ua_public.len() != PUBLIC_KEY_LEN || ua_public[0] != 0x04 {
        return Err(PushCryptoError::SubscriptionKey);
    }
    let ua = PublicKey::from_sec1_bytes(ua_public).map_err(|_| PushCryptoError::SubscriptionKey)?;
    if auth.len() != AUTH_LEN {
        return Err(PushCryptoError::AuthSecret);
    }
    let as_public = sender.public_key().to_encoded_point(false);
    let shared = diffie_hellman(sender.to_nonzero_scalar(), ua.as_affine());

    // IKM = HKDF(auth, ecdh, "WebPush: info" 0 ua_public as_public, 32)   (RFC 8291 §3.4)
    let mut key_info = Vec::with_capacity(14 + 2 * PUBLIC_KEY_LEN);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public.as_bytes());
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .expect("32 bytes is a valid HKDF-SHA256 length");

    // The aes128gcm content coding (RFC 8188): CEK and nonce from the salt, one record
    // (the message, the last-record delimiter, no padding), the header naming the
    // sender's public key.
    ece_native::encrypt(
        ikm,
        salt,
        as_public.as_bytes(),
        std::iter::once(plaintext.to_vec()),
        RECORD_SIZE,
    )
    .map_err(|_| PushCryptoError::TooLong(plaintext.len()))
}

/// Encrypts with a fresh sender key and salt (what every real push uses).
pub fn seal(plaintext: &[u8], ua_public: &[u8], auth: &[u8]) -> Result<Vec<u8>, PushCryptoError> {
    use p256::elliptic_curve::rand_core::{OsRng, RngCore};
    let sender = SecretKey::random(&mut OsRng);
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    encrypt(plaintext, ua_public, auth, &sender, salt)
}

/// The application server's identity towards push services.
pub struct Vapid {
    signing: jsonwebtoken::EncodingKey,
    /// The public key, base64url (uncompressed point): what browsers subscribe with.
    public: String,
    /// Who runs this server (`mailto:` or `https:`), for push services to reach.
    subject: String,
}

impl Vapid {
    /// From the base64url 32-byte private key (`VAPID_PRIVATE_KEY`).
    pub fn new(private_key: &str, subject: String) -> Result<Self, PushCryptoError> {
        let bytes = B64
            .decode(private_key.trim())
            .map_err(|_| PushCryptoError::VapidKey)?;
        let key = SecretKey::from_slice(&bytes).map_err(|_| PushCryptoError::VapidKey)?;
        let der = key.to_pkcs8_der().map_err(|_| PushCryptoError::VapidKey)?;
        Ok(Self {
            signing: jsonwebtoken::EncodingKey::from_ec_der(der.as_bytes()),
            public: B64.encode(key.public_key().to_encoded_point(false).as_bytes()),
            subject,
        })
    }

    /// A new key pair: (private, public), both base64url.
    pub fn generate() -> (String, String) {
        let key = SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        (
            B64.encode(key.to_bytes()),
            B64.encode(key.public_key().to_encoded_point(false).as_bytes()),
        )
    }

    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// The `Authorization` header for a push to `endpoint`, valid for 12 hours from
    /// `now` (Unix seconds); RFC 8292 allows at most 24.
    pub fn authorization(&self, endpoint: &str, now: i64) -> Result<String, PushCryptoError> {
        #[derive(serde::Serialize)]
        struct Claims<'a> {
            aud: String,
            exp: i64,
            sub: &'a str,
        }
        let claims = Claims {
            aud: origin(endpoint)?,
            exp: now + 12 * 3600,
            sub: &self.subject,
        };
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
            &claims,
            &self.signing,
        )
        .expect("an ES256 signature over a small JSON object");
        Ok(format!("vapid t={token}, k={}", self.public))
    }
}

/// `scheme://host[:port]` of a URL: the JWT's audience.
pub fn origin(endpoint: &str) -> Result<String, PushCryptoError> {
    let uri: axum::http::Uri = endpoint.parse().map_err(|_| PushCryptoError::Endpoint)?;
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme @ ("https" | "http")), Some(authority)) => {
            Ok(format!("{scheme}://{authority}"))
        }
        _ => Err(PushCryptoError::Endpoint),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> Vec<u8> {
        B64.decode(text).unwrap()
    }

    /// RFC 8291 Appendix A: the published keys, salt and message give the published
    /// body, byte for byte.
    #[test]
    fn encryption_matches_the_rfc_8291_example() {
        let sender =
            SecretKey::from_slice(&b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")).unwrap();
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let body = encrypt(
            b"When I grow up, I want to be a watermelon",
            &b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            &b64("BTBZMqHH6r4Tts7J_aSIgg"),
            &sender,
            salt,
        )
        .unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW\
             AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQ\
             exSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn bad_subscriptions_and_long_messages_are_refused() {
        let ua = b64(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        );
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
        assert_eq!(
            seal(b"hi", &ua[..33], &auth),
            Err(PushCryptoError::SubscriptionKey)
        );
        let mut off_curve = ua.clone();
        off_curve[64] ^= 1;
        assert_eq!(
            seal(b"hi", &off_curve, &auth),
            Err(PushCryptoError::SubscriptionKey)
        );
        assert_eq!(
            seal(b"hi", &ua, &auth[..8]),
            Err(PushCryptoError::AuthSecret)
        );
        let long = vec![b'x'; MAX_PLAINTEXT + 1];
        assert_eq!(
            seal(&long, &ua, &auth),
            Err(PushCryptoError::TooLong(MAX_PLAINTEXT + 1))
        );
        // The longest message fills the 4096 bytes push services accept.
        let longest = seal(&long[..MAX_PLAINTEXT], &ua, &auth).unwrap();
        assert_eq!(longest.len(), RECORD_SIZE as usize);
        // Fresh key and salt each time.
        assert_ne!(
            seal(b"hi", &ua, &auth).unwrap(),
            seal(b"hi", &ua, &auth).unwrap()
        );
    }

    #[test]
    fn the_audience_is_the_push_services_origin() {
        assert_eq!(
            origin("https://fcm.googleapis.com/fcm/send/abc").unwrap(),
            "https://fcm.googleapis.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:4567/push/1").unwrap(),
            "http://127.0.0.1:4567"
        );
        assert_eq!(
            origin("ftp://example.com/x"),
            Err(PushCryptoError::Endpoint)
        );
        assert_eq!(origin("/relative"), Err(PushCryptoError::Endpoint));
        assert!(Vapid::new("not a key", "mailto:a@b.c".into()).is_err());
        let (private, public) = Vapid::generate();
        let vapid = Vapid::new(&private, "mailto:a@b.c".into()).unwrap();
        assert_eq!(vapid.public_key(), public);
        assert_eq!(b64(&public).len(), PUBLIC_KEY_LEN);
    }
}
