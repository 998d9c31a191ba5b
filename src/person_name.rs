use crate::{
    text::single_line,
    validation::{ValidationError, validated_string},
};

/// A first or last name as people write it: trimmed, 1–100 characters, any script,
/// no control characters. Names are not forced into a "first + last" Western shape
/// beyond the two fields the UI asks for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    /// `field` names the form input ("first_name", "last_name") for the error.
    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, ValidationError> {
        // Runs of inner whitespace collapse, so "Mary   Ann" and "Mary Ann" are one name.
        single_line(raw, field, Self::MAX_CHARS, "Enter a name").map(Self)
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::parse_field(raw, "name")
    }
}

validated_string!(PersonName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_names_in_any_script_and_tidies_spacing() {
        assert_eq!(
            PersonName::parse("  Mary   Ann ").unwrap().as_str(),
            "Mary Ann"
        );
        assert_eq!(PersonName::parse("Siân").unwrap().as_str(), "Siân");
        assert_eq!(
            PersonName::parse("O'Brien-Ní").unwrap().as_str(),
            "O'Brien-Ní"
        );
        assert!(PersonName::parse("李").is_ok());
    }

    #[test]
    fn refuses_empty_overlong_and_control_characters() {
        let err = PersonName::parse_field("   ", "first_name").unwrap_err();
        assert_eq!(err.field, "first_name");
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
        assert!(PersonName::parse("Sam\u{0}").is_err());
    }
}
