use crate::validation::{ValidationError, validated_string};

/// The outward code of a UK postcode (the "district", e.g. `M14`, `SW1A`, `B33`): the
/// only part of a client's address kept in clear text (SPEC §2).
///
/// Validated against the Royal Mail outward-code formats (A9, A99, AA9, AA99, A9A,
/// AA9A) including the letters allowed in each position.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostcodeDistrict(String);

const FIELD: &str = "postcode_district";

/// Letters never used in the first position.
const NOT_FIRST: &str = "QVX";
/// Letters never used in the second position (when it is a letter).
const NOT_SECOND: &str = "IJZ";
/// Letters allowed in the third position of an A9A district (e.g. W1A).
const THIRD_OF_A9A: &str = "ABCDEFGHJKPSTUW";
/// Letters allowed in the fourth position of an AA9A district (e.g. EC1A).
const FOURTH_OF_AA9A: &str = "ABEHMNPRVWXY";

impl PostcodeDistrict {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let value: String = raw.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err(ValidationError::new(FIELD, "Enter a postcode district"));
        }
        if value.contains(' ') {
            return Err(ValidationError::new(
                FIELD,
                "Enter only the first part of the postcode (for example M14, not M14 5AB)",
            ));
        }
        if is_outward_code(&value) {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(
                FIELD,
                "Enter a valid UK postcode district, like M14, B33 or SW1A",
            ))
        }
    }
}

fn is_outward_code(code: &str) -> bool {
    if code == "GIR" {
        return true; // Girobank's historic non-geographic postcode.
    }
    let chars: Vec<char> = code.chars().collect();
    let letter = |c: char| c.is_ascii_uppercase();
    let digit = |c: char| c.is_ascii_digit();
    if chars.is_empty() || !letter(chars[0]) || NOT_FIRST.contains(chars[0]) {
        return false;
    }
    match chars.as_slice() {
        // A9
        [_, d] => digit(*d),
        // A99 or A9A
        [_, d, x] if digit(*d) => digit(*x) || THIRD_OF_A9A.contains(*x),
        // AA9
        [_, l, d] => letter(*l) && !NOT_SECOND.contains(*l) && digit(*d),
        // AA99 or AA9A
        [_, l, d, x] => {
            letter(*l)
                && !NOT_SECOND.contains(*l)
                && digit(*d)
                && (digit(*x) || FOURTH_OF_AA9A.contains(*x))
        }
        _ => false,
    }
}

validated_string!(PostcodeDistrict);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_outward_code_shape() {
        for code in [
            "M1", "M14", "B33", "CR2", "DN55", "W1A", "SW1A", "EC1A", "ec1a", " m14 ", "GIR",
        ] {
            let parsed = PostcodeDistrict::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code.trim().to_ascii_uppercase());
        }
    }

    #[test]
    fn refuses_full_postcodes_with_a_helpful_message() {
        let err = PostcodeDistrict::parse("M14 5AB").unwrap_err();
        assert!(err.message.contains("first part"));
    }

    #[test]
    fn refuses_impossible_districts() {
        for code in [
            "", "14M", "Q1", "V1", "X1", "AI1", "AJ1", "AZ1", "W1I", "EC1C", "SW1AA", "M", "1",
            "M-14",
        ] {
            assert!(PostcodeDistrict::parse(code).is_err(), "{code:?}");
        }
    }
}
