//! Closed sets of named values stored as Postgres enums (roles, competency levels,
//! rating states …): one declaration gives the enum, its database/wire spelling, its
//! label for people, `Display`, `FromStr` and serde, so the three never drift apart.

use std::fmt;

/// A value that is not one of a closed set's spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownVariant {
    /// What was being parsed, e.g. "role".
    pub kind: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?}: expected one of {}",
            self.kind,
            self.value,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownVariant {}

/// Declares a closed set. Each variant gives its database spelling and its label:
///
/// ```text
/// closed_set! {
///     /// How a shift is staffed.
///     pub enum Staffing: "staffing" {
///         Single = "SINGLE", "One carer";
///         Double = "DOUBLE", "Two carers";
///     }
/// }
/// ```
///
/// Crate-internal: domain enums live in this crate (the derives need its serde).
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const SPELLINGS: &'static [&'static str] = &[$($text),+];

            /// The database and wire spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// How the value is named to people.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::closed_set::UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| $crate::closed_set::UnknownVariant {
                        kind: $kind,
                        value: s.to_owned(),
                        expected: Self::SPELLINGS,
                    })
            }
        }
    };
}

pub(crate) use closed_set;
