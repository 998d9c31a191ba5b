//! Small text helpers shared by the server and the browser.

use crate::ValidationError;

/// One line of text as people type it: trimmed, inner runs of spaces collapsed, not
/// empty (`empty` is the message), at most `max_chars`, no control characters.
pub fn single_line(
    raw: &str,
    field: &'static str,
    max_chars: usize,
    empty: &str,
) -> Result<String, ValidationError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(ValidationError::new(field, empty));
    }
    if value.chars().count() > max_chars {
        return Err(ValidationError::new(
            field,
            format!("This can be at most {max_chars} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "This cannot contain control characters",
        ));
    }
    Ok(value.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Percent-encodes everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 - . _ ~`):
/// safe in a URL query, a path segment or an RFC 5987 header parameter.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A SQL `LIKE`/`ILIKE` pattern matching values that contain `search` literally (its
/// `%`, `_` and `\` are escaped with `\`, Postgres's default escape character).
pub fn like_contains(search: &str) -> String {
    let mut out = String::with_capacity(search.len() + 2);
    out.push('%');
    for c in search.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_pass_through() {
        assert_eq!(percent_encode("Sunrise Care"), "Sunrise%20Care");
        assert_eq!(percent_encode("a@b.example"), "a%40b.example");
        assert_eq!(percent_encode("é~_-."), "%C3%A9~_-.");
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(like_contains(" 50%_a\\b "), "%50\\%\\_a\\\\b%");
    }
}
