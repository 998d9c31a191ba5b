//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits — what
//! every authenticator app expects), the `otpauth://` enrolment URI and its QR code, and
//! single-use backup codes. The codes and base32 come from `totp-rs`; what is ours is
//! the policy around them: the window, refusing a replayed step, forgiving typing.

use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const STEP_SECONDS: u64 = 30;
const DIGITS: u8 = 6;
/// Codes from the step before and after are accepted too (clock drift, slow typing).
const WINDOW: u16 = 1;
pub const BACKUP_CODES: usize = 10;

/// A new 160-bit secret (the size RFC 4226 recommends for SHA-1).
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    OsRng.fill_bytes(&mut secret);
    secret
}

/// RFC 4648 base32 without padding: how authenticator apps take secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    Secret::from(bytes.to_vec()).to_base32()
}

/// Base32 as people type it: any case, spaces and padding ignored.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Secret::try_from_base32(clean)
        .ok()
        .map(|secret| secret.as_bytes().to_vec())
}

/// The generator for one secret, with every parameter spelled out (the crate's
/// defaults are ours today, but the codes must not change if they do). Older secrets
/// may be shorter than the 128 bits the crate's strict builder insists on.
fn totp(secret: &[u8]) -> Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_step_duration(STEP_SECONDS)
        .with_skew(WINDOW)
        .with_secret(secret.to_vec())
        .build_noncompliant()
}

/// The code for one time step.
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    totp(secret)
        .generate(step * STEP_SECONDS)
        .to_string()
        .parse()
        .expect("a code is six digits")
}

/// The step a valid `code` belongs to, if it matches within the window and is newer
/// than `last_used` (a code is good once: replaying it, even within its 30 seconds, fails).
pub fn verify(secret: &[u8], code: &str, unix_time: u64, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = i64::try_from(totp(secret).check(&code, unix_time)?).ok()?;
    last_used.is_none_or(|last| step > last).then_some(step)
}

/// What an authenticator app scans.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let encode = caretrack::text::percent_encode;
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        encode(issuer),
        encode(account),
        base32_encode(secret),
        encode(issuer)
    )
}

/// The URI as a QR code, an SVG image rendered on the server (no script needed).
pub fn qr_svg(uri: &str) -> String {
    use qrcode::{QrCode, render::svg};
    QrCode::new(uri.as_bytes())
        .expect("an otpauth URI fits in a QR code")
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build()
}

/// Ten new backup codes, `xxxxx-xxxxx` (50 random bits each), shown once.
pub fn new_backup_codes() -> Vec<String> {
    (0..BACKUP_CODES)
        .map(|_| {
            let mut bytes = [0u8; 7];
            OsRng.fill_bytes(&mut bytes);
            let text = base32_encode(&bytes).to_lowercase();
            format!("{}-{}", &text[..5], &text[5..10])
        })
        .collect()
}

/// A backup code as typed (any case, spaces or dashes) in the form it is hashed.
pub fn normalise_backup_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors() {
        // The RFC's 8-digit values, last 6 digits.
        for (time, expected) in [
            (59u64, 287_082u32),
            (1_111_111_109, 81_804),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, time / STEP_SECONDS),
                expected,
                "t={time}"
            );
        }
    }

    #[test]
    fn codes_verify_within_the_window_and_only_once() {
        let t = 1_234_567_890u64;
        let step = (t / STEP_SECONDS) as i64;
        assert_eq!(verify(RFC_SECRET, "005924", t, None), Some(step));
        assert_eq!(
            verify(RFC_SECRET, "005 924", t + 30, None),
            Some(step),
            "a step late is fine"
        );
        assert_eq!(
            verify(RFC_SECRET, "005924", t + 61, None),
            None,
            "two steps late is not"
        );
        assert_eq!(
            verify(RFC_SECRET, "005924", t, Some(step)),
            None,
            "replay refused"
        );
        assert_eq!(verify(RFC_SECRET, "12345", t, None), None);
        assert_eq!(verify(RFC_SECRET, "abcdef", t, None), None);
    }

    #[test]
    fn base32_round_trips_and_matches_the_rfc() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw 6ytb oi").unwrap(), b"foobar");
        let secret = new_secret();
        assert_eq!(base32_decode(&base32_encode(&secret)).unwrap(), secret);
        assert!(base32_decode("not*base32").is_none());
    }

    #[test]
    fn enrolment_uri_and_qr_code() {
        let uri = otpauth_uri("Sunrise Care", "alex@care.example", b"foobar");
        assert_eq!(
            uri,
            "otpauth://totp/Sunrise%20Care:alex%40care.example?secret=MZXW6YTBOI&issuer=Sunrise%20Care&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&uri);
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn backup_codes_are_distinct_and_typed_forgivingly() {
        let codes = new_backup_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        );
        assert_eq!(normalise_backup_code(" AB3DE-fg7hk "), "ab3defg7hk");
    }
}
