//! Bounded counts: the range is part of the type.

use crate::ValidationError;
use serde::{Deserialize, Serialize};

macro_rules! bounded_count {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:literal ..= $max:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[serde(try_from = "i32", into = "i32")]
        pub struct $name(u16);

        impl $name {
            pub const MIN: i32 = $min;
            pub const MAX: i32 = $max;

            pub fn new(value: i32) -> Result<Self, ValidationError> {
                if (Self::MIN..=Self::MAX).contains(&value) {
                    Ok(Self(value as u16))
                } else {
                    Err(ValidationError::new(
                        $field,
                        format!("{} must be between {} and {} (got {value})", $what, Self::MIN, Self::MAX),
                    ))
                }
            }

            pub const fn get(self) -> i32 {
                self.0 as i32
            }
        }

        impl TryFrom<i32> for $name {
            type Error = ValidationError;
            fn try_from(value: i32) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for i32 {
            fn from(value: $name) -> i32 {
                value.get()
            }
        }
    };
}

bounded_count!(
    /// Completions of a task that make 100 % (SPEC §2): 1–1000.
    TargetCount, "target_count", 1..=1000, "The target count"
);

bounded_count!(
    /// Completions a carer logs for one task in one entry: 1–100. The same cap applies
    /// to the total per carer × task × London calendar day.
    DailyCompletionCount, "count", 1..=100, "Completions per day"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_count_accepts_its_range_only() {
        assert_eq!(TargetCount::new(1).unwrap().get(), 1);
        assert_eq!(TargetCount::new(1000).unwrap().get(), 1000);
        let err = TargetCount::new(0).unwrap_err();
        assert_eq!(err.field, "target_count");
        assert!(err.message.contains("between 1 and 1000"));
        assert!(TargetCount::new(1001).is_err());
    }

    #[test]
    fn daily_count_is_checked_when_deserialised() {
        let ok: DailyCompletionCount = serde_json::from_str("100").unwrap();
        assert_eq!(ok.get(), 100);
        assert!(serde_json::from_str::<DailyCompletionCount>("101").is_err());
        assert!(serde_json::from_str::<DailyCompletionCount>("-3").is_err());
    }
}
