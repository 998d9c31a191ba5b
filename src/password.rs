//! The password policy, checked in the browser as the person types and again on the
//! server: at least 12 characters, not the email address, and not a common password
//! (an embedded list of the most-used ones and their usual disguises: capitals, digits
//! and symbols added to the end, letters swapped for look-alike digits).

use crate::ValidationError;

pub const MIN_LENGTH: usize = 12;
/// Long enough for any passphrase; short enough that hashing cannot be abused.
pub const MAX_LENGTH: usize = 128;

/// Words that, with nothing but digits and symbols around them, make a password that
/// is guessed in the first seconds of any attack.
const COMMON_BASES: &[&str] = &[
    "password",
    "qwerty",
    "qwertyuiop",
    "asdfgh",
    "asdfghjkl",
    "zxcvbnm",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "abc",
    "abcdef",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "shadow",
    "master",
    "superman",
    "batman",
    "trustno",
    "whatever",
    "freedom",
    "starwars",
    "liverpool",
    "chelsea",
    "arsenal",
    "manchester",
    "london",
    "england",
    "summer",
    "winter",
    "spring",
    "autumn",
    "january",
    "february",
    "september",
    "october",
    "november",
    "december",
    "hello",
    "charlie",
    "secret",
    "changeme",
    "default",
    "login",
    "access",
    "user",
    "guest",
    "test",
    "care",
    "carer",
    "caretrack",
    "caretrackpro",
    "nurse",
    "health",
    "homecare",
    "support",
    "computer",
    "internet",
    "samsung",
    "iphone",
    "google",
    "facebook",
    "michael",
    "jessica",
    "ashley",
    "daniel",
    "thomas",
    "george",
    "oliver",
    "harry",
    "jack",
    "emily",
    "sophie",
    "chloe",
    "lucy",
    "jordan",
    "hunter",
    "ranger",
    "buster",
    "soccer",
    "hockey",
    "killer",
    "pepper",
    "ginger",
    "cheese",
    "cookie",
    "flower",
    "angel",
    "lovely",
    "qazwsx",
    "qwe",
    "zaqwsx",
    "qweasd",
    "qweasdzxc",
];

/// Checks a new password. `email` is the account's address (the password may not be it
/// or contain its name part).
pub fn check_password(password: &str, email: &str) -> Result<(), ValidationError> {
    let problem = |message: &str| Err(ValidationError::new("password", message));
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return problem(&format!(
            "Use at least {MIN_LENGTH} characters. A few unrelated words make a strong password that is easy to remember."
        ));
    }
    if length > MAX_LENGTH {
        return problem(&format!("Use at most {MAX_LENGTH} characters."));
    }
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local_part = email.split('@').next().unwrap_or_default();
    if lower == email || (local_part.chars().count() >= 4 && lower.contains(local_part)) {
        return problem("Do not use your email address in your password.");
    }
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 || is_sequence(&lower) {
        return problem(
            "This password is too easy to guess: avoid repeated characters and runs like 1234 or abcd.",
        );
    }
    if is_common(&lower) {
        return problem(
            "This is one of the most common passwords, so it is guessed first. Choose something less predictable.",
        );
    }
    Ok(())
}

/// Whether the password is a common word dressed up with digits, symbols and
/// look-alike substitutions (`P@ssw0rd2024!`, `Welcome123456`, `iloveyou1234`).
fn is_common(lower: &str) -> bool {
    // Digits and symbols around the word add almost nothing: attackers try them first.
    let word = lower.trim_matches(|c: char| !c.is_alphabetic());
    if word.is_empty() {
        return true; // digits and symbols only: a date or a PIN, not a password
    }
    let undisguised: String = word
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '3' => 'e',
            '1' | '!' => 'i',
            '0' => 'o',
            '$' | '5' => 's',
            '7' => 't',
            other => other,
        })
        .filter(|c| c.is_alphabetic())
        .collect();
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    COMMON_BASES
        .iter()
        .any(|base| is_repetition_of(&letters, base) || is_repetition_of(&undisguised, base))
}

/// `text` is `unit` repeated whole (once or more), e.g. "passwordpassword".
fn is_repetition_of(text: &str, unit: &str) -> bool {
    !text.is_empty()
        && text.len().is_multiple_of(unit.len())
        && text == unit.repeat(text.len() / unit.len())
}

/// Ascending or descending runs over the whole password: 123456789012, abcdefghijkl.
fn is_sequence(lower: &str) -> bool {
    let codes: Vec<i32> = lower.chars().map(|c| c as i32).collect();
    let steps: Vec<i32> = codes.windows(2).map(|w| w[1] - w[0]).collect();
    // Digit runs wrap from 9 to 0.
    let run = |step: i32| steps.iter().all(|&d| d == step || d == -9 * step);
    run(1) || run(-1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(password: &str) -> String {
        check_password(password, "sam.okafor@example.com")
            .unwrap_err()
            .message
    }

    #[test]
    fn strong_passwords_pass() {
        for ok in [
            "correct horse battery staple",
            "Maple-Court-lunch-run",
            "tea at 4 in M14 daily",
        ] {
            assert_eq!(check_password(ok, "sam.okafor@example.com"), Ok(()), "{ok}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(refused("Tr0ub4dor&3").contains("at least 12"));
    }

    #[test]
    fn the_email_is_refused() {
        assert!(refused("sam.okafor@example.com").contains("email"));
        assert!(refused("my-sam.okafor-pass").contains("email"));
    }

    #[test]
    fn common_passwords_and_their_disguises_are_refused() {
        for weak in [
            "password1234",
            "P@ssw0rd2024!",
            "Welcome123456",
            "iloveyou1234",
            "qwertyuiop12",
            "PasswordPassword",
            "CareTrack2026!",
            "123456789012",
            "abcdefghijkl",
            "aaaaaaaaaaaaaaa",
            "2026-11-21!!!!",
        ] {
            let message = refused(weak);
            assert!(
                message.contains("guess") || message.contains("common"),
                "{weak}: {message}"
            );
        }
    }

    #[test]
    fn overly_long_passwords_are_refused() {
        assert!(refused(&"a1b2c3d4e5 ".repeat(12)).contains("at most 128"));
    }
}
