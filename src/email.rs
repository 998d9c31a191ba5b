use crate::validation::{ValidationError, validated_string};

/// A syntactically valid email address, trimmed and lower-cased so that uniqueness
/// checks and sign-in are case-insensitive (people type their address in many ways).
///
/// Deliverability is proven by the verification email, not here.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

const FIELD: &str = "email";

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let value = raw.trim().to_lowercase();
        let invalid = |why: &str| Err(ValidationError::new(FIELD, why));
        if value.is_empty() {
            return invalid("Enter an email address");
        }
        if value.len() > 254 {
            return invalid("An email address can be at most 254 characters");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return invalid("Enter an email address in the format name@example.com");
        };
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return invalid("Enter an email address in the format name@example.com");
        }
        let local_ok = local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return invalid("Enter an email address in the format name@example.com");
        }
        Ok(Self(value))
    }

    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

validated_string!(EmailAddress);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let email = EmailAddress::parse("  Sam.Carer@Example.CO.UK ").unwrap();
        assert_eq!(email.as_str(), "sam.carer@example.co.uk");
        assert_eq!(email.domain(), "example.co.uk");
    }

    #[test]
    fn refuses_malformed_addresses_with_a_field_error() {
        for bad in [
            "",
            "sam",
            "sam@",
            "@example.com",
            "sam@example",
            "sam@@example.com",
            "sam smith@example.com",
            "sam@exa_mple.com",
            "sam.@example.com",
            "sam@-example.com",
        ] {
            let err = EmailAddress::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
        }
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());
        let ok: EmailAddress = serde_json::from_str("\"A@B.CO\"").unwrap();
        assert_eq!(ok.as_str(), "a@b.co");
    }
}
