//! What the engine finds: a [`Violation`] of one rule (with the numbers behind it), the
//! [`Report`] a check answers, and the one order findings are listed in.

use super::{RuleId, Severity};
use crate::ids::{ShiftId, UserId};
use serde::{Deserialize, Serialize};
use std::{borrow::Cow, collections::BTreeMap};

/// One breach of one rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "RotaViolation")
)]
pub struct Violation {
    pub rule: RuleId,
    pub severity: Severity,
    /// An admin may accept it with a reason (a warning, or a rule configured so, and
    /// only where the law allows).
    pub overridable: bool,
    /// The carer concerned; none for a finding about a whole shift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carer_id: Option<UserId>,
    pub shift_ids: Vec<ShiftId>,
    /// Plain English, with the numbers behind it.
    pub message: String,
    /// The same numbers, for machines: e.g. `average_hours`, `limit_hours`.
    #[cfg_attr(feature = "schemars", schemars(with = "BTreeMap<String, f64>"))]
    pub details: Details,
}

/// The numbers behind a violation, by name; a JSON object on the wire. A short list
/// rather than a map: a violation has at most three, and the engine makes thousands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details(pub(super) Vec<(Cow<'static, str>, f64)>);

impl Details {
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, value)| value)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(name, value)| (name.as_ref(), *value))
    }
}

impl std::ops::Index<&str> for Details {
    type Output = f64;

    fn index(&self, name: &str) -> &f64 {
        &self
            .0
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no detail {name:?}"))
            .1
    }
}

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, f64>::deserialize(deserializer)?;
        Ok(Details(
            map.into_iter()
                .map(|(name, value)| (Cow::Owned(name), value))
                .collect(),
        ))
    }
}

impl Violation {
    /// Errors that cannot be overridden stop a rota from being published.
    pub fn blocks_publishing(&self) -> bool {
        self.severity == Severity::Error && !self.overridable
    }

    fn sort_key(&self) -> (RuleId, Option<UserId>, &[ShiftId], &str) {
        (self.rule, self.carer_id, &self.shift_ids, &self.message)
    }
}

/// The answer to a rota check: every violation, and how many of each kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "RotaCheck")
)]
pub struct Report {
    pub violations: Vec<Violation>,
    pub errors: u32,
    pub warnings: u32,
    /// Errors that cannot be overridden: while any remain, the rota cannot be published.
    pub blocking: u32,
}

impl Report {
    pub fn new(violations: Vec<Violation>) -> Report {
        let count =
            |keep: fn(&Violation) -> bool| violations.iter().filter(|v| keep(v)).count() as u32;
        Report {
            errors: count(|v| v.severity == Severity::Error),
            warnings: count(|v| v.severity == Severity::Warning),
            blocking: count(Violation::blocks_publishing),
            violations,
        }
    }
}

/// Puts violations in one order (rule, carer, shifts, message), so two validations of
/// the same rota compare equal.
pub fn sort_violations(violations: &mut [Violation]) {
    violations.sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The violations that name at least one of `shifts`: what an editor of those shifts
/// has to see (the rest concern other weeks or packages).
pub fn touching(violations: Vec<Violation>, shifts: &[ShiftId]) -> Vec<Violation> {
    violations
        .into_iter()
        .filter(|v| v.shift_ids.iter().any(|s| shifts.contains(s)))
        .collect()
}
