//! Small text helpers shared by the server and the browser.

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
    }
}
