use crate::validation::{ValidationError, validated_string};

/// A UK phone number, stored in E.164 form (`+447700900123`).
///
/// Accepts the ways people write them: `07700 900123`, `+44 (0)7700 900-123`,
/// `0044 7700 900123`, `020 7946 0000`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UkPhoneNumber(String);

const FIELD: &str = "phone";

impl UkPhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        let invalid = || {
            ValidationError::new(
                FIELD,
                "Enter a UK phone number, like 07700 900123 or +44 7700 900123",
            )
        };
        if trimmed.is_empty() {
            return Err(ValidationError::new(FIELD, "Enter a phone number"));
        }
        let allowed = |c: char| c.is_ascii_digit() || " -()+.".contains(c);
        if !trimmed.chars().all(allowed) || trimmed.chars().skip(1).any(|c| c == '+') {
            return Err(invalid());
        }
        // "+44 (0)20…" — the "(0)" is a national trunk prefix people often keep.
        let without_trunk = trimmed.replace("(0)", "");
        let digits: String = without_trunk.chars().filter(char::is_ascii_digit).collect();
        let national = if trimmed.starts_with('+') {
            digits.strip_prefix("44").ok_or_else(invalid)?.to_owned()
        } else if let Some(rest) = digits.strip_prefix("0044") {
            rest.to_owned()
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest.to_owned()
        } else {
            return Err(invalid());
        };
        // UK national significant numbers are 10 digits (9 for a few legacy areas) and
        // never start with 0.
        if !(9..=10).contains(&national.len()) || national.starts_with('0') {
            return Err(invalid());
        }
        Ok(Self(format!("+44{national}")))
    }

    /// The number as a person in the UK would read it: `07700 900123`.
    pub fn national_format(&self) -> String {
        let national = &self.0[3..];
        let (head, tail) = national.split_at(4.min(national.len()));
        format!("0{head} {tail}")
    }
}

validated_string!(UkPhoneNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_written_forms() {
        for raw in [
            "07700 900123",
            "+44 7700 900123",
            "+44 (0)7700 900-123",
            "0044 7700 900123",
            "07700900123",
        ] {
            assert_eq!(
                UkPhoneNumber::parse(raw).unwrap().as_str(),
                "+447700900123",
                "{raw}"
            );
        }
        assert_eq!(
            UkPhoneNumber::parse("020 7946 0000").unwrap().as_str(),
            "+442079460000"
        );
    }

    #[test]
    fn refuses_non_uk_and_malformed() {
        for raw in [
            "",
            "+1 202 555 0100",
            "7700 900123",
            "07700",
            "0770090012345",
            "07700 9OO123",
            "0+7700900123",
        ] {
            assert_eq!(
                UkPhoneNumber::parse(raw).unwrap_err().field,
                "phone",
                "{raw}"
            );
        }
    }

    #[test]
    fn formats_for_people() {
        let phone = UkPhoneNumber::parse("+447700900123").unwrap();
        assert_eq!(phone.national_format(), "07700 900123");
    }
}
